"""lus2 velocity tracking on rough terrain: the robot-agnostic MDP (``tasks/velocity_env_cfg.py``) on lus2's bodies
and joints. Physics runs at 200 Hz (Newton integrates in 2 substeps), the policy at 50 Hz; the numbers come from
``lus2.description`` so the MJCF matches."""

from __future__ import annotations

from isaaclab.utils import configclass

from legged_robots.assets import lus2_articulation_cfg
from legged_robots.assets.lus2 import description as d
from legged_robots.assets.lus2_cfg import actuator_presets
from legged_robots.tasks.velocity.velocity_env_cfg import VelocityRoughEnvCfg

from . import amp_mimic_cfg as tune

FEET = ".*_ankle_roll_link"


def lus2_robot(variant: str):
    """The articulation with its actuators as presets (``presets=real_actuators`` picks the real-robot model)."""
    return lus2_articulation_cfg(variant).replace(actuators=actuator_presets(variant))


@configclass
class Lus2RoughEnvCfg(VelocityRoughEnvCfg):
    """lus2 (27 joints) walking on rough terrain."""

    def __post_init__(self):
        self.set_robot(d, lus2_robot("lus2_27dof"), feet=FEET, torso="torso_link",
                       com_bodies=[d.ROOT, "torso_link", ".*_hip_.*_link"])
        self.set_joint_deviation(hip=[".*_hip_yaw_joint", ".*_hip_roll_joint"], feet=[".*_ankle_roll_joint"],
                                 arms=[".*_shoulder_.*_joint", ".*_elbow_joint"], wrist=[".*_wrist_.*_joint"],
                                 torso=["torso_joint"])
        self.scene.num_envs = tune.NUM_ENVS
        self.episode_length_s = tune.EPISODE_LENGTH_S
        super().__post_init__()

    def use_21_joints(self):
        """Switch to the 21-joint robot (no wrists)."""
        self.scene.robot = lus2_robot("lus2_21dof").replace(prim_path="{ENV_REGEX_NS}/Robot")
        self.rewards.joint_deviation_wrist = None


@configclass
class Lus2RoughPlayEnvCfg(Lus2RoughEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()


@configclass
class Lus2_21dofRoughEnvCfg(Lus2RoughEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.use_21_joints()


@configclass
class Lus2_21dofRoughPlayEnvCfg(Lus2_21dofRoughEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()
