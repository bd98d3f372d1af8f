"""Tracking errors against the reference frame (mean squared, per env): what mimic's rewards, terminations,
observations and evaluation measure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import SceneEntityCfg
from isaaclab.utils import math as math_utils

from legged_robots.tasks.amp.mdp.reference import StyleFrame, as_torch, reference_motion

if TYPE_CHECKING:
    pass


def _joint_names(asset, asset_cfg: SceneEntityCfg) -> list[str]:
    ids = asset_cfg.joint_ids
    return list(asset.joint_names) if isinstance(ids, slice) else [asset.joint_names[i] for i in ids]


def joint_error(env, asset_cfg: SceneEntityCfg, kind: str = "pos") -> torch.Tensor:
    """Mean over the selected joints of the squared position (``kind='pos'``) or velocity error to the reference."""
    asset = env.scene[asset_cfg.name]
    names = _joint_names(asset, asset_cfg)
    ref = reference_motion(env).get([f"{n}_dof_{kind}" for n in names])
    sim = as_torch(asset.data.joint_pos if kind == "pos" else asset.data.joint_vel)[:, asset_cfg.joint_ids]
    return (sim - ref).square().mean(dim=-1)


def robot_frame(env, fields, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """The robot's values of refmotion columns ``fields`` (one StyleFrame per field list, built once)."""
    asset = env.scene[asset_cfg.name]
    frames = env.__dict__.setdefault("_st_frames", {})
    key = tuple(fields)
    if key not in frames:
        frames[key] = StyleFrame(fields, asset.joint_names, asset.body_names)
    return frames[key](asset.data, env.scene.env_origins)


def _frame_error(env, fields, asset_cfg: SceneEntityCfg) -> torch.Tensor:
    return robot_frame(env, fields, asset_cfg) - reference_motion(env).get(list(fields))


def link_error(env, kind: str, asset_cfg: SceneEntityCfg) -> torch.Tensor:
    """Mean squared error of the expressive links' positions (``kind='pos'``) or velocities (``'vel'``) relative to
    the base, over the links and axes ``expressive_goal_fields`` names."""
    fields = [f for f in reference_motion(env).groups.get("expressive_goal", ())
              if f.endswith("_b") and f"_{kind}_" in f and not f.startswith("root_") and "_ang_vel_" not in f]
    if not fields:
        return torch.zeros(env.num_envs, device=env.device)
    return _frame_error(env, fields, asset_cfg).square().mean(dim=-1)


def reference_root_pos(env) -> torch.Tensor:
    """Where each robot's root should be: the reference root position re-anchored at the env's reset origin
    (the xy shift ``write_reference_state`` kept, the env origin's height)."""
    ref = reference_motion(env).get(["root_pos_x", "root_pos_y", "root_pos_z"]).clone()
    ref[:, :2] += getattr(env, "_st_ref_xy_offset", torch.zeros_like(ref[:, :2]))
    ref[:, 2] += env.scene.env_origins[:, 2]
    return ref


def root_error(env, kind: str, asset_cfg: SceneEntityCfg) -> torch.Tensor:
    """Root errors: ``pos`` (squared distance to the reference position, re-anchored at the reset origin), ``quat``
    (squared angle of the relative rotation), ``rotation`` (squared angle between the robot's and the reference's
    up axes: roll/pitch only), ``lin_vel`` / ``ang_vel`` (mean squared, base frame)."""
    motion = reference_motion(env)
    data = env.scene[asset_cfg.name].data
    if kind == "pos":
        return (as_torch(data.root_pos_w) - reference_root_pos(env)).square().sum(dim=-1)
    if kind in ("quat", "rotation"):
        ref = motion.get(["root_rot_x", "root_rot_y", "root_rot_z", "root_rot_w"])  # Isaac Lab's x, y, z, w
        quat = as_torch(data.root_quat_w)
        if kind == "quat":
            return math_utils.quat_error_magnitude(quat, ref).square()
        z = torch.tensor([0.0, 0.0, 1.0], device=env.device).expand(quat.shape[0], 3)
        cos = (math_utils.quat_apply(quat, z) * math_utils.quat_apply(ref, z)).sum(-1).clamp(-1.0, 1.0)
        return torch.acos(cos).square()
    fields = [f"root_{'vel' if kind == 'lin_vel' else 'ang_vel'}_{a}_b" for a in "xyz"]
    return _frame_error(env, fields, asset_cfg).square().mean(dim=-1)
