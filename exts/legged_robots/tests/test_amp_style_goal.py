"""The style goal (design 3.6 style_goal_commands, 3.4 track_style_goal_exp) on the real AMP env: off by default
(the design's usual style_goal_fields=None), on with one override; one goal per field, resampled in the design's
ranges, its reward finite and in (0, 1] per step before the weight."""

import pytest
import torch

from legged_robots.tasks import make_env

pytestmark = pytest.mark.sim


def test_style_goal_command_and_reward_follow_style_goal_fields():
    torch.set_num_threads(1)
    env = make_env("St-Amp-Flat-Lus2", num_envs=3,
                   overrides=["env.ref_motion.style_goal_fields=[root_vel_x_b,root_ang_vel_z_b]"])
    try:
        u = env.unwrapped
        assert "style_goal_commands" in u.command_manager.active_terms
        assert u.reward_manager.get_term_cfg("track_style_goal_exp").weight == 1.47
        term = u.command_manager.get_term("style_goal_commands")
        assert term.cfg.resampling_time_range == (10.0, 10.0)
        env.reset()
        goal = term.command
        assert goal.shape == (3, 2) and bool(((goal >= -1.0) & (goal <= 1.0)).all())
        for _ in range(3):
            env.step(torch.zeros(3, u.action_manager.total_action_dim))
        raw = u.reward_manager._step_reward[:, u.reward_manager.active_terms.index("track_style_goal_exp")]
        per_step = raw / 1.47  # _step_reward is weight * value
        assert torch.isfinite(per_step).all() and bool(((per_step > 0) & (per_step <= 1.0)).all())
        assert torch.equal(term.current()[:, 0], u.scene["robot"].data.root_lin_vel_b.torch[:, 0])
    finally:
        env.close()


def test_without_style_goal_fields_the_velocity_command_drives_the_task():
    from legged_robots.tasks.utils.launch import load_cfgs

    _, env_cfg, _ = load_cfgs("St-Amp-Flat-Lus2", [])
    assert env_cfg.ref_motion.style_goal_fields is None
    assert getattr(env_cfg.commands, "style_goal_commands", None) is None
    assert getattr(env_cfg.rewards, "track_style_goal_exp", None) is None
