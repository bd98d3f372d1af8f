"""biped12 velocity tracking on flat ground: the robot-agnostic MDP (``tasks/velocity_env_cfg.py``) on its bodies
and joints. No arms, wrists or torso joint: those joint-deviation terms and the torso push are off."""

from __future__ import annotations

from isaaclab.utils import configclass

from legged_robots.assets.articulation import actuator_presets, articulation_cfg
from legged_robots.assets.biped12 import description as d
from legged_robots.assets.paths import robot_usd
from legged_robots.tasks.velocity.velocity_env_cfg import VelocityRoughEnvCfg


def biped12_robot():
    return articulation_cfg(d, "biped12", robot_usd(d.NAME, "biped12")).replace(
        actuators=actuator_presets(d, "biped12"))


@configclass
class Biped12FlatEnvCfg(VelocityRoughEnvCfg):
    """biped12 walking on flat ground."""

    def __post_init__(self):
        self.use_flat_ground()
        self.set_robot(d, biped12_robot(), feet="[LR]_foot", torso=None, com_bodies=[d.ROOT])
        self.set_joint_deviation(hip=["[LR]_hip_z", "[LR]_hip_x"], feet=["[LR]_ankle_x"], arms=None, wrist=None,
                                 torso=None)
        self.terminations.base_height.params["minimum_height"] = 0.3  # it stands 0.66 m
        self.rewards.contact_forces.params["threshold"] = 200.0  # ~1.2 x its weight
        super().__post_init__()


@configclass
class Biped12FlatPlayEnvCfg(Biped12FlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()
