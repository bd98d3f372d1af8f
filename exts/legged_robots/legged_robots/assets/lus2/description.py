"""The lus2 humanoid: the one place its physical facts live.

Everything else (the MJCF, the USD, the Isaac Lab ``ArticulationCfg``, actuator gains) is derived from
this module. It imports nothing but numpy so the generators run without Isaac Lab.

Conventions: metres, kilograms, radians; x forward, y left, z up. A body's ``offset`` is its origin in
its parent's frame at zero joint angles.

Zero pose: standing upright, arms hanging, elbows straight. The vendor's model bends the elbow frame
-90 deg about y at zero; ours does not, so our elbow angle = vendor angle - pi/2 and the vendor's elbow
range [-0.83, 1.57] becomes [-0.83 - pi/2, 1.57 - pi/2] (straight arm at 0, flexion is negative).
"""

from __future__ import annotations

import math

import numpy as np

from .. import kinematics as k
from ..kinematics import (
    ACCENT,
    DARK,
    LIGHT,
    ActuatorGroup,
    Body,
    Motor,
    Shape,
    Variant,
)
from ..kinematics import capsule as _capsule

NAME = "lus2"  # the USD's root prim; the MJCF and USD writers (assets/mjcf.py, assets/usd.py) read this module

# ---------------------------------------------------------------------------------------------------------
# Motors and actuator groups
# ---------------------------------------------------------------------------------------------------------


MOTOR_LEG = Motor(gear=24.0, rotor_inertia=132e-6)
MOTOR_ANKLE_ARM = Motor(gear=30.0, rotor_inertia=14e-6)
MOTOR_WRIST = Motor(gear=5.0, rotor_inertia=14e-6, natural_freq_hz=15.0, damping_ratio=1.1)


ACTUATOR_GROUPS: tuple[ActuatorGroup, ...] = (
    ActuatorGroup("legs", (".*_hip_pitch_joint", ".*_hip_roll_joint", ".*_hip_yaw_joint", ".*_knee_joint",
                           "torso_joint"), MOTOR_LEG, 380.0, 15.0),
    ActuatorGroup("feet", (".*_ankle_pitch_joint", ".*_ankle_roll_joint"), MOTOR_ANKLE_ARM, 80.0, 15.0),
    ActuatorGroup("arms", (".*_shoulder_pitch_joint", ".*_shoulder_roll_joint", ".*_shoulder_yaw_joint",
                           ".*_elbow_joint"), MOTOR_ANKLE_ARM, 100.0, 20.0),
    ActuatorGroup("wrists", (".*_wrist_yaw_joint", ".*_wrist_pitch_joint", ".*_wrist_roll_joint",
                             "head_joint"), MOTOR_WRIST, 17.0, 20.0),
)


def actuator_group(joint: str) -> ActuatorGroup:
    """The actuator group driving ``joint``."""
    return k.actuator_group(ACTUATOR_GROUPS, joint)


# ---------------------------------------------------------------------------------------------------------
# Simulation timing, shared by the Isaac Lab tasks and the MJCF so both integrate alike
# ---------------------------------------------------------------------------------------------------------

PHYSICS_DT = 0.005  # 200 Hz physics step (Isaac Lab ``sim.dt``; actions, sensors, events tick at this rate)
SOLVER_SUBSTEPS = 2  # Newton integrates each physics step in 2 substeps; with 1, random actions blew up
INTEGRATION_DT = PHYSICS_DT / SOLVER_SUBSTEPS  # the MJCF timestep
POLICY_DECIMATION = 4  # 50 Hz policy

# ---------------------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------------------


# Feet: the vendor's sole box, half-sizes (0.1175, 0.0365, 0.00715) centred at (0.025, 0, -0.034).
FOOT_BOX_HALF = (0.1175, 0.0365, 0.00715)
FOOT_BOX_POS = (0.025, 0.0, -0.034)


# ---------------------------------------------------------------------------------------------------------
# Kinematic tree
# ---------------------------------------------------------------------------------------------------------

