"""The style figure of ``play --style-report`` (tasks/utils/style_report.py) on known data."""

import numpy as np
import pytest

from legged_robots.assets.paths import lus2_motions
from legged_robots.tasks.utils.style_report import reference_joint_positions, style_report, wasserstein1


def test_wasserstein1_on_known_samples():
    x = np.random.default_rng(0).normal(size=5000)
    assert wasserstein1(x, x) == 0.0
    assert wasserstein1(x, x + 0.3) == pytest.approx(0.3, abs=1e-9)  # a shift by c costs |c|
    assert wasserstein1(x, 2 * x) == pytest.approx(np.mean(np.abs(x)), rel=0.05)


def test_the_clips_against_themselves_score_zero_and_a_bent_knee_scores_its_offset():
    files = [str(lus2_motions("lus2_27dof") / "walk_slow.pkl")]
    names = ["left_knee_joint", "right_knee_joint", "torso_joint"]
    ref = reference_joint_positions(files, names)
    assert style_report(ref, names, files)["mean_w1"] == 0.0
    bent = ref.copy()
    bent[:, 0] += 0.3
    report = style_report(bent, names, files)
    assert report["per_joint"]["left_knee_joint"] == pytest.approx(0.3) and report["mean_w1"] == pytest.approx(0.1)
