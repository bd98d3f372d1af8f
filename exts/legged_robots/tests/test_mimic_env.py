"""Mimic on the real lus2 env: the command follows the clip one frame per env step from the frame the robot was
reset to, the tracking rewards are 1 at perfect tracking and exp(-e/std^2) at a known error, and the adaptive
termination threshold moves both ways by its stated rule."""

import math

import pytest
import torch

from legged_robots.tasks import make_env

pytestmark = pytest.mark.sim
TASK = "St-Mimic-Flat-Lus2"


@pytest.fixture(scope="module")
def env():
    torch.set_num_threads(1)
    e = make_env(TASK, num_envs=3)
    yield e
    e.close()


def _zero(u):
    return torch.zeros(u.num_envs, u.action_manager.total_action_dim)


def test_reset_puts_the_robot_at_the_reference_and_the_command_advances_one_frame_per_step(env):
    from legged_robots.tasks.amp.mdp.reference import reference_motion

    u = env.unwrapped
    env.reset()
    motion = reference_motion(u)
    robot = u.scene["robot"]
    assert motion.steps.tolist() == [0, 0, 0]
    jid = [robot.joint_names.index(j) for j in motion.init_joint_names]
    ref = motion.init_state()["joint_pos"]
    limits = robot.data.soft_joint_pos_limits.torch[:, jid]
    assert torch.allclose(robot.data.joint_pos.torch[:, jid], ref.clamp(limits[..., 0], limits[..., 1]), atol=1e-5)
    # at the reference, the reference root is where the robot's is: zero offset, identity rotation (9 values)
    pose = u.observation_manager.compute_group("policy")[:, -9:]
    assert torch.allclose(pose, torch.tensor([0.0, 0, 0, 1, 0, 0, 0, 1, 0]).expand(3, 9), atol=1e-4)
    # the critic's body states (design 3.5): the expressive links' positions and velocities, here the reference's
    from refmotion_manager import fields as F

    links = F.links_in(motion.groups["expressive_goal"])
    critic = u.observation_manager.compute_group("critic")
    ref_vel = motion.get([f for link in links for f in F.link_vel(link)])
    assert (critic[:, -ref_vel.shape[1]:] - ref_vel).abs().max() < 0.15  # the last critic term, m/s
    start = motion.frame_index(0).clone()
    for k in range(1, 4):
        env.step(_zero(u))
        alive = u.episode_length_buf == k
        assert (motion.steps[alive] == k).all() and (motion.frame_index(0)[alive] == start[alive] + k).all()
    term = u.command_manager.get_term("expressive_goal_commands")
    assert torch.equal(term.command, motion.get("expressive_goal"))
    assert torch.equal(term.next_goal, motion.get("expressive_goal", offset=1))
    # at the window's end the reference holds its last frame (ref_length_s window: clamped, not wrapped)
    motion.steps[:] = motion.window + 5
    assert (motion.frame_index(0) == motion.start + motion.window - 1 + motion.clip_offset[motion.clip_id]).all()
    env.reset()


def test_debug_markers_sit_at_the_reference_links(env):
    from refmotion_manager.tracking import tracked_links

    u = env.unwrapped
    env.reset()  # every robot at its reference frame
    term = u.command_manager.get_term("expressive_goal_commands")
    robot = u.scene["robot"]
    links = tracked_links(term.motion, robot.body_names)
    assert {"torso_link", "left_ankle_roll_link", "right_elbow_link"} <= set(links)  # the clips' key bodies
    markers = term.reference_link_positions()
    bodies = robot.data.body_pos_w.torch[:, [robot.body_names.index(link) for link in links]]
    assert markers.shape == (u.num_envs, len(links), 3) and (markers - bodies).norm(dim=-1).max() < 0.02
    assert term.set_debug_vis(True)
    term._debug_vis_callback(None)  # what the viewer calls every frame
    assert term.set_debug_vis(False)


def test_tracking_rewards_are_one_at_the_reference_and_exp_of_a_known_error(env):
    from legged_robots.tasks.config.lus2.amp_mimic_cfg import TRACKING_REWARDS
    from legged_robots.tasks.mimic.mdp import tracking as mimic

    u = env.unwrapped
    env.reset()  # every robot is exactly at its reference frame now
    rm = u.reward_manager
    for name in TRACKING_REWARDS:
        cfg = rm.get_term_cfg(name)
        value = cfg.func(u, **cfg.params)
        assert torch.allclose(value, torch.ones_like(value), atol=1e-4), (name, value)
    # the lower-body joints 0.1 rad off: e = 0.01 (mean squared), reward exp(-0.01 / std^2)
    robot = u.scene["robot"]
    cfg = rm.get_term_cfg("track_lower_joint_pos_exp")
    ids = cfg.params["asset_cfg"].joint_ids
    q = robot.data.joint_pos.torch.clone()
    q[:, ids] += 0.1
    robot.write_joint_position_to_sim_index(position=q, env_ids=torch.arange(u.num_envs))
    std = TRACKING_REWARDS["track_lower_joint_pos_exp"][1]
    expected = math.exp(-0.01 / std**2)
    assert torch.allclose(cfg.func(u, **cfg.params), torch.full((u.num_envs,), expected), atol=1e-4)
    assert torch.allclose(mimic.joint_error(u, cfg.params["asset_cfg"]), torch.full((u.num_envs,), 0.01), atol=1e-6)
    env.reset()


