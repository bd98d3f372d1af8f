"""Mimic's observations (design 3.5): the next goal, the robot's own expressive fields and the reference root seen
from the robot.

refmotion_manager's field helpers are imported in the term that uses them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import SceneEntityCfg
from isaaclab.utils import math as math_utils

from legged_robots.tasks.amp.mdp.reference import as_torch, reference_motion

from .tracking import reference_root_pos, robot_frame

if TYPE_CHECKING:
    pass


def expressive_goal_next(env, command_name: str = "expressive_goal_commands") -> torch.Tensor:
    return env.command_manager.get_term(command_name).next_goal


def robot_expressive_frame(env, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """The robot's own values of the ``expressive_goal`` columns (what the goal is compared with)."""
    return robot_frame(env, reference_motion(env).groups["expressive_goal"], asset_cfg)


def reference_root_pose_b(env, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """Where the reference root is, seen from the robot: its position relative to the robot's root and its
    orientation relative to the robot's (the rotation matrix's first two columns), in the robot's base frame
    (9 values; BeyondMimic's anchor pose). The feedback that keeps a tracker from drifting off the clip; on a
    robot it needs the base's world pose (odometry)."""
    data = env.scene[asset_cfg.name].data
    quat = as_torch(data.root_quat_w)
    ref_q = reference_motion(env).get(["root_rot_x", "root_rot_y", "root_rot_z", "root_rot_w"])
    pos = math_utils.quat_apply_inverse(quat, reference_root_pos(env) - as_torch(data.root_pos_w))
    rot = math_utils.matrix_from_quat(math_utils.quat_mul(math_utils.quat_conjugate(quat), ref_q))
    return torch.cat([pos, rot[..., :, 0], rot[..., :, 1]], dim=-1)


def robot_expressive_link_vel(env, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """The linear velocities (base frame) of the links the expressive goal names (design 3.5: the critic's body
    states are the expressive links' positions and velocities)."""
    from refmotion_manager import fields as F

    links = F.links_in(reference_motion(env).groups["expressive_goal"])
    return robot_frame(env, [f for link in links for f in F.link_vel(link)], asset_cfg)
