"""The lus2 clips we generate and ship: up to date, feet on (never in) the ground, alternating steps,
planted feet that do not slide, FK that agrees with the description's own, and usable by the manager."""

import dataclasses

import numpy as np
import pytest

from legged_robots.assets.lus2 import description, motions
from legged_robots.assets.paths import lus2_mjcf, lus2_motions
from refmotion_manager import MotionDataError, RefMotionCfg, RefMotionManager, formats, quat
from refmotion_manager import fields as F

CONTACT_Z = 1e-4  # a sole lower than 0.1 mm is on the ground (stance soles sit at z = 0)


def _clip(variant, name):
    (clip,) = formats.read(lus2_motions(variant) / f"{name}.pkl")
    return clip


def _sole_z(clip, side):
    """Lowest corner of one foot box per frame, by the description's own (numpy) kinematics."""
    hx, hy, hz = description.FOOT_BOX_HALF
    corners = np.array([[sx * hx, sy * hy, -hz] for sx in (-1, 1) for sy in (-1, 1)]) + description.FOOT_BOX_POS
    out = []
    for row in range(clip.num_frames):
        q = dict(zip(clip.joint_names, clip.get(F.dof_pos(clip.joint_names))[row]))
        pos, rot = description.forward_kinematics(q, root_pos=clip.get(F.ROOT_POS)[row])[f"{side}_ankle_roll_link"]
        out.append((pos + corners @ rot.T)[:, 2].min())
    return np.array(out)


def test_committed_clips_are_up_to_date():
    assert motions.stale() == [], "run: python -m legged_robots.assets.lus2.motions"


@pytest.mark.parametrize("name", ["stand", "walk_slow", "walk_fast"])
def test_feet_never_go_below_the_ground(name):
    clip = _clip("lus2_27dof", name)
    for side in ("left", "right"):
        assert _sole_z(clip, side).min() >= -1e-6


@pytest.mark.parametrize("name,speed", [("walk_slow", 0.3), ("walk_fast", 0.6)])
def test_walk_alternates_steps_and_planted_feet_do_not_slide(name, speed):
    clip = _clip("lus2_27dof", name)
    contact = {s: _sole_z(clip, s) < CONTACT_Z for s in ("left", "right")}
    assert (contact["left"] | contact["right"]).all(), "a walk has no flight phase"
    # swing phases (runs of no contact), in time order, alternate between the feet
    swings = []
    for side, c in contact.items():
        starts = np.flatnonzero(np.diff(c.astype(int)) == -1) + 1
        swings += [(int(s), side) for s in starts]
    order = [side for _, side in sorted(swings)]
    assert len(order) >= 8 and all(a != b for a, b in zip(order, order[1:])), order
    # a planted foot does not move in the world between two frames it is planted in
    q, p0 = clip.get(F.ROOT_ROT), clip.get(F.ROOT_POS)
    for side, c in contact.items():
        foot = p0 + quat.rotate(q, clip.get(F.link_pos(f"{side}_ankle_roll_link")))
        both = c[1:] & c[:-1]
        assert np.abs(np.diff(foot, axis=0)[both]).max() < 1e-5
    assert np.mean(clip.get(F.root_vel("w"))[:, 0]) == pytest.approx(speed, rel=1e-3)


def test_link_positions_agree_with_the_description_kinematics():
    clip = _clip("lus2_27dof", "walk_fast")
    for row in (0, 57, 143):
        q = dict(zip(clip.joint_names, clip.get(F.dof_pos(clip.joint_names))[row]))
        poses = description.forward_kinematics(q)  # root at the origin, identity orientation
        for link in motions.LINKS:
            np.testing.assert_allclose(clip.get(F.link_pos(link))[row], poses[link][0], atol=1e-6)
            np.testing.assert_allclose(quat.to_matrix(clip.get(F.link_rot(link))[row]), poses[link][1], atol=1e-6)


def test_manager_serves_the_clips_for_the_robot_they_were_made_for(tmp_path):
    for variant in description.VARIANTS:
        cfg = RefMotionCfg(motion_files=str(lus2_motions(variant) / "*.pkl"), robot_mjcf=str(lus2_mjcf(variant)),
                           style_fields=("joint_dof_pos", "joint_dof_vel"), ref_length_s=1.0)
        m = RefMotionManager(cfg, num_envs=16, seed=0)
        assert set(m.clip_names) == {"stand", "walk_slow", "walk_fast"}
        assert m.joint_names == description.get_variant(variant).joints
        assert m.sample_amp_windows(32).shape == (32, 2, 2 * description.get_variant(variant).num_joints)
    cfg = RefMotionCfg(motion_files=str(lus2_motions("lus2_27dof") / "stand.pkl"),
                       robot_mjcf=str(lus2_mjcf("lus2_21dof")))
    with pytest.raises(MotionDataError, match="stand.pkl, clip stand, field left_wrist_yaw_joint_dof_pos: joint "):
        RefMotionManager(cfg, num_envs=1)


def test_view_writes_a_png_and_an_mp4(tmp_path, capsys):
    from refmotion_manager.view import main as view_main

    short = dataclasses.replace(_clip("lus2_27dof", "walk_slow"))
    short = dataclasses.replace(short, frames=short.frames[:10])
    formats.write([short], tmp_path / "w.pkl")
    assert view_main([str(tmp_path / "w.pkl"), "--png", str(tmp_path / "w.png"), "--robot", "lus2",
                      "--mp4", str(tmp_path / "w.mp4")]) == 0
    assert (tmp_path / "w.png").stat().st_size > 10_000
    out = capsys.readouterr().out
    if "no offscreen renderer" not in out:  # where GL exists the replay is written
        assert (tmp_path / "w.mp4").stat().st_size > 1000
