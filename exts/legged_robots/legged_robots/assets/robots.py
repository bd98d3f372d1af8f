"""Our robots by name: what the robot-agnostic layers (sim2mujoco, play's videos, the style report) need to find a
robot's files from a policy's joints or a clip's robot name, without knowing which robot it is. A robot's variants
are listed here once; only its own configs (``tasks/config/<robot>/``) name its files directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .lus2 import description as lus2
from .paths import lus2_mjcf, lus2_motions, lus2_scene_mjcf


@dataclass(frozen=True)
class Robot:
    name: str  # a variant, e.g. "lus2_27dof"
    joints: tuple[str, ...]  # its actuated joints
    mjcf: Path  # the robot alone
    scene_mjcf: Path  # on a floor with a light (plain MuJoCo)
    motions: Path  # folder of its generated reference clips

    @property
    def motion_files(self) -> tuple[str, ...]:
        """Its generated clips (what a style report compares a gait with)."""
        return tuple(sorted(p.name for p in self.motions.glob("*.pkl")))


ROBOTS: dict[str, Robot] = {
    name: Robot(name, tuple(v.joints), lus2_mjcf(name), lus2_scene_mjcf(name), lus2_motions(name))
    for name, v in lus2.VARIANTS.items()
}


class UnknownRobotError(ValueError):
    pass


def robot_named(name: str) -> Robot:
    if name not in ROBOTS:
        raise UnknownRobotError(f"unknown robot {name!r}; known: {', '.join(sorted(ROBOTS))}")
    return ROBOTS[name]


def robot_with_joints(joint_names) -> Robot:
    """The robot whose actuated joints are exactly ``joint_names`` (any order)."""
    names = set(joint_names)
    for robot in ROBOTS.values():
        if set(robot.joints) == names:
            return robot
    raise UnknownRobotError(f"no robot of ours has exactly these {len(names)} joints: {sorted(names)} "
                            f"(known: {', '.join(sorted(ROBOTS))})")
