"""Our reward terms: the ones design 3.4 lists that Isaac Lab does not have. Each docstring states the
formula; the reward manager multiplies the value by the term's weight and the env step ``dt``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import ManagerTermBase, SceneEntityCfg
from isaaclab.utils.math import euler_xyz_from_quat, wrap_to_pi

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedRLEnv
    from isaaclab.managers import RewardTermCfg


def energy_cost(env: ManagerBasedRLEnv, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """Mechanical power: ``sum_j |tau_j * qd_j|`` [W], applied joint torque times joint velocity."""
    asset = env.scene[asset_cfg.name]
    tau = asset.data.applied_torque.torch[:, asset_cfg.joint_ids]
    qd = asset.data.joint_vel.torch[:, asset_cfg.joint_ids]
    return torch.sum(torch.abs(tau * qd), dim=1)


def feet_parallel_v1(env: ManagerBasedRLEnv, std: float = 0.1,
                     asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """Feet kept parallel: ``exp(-(wrap(yaw_left - yaw_right) / std)^2)``, 1 when both feet point the same way.

    ``asset_cfg.body_ids`` selects exactly two bodies (left foot, right foot); yaw is each foot's heading
    in the world frame."""
    asset = env.scene[asset_cfg.name]
    quat = asset.data.body_quat_w.torch[:, asset_cfg.body_ids]  # (N, 2, 4)
    _, _, yaw = euler_xyz_from_quat(quat.reshape(-1, 4))
    yaw = yaw.reshape(-1, 2)
    return torch.exp(-torch.square(wrap_to_pi(yaw[:, 0] - yaw[:, 1]) / std))


def feet_stumble(env: ManagerBasedRLEnv, sensor_cfg: SceneEntityCfg, ratio: float = 4.0) -> torch.Tensor:
    """Stumbling: 1 when any foot's horizontal contact force exceeds ``ratio`` times its vertical one,
    ``any_f(|F_xy| > ratio * |F_z|)``, i.e. a foot hits an edge instead of landing on it (else 0)."""
    sensor = env.scene.sensors[sensor_cfg.name]
    forces = sensor.data.net_forces_w.torch[:, sensor_cfg.body_ids]  # (N, feet, 3)
    horizontal = torch.linalg.norm(forces[..., :2], dim=-1)
    return torch.any(horizontal > ratio * torch.abs(forces[..., 2]), dim=1).float()


class action_smoothness_2(ManagerTermBase):
    """Second-order action smoothness: ``||a_t - 2 a_{t-1} + a_{t-2}||^2`` (the action's discrete
    acceleration). Histories start at the current action on reset, so the first steps are not penalized
    for the jump from a previous episode."""

    def __init__(self, cfg: RewardTermCfg, env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        dim = env.action_manager.total_action_dim
        self._prev = torch.zeros(env.num_envs, dim, device=env.device)
        self._prev2 = torch.zeros(env.num_envs, dim, device=env.device)
        self._fresh = torch.ones(env.num_envs, dtype=torch.bool, device=env.device)

    def reset(self, env_ids=None) -> None:
        self._fresh[slice(None) if env_ids is None else env_ids] = True

    def __call__(self, env: ManagerBasedRLEnv) -> torch.Tensor:
        a = env.action_manager.action
        fresh = self._fresh[:, None]
        self._prev = torch.where(fresh, a, self._prev)
        self._prev2 = torch.where(fresh, a, self._prev2)
        value = torch.sum(torch.square(a - 2.0 * self._prev + self._prev2), dim=1)
        self._prev2, self._prev = self._prev, a.clone()
        self._fresh[:] = False
        return value
