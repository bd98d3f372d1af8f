"""AMP's observation: the robot's style frame. The ``amp`` observation group stacks ``amp_obs_frame_num`` of them
with Isaac Lab's observation history (oldest first), which is how ``sample_amp_windows`` lays out expert windows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import ManagerTermBase, SceneEntityCfg

from .reference import StyleFrame, reference_motion

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedEnv


class style_frame(ManagerTermBase):
    """Observation term: the robot's style frame (the reference's ``style`` columns, computed from the simulator).

    Give it ``history_length = amp_obs_frame_num`` in the ``amp`` group: the group is then the (s_{t-k+1}..s_t)
    window the discriminator scores, laid out as refmotion's expert windows."""

    def __init__(self, cfg, env: ManagerBasedEnv):
        super().__init__(cfg, env)
        asset = env.scene[cfg.params.get("asset_cfg", SceneEntityCfg("robot")).name]
        manager = reference_motion(env)
        if "style" not in manager.groups:
            raise ValueError("the amp observation needs ref_motion.style_fields")
        self.frame = StyleFrame(manager.groups["style"], asset.joint_names, asset.body_names)

    def __call__(self, env: ManagerBasedEnv, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
        return self.frame(env.scene[asset_cfg.name].data, env.scene.env_origins)
