"""RefMotionManager: sampling, stepping, windows, reads, AMP windows, initial states."""

import dataclasses

import numpy as np
import pytest
import torch
from motion_fixtures import JOINTS, toy_clip

from refmotion_manager import RefMotionCfg, RefMotionManager, check_clip, formats
from refmotion_manager.derive import complete

STYLE = ("root_pos_x", "root_rot_w", "root_rot_x", "root_rot_y", "root_rot_z", "joint_dof_pos", "joint_dof_vel")


def _mgr(clips, n=8, seed=0, **cfg):
    cfg.setdefault("time_between_frames", 0.02)
    return RefMotionManager(RefMotionCfg(**cfg), num_envs=n, clips=clips, seed=seed)


def _x(m, offset=0):
    """Root x of each env's frame: the toy root moves at 0.3 m/s, so x / 0.3 is the clip time."""
    return m.get("root_pos_x", offset)[:, 0]


def test_random_start_is_uniform_over_the_starts_that_fit_a_window():
    clip = toy_clip(seconds=2.0)  # 101 frames
    m = _mgr([clip], n=40000, ref_length_s=1.0)  # window 51 frames: starts 0..50
    assert m.window == 51 and (m.steps == 0).all()
    counts = torch.bincount(m.start, minlength=52).numpy()
    assert counts[51] == 0 and (counts[:51] > 0).all()
    expected = 40000 / 51
    chi2 = ((counts[:51] - expected) ** 2 / expected).sum()
    assert chi2 < 90  # 50 degrees of freedom: p ~ 0.0005
    np.testing.assert_allclose(_x(m).numpy(), 0.3 * m.start.numpy() * 0.02, atol=1e-6)


def test_fixed_start_and_clip_weights():
    clips = [toy_clip(name=n) for n in ("a", "b", "c")]
    m = _mgr(clips, n=30000, random_start=False, clip_weights={"a": 1.0, "b": 2.0, "c*": 7.0})
    assert (m.start == 0).all()
    freq = torch.bincount(m.clip_id, minlength=3).float() / 30000
    np.testing.assert_allclose(freq.numpy(), [0.1, 0.2, 0.7], atol=0.015)


def test_step_next_and_window_clamp():
    m = _mgr([toy_clip()], n=4, ref_length_s=0.1)  # 6-frame window
    m.reset(start_frames=[0, 10, 20, 95])
    for k in range(1, 9):
        m.step()
        kk = min(k, 5)
        np.testing.assert_allclose(_x(m).numpy(), 0.3 * 0.02 * (np.array([0, 10, 20, 95]) + kk), atol=1e-6)
        np.testing.assert_allclose(_x(m, 1).numpy(), 0.3 * 0.02 * (np.array([0, 10, 20, 95]) + min(k + 1, 5)),
                                   atol=1e-6)
        assert m.finished.all() == (k >= 5)
    m.reset(env_ids=[1], start_frames=3)
    assert m.steps.tolist() == [8, 0, 8, 8] and m.start[1] == 3
    np.testing.assert_allclose(m.time.numpy(), [0.16, 0.0, 0.16, 0.16], atol=1e-6)
    m.step(env_ids=[1, 2])  # only those move on (an env just reset stays at its first frame)
    assert m.steps.tolist() == [8, 1, 9, 8]
    np.testing.assert_allclose(_x(m)[1].item(), 0.3 * 0.02 * 4, atol=1e-6)


def test_whole_clip_wraps_when_looping_and_holds_otherwise():
    loop = dataclasses.replace(toy_clip(seconds=0.2, name="loop"), loop=True)  # 11 frames
    hold = toy_clip(seconds=0.2, name="hold")
    m = _mgr([loop, hold], n=2, random_start=False)
    m.reset(clip_ids=[0, 1])
    for _ in range(13):
        m.step()
    np.testing.assert_allclose(_x(m).numpy(), [0.3 * 0.02 * (13 % 11), 0.3 * 0.02 * 10], atol=1e-6)
    assert m.finished.tolist() == [False, True]


