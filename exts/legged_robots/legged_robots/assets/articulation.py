"""Isaac Lab ``ArticulationCfg`` and actuator groups of a robot, derived from its description module
(``assets/<robot>/description.py``: ``ACTUATOR_GROUPS``, ``get_variant``, ``standing_height``,
``default_joint_positions``). Gains, armature and limits come from the motor constants there; nothing is typed
in twice.

Isaac Lab's `preset` is imported where presets are made: building the articulation alone does not load
isaaclab_tasks.
"""

from __future__ import annotations

import re

import isaaclab.sim as sim_utils
from isaaclab.actuators import ImplicitActuatorCfg
from isaaclab.assets.articulation import ArticulationCfg
from isaaclab_newton.sim.schemas import NewtonArticulationCfg

from .actuators import DelayedDCMotorCfg
from .paths import require

SOFT_JOINT_POS_LIMIT_FACTOR = 0.9
SPAWN_CLEARANCE = 0.02  # spawn the feet this far above the ground [m]

# The real-robot actuator model (``presets=real_actuators``). Assumptions, not vendor data (lus2's description has no
# torque constant or no-load speed): the DC motor's stall torque is the group's effort limit and its no-load speed
# the joint velocity limit, so torque falls linearly to zero at the velocity limit (Isaac Lab's A1 convention);
# command delay 0-20 ms (0-4 physics steps of 5 ms: a 50 Hz policy over EtherCAT or a ROS 2 link, what the
# bridge's latency benchmark and public humanoid deployments report); motor strength +-10 % per env.
REAL_DELAY_STEPS = (0, 4)
REAL_STRENGTH_RANGE = (0.9, 1.1)


def actuator_cfgs(desc, variant, real: bool = False) -> dict:
    """One actuator group per ``desc.ACTUATOR_GROUPS`` entry that has joints in ``variant``: implicit PD in the
    solver, or (``real``) the real-robot model, ``DelayedDCMotorCfg``."""
    out = {}
    for g in desc.ACTUATOR_GROUPS:
        patterns = [p for p in g.joint_patterns if any(re.fullmatch(p, j) for j in variant.joints)]
        if not patterns:
            continue  # e.g. lus2's 21-joint variant has no wrist joints
        common = dict(joint_names_expr=patterns, stiffness=g.motor.stiffness, damping=g.motor.damping,
                      armature=g.motor.armature, joint_effort_limit=g.effort_limit,
                      actuator_effort_limit=g.effort_limit, actuator_velocity_limit=g.velocity_limit)
        out[g.name] = DelayedDCMotorCfg(**common, saturation_effort=g.effort_limit, min_delay=REAL_DELAY_STEPS[0],
                                        max_delay=REAL_DELAY_STEPS[1], strength_range=REAL_STRENGTH_RANGE) \
            if real else ImplicitActuatorCfg(**common)
    return out


def actuator_presets(desc, variant_name: str) -> dict:
    """The task configs' actuators: implicit PD by default, the real-robot model with ``presets=real_actuators``
    (Isaac Lab's preset selection)."""
    from isaaclab_tasks.utils import preset

    variant = desc.get_variant(variant_name)
    real = actuator_cfgs(desc, variant, real=True)
    return {name: preset(default=cfg, real_actuators=real[name]) for name, cfg in actuator_cfgs(desc, variant).items()}


def articulation_cfg(desc, variant_name: str, usd_path) -> ArticulationCfg:
    """The robot from its generated USD, standing in its default pose just above the ground, self-collision on."""
    variant = desc.get_variant(variant_name)
    return ArticulationCfg(
        spawn=sim_utils.UsdFileCfg(
            usd_path=str(require(usd_path)),
            activate_contact_sensors=True,
            # the pairs that may meet are the USD's (description.SELF_COLLISION_PAIRS), the rest filtered there
            articulation_props=[NewtonArticulationCfg(self_collision_enabled=True)],
        ),
        init_state=ArticulationCfg.InitialStateCfg(
            pos=(0.0, 0.0, desc.standing_height() + SPAWN_CLEARANCE),
            joint_pos={k: v for k, v in desc.default_joint_positions(variant.joints).items() if v != 0.0},
            joint_vel={".*": 0.0},
        ),
        soft_joint_pos_limit_factor=SOFT_JOINT_POS_LIMIT_FACTOR,
        actuators=actuator_cfgs(desc, variant),
    )
