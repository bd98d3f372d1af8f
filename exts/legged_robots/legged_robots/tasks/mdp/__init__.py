"""MDP terms for our tasks: Isaac Lab's own (``isaaclab.envs.mdp`` and the velocity-task terms) plus ours.

Configs import this one module (``from legged_robots.tasks import mdp``). Our own terms live beside it,
one file per manager: ``rewards.py``, ``observations.py``, ``curriculums.py``, ``terminations.py``; AMP's
terms (style frame, reference reset, style goal) in ``amp.py``, mimic's (reference command, tracking rewards,
adaptive terminations) in ``mimic.py``. A name defined in ours
wins; anything else is looked up in Isaac Lab's mdp modules.
"""

from __future__ import annotations

import importlib

from .amp import StyleCommand, StyleCommandCfg, reset_from_reference, style_frame, track_style_goal_exp  # noqa: F401
from .curriculums import command_velocity_levels, ramp_reward_weight  # noqa: F401
from .mimic import (  # noqa: F401
    ExpressiveCommand,
    ExpressiveCommandCfg,
    expressive_goal_next,
    reference_finished,
    reference_root_pose_b,
    robot_expressive_frame,
    robot_expressive_link_vel,
    track_joint_pos_exp,
    track_joint_vel_exp,
    track_link_pos_exp,
    track_link_vel_exp,
    track_root_exp,
    tracking_error_adaptive_termination,
)
from .observations import body_mass_rel, contact_forces_norm, friction_coeff, gait_phase, joint_gains_rel  # noqa: F401
from .rewards import (  # noqa: F401
    action_smoothness_2,
    energy_cost,
    feet_gait,
    feet_parallel_v1,
    feet_stumble,
    feet_swing_height,
)
from .terminations import physics_blowup  # noqa: F401

_FALLBACKS = ("isaaclab_tasks.core.velocity.mdp", "isaaclab.envs.mdp")


def __getattr__(name: str):
    for module_name in _FALLBACKS:
        module = importlib.import_module(module_name)
        try:
            return getattr(module, name)
        except AttributeError:
            continue
    raise AttributeError(f"no MDP term {name!r} in legged_robots.tasks.mdp or Isaac Lab's mdp modules")