def test_clips_are_resampled_and_cut_at_load():
    m = _mgr([toy_clip(seconds=2.0)], n=1, time_between_frames=0.04, random_start=False, frame_begin=10,
             frame_end=61)  # source frames 10..60 = 1.0 s from t = 0.2
    assert m.clip_length.tolist() == [26]
    m.step()
    assert _x(m).item() == pytest.approx(0.3 * (0.2 + 0.04), abs=1e-6)


def test_reads_by_group_field_and_list_agree():
    clip = complete(check_clip(toy_clip()))
    m = _mgr([clip], n=5, style_fields=STYLE, expressive_goal_fields=("joint_dof_pos",))
    assert m.groups["style"][:5] == STYLE[:5] and m.groups["style"][5:8] == tuple(f"{j}_dof_pos" for j in JOINTS)
    style = m.get("style")
    assert style.shape == (5, 11) and style.dtype == torch.float32
    torch.testing.assert_close(style, m.get(list(m.groups["style"])))
    torch.testing.assert_close(m.next("expressive_goal"), m.get(["hip_dof_pos", "knee_dof_pos", "ankle_dof_pos"], 1))
    torch.testing.assert_close(m.current("style", env_ids=[1, 3]), style[[1, 3]])
    with pytest.raises(KeyError, match="elbow_dof_pos: not a group"):
        m.get("elbow_dof_pos")


def test_amp_windows_are_consecutive_frames_of_one_clip():
    clips = [complete(check_clip(toy_clip(name=n, seconds=s))) for n, s in (("a", 1.0), ("b", 3.0))]
    m = _mgr(clips, n=2, style_fields=STYLE, amp_obs_frame_num=3)
    w = m.sample_amp_windows(4096)
    assert w.shape == (4096, 3, 11)
    dx = torch.diff(w[:, :, 0], dim=1)  # root x advances 0.3 m/s * 0.02 s per frame, never across clips
    torch.testing.assert_close(dx, torch.full_like(dx, 0.006), atol=1e-5, rtol=0)
    assert w[:, 0, 0].max() > 0.3 * 2.5  # windows from the long clip's end are drawn too


def test_init_state_parts_and_overrides(tmp_path):
    formats.write([toy_clip()], tmp_path / "a.pkl")
    m = RefMotionManager(RefMotionCfg(motion_files=str(tmp_path / "*.pkl"), specify_init_values={"knee": 0.9,
                         "root_pos_z": 0.5}), num_envs=6, seed=1)
    s = m.init_state()
    assert {k: tuple(v.shape) for k, v in s.items()} == {
        "fields": (6, 19), "root_pos": (6, 3), "root_quat": (6, 4), "root_lin_vel_w": (6, 3),
        "root_ang_vel_w": (6, 3), "joint_pos": (6, 3), "joint_vel": (6, 3)}
    assert m.init_joint_names == JOINTS
    assert (s["joint_pos"][:, 1] == 0.9).all() and (s["root_pos"][:, 2] == 0.5).all()
    np.testing.assert_allclose(s["root_lin_vel_w"][:, 0].numpy(), 0.3, atol=1e-4)  # derived at load
    with pytest.raises(KeyError, match="specify_init_values: 'elbow'"):
        RefMotionManager(RefMotionCfg(motion_files=str(tmp_path / "*.pkl"), specify_init_values={"elbow": 0.1}),
                         num_envs=1)


def test_same_seed_same_draws_and_bad_weights():
    clips = [toy_clip(name=n) for n in ("a", "b")]
    a, b = _mgr(clips, n=64, seed=3), _mgr(clips, n=64, seed=3)
    assert torch.equal(a.clip_id, b.clip_id) and torch.equal(a.start, b.start)
    with pytest.raises(KeyError, match="clip_weights names no loaded clip: z"):
        _mgr(clips, clip_weights={"z": 1.0})
    with pytest.raises(ValueError, match="positive sum"):
        _mgr(clips, clip_weights={"*": 0.0})
