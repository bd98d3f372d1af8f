"""biped12: a small 12-joint biped of our own (legs only, ~0.7 m, 16 kg), the one place its physical facts live.

It exists to keep every layer above ``assets/`` robot-agnostic: none of its body or joint names is one of lus2's,
so a name lus2's code typed into a shared layer fails here. Its numbers are made up to be plausible (a scaled-down
lus2 leg), not a real product's. Same conventions as ``assets/lus2/description.py``: metres, kilograms, radians;
x forward, y left, z up; a body's ``offset`` is its origin in its parent's frame at zero joint angles. Zero pose:
standing upright, legs straight.
"""

from __future__ import annotations

import numpy as np

from .. import kinematics as k
from ..kinematics import ACCENT, DARK, LIGHT, ActuatorGroup, Body, Motor, Shape, Variant, capsule

NAME = "biped12"

MOTOR_HIP_KNEE = Motor(gear=18.0, rotor_inertia=60e-6)
MOTOR_ANKLE = Motor(gear=18.0, rotor_inertia=30e-6)

ACTUATOR_GROUPS: tuple[ActuatorGroup, ...] = (
    ActuatorGroup("hips_knees", ("[LR]_hip_[xyz]", "[LR]_knee"), MOTOR_HIP_KNEE, 60.0, 15.0),
    ActuatorGroup("ankles", ("[LR]_ankle_[xy]",), MOTOR_ANKLE, 25.0, 15.0),
)

PHYSICS_DT = 0.005
SOLVER_SUBSTEPS = 2
INTEGRATION_DT = PHYSICS_DT / SOLVER_SUBSTEPS
POLICY_DECIMATION = 4
CONTACT_KE, CONTACT_KD = 160000.0, 1100.0

FOOT_BOX_HALF = (0.08, 0.035, 0.01)
FOOT_BOX_POS = (0.02, 0.0, -0.03)

_LEFT_AND_CENTRE: tuple[Body, ...] = (
    Body("trunk", None, (0.0, 0.0, 0.75), None, None, None, 8.0, (0.0, 0.0, 0.08), (0.09, 0.07, 0.05),
         shapes=(Shape("box", (0.07, 0.1, 0.12), (0.0, 0.0, 0.08), True, LIGHT),)),
    Body("L_hip_z", "trunk", (0.0, 0.08, -0.06), "L_hip_z", "z", (-0.8, 0.8), 0.6, (0.0, 0.0, -0.02),
         (6e-4, 6e-4, 4e-4), shapes=(Shape("sphere", (0.035,), (0.0, 0.0, -0.02), False, DARK),)),
    Body("L_hip_x", "L_hip_z", (0.0, 0.0, -0.04), "L_hip_x", "x", (-0.4, 0.8), 0.6, (0.0, 0.0, -0.01),
         (6e-4, 6e-4, 4e-4), shapes=(Shape("sphere", (0.035,), (0.0, 0.0, 0.0), False, DARK),)),
    Body("L_thigh", "L_hip_x", (0.0, 0.0, -0.03), "L_hip_y", "y", (-1.6, 1.2), 1.5, (0.0, 0.0, -0.12),
         (0.009, 0.009, 0.001), shapes=(capsule(0.04, -0.03, -0.21),)),
    Body("L_shin", "L_thigh", (0.0, 0.0, -0.25), "L_knee", "y", (0.0, 2.2), 1.0, (0.0, 0.0, -0.11),
         (0.005, 0.005, 0.0006), shapes=(capsule(0.035, -0.03, -0.21),)),
    Body("L_ankle", "L_shin", (0.0, 0.0, -0.25), "L_ankle_y", "y", (-0.9, 0.6), 0.1, (0.0, 0.0, 0.0),
         (4e-5, 4e-5, 2e-5), shapes=(Shape("sphere", (0.02,), (0.0, 0.0, 0.0), False, DARK),)),
    Body("L_foot", "L_ankle", (0.0, 0.0, -0.01), "L_ankle_x", "x", (-0.4, 0.4), 0.3, (0.02, 0.0, -0.025),
         (2e-4, 8e-4, 9e-4), shapes=(Shape("box", FOOT_BOX_HALF, FOOT_BOX_POS, True, ACCENT),)),
)


def mirror_of(name: str) -> str:
    """The body or joint on the other side (itself on the centre line): L_* <-> R_*."""
    if name.startswith("L_"):
        return "R_" + name[2:]
    if name.startswith("R_"):
        return "L_" + name[2:]
    return name


BODIES: tuple[Body, ...] = _LEFT_AND_CENTRE + tuple(
    k.mirror_body(b, mirror_of) for b in _LEFT_AND_CENTRE if b.name.startswith("L_"))
BODY_BY_NAME: dict[str, Body] = {b.name: b for b in BODIES}
ALL_JOINTS: tuple[str, ...] = tuple(b.joint for b in BODIES if b.joint)
ROOT = "trunk"
FEET = ("L_foot", "R_foot")  # left, right

# the legs may cross: each thigh and shin against the other leg's (the feet left out, as lus2's)
SELF_COLLISION_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (f"L_{a}", f"R_{b}") for a in ("thigh", "shin") for b in ("thigh", "shin"))

VARIANTS: dict[str, Variant] = {"biped12": Variant("biped12", ALL_JOINTS)}

# knees bent, hips and ankles pitched so the feet stay flat
DEFAULT_JOINT_POS: dict[str, float] = {"[LR]_hip_y": -0.3, "[LR]_knee": 0.6, "[LR]_ankle_y": -0.3}


def get_variant(name: str) -> Variant:
    try:
        return VARIANTS[name]
    except KeyError:
        raise KeyError(f"unknown biped12 variant {name!r}; valid: {sorted(VARIANTS)}") from None


def mirror_sign(joint: str) -> float:
    return k.mirror_sign(BODIES, joint)


def default_joint_positions(joints: tuple[str, ...] = ALL_JOINTS) -> dict[str, float]:
    return k.resolve_joint_values(DEFAULT_JOINT_POS, joints)


def forward_kinematics(q: dict[str, float] | None = None,
                       root_pos=(0.0, 0.0, 0.0)) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return k.forward_kinematics(BODIES, q, root_pos)


def standing_height(q: dict[str, float] | None = None) -> float:
    """Trunk height at which the lowest sole point touches z = 0 (default pose if ``q`` is None)."""
    q = default_joint_positions() if q is None else q
    return float(-k.box_corners_z(forward_kinematics(q), FEET, FOOT_BOX_HALF, FOOT_BOX_POS).min())
