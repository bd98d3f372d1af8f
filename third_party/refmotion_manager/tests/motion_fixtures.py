"""A toy floating-base robot (MJCF) and analytic clips for it: every expected value has a closed form."""

from __future__ import annotations

import math

import numpy as np

from refmotion_manager import MotionClip
from refmotion_manager import fields as F

TOY_MJCF = """
<mujoco model="toy">
  <worldbody>
    <body name="base" pos="0 0 1">
      <freejoint name="root"/>
      <geom type="box" size="0.1 0.1 0.1" mass="1"/>
      <body name="thigh" pos="0 0.1 -0.1">
        <joint name="hip" axis="0 1 0"/>
        <geom type="capsule" fromto="0 0 0 0 0 -0.4" size="0.03" mass="1"/>
        <body name="shin" pos="0 0 -0.4">
          <joint name="knee" axis="0 1 0"/>
          <geom type="capsule" fromto="0 0 0 0 0 -0.4" size="0.03" mass="1"/>
          <body name="foot" pos="0 0 -0.4">
            <joint name="ankle" axis="1 0 0"/>
            <geom type="box" size="0.1 0.05 0.02" mass="0.5"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
</mujoco>
"""
JOINTS = ("hip", "knee", "ankle")
FPS = 50.0


def yaw_quat(yaw):
    yaw = np.asarray(yaw, float)
    return np.stack([np.cos(yaw / 2), 0 * yaw, 0 * yaw, np.sin(yaw / 2)], -1)


def root_pos(t):
    return np.stack([0.3 * t, 0.1 * np.sin(t), 1.0 + 0 * t], -1)


def root_vel(t):
    return np.stack([0.3 + 0 * t, 0.1 * np.cos(t), 0 * t], -1)


YAW_RATE = 0.5


def joint_pos(t):
    return np.stack([0.3 * np.sin(2 * t), 0.2 + 0.1 * np.cos(t), 0.05 * t], -1)


def joint_vel(t):
    return np.stack([0.6 * np.cos(2 * t), -0.1 * np.sin(t), 0.05 + 0 * t], -1)


def toy_clip(seconds: float = 2.0, fps: float = FPS, name: str = "toy", joints=JOINTS) -> MotionClip:
    """Root + joint positions only (what a csv gives)."""
    t = np.arange(int(round(seconds * fps)) + 1) / fps
    frames = np.concatenate([root_pos(t), yaw_quat(YAW_RATE * t), joint_pos(t)[:, : len(joints)]], axis=1)
    return MotionClip(name=name, fps=fps, fields=F.ROOT_POS + F.ROOT_ROT + F.dof_pos(joints), frames=frames)


def ry(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def toy_link_pos_b(q):
    """Base-frame origin of thigh, shin, foot for joint angles (hip, knee, ankle): a planar chain."""
    thigh = np.array([0.0, 0.1, -0.1])
    shin = thigh + ry(q[0]) @ np.array([0, 0, -0.4])
    foot = shin + ry(q[0] + q[1]) @ np.array([0, 0, -0.4])
    return {"thigh": thigh, "shin": shin, "foot": foot}
