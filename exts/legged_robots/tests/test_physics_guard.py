"""The physics guard (``physics_blowup``) on the real env, under both physics presets: an env whose state is
made non-finite, or absurdly fast, is ended and reset alone and counted once; the other envs move on exactly as
they would have; nothing non-finite reaches the observations or rewards."""

import pytest
import torch
from test_mujoco_c_physics import PRESETS, _nominal

from legged_robots.tasks import make_env

pytestmark = pytest.mark.sim
LOST, STEPS, AT = 1, 8, 4


def _inject(robot, kind: str) -> None:
    ids = torch.tensor([LOST])
    if kind == "nan_joint_velocity":
        q, qd = robot.data.joint_pos.torch[ids].clone(), robot.data.joint_vel.torch[ids].clone()
        qd[0, 3] = float("nan")
        robot.write_joint_state_to_sim_index(position=q, velocity=qd, env_ids=ids)
    else:  # absurd: the base thrown at 100 m/s
        robot.write_root_velocity_to_sim_index(root_velocity=torch.tensor([[0.0, 0.0, 100.0, 0.0, 0.0, 0.0]]),
                                               env_ids=ids)


def _run(env, inject: str | None):
    env.reset()
    u = env.unwrapped
    robot = u.scene["robot"]
    zero = torch.zeros(u.num_envs, u.action_manager.total_action_dim)
    states, out = [], {}
    for i in range(STEPS):
        if i == AT and inject:
            _inject(robot, inject)
        obs, reward, terminated, truncated, extras = env.step(zero)
        states.append(robot.data.joint_pos.torch.clone())
        if i == AT:
            out = {"obs": obs, "reward": reward.clone(), "terminated": terminated.clone(),
                   "blowups": u.termination_manager.get_term("physics_blowup").clone(),
                   "logged": extras.get("log", {}),
                   "episode_step": u.episode_length_buf.clone()}
    return torch.stack(states), out


@pytest.mark.parametrize("physics", PRESETS)
def test_a_lost_env_is_reset_alone_counted_once_and_nothing_non_finite_gets_out(physics):
    torch.set_num_threads(1)
    env = make_env("St-Velocity-Flat-Lus2", num_envs=3, edit=_nominal, overrides=[f"physics={physics}"])
    try:
        u = env.unwrapped
        reference, _ = _run(env, None)
        assert u.physics_blowups == 0
        for n, kind in enumerate(("nan_joint_velocity", "absurd_base_velocity"), start=1):
            states, at = _run(env, kind)
            assert at["blowups"].tolist() == [False, True, False], kind
            assert at["terminated"][LOST] and at["episode_step"][LOST] == 0  # ended and reset in that step
            assert u.physics_blowups == n  # counted once
            assert at["logged"]["Physics/blowups"] == 1  # the count the trainer sums per iteration
            assert float(at["logged"]["Episode_Termination/physics_blowup"]) > 0  # Isaac Lab's share of envs
            for group, value in at["obs"].items():
                assert torch.isfinite(value).all(), (kind, group)
            assert torch.isfinite(at["reward"]).all() and at["reward"][LOST] == 0.0
            others = [i for i in range(u.num_envs) if i != LOST]
            assert torch.equal(states[:, others], reference[:, others]), kind  # untouched
            assert torch.isfinite(states).all()
    finally:
        env.close()
