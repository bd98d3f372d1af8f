"""lus2 mimic: follow a reference clip (design 3.4-3.8) on flat ground.

From the flat velocity task it keeps the robot, physics, randomization and the regularization rewards; it drops
what belongs to velocity tracking (the velocity command, its rewards and curriculum, the pull toward the default
pose) and adds the reference: ``expressive_goal_commands`` (clip drawn and robot reset to it at every reset), the
goal in the policy's observation (the next frame and the robot's own expressive links for the critic), the 13
tracking rewards and the adaptive tracking-error terminations. Settings: ``amp_mimic_cfg.py``.
"""

from __future__ import annotations

from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.utils import configclass

from legged_robots.assets.paths import lus2_mjcf, lus2_motions
from legged_robots.tasks.mimic import mdp as mimic_mdp
from legged_robots.tasks.velocity import mdp

from . import amp_mimic_cfg as tune
from .amp_env_cfg import Lus2RefMotionCfg
from .flat_env_cfg import Lus2FlatEnvCfg

# joint sets from lus2's actuator groups: upper body (torso, arms, wrists), lower (hips, knees), feet (ankles)
UPPER = ["torso_joint", ".*_shoulder_.*_joint", ".*_elbow_joint", ".*_wrist_.*_joint"]
LOWER = [".*_hip_.*_joint", ".*_knee_joint"]
FEET_JOINTS = [".*_ankle_.*_joint"]
VELOCITY_ONLY_REWARDS = ("track_lin_vel_xy_exp", "track_ang_vel_z_exp", "track_ang_vel_z_l1", "feet_air_time",
                         "joint_deviation_hip", "joint_deviation_feet", "joint_deviation_arms",
                         "joint_deviation_wrist", "joint_deviation_torso")


def mimic_ref_motion_cfg(variant: str) -> Lus2RefMotionCfg:
    folder = lus2_motions(variant)
    return Lus2RefMotionCfg(
        motion_files=[str(folder / f) for f in tune.MIMIC_MOTION_FILES], robot_mjcf=str(lus2_mjcf(variant)),
        random_start=tune.RANDOM_START, init_state_fields=tune.INIT_STATE_FIELDS,
        expressive_goal_fields=tune.EXPRESSIVE_GOAL_FIELDS, time_between_frames=tune.TIME_BETWEEN_FRAMES,
        ref_length_s=tune.MIMIC_REF_LENGTH_S, trajectory_num=tune.NUM_ENVS,
        specify_init_values=tune.SPECIFY_INIT_VALUES)


def _joints(patterns) -> SceneEntityCfg:
    return SceneEntityCfg("robot", joint_names=list(patterns))


def _track(func, term: str, **params) -> RewTerm:
    weight, std = tune.TRACKING_REWARDS[term]
    return RewTerm(func=func, weight=weight, params={"std": std, **params})


@configclass
class Lus2MimicFlatEnvCfg(Lus2FlatEnvCfg):
    """lus2 (27 joints) following our reference clips."""

    ref_motion: Lus2RefMotionCfg = mimic_ref_motion_cfg("lus2_27dof")

    def __post_init__(self):
        super().__post_init__()
        self.episode_length_s = tune.MIMIC_EPISODE_LENGTH_S
        self.without_gait_clock()
        # the reference replaces the velocity command; the command's reset writes the robot's reference state
        self.commands.base_velocity = None
        self.commands.expressive_goal_commands = mimic_mdp.ExpressiveCommandCfg()
        self.curriculum.command_levels = None
        self.events.reset_base = None
        self.events.reset_robot_joints = None
        self.events.push_robot = None  # a push is not in the clip: it would be tracked as an error
        for obs in (self.observations.policy, self.observations.critic):
            obs.velocity_commands = None
            obs.expressive_goal = ObsTerm(func=mdp.generated_commands,
                                          params={"command_name": "expressive_goal_commands"})
            if tune.MIMIC_OBSERVE_REFERENCE_POSE:
                obs.reference_root_pose = ObsTerm(func=mimic_mdp.reference_root_pose_b)
        self.observations.critic.expressive_goal_next = ObsTerm(func=mimic_mdp.expressive_goal_next)
        self.observations.critic.expressive_links = ObsTerm(func=mimic_mdp.robot_expressive_frame)
        self.observations.critic.expressive_link_vel = ObsTerm(func=mimic_mdp.robot_expressive_link_vel)
        for name in VELOCITY_ONLY_REWARDS:
            setattr(self.rewards, name, None)
        for group, joints in (("upper", UPPER), ("lower", LOWER), ("feet", FEET_JOINTS)):
            for kind, func in (("pos", mimic_mdp.track_joint_pos_exp), ("vel", mimic_mdp.track_joint_vel_exp)):
                term = f"track_{group}_joint_{kind}_exp"
                setattr(self.rewards, term, _track(func, term, asset_cfg=_joints(joints)))
        self.rewards.track_link_pos_exp = _track(mimic_mdp.track_link_pos_exp, "track_link_pos_exp")
        self.rewards.track_link_vel_exp = _track(mimic_mdp.track_link_vel_exp, "track_link_vel_exp")
        for kind in ("pos", "quat", "rotation", "lin_vel", "ang_vel"):
            term = f"track_root_{kind}_exp"
            setattr(self.rewards, term, _track(mimic_mdp.track_root_exp, term, kind=kind))
        # whole clips (ref_length_s=None) end the episode at the clip's end; with a window it ends with time_out
        self.terminations.reference_end = DoneTerm(func=mimic_mdp.reference_finished, time_out=True)
        for term, error, joints in (("tracking_lower_dof_error", "lower_joint_pos", LOWER),
                                    ("tracking_upper_dof_error", "upper_joint_pos", UPPER),
                                    ("tracking_root_pos_error", "root_pos", None)):
            limits = tune.TRACKING_TERMINATIONS[term]
            if error == "root_pos" and not tune.MIMIC_OBSERVE_REFERENCE_POSE:
                limits = None  # a policy that cannot see its drift is not ended for it
            if limits is not None:
                params = {"error": error, "min": limits[0], "max": limits[1]}
                if joints:
                    params["asset_cfg"] = _joints(joints)
                setattr(self.terminations, term,
                        DoneTerm(func=mimic_mdp.tracking_error_adaptive_termination, params=params))

    def use_21_joints(self):
        super().use_21_joints()
        self.ref_motion = mimic_ref_motion_cfg("lus2_21dof")
        upper = [p for p in UPPER if "wrist" not in p]  # no wrists on the 21-joint robot
        for name in ("track_upper_joint_pos_exp", "track_upper_joint_vel_exp"):
            getattr(self.rewards, name).params["asset_cfg"] = _joints(upper)
        if getattr(self.terminations, "tracking_upper_dof_error", None) is not None:
            self.terminations.tracking_upper_dof_error.params["asset_cfg"] = _joints(upper)


@configclass
class Lus2MimicFlatPlayEnvCfg(Lus2MimicFlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()


@configclass
class Lus2_21dofMimicFlatEnvCfg(Lus2MimicFlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.use_21_joints()


@configclass
class Lus2_21dofMimicFlatPlayEnvCfg(Lus2_21dofMimicFlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()
