"""lus2 AMP: the flat velocity task plus a style prior learned from our reference clips.

What changes from ``flat_env_cfg.py``: a ``ref_motion`` config (refmotion_manager), an ``amp`` observation group
(the robot's style frames, ``amp_obs_frame_num`` of them), resets from reference frames, and, with
``STYLE_GOAL_FIELDS`` set, the style goal command and its reward. The discriminator and the style reward live in
st_rl's AmpPPO (``agents/st_rl_ppo_cfg.py``); every setting is in ``amp_mimic_cfg.py``.
"""

from __future__ import annotations

from isaaclab.managers import EventTermCfg as EventTerm
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.utils import configclass

from legged_robots.assets.paths import lus2_mjcf, lus2_motions
from legged_robots.tasks.amp import mdp as amp_mdp
from legged_robots.tasks.velocity.velocity_env_cfg import ObservationsCfg
from refmotion_manager import RefMotionCfg

from . import amp_mimic_cfg as tune
from .flat_env_cfg import Lus2FlatEnvCfg


@configclass
class Lus2RefMotionCfg(RefMotionCfg):
    """refmotion_manager's config as part of the env config (so ``env.ref_motion.<field>=`` overrides it)."""


def ref_motion_cfg(variant: str) -> Lus2RefMotionCfg:
    folder = lus2_motions(variant)
    return Lus2RefMotionCfg(
        motion_files=[str(folder / f) for f in tune.MOTION_FILES], robot_mjcf=str(lus2_mjcf(variant)),
        random_start=tune.RANDOM_START,
        amp_obs_frame_num=tune.AMP_OBS_FRAME_NUM, init_state_fields=tune.INIT_STATE_FIELDS,
        style_fields=tune.STYLE_FIELDS, style_goal_fields=tune.STYLE_GOAL_FIELDS,
        time_between_frames=tune.TIME_BETWEEN_FRAMES, ref_length_s=tune.REF_LENGTH_S,
        trajectory_num=tune.NUM_ENVS, specify_init_values=tune.SPECIFY_INIT_VALUES)


@configclass
class AmpObservationsCfg(ObservationsCfg):
    @configclass
    class AmpCfg(ObsGroup):
        """The discriminator's input: the last ``amp_obs_frame_num`` style frames, oldest first, noise-free."""

        style = ObsTerm(func=amp_mdp.style_frame, history_length=tune.AMP_OBS_FRAME_NUM)

        def __post_init__(self):
            self.enable_corruption = False
            self.concatenate_terms = True

    amp: AmpCfg = AmpCfg()


@configclass
class Lus2AmpFlatEnvCfg(Lus2FlatEnvCfg):
    """lus2 (27 joints) walking on flat ground in the style of the reference clips."""

    observations: AmpObservationsCfg = AmpObservationsCfg()
    ref_motion: Lus2RefMotionCfg = ref_motion_cfg("lus2_27dof")
    track_style_goal_weight: float = tune.TRACK_STYLE_GOAL_WEIGHT  # used when ref_motion.style_goal_fields is set

    def __post_init__(self):
        super().__post_init__()
        self.episode_length_s = tune.AMP_EPISODE_LENGTH_S
        self.without_gait_clock()
        # after reset_base / reset_robot_joints (events run in order): most resets move on to a reference frame
        self.events.reset_from_reference = EventTerm(func=amp_mdp.reset_from_reference, mode="reset",
                                                     params={"default_pose_share": tune.DEFAULT_POSE_SHARE})
        # style_goal_commands + track_style_goal_exp join when ref_motion.style_goal_fields is set (here or by an
        # override): tasks/env.py adds them then

    def use_21_joints(self):
        super().use_21_joints()
        self.ref_motion = ref_motion_cfg("lus2_21dof")


@configclass
class Lus2AmpFlatPlayEnvCfg(Lus2AmpFlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()


@configclass
class Lus2_21dofAmpFlatEnvCfg(Lus2AmpFlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.use_21_joints()


@configclass
class Lus2_21dofAmpFlatPlayEnvCfg(Lus2_21dofAmpFlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()
