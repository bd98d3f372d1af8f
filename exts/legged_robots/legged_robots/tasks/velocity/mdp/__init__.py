"""The velocity task's MDP terms: Isaac Lab's own that the configs use (imported by name below, from
``isaaclab.envs.mdp`` and the velocity task's ``isaaclab_tasks.core.velocity.mdp``) plus ours, one file per
manager: ``commands.py``, ``rewards.py``, ``observations.py``, ``curriculums.py``, ``terminations.py``. AMP and
mimic extend the velocity task and add their own (``tasks/amp/mdp``, ``tasks/mimic/mdp``).

Configs import this one module (``from legged_robots.tasks.velocity import mdp``). To use another Isaac Lab term,
add it to the imports here.
"""

from __future__ import annotations

from isaaclab.envs.mdp import (  # noqa: F401
    JointPositionActionCfg,
    UniformVelocityCommandCfg,
    action_rate_l2,
    applied_torque_limits,
    apply_external_force_torque,
    bad_orientation,
    base_ang_vel,
    base_lin_vel,
    base_pos_z,
    body_incoming_wrench,
    contact_forces,
    generated_commands,
    height_scan,
    is_alive,
    is_terminated,
    joint_acc_l2,
    joint_deviation_l1,
    joint_pos_limits,
    joint_pos_rel,
    joint_torques_l2,
    joint_vel_limits,
    joint_vel_rel,
    last_action,
    projected_gravity,
    push_by_setting_velocity,
    randomize_actuator_gains,
    randomize_joint_parameters,
    randomize_rigid_body_com,
    randomize_rigid_body_mass,
    randomize_rigid_body_material,
    reset_joints_by_offset,
    reset_root_state_uniform,
    root_height_below_minimum,
    root_quat_w,
    time_out,
    undesired_contacts,
)
from isaaclab_tasks.core.velocity.mdp import (  # noqa: F401
    feet_air_time_positive_biped,
    feet_slide,
    terrain_levels_vel,
    track_ang_vel_z_world_exp,
    track_lin_vel_xy_yaw_frame_exp,
)

from .commands import TurningVelocityCommand, TurningVelocityCommandCfg  # noqa: F401
from .curriculums import command_velocity_levels, ramp_reward_weight  # noqa: F401
from .observations import (  # noqa: F401
    GaitClock,
    body_mass_rel,
    contact_forces_norm,
    friction_coeff,
    gait_clock,
    gait_phase,
    joint_gains_rel,
    sensed_state,
)
from .rewards import (  # noqa: F401
    action_smoothness_2,
    energy_cost,
    feet_gait,
    feet_parallel_v1,
    feet_stumble,
    feet_swing_height,
    self_collisions,
    stand_still,
    track_ang_vel_z_world_l1,
)
from .terminations import physics_blowup  # noqa: F401
