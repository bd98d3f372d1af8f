"""The parts a robot's description module (``assets/<robot>/description.py``) is written in: motors, actuator
groups, bodies with their shapes, joint-count variants, and the kinematics the generators and the standing pose
need. Nothing here knows a robot; it imports nothing but numpy so the generators run without Isaac Lab."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class Motor:
    """A geared motor. Gains follow the motor: kp = I w^2, kd = 2 zeta I w, with I = gear^2 I_rotor."""

    gear: float
    rotor_inertia: float
    natural_freq_hz: float = 10.0
    damping_ratio: float = 1.2

    @property
    def armature(self) -> float:
        """Reflected rotor inertia [kg m^2]; also the joint armature."""
        return self.gear**2 * self.rotor_inertia

    @property
    def stiffness(self) -> float:
        return self.armature * (2.0 * math.pi * self.natural_freq_hz) ** 2

    @property
    def damping(self) -> float:
        return 2.0 * self.damping_ratio * self.armature * 2.0 * math.pi * self.natural_freq_hz


@dataclass(frozen=True)
class ActuatorGroup:
    name: str
    joint_patterns: tuple[str, ...]  # regexes over joint names, Isaac Lab style
    motor: Motor
    effort_limit: float
    velocity_limit: float


def actuator_group(groups: tuple[ActuatorGroup, ...], joint: str) -> ActuatorGroup:
    """The group of ``groups`` driving ``joint``."""
    for g in groups:
        if any(re.fullmatch(p, joint) for p in g.joint_patterns):
            return g
    raise KeyError(f"joint {joint!r} is in no actuator group")


@dataclass(frozen=True)
class Shape:
    """A primitive. ``size``: box half-extents (3); sphere (r,); capsule/cylinder (r, half-length along z).

    ``collide``: a collision shape (touches the ground); otherwise visual only.
    """

    kind: str
    size: tuple[float, ...]
    pos: tuple[float, float, float] = (0.0, 0.0, 0.0)
    collide: bool = True
    rgba: tuple[float, float, float, float] = (0.7, 0.7, 0.75, 1.0)


DARK = (0.25, 0.25, 0.3, 1.0)
LIGHT = (0.75, 0.75, 0.8, 1.0)
ACCENT = (0.9, 0.45, 0.1, 1.0)

_AXES = {"x": (1.0, 0.0, 0.0), "y": (0.0, 1.0, 0.0), "z": (0.0, 0.0, 1.0)}


@dataclass(frozen=True)
class Body:
    """A link and the joint to its parent. ``offset``: its origin in the parent's frame at zero joint angles."""

    name: str
    parent: str | None
    offset: tuple[float, float, float]
    joint: str | None  # None: the free-floating root
    axis: str | None  # "x" | "y" | "z"
    range: tuple[float, float] | None
    mass: float
    com: tuple[float, float, float]
    inertia: tuple[float, float, float]  # principal, axis-aligned approximation
    roll: float = 0.0  # fixed rotation of the body frame about its parent's x [rad]
    shapes: tuple[Shape, ...] = field(default_factory=tuple)

    @property
    def axis_vector(self) -> tuple[float, float, float]:
        return _AXES[self.axis] if self.axis else (0.0, 0.0, 0.0)


def capsule(r: float, z_top: float, z_bottom: float, collide: bool = True, rgba=LIGHT, x: float = 0.0,
            y: float = 0.0) -> Shape:
    """A z-aligned capsule whose cylinder part spans z_bottom..z_top."""
    return Shape("capsule", (r, 0.5 * (z_top - z_bottom)), (x, y, 0.5 * (z_top + z_bottom)), collide, rgba)


def mirror_body(body: Body, mirror_name) -> Body:
    """``body`` mirrored about the sagittal plane (``mirror_name``: a name on one side -> the other's): y negated,
    roll/yaw ranges and the frame roll mirrored."""
    lo, hi = body.range
    rng = (-hi, -lo) if body.axis in ("x", "z") else (lo, hi)
    flip = lambda v: (v[0], -v[1], v[2])  # noqa: E731
    shapes = tuple(replace(s, pos=flip(s.pos)) for s in body.shapes)
    name = lambda n: None if n is None else mirror_name(n)  # noqa: E731
    return replace(body, name=name(body.name), parent=name(body.parent), offset=flip(body.offset),
                   joint=name(body.joint), range=rng, com=flip(body.com), roll=-body.roll, shapes=shapes)


