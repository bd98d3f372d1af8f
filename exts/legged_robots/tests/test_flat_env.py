"""The lus2 flat task in Isaac Lab on the default backend (Newton / MuJoCo-Warp, kit-less) on CPU."""

import pytest
import torch
from stand_check import HEIGHT_TOLERANCE, MAX_DRIFT, MAX_TILT, STAND_SECONDS, VARIANTS, hold_gains_of

from legged_robots.assets.lus2 import description as d
from legged_robots.tasks import make_env
from legged_robots.tasks.velocity.velocity_env_cfg import RANDOMIZATION_EVENTS

pytestmark = pytest.mark.sim

TASK = {"lus2_27dof": "St-Velocity-Flat-Lus2", "lus2_21dof": "St-Velocity-Flat-Lus2-21dof"}


def _hold_still(env_cfg):
    """Spawn exactly in the default pose of the nominal robot (no randomization, no disturbances), holding
    gains (see stand_check)."""
    for name in RANDOMIZATION_EVENTS:
        setattr(env_cfg.events, name, None)
    env_cfg.events.reset_base.params["pose_range"] = {}
    env_cfg.events.reset_base.params["velocity_range"] = {}
    env_cfg.events.reset_robot_joints.params["position_range"] = (0.0, 0.0)
    env_cfg.events.push_robot = None
    env_cfg.events.torso_external_force = None
    for group in d.ACTUATOR_GROUPS:
        if group.name in env_cfg.scene.robot.actuators:
            actuator = env_cfg.scene.robot.actuators[group.name]
            actuator.stiffness, actuator.damping = hold_gains_of(group)


@pytest.mark.parametrize("variant", VARIANTS)
def test_zero_action_stands(variant):
    torch.set_num_threads(1)
    env = make_env(TASK[variant], num_envs=2, edit=_hold_still)
    try:
        env.reset()
        robot = env.unwrapped.scene["robot"]
        assert robot.num_joints == d.get_variant(variant).num_joints
        nominal = d.standing_height()
        steps = int(STAND_SECONDS / env.unwrapped.step_dt)
        zero = torch.zeros(env.unwrapped.num_envs, env.unwrapped.action_manager.total_action_dim)
        worst = 0.0
        for i in range(steps):
            _, _, terminated, truncated, _ = env.step(zero)
            assert not (terminated | truncated).any(), f"episode ended at step {i}"
            if i * env.unwrapped.step_dt > 0.5:  # after the drop from the spawn clearance
                worst = max(worst, float((robot.data.root_pos_w.torch[:, 2] - nominal).abs().max()))
        assert worst < HEIGHT_TOLERANCE, f"base height off nominal {nominal:.3f} m by {worst:.3f} m"
        drift = robot.data.root_pos_w.torch[:, :2] - env.unwrapped.scene.env_origins[:, :2]
        assert float(drift.norm(dim=-1).max()) < MAX_DRIFT
        tilt = torch.acos(-robot.data.projected_gravity_b.torch[:, 2].clamp(-1, 1))
        assert float(tilt.max()) < MAX_TILT
    finally:
        env.close()


def test_random_actions_terminate_and_reset_to_valid_states():
    torch.set_num_threads(1)
    env = make_env(TASK["lus2_27dof"], num_envs=16)
    try:
        obs, _ = env.reset()
        u = env.unwrapped
        robot = u.scene["robot"]
        nominal = d.standing_height()
        limits = robot.data.joint_pos_limits.torch
        gen = torch.Generator().manual_seed(0)
        resets = 0
        for _ in range(200):
            action = 2.0 * torch.rand(u.num_envs, u.action_manager.total_action_dim, generator=gen) - 1.0
            obs, reward, terminated, truncated, _ = env.step(5.0 * action)
            for group, value in obs.items():
                assert torch.isfinite(value).all(), f"non-finite {group} observation"
            assert torch.isfinite(reward).all()
            done = (terminated | truncated).nonzero().flatten()
            resets += len(done)
            if len(done):  # what step() returns for a finished env is its fresh, reset state
                z = robot.data.root_pos_w.torch[done, 2]
                assert ((z - nominal).abs() < 0.1).all(), z
                q = robot.data.joint_pos.torch[done]
                assert ((q >= limits[done, :, 0] - 1e-4) & (q <= limits[done, :, 1] + 1e-4)).all()
                assert (u.episode_length_buf[done] == 0).all()
        assert resets > 0, "random actions at 5x scale should make lus2 fall"
        assert "base_height" in u.termination_manager.active_terms
    finally:
        env.close()


def test_a_term_whose_regex_matches_nothing_fails_at_build_naming_it():
    from isaaclab.sim import SimulationContext

    def edit(cfg):
        cfg.rewards.feet_slide.params["asset_cfg"].body_names = ".*_foot_link"

    try:
        with pytest.raises(ValueError, match=r"(?s)'feet_slide.*asset_cfg'.*Not all regular expressions.*_foot_link"):
            make_env("St-Velocity-Flat-Lus2", num_envs=1, edit=edit)
    finally:  # the failed build leaves its simulation context behind
        SimulationContext.clear_instance()
