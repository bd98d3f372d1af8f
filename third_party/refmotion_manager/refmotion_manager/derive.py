"""Derived quantities: what a clip of root pose + joint positions lacks, computed from what it has.

Time derivatives use central differences inside the clip and second-order one-sided differences on its
first and last frame (``numpy.gradient``, ``edge_order=2``); a loop clip is not assumed to join up smoothly.
Angular velocity comes from the relative rotation of neighbouring frames, ``log(q[t+1] q[t-1]^-1) / 2dt``.
Link quantities come from forward kinematics on the robot's MJCF (``RobotModel``).
"""

from __future__ import annotations

import numpy as np

from . import fields as F
from . import quat
from .clip import MotionClip
from .kinematics import RobotModel


def finite_difference(x: np.ndarray, dt: float) -> np.ndarray:
    if len(x) < 2:
        return np.zeros_like(x)
    return np.gradient(x, dt, axis=0, edge_order=2 if len(x) >= 3 else 1)


def angular_velocity_world(q: np.ndarray, dt: float) -> np.ndarray:
    """World-frame angular velocity (T, 3) of a quaternion track (T, 4), w first."""
    T = len(q)
    if T < 2:
        return np.zeros((T, 3))
    w = np.empty((T, 3))
    w[1:-1] = quat.log(quat.mul(q[2:], quat.conj(q[:-2]))) / (2.0 * dt)
    w[0] = quat.log(quat.mul(q[1], quat.conj(q[0]))) / dt
    w[-1] = quat.log(quat.mul(q[-1], quat.conj(q[-2]))) / dt
    return w


def complete(clip: MotionClip, robot: RobotModel | None = None, links=None) -> MotionClip:
    """Add every missing derived column: root velocities (world and base frame), joint velocities, and,
    with a robot model, link position/orientation/velocities in the base frame for ``links`` (default:
    every link of the robot). Columns the clip already has are kept as they are."""
    dt = clip.dt
    root_pos, root_rot = clip.get(F.ROOT_POS), clip.get(F.ROOT_ROT)

    if not clip.has(*F.root_vel("w")):
        clip = clip.with_columns(F.root_vel("w"), finite_difference(root_pos, dt))
    if not clip.has(*F.root_ang_vel("w")):
        clip = clip.with_columns(F.root_ang_vel("w"), angular_velocity_world(root_rot, dt))
    lin_w, ang_w = clip.get(F.root_vel("w")), clip.get(F.root_ang_vel("w"))
    if not clip.has(*F.root_vel("b")):
        clip = clip.with_columns(F.root_vel("b"), quat.rotate_inverse(root_rot, lin_w))
    if not clip.has(*F.root_ang_vel("b")):
        clip = clip.with_columns(F.root_ang_vel("b"), quat.rotate_inverse(root_rot, ang_w))

    joints = clip.joint_names
    missing_vel = [j for j in joints if f"{j}_dof_vel" not in clip.fields]
    if missing_vel:
        clip = clip.with_columns(F.dof_vel(missing_vel), finite_difference(clip.get(F.dof_pos(missing_vel)), dt))

    if robot is None:
        return clip
    links = tuple(robot.link_names if links is None else links)
    todo = [link for link in links
            if not clip.has(*F.link_pos(link), *F.link_rot(link), *F.link_vel(link), *F.link_ang_vel(link))]
    if not todo:
        return clip
    st = robot.link_states(root_pos, root_rot, clip.get(F.dof_pos(joints)), joints, todo,
                           lin_w, ang_w, clip.get(F.dof_vel(joints)))
    names, cols = [], []
    for k, link in enumerate(todo):
        for group, key in ((F.link_pos, "pos"), (F.link_rot, "rot"), (F.link_vel, "vel"), (F.link_ang_vel, "ang_vel")):
            names += group(link)
            cols.append(st[key][:, k])
    return clip.with_columns(names, np.concatenate(cols, axis=1))
