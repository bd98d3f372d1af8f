"""Mimic's terminations (design 3.7): a tracking error past an adaptive threshold; the end of the reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import ManagerTermBase, SceneEntityCfg

from .tracking import joint_error, root_error

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedRLEnv


class tracking_error_adaptive_termination(ManagerTermBase):
    """End an env's episode when its tracking error passes an adaptive threshold (design 3.7).

    Rule: ``threshold = clip(factor * typical, min, max)``, where ``typical`` is an exponential moving average
    (rate ``ema``) of the mean error over envs each step, started at ``max / factor``. While the policy tracks
    badly the threshold stays at ``max`` (loose); as the typical error falls it tightens toward ``min``; if
    tracking gets worse it loosens again. ``error``: ``lower_joint_pos`` / ``upper_joint_pos`` (RMS joint
    error of ``asset_cfg``'s joints, rad) or ``root_pos`` (root distance, m). ``threshold`` and ``typical`` are
    attributes (floats); :meth:`state_dict` / :meth:`load_state_dict` carry them. They live on the env's device
    as tensors, so a step reads no value back to the host."""

    def __init__(self, cfg, env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        p = cfg.params
        self.min, self.max = float(p["min"]), float(p["max"])
        if not 0 < self.min <= self.max:
            raise ValueError(f"tracking_error_adaptive_termination: need 0 < min <= max, got {self.min}, {self.max}")
        self.factor = float(p.get("factor", 3.0))
        # float64: the values read back (state_dict, checkpoints) are exactly the ones written
        self._typical = torch.tensor(self.max / self.factor, dtype=torch.float64, device=env.device)
        self._threshold = torch.tensor(self.max, dtype=torch.float64, device=env.device)

    @property
    def typical(self) -> float:
        return float(self._typical)

    @property
    def threshold(self) -> float:
        return float(self._threshold)

    @property
    def threshold_tensor(self) -> torch.Tensor:
        """The threshold on the device, for logs (no host read)."""
        return self._threshold.float().clone()

    def update(self, mean_error, ema: float) -> None:
        """``mean_error``: this step's mean error over envs (a float or a 0-d tensor)."""
        self._typical += ema * (mean_error - self._typical)
        self._threshold = (self.factor * self._typical).clamp(self.min, self.max)

    def state_dict(self) -> dict:
        return {"typical": self.typical, "threshold": self.threshold}

    def load_state_dict(self, state: dict) -> None:
        self._typical.fill_(float(state["typical"]))
        self._threshold = torch.tensor(float(state["threshold"]), dtype=torch.float64, device=self._typical.device)

    def __call__(self, env, error: str, min: float, max: float, factor: float = 3.0, ema: float = 0.001,
                 asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
        if error == "root_pos":
            e = root_error(env, "pos", asset_cfg).sqrt()
        elif error.endswith("joint_pos"):
            e = joint_error(env, asset_cfg, "pos").sqrt()
        else:
            raise ValueError(f"tracking_error_adaptive_termination: unknown error {error!r}")
        done = e > self._threshold
        self.update(e.mean(), ema)
        return done


def reference_finished(env, command_name: str = "expressive_goal_commands") -> torch.Tensor:
    """The env's reference reached the end of its window, or of its clip when it plays whole non-looping clips
    (``ref_length_s=None``): the episode ends there as a time-out, as motion tracking ends at the motion's end."""
    return env.command_manager.get_term(command_name).motion.finished