def mirror_sign(bodies: tuple[Body, ...], joint: str) -> float:
    """-1 for a joint whose angle changes sign in the mirror image (about x or z: roll, yaw), +1 about y (pitch)."""
    return -1.0 if next(b for b in bodies if b.joint == joint).axis in ("x", "z") else 1.0


@dataclass(frozen=True)
class Variant:
    """A joint-count variant. Joints of the tree that are not in ``joints`` are fixed (welded)."""

    name: str
    joints: tuple[str, ...]

    @property
    def num_joints(self) -> int:
        return len(self.joints)

    def is_active(self, joint: str | None) -> bool:
        return joint is not None and joint in self.joints


def resolve_joint_values(patterns: dict[str, float], joints) -> dict[str, float]:
    """A value per joint from ``{regex: value}`` (the last matching pattern wins; 0 where none matches)."""
    out = {}
    for j in joints:
        out[j] = 0.0
        for pattern, value in patterns.items():
            if re.fullmatch(pattern, j):
                out[j] = value
    return out


def rot(axis: str, angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    if axis == "x":
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == "y":
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def quat_from_matrix(rot: np.ndarray) -> tuple[float, float, float, float]:
    """Rotation matrix -> unit quaternion (w, x, y, z), w >= 0."""
    w = math.sqrt(max(0.0, 1.0 + rot[0, 0] + rot[1, 1] + rot[2, 2])) / 2.0
    x = math.copysign(math.sqrt(max(0.0, 1.0 + rot[0, 0] - rot[1, 1] - rot[2, 2])) / 2.0, rot[2, 1] - rot[1, 2])
    y = math.copysign(math.sqrt(max(0.0, 1.0 - rot[0, 0] + rot[1, 1] - rot[2, 2])) / 2.0, rot[0, 2] - rot[2, 0])
    z = math.copysign(math.sqrt(max(0.0, 1.0 - rot[0, 0] - rot[1, 1] + rot[2, 2])) / 2.0, rot[1, 0] - rot[0, 1])
    return (w, x, y, z)


def frame_rotation(body: Body) -> np.ndarray:
    """Fixed rotation of the body frame in its parent (before the joint rotates it)."""
    return rot("x", body.roll)


def forward_kinematics(bodies: tuple[Body, ...], q: dict[str, float] | None = None,
                       root_pos=(0.0, 0.0, 0.0)) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """World (position, rotation matrix) of every body frame (parents listed before children), root at
    ``root_pos`` with identity rotation."""
    q = q or {}
    poses: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for b in bodies:
        if b.parent is None:
            poses[b.name] = (np.asarray(root_pos, dtype=float), np.eye(3))
            continue
        p_pos, p_rot = poses[b.parent]
        r = p_rot @ frame_rotation(b) @ rot(b.axis, q.get(b.joint, 0.0))
        poses[b.name] = (p_pos + p_rot @ np.asarray(b.offset), r)
    return poses


def box_corners_z(poses, bodies, half, pos) -> np.ndarray:
    """World z of the eight corners of a box (half-extents ``half`` at ``pos``) on each of ``bodies``."""
    corners = np.array([[sx * half[0], sy * half[1], sz * half[2]] for sx in (-1, 1) for sy in (-1, 1)
                        for sz in (-1, 1)])
    return np.array([(p + r @ (np.asarray(pos) + c))[2] for b in bodies for c in corners for p, r in [poses[b]]])


def center_of_mass(bodies: tuple[Body, ...], poses) -> np.ndarray:
    """World centre of mass for body poses from ``forward_kinematics``."""
    weighted = sum(b.mass * (poses[b.name][0] + poses[b.name][1] @ np.asarray(b.com)) for b in bodies)
    return weighted / sum(b.mass for b in bodies)


def contact_solref(ke: float, kd: float) -> tuple[float, float]:
    """MuJoCo's (timeconst, damping ratio) for Newton's contact stiffness ``ke`` and damping ``kd``."""
    return 2.0 / kd, kd / 2.0 / math.sqrt(ke)
