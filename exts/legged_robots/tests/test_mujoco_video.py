"""play --video: replay states on the MJCF and write an mp4 where an OpenGL renderer exists; elsewhere a
clear RuntimeError (play.py prints it and carries on)."""

import numpy as np
import pytest

from legged_robots.assets.lus2 import description as d
from legged_robots.utils.mujoco_video import render_states_mp4, variant_for


def test_variant_is_recognised_by_its_joint_set():
    assert variant_for(reversed(d.VARIANTS["lus2_21dof"].joints)) == "lus2_21dof"
    with pytest.raises(ValueError, match="no lus2 variant"):
        variant_for(["left_knee_joint"])


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