# Left side and centre line, as in the facts file. The right side is mirrored from it.
_LEFT_AND_CENTRE: tuple[Body, ...] = (
    Body("pelvis", None, (0.0, 0.0, 1.0), None, None, None, 6.796, (-0.0032, 0.0, -0.0093),
         (0.0220, 0.0396, 0.0358),
         shapes=(Shape("cylinder", (0.057, 0.094), (0.0, 0.0, 0.0), True, DARK),)),
    Body("left_hip_pitch_link", "pelvis", (0.0, 0.068, -0.056), "left_hip_pitch_joint", "y", (-1.5, 1.5),
         2.428, (-0.020, 0.082, 0.0), (0.00623, 0.00516, 0.00353),
         shapes=(Shape("sphere", (0.05,), (0.0, 0.06, 0.0), False, DARK),)),
    Body("left_hip_roll_link", "left_hip_pitch_link", (0.0, 0.092, 0.0), "left_hip_roll_joint", "x",
         (-0.25, 2.8), 3.155, (-0.002, 0.0, -0.081), (0.0128, 0.0115, 0.0065),
         shapes=(_capsule(0.05, 0.0, -0.09, collide=False, rgba=DARK),)),
    Body("left_hip_yaw_link", "left_hip_roll_link", (0.0, 0.0, -0.1395), "left_hip_yaw_joint", "z", (-1.2, 2.6),
         3.352, (0.006, -0.004, -0.184), (0.0396, 0.0381, 0.0072),
         shapes=(_capsule(0.055, -0.03, -0.21),)),
    Body("left_knee_link", "left_hip_yaw_link", (0.0, 0.0, -0.26), "left_knee_joint", "y", (0.0, 2.27),
         5.383, (0.010, -0.001, -0.110), (0.0721, 0.0710, 0.0081),
         shapes=(_capsule(0.045, -0.05, -0.32),)),
    Body("left_ankle_pitch_link", "left_knee_link", (0.0, 0.0, -0.40), "left_ankle_pitch_joint", "y",
         (-1.0, 0.43), 0.164, (0.0, 0.0, -0.004), (5.6e-5, 5.5e-5, 2.3e-5),
         shapes=(Shape("sphere", (0.025,), (0.0, 0.0, 0.0), False, DARK),)),
    Body("left_ankle_roll_link", "left_ankle_pitch_link", (0.0, 0.0, -0.01), "left_ankle_roll_joint", "x",
         (-0.43, 0.43), 0.328, (0.018, 0.0, -0.023), (0.00148, 0.00138, 0.00022),
         shapes=(Shape("box", FOOT_BOX_HALF, FOOT_BOX_POS, True, ACCENT),)),
    Body("torso_link", "pelvis", (0.0, 0.0, 0.10), "torso_joint", "z", (-3.0, 3.0), 10.563,
         (-0.002, 0.0, 0.231), (0.1379, 0.1133, 0.0654),
         shapes=(Shape("box", (0.08, 0.11, 0.14), (0.0, 0.0, 0.22), True, LIGHT),)),
    Body("head_link", "torso_link", (0.0, 0.0, 0.3875), "head_joint", "z", (-1.3, 1.3), 1.028,
         (0.008, 0.0, 0.107), (0.00226, 0.00192, 0.00164),
         shapes=(Shape("sphere", (0.09,), (0.01, 0.0, 0.11), True, DARK),)),
    Body("left_shoulder_pitch_link", "torso_link", (0.0, 0.121, 0.297), "left_shoulder_pitch_joint", "y",
         (-3.0, 3.0), 0.304, (-0.020, 0.044, 0.0), (4.3e-4, 3.8e-4, 1.3e-4), roll=math.radians(-10.0),
         shapes=(Shape("sphere", (0.04,), (0.0, 0.045, 0.0), False, DARK),)),
    Body("left_shoulder_roll_link", "left_shoulder_pitch_link", (0.0, 0.0695, 0.0), "left_shoulder_roll_joint",
         "x", (-0.12, 2.3), 1.648, (0.005, 0.0, -0.055), (0.00534, 0.00529, 0.00120), roll=math.radians(10.0),
         shapes=(_capsule(0.04, 0.0, -0.11, collide=False),)),
    Body("left_shoulder_yaw_link", "left_shoulder_roll_link", (0.0, 0.0, -0.13), "left_shoulder_yaw_joint", "z",
         (-1.9, 1.9), 1.048, (0.0, 0.003, -0.119), (0.00272, 0.00270, 0.00079),
         shapes=(_capsule(0.035, -0.02, -0.12, collide=False, rgba=DARK),)),
    Body("left_elbow_link", "left_shoulder_yaw_link", (0.0, 0.0, -0.14), "left_elbow_joint", "y",
         (-0.83 - math.pi / 2, 1.57 - math.pi / 2), 0.819, (-0.004, -0.002, -0.055), (0.00163, 0.00155, 0.00082),
         shapes=(_capsule(0.03, -0.01, -0.085),)),
    Body("left_wrist_yaw_link", "left_elbow_link", (0.0, 0.0, -0.0955), "left_wrist_yaw_joint", "z", (-2.3, 2.3),
         0.614, (0.0, -0.001, -0.057), (4.8e-4, 4.7e-4, 3.5e-4),
         shapes=(_capsule(0.028, -0.005, -0.055, collide=False, rgba=DARK),)),
    Body("left_wrist_pitch_link", "left_wrist_yaw_link", (0.0, 0.0, -0.0645), "left_wrist_pitch_joint", "y",
         (-1.2, 1.2), 0.732, (0.001, 0.0, -0.058), (9.4e-4, 7.0e-4, 5.4e-4),
         shapes=(_capsule(0.028, -0.005, -0.06, collide=False),)),
    Body("left_wrist_roll_link", "left_wrist_pitch_link", (0.0, 0.0, -0.068), "left_wrist_roll_joint", "x",
         (-1.2, 1.2), 0.038, (0.019, 0.0, -0.024), (2.0e-5, 1.9e-5, 7.0e-6),
         shapes=(Shape("sphere", (0.035,), (0.0, 0.0, -0.04), True, DARK),)),
)


