"""The 21-joint mimic task builds and steps (its upper-body joint sets have no wrists), on its own clips."""

import pytest
import torch

from legged_robots.tasks import make_env

pytestmark = pytest.mark.sim


def test_the_21_joint_mimic_task_runs_on_its_clips():
    torch.set_num_threads(1)
    env = make_env("St-Mimic-Flat-Lus2-21dof", num_envs=2)
    try:
        u = env.unwrapped
        env.reset()
        obs, reward, *_ = env.step(torch.zeros(2, 21))
        assert u.action_manager.total_action_dim == 21 and torch.isfinite(reward).all()
        # proprioception + expressive goal + reference root pose
        assert obs["policy"].shape[1] == 3 + 3 + 21 * 3 + (2 * 21 + 6 + 3 * 5) + 9
        upper = u.reward_manager.get_term_cfg("track_upper_joint_pos_exp").params["asset_cfg"]
        assert not any("wrist" in u.scene["robot"].joint_names[i] for i in upper.joint_ids)
    finally:
        env.close()
