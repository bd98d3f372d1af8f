"""The mimic evaluation on the real env: a scripted perfect tracker (the reference replayed kinematically) succeeds
on every clip with near-zero errors; a zero-action policy does not."""

import pytest
import torch

from legged_robots.tasks.mimic.eval import configure_eval, evaluate
from legged_robots.tasks.utils.launch import load_cfgs, make_vec_env
from refmotion_manager.tracking import format_table

pytestmark = pytest.mark.sim


@pytest.fixture(scope="module")
def env():
    torch.set_num_threads(1)
    task, env_cfg, _ = load_cfgs("St-Mimic-Flat-Lus2", [], play=True)
    configure_eval(env_cfg, episodes=3)
    env_cfg.sim.device = "cpu"
    e = make_vec_env(task, env_cfg)
    yield e
    e.close()


def _zero(obs):
    return torch.zeros(obs["policy"].shape[0], 27)


def test_a_kinematic_replay_of_the_reference_tracks_it_perfectly(env):
    from legged_robots.tasks.amp.mdp import reference_motion, write_reference_state

    u = env.unwrapped
    env.reset()
    motion = reference_motion(u)

    def replay(e):  # the robot put at the reference frame every step: a perfect tracker
        write_reference_state(u, torch.arange(u.num_envs), motion)
        u.scene.update(0.0)

    result = evaluate(env, _zero, after_step=replay)
    print(format_table(result))
    assert set(result["clips"]) == {"stand", "walk_slow", "walk_fast"}
    overall = result["overall"]
    assert overall["success_rate"] == 1.0 and overall["mpkpe_mm"] < 1.0 and overall["mpkpe_root_relative_mm"] < 1.0
    assert overall["joint_pos_rmse_rad"] < 1e-3 and overall["root_pos_error_m"] < 1e-3


def test_a_zero_action_policy_falls_behind(env):
    env.reset()
    result = evaluate(env, _zero)
    assert result["overall"]["success_rate"] < 1.0 and result["overall"]["mpkpe_mm"] > 10.0, format_table(result)


def test_whole_clips_wrap_or_end_the_episode_per_loop_mode(env):
    """With whole clips (the eval's ``ref_length_s=None``) the command follows each clip's LoopMode: stand is
    Wrap (starts over), the walks are Clamp: their episodes end at the last frame, as a time-out."""
    from legged_robots.tasks.amp.mdp import reference_motion, write_reference_state

    u = env.unwrapped
    env.reset()
    motion = reference_motion(u)
    term = u.command_manager.get_term("expressive_goal_commands")
    assert [motion.clip_names[c] for c in motion.clip_id] == ["stand", "walk_slow", "walk_fast"]
    assert motion.clip_loop.tolist() == [True, False, False]
    length = motion.clip_length[motion.clip_id]
    assert length.tolist() == [101, 201, 201]
    first = motion.clip_offset[motion.clip_id]
    ids = torch.arange(u.num_envs)
    for k in range(1, 201):
        _, _, terminated, truncated, _ = u.step(_zero(env.get_observations()))
        write_reference_state(u, ids, motion)  # kept at the reference: no fall interrupts the clip
        assert (motion.steps == k).all() and torch.equal(term.command, motion.get("expressive_goal"))
        assert not (terminated | truncated).any()
    assert motion.frame_index(0).tolist() == [first[0] + 200 % 101, first[1] + 200, first[2] + 200]
    _, _, terminated, truncated, _ = u.step(_zero(env.get_observations()))  # the walks are past their end
    ended = u.termination_manager.get_term("reference_end")
    assert ended.tolist() == [False, True, True] and truncated.tolist() == [False, True, True] and not terminated.any()
    assert motion.steps.tolist() == [201, 0, 0] and motion.frame_index(0)[0] == first[0] + 201 % 101
