"""Our MDP terms (tasks/velocity/mdp) against hand-computed values on constructed states.

The state is built by hand (a minimal stand-in for the env exposing only the buffers a term reads), so
each expected value follows from the docstring's formula on paper. The same terms run on the real env's
buffers in test_lus2_mdp_sim.py."""

import math
from types import SimpleNamespace as NS

import pytest
import torch

from legged_robots.tasks.velocity import mdp


def _arr(x):
    return NS(torch=torch.as_tensor(x, dtype=torch.float32))


def _yaw_quat_xyzw(yaw):
    return [0.0, 0.0, math.sin(yaw / 2), math.cos(yaw / 2)]  # Isaac Lab 3.0: x, y, z, w


def _cfg(**kw):
    return NS(name="robot", joint_ids=slice(None), body_ids=slice(None), **kw)


def test_energy_cost_is_sum_of_absolute_mechanical_power():
    data = NS(applied_torque=_arr([[10.0, -20.0, 5.0], [0.0, 0.0, 0.0]]),
              joint_vel=_arr([[1.0, 2.0, -3.0], [9.0, 9.0, 9.0]]))
    env = NS(scene={"robot": NS(data=data)})
    out = mdp.energy_cost(env, _cfg())
    torch.testing.assert_close(out, torch.tensor([10.0 + 40.0 + 15.0, 0.0]))


def test_feet_parallel_is_one_when_parallel_and_gaussian_in_the_yaw_gap():
    quats = [[_yaw_quat_xyzw(0.3), _yaw_quat_xyzw(0.3)], [_yaw_quat_xyzw(0.1), _yaw_quat_xyzw(-0.1)],
             [_yaw_quat_xyzw(3.1), _yaw_quat_xyzw(-3.1)]]  # last pair: 0.083 rad apart across +-pi
    env = NS(scene={"robot": NS(data=NS(body_quat_w=_arr(quats)))})
    out = mdp.feet_parallel_v1(env, std=0.1, asset_cfg=_cfg())
    gap = 2 * math.pi - 6.2
    torch.testing.assert_close(out, torch.tensor([1.0, math.exp(-4.0), math.exp(-(gap / 0.1) ** 2)]), atol=1e-5, rtol=0)


def test_track_ang_vel_z_l1_is_the_absolute_world_yaw_rate_error():
    """|cmd - wz| grows linearly where the exp kernel has gone flat: a 0.9 rad/s spike costs 0.9, a 0.5 one 0.5."""
    cmd = torch.tensor([[0.5, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -0.5]])
    ang_vel = _arr([[0.0, 0.0, 0.9], [1.0, 1.0, 0.5], [0.0, 0.0, -0.5]])  # roll/pitch rates are not its business
    env = NS(scene={"robot": NS(data=NS(root_ang_vel_w=ang_vel))},
             command_manager=NS(get_command=lambda name: cmd))
    out = mdp.track_ang_vel_z_world_l1(env, "base_velocity", _cfg())
    torch.testing.assert_close(out, torch.tensor([0.9, 0.5, 0.0]))


def test_feet_stumble_flags_horizontal_force_above_ratio_times_vertical():
    forces = [[[30.0, 40.0, 10.0], [0.0, 0.0, 300.0]],  # |Fxy| = 50 > 4 * 10: stumble
              [[30.0, 0.0, 10.0], [0.0, 0.0, 300.0]],  # 30 < 40: no
              [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]  # in the air: no
    env = NS(scene=NS(sensors={"contact_forces": NS(data=NS(net_forces_w=_arr(forces)))}))
    out = mdp.feet_stumble(env, NS(name="contact_forces", body_ids=slice(None)), ratio=4.0)
    torch.testing.assert_close(out, torch.tensor([1.0, 0.0, 0.0]))


def test_action_smoothness_2_is_the_discrete_second_difference():
    env = NS(num_envs=1, device="cpu", action_manager=NS(total_action_dim=2, action=None))
    term = mdp.action_smoothness_2(NS(params={}), env)
    a = [torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 0.0]]), torch.tensor([[3.0, 1.0]]), torch.tensor([[3.0, 1.0]])]
    values = []
    for act in a:
        env.action_manager.action = act
        values.append(term(env).item())
    # fresh episode: 0; then ||a1 - a0||^2 (history starts at a0); then ||a2 - 2 a1 + a0||^2; then ||a3 - 2 a2 + a1||^2
    assert values == pytest.approx([0.0, 1.0, 1.0 + 1.0, 4.0 + 1.0])
    term.reset([0])
    env.action_manager.action = torch.tensor([[-5.0, 2.0]])
    assert term(env).item() == 0.0  # no penalty for the jump from the previous episode


