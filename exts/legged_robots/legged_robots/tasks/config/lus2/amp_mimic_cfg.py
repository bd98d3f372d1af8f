"""Motion data, AMP and mimic settings for lus2, plus the run-wide ones the design puts here (section 3.8: env
count, 21 or 27 joints, exploration noise, episode length).

The velocity task's reward weights, schedules and command ranges are written at their terms in
``rough_env_cfg.py``. Every value can still be overridden per run from the command line, e.g.
``env.ref_motion.random_start=false`` or ``env.scene.num_envs=1024``.
"""

from __future__ import annotations

NUM_ENVS = 4096  # on a GPU; train.py picks a CPU-sized count without one
# Initial exploration noise of the policy (std of its Gaussian, in action units: x 0.25 rad). Measured on
# the flat task (40 steps, 16 envs, random actions): at 1.2 the smoothness and action-rate penalties
# cost 0.30 reward per step against alive's 0.10, so early on every step alive lowers the return; at
# 0.5 the step reward is +0.09. The design's example is 1.2; lower it for small-batch (CPU) runs.
INIT_NOISE_STD = 1.2
USING_21_JOINT = False  # `./run.sh train lus2` trains the 21-joint robot when True
EPISODE_LENGTH_S = 20.0

# ---------------------------------------------------------------------------------------------------------
# Motion data and AMP (design 3.8); the AMP tasks read these (tasks/config/lus2/amp_env_cfg.py), every one
# overridable per run: env.ref_motion.<field>=..., env.events.reset_from_reference.params.default_pose_share=...,
# agent.algorithm.<amp key>=...
# ---------------------------------------------------------------------------------------------------------

MOTION_FILES = ("walk_slow.pkl", "walk_fast.pkl", "stand.pkl")  # our lus2 clips (assets/data/lus2/motions/<variant>/)
RANDOM_START = True  # reset at a random frame of a clip (else its first frame)
AMP_OBS_FRAME_NUM = 2  # frames in one discriminator window (s_t, s_t+1)
INIT_STATE_FIELDS = ("root_pos_x", "root_pos_y", "root_pos_z", "root_rot_w", "root_rot_x", "root_rot_y", "root_rot_z",
                     "root_vel_*_w", "root_ang_vel_*_w", "joint_dof_pos", "joint_dof_vel")
# The design's example starts with root_rot_w; we leave the world orientation out: its yaw is arbitrary (random
# at reset) and would let the discriminator tell robot from clip by heading alone. Base-frame velocities and
# the height carry the gait.
STYLE_FIELDS = ("root_pos_z", "root_vel_*_b", "root_ang_vel_*_b", "joint_dof_pos", "joint_dof_vel")
STYLE_GOAL_FIELDS = None  # e.g. ("root_vel_x_b", "root_ang_vel_z_b"): adds style_goal_commands + track_style_goal_exp
STYLE_REWARD_COEF = 10.0  # style reward = coef * step_dt * max(0, 1 - 0.25 (d - 1)^2)
TASK_REWARD_LERP = 0.3  # reward = (1 - lerp) * style + lerp * task (AMP_for_hardware's mixing)
TRACK_STYLE_GOAL_WEIGHT = 1.47
REF_LENGTH_S = 2.0
TIME_BETWEEN_FRAMES = 0.02  # must equal the env step (decimation * sim dt)
SPECIFY_INIT_VALUES: dict[str, float] | None = None  # e.g. {"left_elbow_joint": -0.3}: replaces the clip's value
DEFAULT_POSE_SHARE = 0.2  # share of resets from the default pose instead of a reference frame
AMP_EPISODE_LENGTH_S = EPISODE_LENGTH_S

# ---------------------------------------------------------------------------------------------------------
# Mimic: following a clip (design 3.4-3.8); the mimic tasks read these (tasks/config/lus2/mimic_env_cfg.py)
# ---------------------------------------------------------------------------------------------------------

MIMIC_MOTION_FILES = ("stand.pkl", "walk_slow.pkl", "walk_fast.pkl")
# joints, the base velocities (design 3.6: the command carries linear and angular velocity; without them a
# walking clip's joints alone do not say how fast the base should move) and the positions relative to the base
# of the links a deployment cares about (feet, elbows, torso). All readable on a robot without odometry.
EXPRESSIVE_GOAL_FIELDS = ("joint_dof_pos", "joint_dof_vel", "root_vel_*_b", "root_ang_vel_*_b",
                          "*_ankle_roll_link_pos_*_b", "*_elbow_link_pos_*_b", "torso_link_pos_*_b")
# The reference root's pose seen from the robot in the policy's observation (BeyondMimic's anchor): without it a
# tracker cannot see that it drifts from the clip's path; on a robot it needs the base's world pose (odometry).
# False (or env.observations.policy.reference_root_pose=null): a policy that needs joints and an IMU only.
MIMIC_OBSERVE_REFERENCE_POSE = True
MIMIC_REF_LENGTH_S = 2.0  # design 3.8: one reference window per episode
MIMIC_EPISODE_LENGTH_S = 2.0
# design 3.4 weights; std: the error at which a term has fallen to 1/e (rad, rad/s, m, m/s)
TRACKING_REWARDS: dict[str, tuple[float, float]] = {  # term -> (weight, std)
    "track_upper_joint_pos_exp": (20.4, 0.5),
    "track_upper_joint_vel_exp": (3.5, 4.0),
    "track_lower_joint_pos_exp": (15.0, 0.3),
    "track_lower_joint_vel_exp": (2.2, 4.0),
    "track_feet_joint_pos_exp": (2.0, 0.3),
    "track_feet_joint_vel_exp": (1.0, 4.0),
    "track_link_pos_exp": (0.0, 0.1),
    "track_link_vel_exp": (0.0, 1.0),
    "track_root_pos_exp": (2.0, 0.3),
    "track_root_quat_exp": (0.0, 0.4),
    "track_root_rotation_exp": (2.0, 0.3),
    "track_root_lin_vel_exp": (1.0, 0.5),
    "track_root_ang_vel_exp": (1.0, 1.0),
}
# design 3.7 (min, max) of the adaptive tracking-error terminations; root position is optional (None: off)
TRACKING_TERMINATIONS: dict[str, tuple[float, float] | None] = {
    "tracking_lower_dof_error": (0.3, 1.5),
    "tracking_upper_dof_error": (0.2, 1.5),
    # design: (0.4, 2.0), optional. On where the policy sees the reference root (MIMIC_OBSERVE_REFERENCE_POSE):
    # without it a whole-clip tracker drifts off the clip's path at no cost (measured: it marched in place)
    "tracking_root_pos_error": (0.4, 2.0),
}
