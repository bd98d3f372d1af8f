"""The lus2 description against the facts file (../shared/notes/lus2-robot.md), transcribed here
independently so a typo in either place shows up."""

import math

import pytest

from legged_robots.assets import kinematics
from legged_robots.assets.lus2 import description as d

# joint: (axis, lower, upper, child mass) for the left side and centre line, as in the facts table
FACTS = {
    "left_hip_pitch_joint": ("y", -1.5, 1.5, 2.428),
    "left_hip_roll_joint": ("x", -0.25, 2.8, 3.155),
    "left_hip_yaw_joint": ("z", -1.2, 2.6, 3.352),
    "left_knee_joint": ("y", 0.0, 2.27, 5.383),
    "left_ankle_pitch_joint": ("y", -1.0, 0.43, 0.164),
    "left_ankle_roll_joint": ("x", -0.43, 0.43, 0.328),
    "torso_joint": ("z", -3.0, 3.0, 10.563),
    "head_joint": ("z", -1.3, 1.3, 1.028),
    "left_shoulder_pitch_joint": ("y", -3.0, 3.0, 0.304),
    "left_shoulder_roll_joint": ("x", -0.12, 2.3, 1.648),
    "left_shoulder_yaw_joint": ("z", -1.9, 1.9, 1.048),
    # vendor range [-0.83, 1.57] with the elbow frame bent -90 deg; ours is straight at zero
    "left_elbow_joint": ("y", -0.83 - math.pi / 2, 1.57 - math.pi / 2, 0.819),
    "left_wrist_yaw_joint": ("z", -2.3, 2.3, 0.614),
    "left_wrist_pitch_joint": ("y", -1.2, 1.2, 0.732),
    "left_wrist_roll_joint": ("x", -1.2, 1.2, 0.038),
}
LEG_CHAIN = ["hip_pitch", "hip_roll", "hip_yaw", "knee", "ankle_pitch", "ankle_roll"]


def _body_of(joint):
    return next(b for b in d.BODIES if b.joint == joint)


@pytest.mark.parametrize("joint", sorted(FACTS))
def test_joint_axis_range_mass_match_facts(joint):
    axis, lo, hi, mass = FACTS[joint]
    b = _body_of(joint)
    assert (b.axis, b.mass) == (axis, mass)
    assert b.range == pytest.approx((lo, hi))


@pytest.mark.parametrize("joint", [j for j in FACTS if j.startswith("left_")])
def test_right_side_mirrors_left(joint):
    left, right = _body_of(joint), _body_of(joint.replace("left_", "right_"))
    assert right.axis == left.axis and right.mass == left.mass
    assert right.offset == pytest.approx((left.offset[0], -left.offset[1], left.offset[2]))
    assert right.com == pytest.approx((left.com[0], -left.com[1], left.com[2]))
    expected = (-left.range[1], -left.range[0]) if left.axis in ("x", "z") else left.range
    assert right.range == pytest.approx(expected)


def test_tree_and_total_mass():
    assert len(d.ALL_JOINTS) == 28 and len(set(d.ALL_JOINTS)) == 28
    assert d.total_mass() == pytest.approx(58.4, abs=0.05)
    for side in ("left", "right"):  # hip pitch -> roll -> yaw -> knee -> ankle pitch -> ankle roll
        parents = [_body_of(f"{side}_{j}_joint").parent for j in LEG_CHAIN]
        assert parents == ["pelvis"] + [_body_of(f"{side}_{j}_joint").name for j in LEG_CHAIN[:-1]]


def test_variants():
    v27, v21 = d.get_variant("lus2_27dof"), d.get_variant("lus2_21dof")
    assert v27.num_joints == 27 and "head_joint" not in v27.joints
    assert v21.num_joints == 21 and not any("wrist" in j or j == "head_joint" for j in v21.joints)
    assert set(v21.joints) < set(v27.joints)
    with pytest.raises(KeyError, match="lus2_27dof"):
        d.get_variant("lus2_29dof")


@pytest.mark.parametrize("group, kp, kd, armature", [
    ("legs", 300.0, 11.5, 0.076), ("feet", 50.0, 1.9, 0.0126), ("arms", 50.0, 1.9, 0.0126),
    ("wrists", 3.1, 0.07, 0.00035)])
def test_gains_follow_motor_constants(group, kp, kd, armature):
    motor = next(g for g in d.ACTUATOR_GROUPS if g.name == group).motor
    assert motor.armature == pytest.approx(armature, rel=0.01)
    assert motor.stiffness == pytest.approx(kp, rel=0.02)
    assert motor.damping == pytest.approx(kd, rel=0.05)


def test_every_joint_in_exactly_one_actuator_group():
    import re

    for j in d.ALL_JOINTS:
        groups = [g.name for g in d.ACTUATOR_GROUPS if any(re.fullmatch(p, j) for p in g.joint_patterns)]
        assert len(groups) == 1, (j, groups)


def test_standing_height_puts_soles_on_the_ground():
    h = d.standing_height()
    assert 0.85 < h < 0.95
    soles = d.sole_corners_z(d.forward_kinematics(d.default_joint_positions(), root_pos=(0, 0, h)))
    assert soles.min() == pytest.approx(0.0, abs=1e-9)
    # feet flat in the default pose: all sole-bottom corners at the same height
    assert soles.max() - soles.min() == pytest.approx(2 * d.FOOT_BOX_HALF[2], abs=1e-6)


def test_quat_from_matrix_roundtrip():
    import numpy as np

    for axis, angle in [("x", 0.3), ("y", -2.0), ("z", 3.0)]:
        w, x, y, z = kinematics.quat_from_matrix(kinematics.rot(axis, angle))
        v = dict(x=x, y=y, z=z)[axis]
        assert (w, v) == pytest.approx((math.cos(angle / 2), math.sin(angle / 2)), abs=1e-9) or \
            (w, v) == pytest.approx((-math.cos(angle / 2), -math.sin(angle / 2)), abs=1e-9)
        assert np.linalg.norm([w, x, y, z]) == pytest.approx(1.0)


def test_motor_gains_alone_cannot_hold_the_stance():
    """Why the stand checks use stiffer holding gains: an inverted pendulum over the ankles needs
    2 * kp_ankle > m * g * h, and lus2's ankle motors give far less."""
    poses = d.forward_kinematics(d.default_joint_positions(), root_pos=(0, 0, d.standing_height()))
    com = d.center_of_mass(poses)
    ankle_z = poses["left_ankle_pitch_link"][0][2]
    toppling = d.total_mass() * 9.81 * (com[2] - ankle_z)
    kp_ankle = next(g for g in d.ACTUATOR_GROUPS if g.name == "feet").motor.stiffness
    assert 400 < toppling < 480
    assert 2 * kp_ankle < toppling / 4
