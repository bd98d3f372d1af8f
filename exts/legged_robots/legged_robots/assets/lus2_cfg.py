"""Isaac Lab ``ArticulationCfg`` for lus2 (27- and 21-joint variants), derived from ``lus2.description``.

Gains, armature and limits come from the motor constants there; nothing is typed in twice.
"""

from __future__ import annotations

import isaaclab.sim as sim_utils
from isaaclab.actuators import ImplicitActuatorCfg
from isaaclab.assets.articulation import ArticulationCfg
from isaaclab_newton.sim.schemas import NewtonArticulationCfg

from .lus2 import description as d
from .paths import lus2_usd, require

SOFT_JOINT_POS_LIMIT_FACTOR = 0.9
SPAWN_CLEARANCE = 0.02  # spawn the feet this far above the ground [m]


def actuator_cfgs(variant: d.Variant) -> dict[str, ImplicitActuatorCfg]:
    """One implicit PD actuator group per ``description.ACTUATOR_GROUPS`` entry that has joints here."""
    import re

    out = {}
    for g in d.ACTUATOR_GROUPS:
        patterns = [p for p in g.joint_patterns if any(re.fullmatch(p, j) for j in variant.joints)]
        if not patterns:
            continue  # e.g. the 21-joint variant has no wrist joints
        out[g.name] = ImplicitActuatorCfg(
            joint_names_expr=patterns,
            stiffness=g.motor.stiffness,
            damping=g.motor.damping,
            armature=g.motor.armature,
            joint_effort_limit=g.effort_limit,
            actuator_effort_limit=g.effort_limit,
            actuator_velocity_limit=g.velocity_limit,
        )
    return out


def lus2_articulation_cfg(variant_name: str = "lus2_27dof") -> ArticulationCfg:
    variant = d.get_variant(variant_name)
    return ArticulationCfg(
        spawn=sim_utils.UsdFileCfg(
            usd_path=str(require(lus2_usd(variant.name))),
            activate_contact_sensors=True,
            articulation_props=[NewtonArticulationCfg(self_collision_enabled=False)],
        ),
        init_state=ArticulationCfg.InitialStateCfg(
            pos=(0.0, 0.0, d.standing_height() + SPAWN_CLEARANCE),
            joint_pos={k: v for k, v in d.default_joint_positions(variant.joints).items() if v != 0.0},
            joint_vel={".*": 0.0},
        ),
        soft_joint_pos_limit_factor=SOFT_JOINT_POS_LIMIT_FACTOR,
        actuators=actuator_cfgs(variant),
    )


LUS2_27DOF_CFG = lus2_articulation_cfg("lus2_27dof")
LUS2_21DOF_CFG = lus2_articulation_cfg("lus2_21dof")
