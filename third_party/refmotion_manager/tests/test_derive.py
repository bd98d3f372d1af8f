"""Derived quantities: finite differences against analytic derivatives, forward kinematics against a
hand-computed chain and against MuJoCo's own velocities (via finite differences of FK positions)."""

import numpy as np
import pytest
from motion_fixtures import FPS, JOINTS, YAW_RATE, joint_vel, root_vel, toy_clip, toy_link_pos_b

from refmotion_manager import check_clip, quat
from refmotion_manager import fields as F
from refmotion_manager.derive import angular_velocity_world, complete, finite_difference


def test_root_and_joint_velocities_match_analytic_derivatives():
    c = complete(check_clip(toy_clip()))
    t = np.arange(c.num_frames) / FPS
    inner = slice(1, -1)
    np.testing.assert_allclose(c.get(F.root_vel("w"))[inner], root_vel(t)[inner], atol=5e-5)
    np.testing.assert_allclose(c.get(F.dof_vel(JOINTS))[inner], joint_vel(t)[inner], atol=5e-4)
    np.testing.assert_allclose(c.get(F.root_ang_vel("w")), np.tile([0, 0, YAW_RATE], (c.num_frames, 1)), atol=1e-9)
    # ends: second-order one-sided differences
    np.testing.assert_allclose(c.get(F.dof_vel(JOINTS))[[0, -1]], joint_vel(t)[[0, -1]], atol=2e-3)
    # base frame = world velocity rotated by the inverse root orientation
    np.testing.assert_allclose(c.get(F.root_vel("b")), quat.rotate_inverse(c.get(F.ROOT_ROT), c.get(F.root_vel("w"))))


def test_existing_columns_are_kept_not_recomputed():
    c = check_clip(toy_clip())
    c = c.with_columns(F.dof_vel(JOINTS), np.full((c.num_frames, 3), 7.0))
    assert (complete(c).get(F.dof_vel(JOINTS)) == 7.0).all()


def test_angular_velocity_of_a_tumbling_body():
    w = np.array([0.3, -0.2, 0.5])
    t = np.arange(50) / 100.0
    q = quat.exp(t[:, None] * w)
    np.testing.assert_allclose(angular_velocity_world(q, 0.01), np.tile(w, (50, 1)), atol=1e-9)
    assert finite_difference(np.zeros((1, 3)), 0.01).shape == (1, 3)


def test_link_positions_match_the_hand_computed_chain(toy_robot):
    c = complete(check_clip(toy_clip()), toy_robot)
    assert c.link_names == ("thigh", "shin", "foot")
    q = c.get(F.dof_pos(JOINTS))
    for i in (0, 37, c.num_frames - 1):
        expect = toy_link_pos_b(q[i])
        for link in c.link_names:
            np.testing.assert_allclose(c.get(F.link_pos(link))[i], expect[link], atol=1e-12)
    # the foot's orientation relative to the base: hip + knee about y, then ankle about x
    np.testing.assert_allclose(quat.log(c.get(F.link_rot("shin"))),
                               np.stack([0 * q[:, 0], q[:, 0] + q[:, 1], 0 * q[:, 0]], 1), atol=1e-12)


@pytest.mark.parametrize("tumbling", [False, True])
def test_link_velocities_match_finite_differences_of_fk_positions(toy_robot, tumbling):
    c = check_clip(toy_clip(seconds=1.0, fps=400.0))
    if tumbling:  # root rolls and pitches too: catches world/local frame mix-ups of angular velocity
        t = np.arange(c.num_frames) / c.fps
        c = c.with_columns(F.ROOT_ROT, quat.exp(t[:, None] * np.array([0.7, -0.4, 0.5])))
    c = complete(c, toy_robot)
    root_q = c.get(F.ROOT_ROT)
    root_p = c.get(F.ROOT_POS)
    for link in c.link_names:
        world = root_p + quat.rotate(root_q, c.get(F.link_pos(link)))
        v_fd = finite_difference(world, c.dt)
        v_fk = quat.rotate(root_q, c.get(F.link_vel(link)))
        np.testing.assert_allclose(v_fk[1:-1], v_fd[1:-1], atol=1e-4)
        w_fd = angular_velocity_world(quat.mul(root_q, c.get(F.link_rot(link))), c.dt)
        w_fk = quat.rotate(root_q, c.get(F.link_ang_vel(link)))
        np.testing.assert_allclose(w_fk[1:-1], w_fd[1:-1], atol=1e-4)