def _mirror_name(name: str | None) -> str | None:
    return None if name is None else name.replace("left_", "right_")


def _mirror(body: Body) -> Body:
    return k.mirror_body(body, _mirror_name)


def mirror_of(name: str) -> str:
    """The body or joint on the other side (itself on the centre line): left_* <-> right_*."""
    if name.startswith("left_"):
        return "right_" + name[len("left_"):]
    if name.startswith("right_"):
        return "left_" + name[len("right_"):]
    return name


def mirror_sign(joint: str) -> float:
    """-1 for a joint whose angle changes sign in the mirror image (about x or z: roll, yaw), +1 about y (pitch)."""
    return k.mirror_sign(BODIES, joint)


def _build_tree() -> tuple[Body, ...]:
    bodies = list(_LEFT_AND_CENTRE)
    bodies += [_mirror(b) for b in _LEFT_AND_CENTRE if b.name.startswith("left_")]
    return tuple(bodies)


BODIES: tuple[Body, ...] = _build_tree()
BODY_BY_NAME: dict[str, Body] = {b.name: b for b in BODIES}
ALL_JOINTS: tuple[str, ...] = tuple(b.joint for b in BODIES if b.joint)  # the full tree: 28 joints
ROOT = BODIES[0].name
FEET = ("left_ankle_roll_link", "right_ankle_roll_link")
HANDS = ("left_wrist_roll_link", "right_wrist_roll_link")