class _Rewards:
    def __init__(self, **weights):
        self.cfgs = {k: NS(weight=w) for k, w in weights.items()}
        self._episode_sums = {}

    def get_term_cfg(self, name):
        return self.cfgs[name]

    def set_term_cfg(self, name, cfg):
        self.cfgs[name] = cfg


@pytest.mark.parametrize("ramp_steps,expect", [(0, {400: 5.0, 500: 5.0, 501: 1.0}),
                                               (200, {299: 5.0, 400: 3.0, 500: 1.0, 900: 1.0})])
def test_reward_weight_schedule_steps_or_ramps(ramp_steps, expect):
    env = NS(reward_manager=_Rewards(alive=5.0), common_step_counter=0)
    params = {"term_name": "alive", "weight": 1.0, "num_steps": 500, "ramp_steps": ramp_steps}
    term = mdp.ramp_reward_weight(NS(params=params), env)
    for step, weight in expect.items():
        env.common_step_counter = step
        assert term(env, [0], **params) == pytest.approx(weight)
        assert env.reward_manager.cfgs["alive"].weight == pytest.approx(weight)


def test_command_ranges_widen_only_when_tracking_is_good():
    ranges = NS(lin_vel_x=(-0.2, 0.2), lin_vel_y=(-0.1, 0.1), ang_vel_z=(-0.1, 0.1))
    rewards = _Rewards(track_lin_vel_xy_exp=2.0)
    env = NS(num_envs=4, device="cpu", reward_manager=rewards, common_step_counter=0, max_episode_length=1000,
             max_episode_length_s=20.0, command_manager=NS(get_term=lambda name: NS(cfg=NS(ranges=ranges))))
    limits = {"lin_vel_x": (-0.35, 0.35), "lin_vel_y": (-0.5, 0.5)}
    params = {"limits": limits, "threshold": 0.8, "delta": 0.1}
    term = mdp.command_velocity_levels(NS(params=params), env)
    ids = torch.arange(4)
    rewards._episode_sums["track_lin_vel_xy_exp"] = torch.full((4,), 0.7 * 2.0 * 20.0)  # 70 % of the best
    env.common_step_counter = 1000
    assert term(env, ids, **params) == pytest.approx(0.2)
    rewards._episode_sums["track_lin_vel_xy_exp"] = torch.full((4,), 0.9 * 2.0 * 20.0)  # 90 %: widen
    env.common_step_counter = 1500
    assert term(env, ids, **params) == pytest.approx(0.2)  # less than an episode since the last look
    env.common_step_counter = 2000
    assert term(env, ids, **params) == pytest.approx(0.3)
    assert ranges.lin_vel_y == pytest.approx((-0.2, 0.2)) and ranges.ang_vel_z == (-0.1, 0.1)
    env.common_step_counter = 3000
    assert term(env, ids, **params) == pytest.approx(0.35)  # capped at the limit
    saved = term.state_dict()  # what a checkpoint keeps: a resumed run and the export start from these ranges
    assert saved == {"lin_vel_x": [pytest.approx(-0.35), pytest.approx(0.35)],
                     "lin_vel_y": [pytest.approx(-0.3), pytest.approx(0.3)]}
    ranges.lin_vel_x, ranges.lin_vel_y = (-0.2, 0.2), (-0.1, 0.1)
    term.load_state_dict(saved)
    assert ranges.lin_vel_x == pytest.approx((-0.35, 0.35)) and ranges.lin_vel_y == pytest.approx((-0.3, 0.3))
    with pytest.raises(ValueError, match=r"limits\['lin_vel_x'\] = \(1, -1\) has min > max"):
        mdp.command_velocity_levels(NS(params={"limits": {"lin_vel_x": (1, -1)}}), env)


def _gait_env(steps, commands, forces=None, feet_z=None):
    """Episode step counters, velocity commands (vx, vy, wz), feet contact forces (N, 2, 3) and heights (N, 2)."""
    cmd = torch.tensor(commands, dtype=torch.float32)
    scene = {}
    if feet_z is not None:
        z = torch.as_tensor(feet_z, dtype=torch.float32)
        xyz = torch.stack([torch.zeros_like(z), torch.zeros_like(z), z], -1)
        scene["robot"] = NS(data=NS(body_pos_w=NS(torch=xyz)))
    sensors = {} if forces is None else {"contact_forces": NS(data=NS(net_forces_w=_arr(forces)))}
    return NS(num_envs=len(steps), device="cpu", step_dt=0.02, episode_length_buf=torch.tensor(steps),
              command_manager=NS(get_command=lambda name: cmd), scene=_Scene(scene, sensors))


