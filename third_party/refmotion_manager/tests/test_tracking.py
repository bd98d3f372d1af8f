"""The tracking metrics on constructed states: a robot exactly at the reference scores zero; a known offset gives
the known error in each metric; the summary averages over the steps an episode lived."""

import math

import numpy as np
import pytest
import torch
from motion_fixtures import toy_clip

from refmotion_manager import RefMotionCfg, RefMotionManager, quat
from refmotion_manager import fields as F
from refmotion_manager.tracking import TrackingSummary, format_table, tracked_links, tracking_errors


@pytest.fixture
def motion(toy_mjcf):
    m = RefMotionManager(RefMotionCfg(robot_mjcf=str(toy_mjcf), random_start=False), num_envs=2,
                         clips=[toy_clip()], seed=0)
    m.step()
    m.step()  # a frame where the root has moved and turned
    return m


def _robot_at_reference(motion, links):
    """World root pose, body positions and joints of a robot exactly at the reference's current frame."""
    n = motion.num_envs
    root = motion.get(list(F.ROOT_POS))
    q_wxyz = motion.get(list(F.ROOT_ROT)).numpy()
    rel = motion.get([f for link in links for f in F.link_pos(link)]).view(n, len(links), 3).numpy()
    bodies = root[:, None, :].numpy() + quat.rotate(np.repeat(q_wxyz[:, None], len(links), 1), rel)
    joints = list(motion.init_joint_names)
    return (root, torch.as_tensor(quat.wxyz_to_xyzw(q_wxyz)), torch.as_tensor(bodies, dtype=torch.float32),
            motion.get(list(F.dof_pos(joints))), motion.get(list(F.dof_vel(joints))))


def test_at_the_reference_every_error_is_zero_and_known_offsets_give_known_errors(motion):
    links = tracked_links(motion, ["thigh", "shin", "foot", "elsewhere"])
    assert links == ("thigh", "shin", "foot")
    root, q, bodies, jp, jv = _robot_at_reference(motion, links)
    e = tracking_errors(motion, links, root, q, bodies, jp, jv, root.clone())
    for key, value in e.items():
        assert value.shape == (2,) and value.abs().max() < 1e-5, key

    shift = torch.tensor([0.1, 0.0, 0.0])  # the whole robot 10 cm off: global error only
    e = tracking_errors(motion, links, root + shift, q, bodies + shift, jp + 0.2, jv - 0.5, root.clone())
    assert torch.allclose(e["mpkpe_m"], torch.full((2,), 0.1), atol=1e-5)
    assert e["mpkpe_rel_m"].abs().max() < 1e-5
    assert torch.allclose(e["root_pos_m"], torch.full((2,), 0.1), atol=1e-5)
    assert torch.allclose(e["joint_pos_se"], torch.full((2,), 0.04), atol=1e-6)
    assert torch.allclose(e["joint_vel_se"], torch.full((2,), 0.25), atol=1e-6)


def test_summary_averages_over_the_steps_lived_and_splits_by_clip():
    s = TrackingSummary(3, dt=0.02)
    step = {"mpkpe_m": torch.tensor([0.01, 0.03, 0.05]), "mpkpe_rel_m": torch.zeros(3),
            "joint_pos_se": torch.tensor([0.01, 0.04, 0.09]), "joint_vel_se": torch.zeros(3),
            "root_pos_m": torch.zeros(3)}
    s.add(step, torch.tensor([True, True, True]))
    s.add({**step, "mpkpe_m": torch.tensor([0.03, 1.0, 1.0])}, torch.tensor([True, False, False]))  # only env 0 lived
    result = s.result(torch.tensor([0, 0, 1]), ["a", "b"], torch.tensor([True, False, False]))
    assert result["clips"]["a"]["episodes"] == 2 and result["clips"]["a"]["success_rate"] == 0.5
    assert math.isclose(result["clips"]["a"]["mpkpe_mm"], (20.0 + 30.0) / 2, rel_tol=1e-6)  # env 0: mean of 10, 30
    assert math.isclose(result["clips"]["b"]["joint_pos_rmse_rad"], 0.3, rel_tol=1e-6)
    assert result["overall"]["episodes"] == 3 and math.isclose(result["clips"]["a"]["survival_s"], 0.03)
    table = format_table(result)
    assert table.splitlines()[0].startswith("clip") and "overall" in table.splitlines()[-1]
