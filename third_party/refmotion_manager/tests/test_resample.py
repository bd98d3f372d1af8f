"""Resampling against analytic signals: linear for vectors, slerp for quaternions."""

import numpy as np
import pytest

from refmotion_manager import MotionClip, quat
from refmotion_manager import fields as F
from refmotion_manager.resample import resample, sample_times


def _clip(fps=10.0, seconds=2.0):
    t = np.arange(int(seconds * fps) + 1) / fps
    yaw = 1.3 * t  # constant-rate rotation: slerp between frames is exact
    frames = np.stack([2.0 * t + 1, 0 * t, 0 * t, np.cos(yaw / 2), 0 * t, 0 * t, np.sin(yaw / 2), t ** 2], 1)
    return MotionClip("c", fps, F.ROOT_POS + F.ROOT_ROT + ("j_dof_pos",), frames)


def test_linear_signal_is_reproduced_exactly_and_quadratic_within_chord_error():
    c = _clip()
    r = resample(c, 0.03)
    t = np.arange(r.num_frames) * 0.03
    assert r.fps == pytest.approx(1 / 0.03) and t[-1] <= c.duration + 1e-12 and c.duration - t[-1] < 0.03
    np.testing.assert_allclose(r.get(["root_pos_x"])[:, 0], 2 * t + 1, atol=1e-12)
    # linear interpolation of t^2 on a 0.1 s grid: error at most h^2 / 4 = 0.0025
    err = np.abs(r.get(["j_dof_pos"])[:, 0] - t ** 2)
    assert err.max() <= 0.1 ** 2 / 4 + 1e-12 and err.max() > 1e-4


def test_slerp_follows_constant_rate_rotation():
    r = resample(_clip(), 0.007)
    t = np.arange(r.num_frames) * 0.007
    q = r.get(F.ROOT_ROT)
    np.testing.assert_allclose(q, np.stack([np.cos(0.65 * t), 0 * t, 0 * t, np.sin(0.65 * t)], 1), atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-12)


def test_slerp_takes_the_short_way_across_sign_flips():
    a = quat.exp(np.array([0, 0, 0.2]))
    b = -quat.exp(np.array([0, 0, 0.4]))  # the same rotation as +exp(0.4), opposite sign
    mid = quat.slerp(a, b, 0.5)
    np.testing.assert_allclose(quat.log(mid), [0, 0, 0.3], atol=1e-12)


def test_sample_times_clamps_to_the_clip():
    c = _clip()
    out = sample_times(c, np.array([-1.0, 0.0, 5.0]))
    np.testing.assert_allclose(out[[0, 1]], c.frames[[0, 0]])
    np.testing.assert_allclose(out[2], c.frames[-1])


def test_same_interval_returns_the_clip_unchanged():
    c = _clip()
    assert resample(c, 0.1) is c
    with pytest.raises(ValueError, match="> 0"):
        resample(c, 0.0)
