"""The lus2 settings people tune most, in one place (the design's ``amp_mimic_cfg.py``, section 3.8).

The env configs read these as their defaults; every one can still be overridden per run from the command
line, e.g. ``env.rewards.feet_slide.weight=-0.5`` or ``env.scene.num_envs=1024``. Motion-data settings
(motion_files, style fields, ...) join this module with the AMP / mimic tasks.
"""

from __future__ import annotations

import math

NUM_ENVS = 4096  # on a GPU; train.py picks a CPU-sized count without one
# Initial exploration noise of the policy (std of its Gaussian, in action units: x 0.25 rad). Measured on
# the flat task (40 steps, 16 envs, random actions): at 1.2 the smoothness and action-rate penalties
# cost 0.30 reward per step against alive's 0.10, so early on every step alive lowers the return; at
# 0.5 the step reward is +0.09. The design's example is 1.2; lower it for small-batch (CPU) runs.
INIT_NOISE_STD = 1.2
USING_21_JOINT = False  # `./run.sh train lus2` trains the 21-joint robot when True
EPISODE_LENGTH_S = 20.0

# Task rewards (design 3.4) and their example weights.
REWARD_WEIGHTS: dict[str, float] = {
    "termination_penalty": -450.0,
    "alive": 5.0,
    "track_lin_vel_xy_exp": 2.0,
    "track_ang_vel_z_exp": 2.0,
    "feet_air_time": 0.8,
    "feet_slide": -1.0,
    "joint_deviation_hip": -0.1,
    "joint_deviation_feet": -0.1,
    "joint_deviation_arms": -0.1,
    "joint_deviation_wrist": -0.2,
    "joint_deviation_torso": -0.1,
    "energy_cost": -2.0e-7,
    "feet_parallel_v1": 1.0,
    "undesired_contacts": -20.0,
    "feet_stumble": -500.0,
    "action_smoothness_2": -5.0e-2,
    "action_rate_l2": -5.0e-2,
    "dof_acc_l2": -1.0e-8,
    "dof_torques_l2": -4.0e-6,
    "dof_pos_limits": -10.0,
    "dof_vel_limits": -5.0,
    "dof_torques_limits": -1.0,
    "contact_forces": -2.0e-5,
}

# Reward-weight curriculum (design 3.3): reward term -> (weight, env steps after which it applies).
REWARD_SCHEDULES: dict[str, tuple[float, int]] = {
    "alive": (1.0, 500),
    "action_rate_l2": (-0.1, 500),
    "action_smoothness_2": (-0.1, 500),
    "dof_torques_l2": (-1.0e-6, 1000),
    "dof_acc_l2": (-5.0e-8, 1000),
    "contact_forces": (-1.0e-4, 1000),
}
REWARD_RAMP_STEPS = 0  # > 0: move to the scheduled weight linearly over this many steps instead of at once

# Velocity command (design 3.6) and how far its curriculum may widen it.
COMMAND_RANGES = {"lin_vel_x": (-0.2, 0.2), "lin_vel_y": (-0.1, 0.1), "ang_vel_z": (-0.1, 0.1),
                  "heading": (-math.pi, math.pi)}
COMMAND_RESAMPLING_S = (5.0, 10.0)
COMMAND_LIMITS = {"lin_vel_x": (-1.0, 1.0), "lin_vel_y": (-0.5, 0.5), "ang_vel_z": (-1.0, 1.0)}

POLICY_HISTORY_LENGTH = 0  # > 0: the policy sees that many past frames of each proprioceptive term