def test_adaptive_threshold_starts_loose_tightens_and_loosens(env):
    u = env.unwrapped
    cfg = u.termination_manager.get_term_cfg("tracking_lower_dof_error")
    term = type(cfg.func)(cfg, u)  # a fresh one starts loose
    assert (term.min, term.max) == (0.3, 1.5) and term.threshold == 1.5
    saved = term.state_dict()
    for _ in range(20000):  # the typical error falls to 0.05 rad: the threshold goes to min
        term.update(0.05, ema=0.001)
    assert term.threshold == pytest.approx(0.3)
    for _ in range(3000):  # tracking gets worse (0.4 rad): it loosens again, never past max
        term.update(0.4, ema=0.001)
    assert 0.3 < term.threshold <= 1.5 and term.threshold == pytest.approx(min(1.5, 3 * term.typical))
    term.load_state_dict(saved)
    assert term.threshold == 1.5
    # the env's own terms are logged at every reset (Metrics/<term>/threshold in tensorboard)
    u._reset_idx(torch.tensor([0]))
    for name in ("tracking_lower_dof_error", "tracking_upper_dof_error"):
        logged = u.extras["log"][f"Metrics/{name}/threshold"]
        assert float(logged) == pytest.approx(u.termination_manager.get_term_cfg(name).func.threshold)


def test_adaptive_sampling_draws_more_starts_where_episodes_fail(env):
    """On by default. Failures recorded only in walk_fast's second bin: that bin gets (1 - 0.1) of the smoothed
    mass plus its uniform share; the sampling entropy drops below 1 (uniform); successes elsewhere change nothing."""
    from legged_robots.tasks.amp.mdp.reference import reference_motion

    u = env.unwrapped
    term = u.command_manager.get_term("expressive_goal_commands")
    sampler = term.sampler
    assert sampler is not None and sampler.bin_frames == 50
    motion = reference_motion(u)
    clip = motion.clip_names.index("walk_fast")
    sampler.failure.zero_()
    assert sampler.entropy() == pytest.approx(1.0)
    sampler.env_bin = torch.full((200,), int(sampler.offset[clip]) + 1)
    sampler.env_bin[100:] = int(sampler.offset[clip]) + 2
    sampler.record(torch.arange(200), torch.arange(200) < 100)  # bin 1 fails, bin 2 succeeds
    p = sampler._probs(clip)
    nb = sampler.bins[clip]
    assert p.argmax() == 1 and p.sum() == pytest.approx(1.0) and p.min() >= 0.1 / nb - 1e-9
    assert sampler.entropy() < 1.0
    sampler.env_bin = torch.zeros(motion.num_envs, dtype=torch.long)
    clips, starts = sampler.draw(torch.arange(motion.num_envs))
    assert (starts >= 0).all() and (starts < sampler.starts[clips]).all()
    sampler.failure.zero_()


def test_adaptive_state_is_saved_and_restored_with_the_env(env):
    """What st_rl stores in each checkpoint (env.checkpoint_state) and gives back on --resume."""
    u = env.unwrapped
    term = u.termination_manager.get_term_cfg("tracking_lower_dof_error").func
    sampler = u.command_manager.get_term("expressive_goal_commands").sampler
    term.load_state_dict({"typical": 0.2, "threshold": 0.6})
    sampler.failure[3] = 0.5
    state = u.checkpoint_state()
    assert state["termination/tracking_lower_dof_error"] == {"typical": 0.2, "threshold": 0.6}
    term.load_state_dict({"typical": 0.5, "threshold": 1.5})
    sampler.failure.zero_()
    u.load_checkpoint_state(state)
    assert term.threshold == 0.6 and float(sampler.failure[3]) == 0.5
    sampler.failure.zero_()


def test_root_termination_ends_an_env_that_drifts_off_the_clips_path(env):
    """On by default where the policy sees the reference root: env 0 put 0.5 m beside its reference root ends once
    the threshold has tightened to its min (0.4 m); the others, at their reference, go on."""
    u = env.unwrapped
    env.reset()
    cfg = u.termination_manager.get_term_cfg("tracking_root_pos_error")
    cfg.func.load_state_dict({"typical": 0.05, "threshold": 0.4})
    robot = u.scene["robot"]
    pose = robot.data.root_pose_w.torch.clone()
    pose[0, 1] += 0.5
    robot.write_root_pose_to_sim_index(root_pose=pose)
    assert cfg.func(u, **cfg.params).tolist() == [True, False, False]
    cfg.func.load_state_dict({"typical": 2.0 / 3.0, "threshold": 2.0})
    env.reset()