# Self-collision (ours; the vendor's model has none): the body pairs that meet when the legs cross or an arm swings
# in: one leg's thigh and shin against the other's, and each forearm and hand against the torso, the pelvis and
# both thighs. Every other pair of the robot's bodies passes through (parents and children overlap at the joints).
# The feet are left out on purpose: Isaac Lab's contact sensor sums all of a foot's contacts, so a foot touching
# the other leg would read as a step in air time, gait, stumble and slide; crossing feet still cross the shins.
# Newton's contact stiffness and damping of every shape (physics_cfg); the MJCF's self-contact pairs take the
# solref Newton makes of them (timeconst 2/kd, damping ratio kd/2/sqrt(ke)), so plain MuJoCo's self-contacts
# are as stiff as Isaac Lab's.
CONTACT_KE, CONTACT_KD = 160000.0, 1100.0


def contact_solref() -> tuple[float, float]:
    return k.contact_solref(CONTACT_KE, CONTACT_KD)


_LEGS = ("hip_yaw_link", "knee_link")
_ARMS = ("elbow_link", "wrist_roll_link")
SELF_COLLISION_PAIRS: tuple[tuple[str, str], ...] = (
    *((f"left_{a}", f"right_{b}") for a in _LEGS for b in _LEGS),
    *((f"{side}_{a}", other) for side in ("left", "right") for a in _ARMS
      for other in ("torso_link", "pelvis", "left_hip_yaw_link", "right_hip_yaw_link")),
)

# ---------------------------------------------------------------------------------------------------------
# Variants
# ---------------------------------------------------------------------------------------------------------


_WRISTS = {"left_wrist_yaw_joint", "left_wrist_pitch_joint", "left_wrist_roll_joint",
           "right_wrist_yaw_joint", "right_wrist_pitch_joint", "right_wrist_roll_joint"}
VARIANTS: dict[str, Variant] = {
    "lus2_27dof": Variant("lus2_27dof", tuple(j for j in ALL_JOINTS if j != "head_joint")),
    "lus2_21dof": Variant("lus2_21dof", tuple(j for j in ALL_JOINTS if j != "head_joint" and j not in _WRISTS)),
}


def get_variant(name: str) -> Variant:
    try:
        return VARIANTS[name]
    except KeyError:
        raise KeyError(f"unknown lus2 variant {name!r}; valid: {sorted(VARIANTS)}") from None


# ---------------------------------------------------------------------------------------------------------
# Standing pose
# ---------------------------------------------------------------------------------------------------------

# Slightly crouched legs (knee flexion is positive, hip/ankle pitch compensate so the feet stay flat),
# arms hanging a little out from the thighs, elbows a little bent (flexion is negative, see above).
DEFAULT_JOINT_POS: dict[str, float] = {
    ".*_hip_pitch_joint": -0.2,
    ".*_knee_joint": 0.4,
    ".*_ankle_pitch_joint": -0.2,
    "left_shoulder_roll_joint": 0.15,
    "right_shoulder_roll_joint": -0.15,
    ".*_elbow_joint": -0.3,
}


def default_joint_positions(joints: tuple[str, ...] = ALL_JOINTS) -> dict[str, float]:
    """Resolve ``DEFAULT_JOINT_POS`` patterns to a value per joint (0 where no pattern matches)."""
    return k.resolve_joint_values(DEFAULT_JOINT_POS, joints)


def forward_kinematics(q: dict[str, float] | None = None,
                       root_pos=(0.0, 0.0, 0.0)) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """World (position, rotation matrix) of every body frame, root at ``root_pos`` with identity rotation."""
    return k.forward_kinematics(BODIES, q, root_pos)


def sole_corners_z(poses) -> np.ndarray:
    """World z of the eight corners of both foot boxes."""
    return k.box_corners_z(poses, FEET, FOOT_BOX_HALF, FOOT_BOX_POS)


def standing_height(q: dict[str, float] | None = None) -> float:
    """Pelvis height at which the lowest sole point touches z = 0 (default pose if ``q`` is None)."""
    q = default_joint_positions() if q is None else q
    return float(-sole_corners_z(forward_kinematics(q)).min())


def center_of_mass(poses) -> np.ndarray:
    """World centre of mass for body poses from ``forward_kinematics``."""
    return k.center_of_mass(BODIES, poses)


def total_mass() -> float:
    return float(sum(b.mass for b in BODIES))