class _Scene(dict):
    def __init__(self, entities, sensors):
        super().__init__(entities)
        self.sensors = sensors


def test_gait_phase_is_a_clock_of_the_episode_time():
    env = _gait_env([0, 10, 20, 40], [[0.0, 0.0, 0.0]] * 4)
    out = mdp.gait_phase(env, period=0.8)  # 0, 0.2, 0.4 and 0.8 s: phase 0, 1/4, 1/2, 0 (a new cycle)
    torch.testing.assert_close(out, torch.tensor([[0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [0.0, 1.0]]), atol=1e-5, rtol=0)


def test_feet_gait_counts_feet_where_the_clock_has_them():
    down, up = [0.0, 0.0, 300.0], [0.0, 0.0, 0.0]
    # step 5 (0.1 s): left in stance (phase 0.125), right in swing (0.625); step 25 (0.5 s): the other way round
    env = _gait_env([5, 5, 5, 25, 5, 5], [[0.5, 0, 0]] * 4 + [[0.0, 0.0, 0.0]] * 2,
                    forces=[[down, up], [down, down], [up, down], [up, down], [down, down], [down, up]])
    out = mdp.feet_gait(env, NS(name="contact_forces", body_ids=slice(None)), "base_velocity", period=0.8,
                        stance_ratio=0.55)
    # moving: 2 when on the clock, 1 with both down, 0 the wrong way round, 2 half a period later;
    # asked to stand: both feet down is right whatever the clock
    torch.testing.assert_close(out, torch.tensor([2.0, 1.0, 0.0, 2.0, 2.0, 1.0]))


def test_feet_swing_height_penalizes_a_swing_foot_off_the_height():
    env = _gait_env([5, 5, 5, 5], [[0.5, 0, 0]] * 3 + [[0.0, 0.0, 0.0]],
                    feet_z=[[0.10, 0.18], [0.10, 0.10], [0.30, 0.10], [0.10, 0.40]])
    out = mdp.feet_swing_height(env, _cfg(), "base_velocity", height=0.08, period=0.8, stance_ratio=0.55)
    # the right foot swings at step 5: at 0.08 above the left, no penalty; on the ground, 0.08^2; the left foot
    # 0.2 up in stance is not this term's business (the right's clearance is then 0: 0.08^2); standing: none
    torch.testing.assert_close(out, torch.tensor([0.0, 0.0064, 0.0064, 0.0]), atol=1e-6, rtol=0)


def test_a_speed_dependent_gait_clock_integrates_its_rate_and_restarts_with_the_episode():
    """fast_period 0.5 s at >= 1.0 m/s (0.8 s up to 0.5): each step adds step_dt x the rate of the speed commanded
    during it; an env whose episode restarted begins from zero; a fixed clock is still t / period."""
    cmd = torch.tensor([[0.2, 0.0, 0.0], [1.0, 0.0, 0.0], [0.6, 0.8, 0.0]])  # 0.2, 1.0 and 1.0 m/s (planar)
    env = NS(num_envs=3, device="cpu", step_dt=0.02, episode_length_buf=torch.zeros(3, dtype=torch.long),
             common_step_counter=0, command_manager=NS(get_command=lambda name: cmd))
    clock = dict(period=0.8, fast_period=0.5, fast_speed=(0.5, 1.0))
    assert torch.equal(mdp.gait_clock(env, **clock), torch.zeros(3))
    for _ in range(10):  # ten steps
        env.episode_length_buf += 1
        env.common_step_counter += 1
        phase = mdp.gait_clock(env, **clock)
        assert torch.equal(mdp.gait_clock(env, **clock), phase)  # a second read in the step does not advance it
    torch.testing.assert_close(phase, torch.tensor([10 * 0.02 / 0.8, 10 * 0.02 / 0.5, 10 * 0.02 / 0.5]))
    cmd[0, 0] = 0.75  # half way: (1/0.8 + 1/0.5) / 2 Hz
    env.episode_length_buf[:] = torch.tensor([11, 0, 11])  # env 1 restarts: zero now, one step's worth next
    assert mdp.gait_clock(env, **clock)[1] == 0.0
    env.episode_length_buf[1] = 1
    env.common_step_counter += 1
    phase = mdp.gait_clock(env, **clock)
    torch.testing.assert_close(phase[:2], torch.tensor([0.25 + 0.02 * (1.25 + 2.0) / 2, 0.02 / 0.5]))
    torch.testing.assert_close(mdp.gait_clock(env, period=0.8), torch.tensor([11, 1, 11]) * 0.02 / 0.8)
