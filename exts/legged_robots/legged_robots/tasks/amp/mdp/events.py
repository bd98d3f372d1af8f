"""Reference state init (design 3.2): resets that put robots at a frame of the reference motion."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import SceneEntityCfg

from .reference import reference_motion

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedEnv


def reset_from_reference(env: ManagerBasedEnv, env_ids: torch.Tensor, default_pose_share: float = 0.2,
                         asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> None:
    """Reset event: put ``1 - default_pose_share`` of the resetting envs at a reference frame (refmotion's
    ``init_state()``: clip drawn by weight, frame by ``random_start``, ``specify_init_values`` applied); the
    rest keep the reset the events before this one gave them (the default pose). The clip's xy position is
    replaced by the env's origin; its height, orientation and velocities are kept."""
    if env_ids is None or isinstance(env_ids, slice):  # Isaac Lab passes slice(None) for "all envs"
        env_ids = torch.arange(env.num_envs, device=env.device)[env_ids if isinstance(env_ids, slice) else slice(None)]
    env_ids = torch.as_tensor(env_ids, device=env.device)
    if len(env_ids) == 0:
        return
    manager = reference_motion(env)
    pick = torch.rand(len(env_ids), device=env.device) >= default_pose_share
    ids = env_ids[pick]
    if len(ids) == 0:
        return
    manager.reset(ids)
    write_reference_state(env, ids, manager, asset_cfg)


def write_reference_state(env: ManagerBasedEnv, ids: torch.Tensor, manager,
                          asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> None:
    """Put the robots of ``ids`` at their current reference frame (``init_state()``): root pose and velocity,
    joints (clamped to the soft limits). The clip's xy position is replaced by the env's origin; the shift is kept
    in ``env._st_ref_xy_offset`` (reference xy + offset = where the robot should be)."""
    init = manager.init_state(ids)
    asset = env.scene[asset_cfg.name]
    pos = init["root_pos"].clone()
    if not hasattr(env, "_st_ref_xy_offset"):
        env._st_ref_xy_offset = torch.zeros(env.num_envs, 2, device=env.device)
    env._st_ref_xy_offset[ids] = env.scene.env_origins[ids, :2] - pos[:, :2]
    pos[:, :2] = env.scene.env_origins[ids, :2]
    pos[:, 2] += env.scene.env_origins[ids, 2]
    quat = init["root_quat"][:, [1, 2, 3, 0]]  # w, x, y, z -> Isaac Lab's x, y, z, w
    asset.write_root_pose_to_sim_index(root_pose=torch.cat([pos, quat], dim=-1), env_ids=ids)
    asset.write_root_velocity_to_sim_index(
        root_velocity=torch.cat([init["root_lin_vel_w"], init["root_ang_vel_w"]], dim=-1), env_ids=ids)
    jid = reference_joint_ids(env, manager, asset)
    limits = asset.data.soft_joint_pos_limits.torch[ids][:, jid]
    joint_pos = init["joint_pos"].clamp(limits[..., 0], limits[..., 1])
    asset.write_joint_position_to_sim_index(position=joint_pos, joint_ids=jid, env_ids=ids)
    if "joint_vel" in init:
        asset.write_joint_velocity_to_sim_index(velocity=init["joint_vel"], joint_ids=jid, env_ids=ids)


def reference_joint_ids(env: ManagerBasedEnv, manager, asset) -> torch.Tensor:
    """The robot's joint index of each joint the reference's init state carries (in its order)."""
    if not hasattr(env, "_st_ref_joint_ids"):
        missing = [j for j in manager.init_joint_names if j not in asset.joint_names]
        if missing:
            raise KeyError(f"reference clips drive joints the robot lacks: {', '.join(missing)}")
        env._st_ref_joint_ids = torch.tensor([asset.joint_names.index(j) for j in manager.init_joint_names],
                                             device=env.device)
    return env._st_ref_joint_ids
