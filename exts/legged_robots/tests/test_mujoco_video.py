"""play --video: replay states on the MJCF and write an mp4 where an OpenGL renderer exists; elsewhere a
clear RuntimeError (play.py prints it and carries on)."""

import numpy as np
import pytest

from legged_robots.assets.lus2 import description as d
from legged_robots.assets.robots import ROBOTS, UnknownRobotError, robot_named, robot_with_joints
from legged_robots.utils.mujoco_video import render_states_mp4


def test_the_robot_is_recognised_by_its_joint_set_and_its_files_exist():
    assert robot_with_joints(reversed(d.VARIANTS["lus2_21dof"].joints)).name == "lus2_21dof"
    with pytest.raises(UnknownRobotError, match="no robot of ours has exactly these 1 joints"):
        robot_with_joints(["left_knee_joint"])
    with pytest.raises(UnknownRobotError, match="unknown robot 'lus9'; known: biped12, lus2_21dof, lus2_27dof"):
        robot_named("lus9")
    for robot in ROBOTS.values():
        assert robot.mjcf.is_file() and robot.scene_mjcf.is_file() and robot.usd.is_file()
        assert all((robot.motions / f).is_file() for f in robot.motion_files)


def test_mp4_or_a_message_that_names_what_is_missing(tmp_path):
    joints = list(d.VARIANTS["lus2_27dof"].joints)
    q = np.array([d.default_joint_positions()[j] for j in joints])
    frames = [(np.array([0.0, 0.0, d.standing_height()]), np.array([0.0, 0.0, 0.0, 1.0]), q)] * 10
    path = tmp_path / "play.mp4"
    try:
        render_states_mp4(frames, joints, 50.0, path)
    except RuntimeError as err:
        assert "OpenGL renderer" in str(err) or "imageio" in str(err)
        assert not path.exists()
    else:
        assert path.stat().st_size > 1000
