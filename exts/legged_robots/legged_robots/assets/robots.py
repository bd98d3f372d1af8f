"""Our robots by name: what the robot-agnostic layers (sim2mujoco, the ROS 2 demo's simulated robot, play's videos,
the style report, the asset generator) need to find a robot's files and facts from a policy's joints or a clip's
robot name, without knowing which robot it is. A robot is registered by its line in ``DESCRIPTIONS``; only its own
configs (``tasks/config/<robot>/``) name its files directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .biped12 import description as biped12
from .lus2 import description as lus2
from .paths import robot_mjcf, robot_motions, robot_scene_mjcf, robot_usd

# Every robot of ours, by its description module (``assets/<robot>/description.py``).
DESCRIPTIONS: tuple[ModuleType, ...] = (
    lus2,
    biped12,
)


@dataclass(frozen=True)
class Robot:
    name: str  # a variant, e.g. "lus2_27dof"
    description: ModuleType  # its facts (``assets/<robot>/description.py``)
    joints: tuple[str, ...]  # its actuated joints
    mjcf: Path  # the robot alone
    scene_mjcf: Path  # on a floor with a light (plain MuJoCo)
    usd: Path
    motions: Path  # folder of its generated reference clips (absent: none)

    @property
    def motion_files(self) -> tuple[str, ...]:
        """Its generated clips (what a style report compares a gait with)."""
        return tuple(sorted(p.name for p in self.motions.glob("*.pkl")))

    @property
    def root_body(self) -> str:
        return self.description.ROOT

    @property
    def left_leg_joints(self) -> tuple[str, ...]:
        """Its actuated joints from the root down to the left foot (``description.FEET[0]``)."""
        by_name, chain, body = self.description.BODY_BY_NAME, [], self.description.FEET[0]
        while by_name[body].parent is not None:
            chain.append(by_name[body].joint)
            body = by_name[body].parent
        return tuple(j for j in reversed(chain) if j in self.joints)


ROBOTS: dict[str, Robot] = {
    name: Robot(name, desc, tuple(v.joints), robot_mjcf(desc.NAME, name), robot_scene_mjcf(desc.NAME, name),
                robot_usd(desc.NAME, name), robot_motions(desc.NAME, name))
    for desc in DESCRIPTIONS for name, v in desc.VARIANTS.items()
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
