"""``style_goal_commands`` (design 3.6): targets for some style fields, rewarded by ``track_style_goal_exp``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import CommandTerm, CommandTermCfg
from isaaclab.utils import configclass

from .reference import StyleFrame, reference_motion

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedRLEnv


class StyleCommand(CommandTerm):
    """``style_goal_commands`` (design 3.6): one target per ``style_goal_fields`` column, drawn uniformly from the
    range that matches the field (velocities: ``velocity_range``, heading-like fields: ``heading_range``),
    resampled every ``resampling_time_range`` seconds. ``track_style_goal_exp`` rewards following it."""

    cfg: "StyleCommandCfg"

    def __init__(self, cfg: "StyleCommandCfg", env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        manager = reference_motion(env)
        if "style_goal" not in manager.groups:
            raise ValueError("style_goal_commands need ref_motion.style_goal_fields")
        asset = env.scene[cfg.asset_name]
        self.frame = StyleFrame(manager.groups["style_goal"], asset.joint_names, asset.body_names)
        self.asset = asset
        lo, hi = [], []
        for f in self.frame.fields:
            r = cfg.heading_range if ("rot" in f or "heading" in f) else cfg.velocity_range
            lo.append(r[0])
            hi.append(r[1])
        self._lo = torch.tensor(lo, device=self.device)
        self._hi = torch.tensor(hi, device=self.device)
        self._goal = torch.zeros(self.num_envs, len(self.frame.fields), device=self.device)
        self.metrics["error_style_goal"] = torch.zeros(self.num_envs, device=self.device)

    @property
    def command(self) -> torch.Tensor:
        return self._goal

    def current(self) -> torch.Tensor:
        return self.frame(self.asset.data, self._env.scene.env_origins)

    def _update_metrics(self):
        self.metrics["error_style_goal"][:] = (self.current() - self._goal).norm(dim=-1)  # in place (inference mode)

    def _resample_command(self, env_ids):
        n = self._goal[env_ids].shape[0]  # env_ids may be a slice (all envs)
        u = torch.rand(n, self._goal.shape[1], device=self.device)
        self._goal[env_ids] = self._lo + u * (self._hi - self._lo)

    def _update_command(self):
        pass


@configclass
class StyleCommandCfg(CommandTermCfg):
    class_type: type = StyleCommand
    asset_name: str = "robot"
    velocity_range: tuple[float, float] = (-1.0, 1.0)
    heading_range: tuple[float, float] = (-3.141592653589793, 3.141592653589793)
    resampling_time_range: tuple[float, float] = (10.0, 10.0)
