"""Real sensors in training (``presets=real_sensors``, ``mdp.sensed_state``): a state change reaches the observation
exactly its latency later, at physics-step resolution (finer than the 20 ms policy step); a dropped sample holds the
last one; after a reset the past is the present; the gyro bias and the IMU mounting are constant per episode; joint
encoders count and differentiate; the exported metadata carries the ranges and the robot side (st_runtime) reads
the same quantities."""

import numpy as np
import pytest
import torch

pytestmark = pytest.mark.sim
NUM_ENVS = 4
EXACT = ["env.observations.policy.joint_pos.params.jitter_steps=0",
         "env.observations.policy.joint_pos.params.drop_prob=0.0",
         "env.observations.policy.joint_pos.params.encoder_resolution=0.0",
         "env.observations.policy.joint_vel.params.jitter_steps=0",
         "env.observations.policy.joint_vel.params.drop_prob=0.0",
         "env.observations.policy.projected_gravity.params.jitter_steps=0",
         "env.observations.policy.projected_gravity.params.drop_prob=0.0",
         "env.observations.policy.projected_gravity.params.latency_ms=[0.0,0.0]"]


@pytest.fixture(scope="module")
def env():
    from legged_robots.tasks import make_env

    torch.set_num_threads(1)
    e = make_env("St-Velocity-Flat-Lus2-Play", num_envs=NUM_ENVS, overrides=["presets=real_sensors", *EXACT])
    e.reset()
    yield e.unwrapped
    e.close()


def _term(env, name):
    om = env.observation_manager
    i = om.active_terms["policy"].index(name)
    cfg = om._group_obs_term_cfgs["policy"][i]
    return cfg.func, cfg.params


def test_a_state_change_reaches_the_observation_exactly_its_latency_later(env):
    term, params = _term(env, "joint_pos")
    robot = env.scene["robot"]
    truth = []  # the joints after every physics step, recorded beside the term's own history
    update = env.scene.update

    def record(dt):
        update(dt)
        truth.append((robot.data.joint_pos.torch - robot.data.default_joint_pos.torch).clone())

    env.scene.update = record
    try:
        term.lag[:] = torch.tensor([0, 1, 2, 3])  # physics steps: 0-15 ms, all inside one 20 ms policy step
        gen = torch.Generator().manual_seed(0)
        seen = []
        for _ in range(6):
            env.step(0.5 * torch.randn(NUM_ENVS, env.action_manager.total_action_dim, generator=gen))
            seen.append(term(env, **params).clone())
    finally:
        env.scene.update = update
    truth = torch.stack(truth)  # (physics steps, envs, joints)
    per_step = env.cfg.decimation
    for t in range(2, 6):
        for e_id, lag in enumerate([0, 1, 2, 3]):
            expected = truth[(t + 1) * per_step - 1 - lag, e_id]
            torch.testing.assert_close(seen[t][e_id], expected, msg=f"env {e_id}, lag {lag}, step {t}")
    assert not torch.allclose(seen[5][0], seen[5][3])  # the lags do differ


def test_a_dropped_sample_holds_and_a_reset_starts_from_the_present(env):
    term, params = _term(env, "joint_pos")
    env.step(torch.ones(NUM_ENVS, env.action_manager.total_action_dim))
    delivered = term.last.clone()  # what the env step's observation read
    env.step(-torch.ones(NUM_ENVS, env.action_manager.total_action_dim))
    moved = term.last.clone()
    term.last = delivered.clone()
    held = term(env, **{**params, "drop_prob": 0.999999})
    torch.testing.assert_close(held, delivered)  # every sample dropped: the last delivered value, not the new one
    assert not torch.allclose(moved, delivered)
    env.scene["robot"].reset(torch.arange(NUM_ENVS))
    term.reset(torch.arange(NUM_ENVS))
    robot = env.scene["robot"]
    now = robot.data.joint_pos.torch - robot.data.default_joint_pos.torch
    torch.testing.assert_close(term(env, **params), now)  # fresh envs read the present, whatever their lag


def test_the_gyro_bias_is_constant_per_episode_and_redrawn_at_reset(env):
    term, params = _term(env, "base_ang_vel")
    assert params["bias_std"] > 0
    bias = term.bias.clone()
    env.step(torch.zeros(NUM_ENVS, env.action_manager.total_action_dim))
    torch.testing.assert_close(term.bias, bias)
    term.reset(torch.arange(NUM_ENVS))
    assert not torch.allclose(term.bias, bias) and float(term.bias.abs().max()) < 10 * params["bias_std"]


def test_the_imu_mounting_turns_gravity_per_episode_and_is_redrawn_at_reset(env):
    from legged_robots.tasks.velocity.mdp.observations import rotation_from_rpy

    term, params = _term(env, "projected_gravity")
    assert params["mount_deg"] > 0 and _term(env, "base_ang_vel")[1]["mount_deg"] == params["mount_deg"]
    mount = term.history.mount.clone()  # one board per env: the gyro's term reads the same rotation
    assert not torch.allclose(mount, torch.eye(3).expand_as(mount))
    angles = torch.stack([torch.atan2(mount[:, 2, 1], mount[:, 2, 2]), -torch.asin(mount[:, 2, 0]),
                          torch.atan2(mount[:, 1, 0], mount[:, 0, 0])], -1)
    torch.testing.assert_close(rotation_from_rpy(angles), mount)
    assert float(angles.abs().max()) <= np.radians(params["mount_deg"]) + 1e-6
    env.step(torch.zeros(NUM_ENVS, env.action_manager.total_action_dim))
    truth = env.scene["robot"].data.projected_gravity_b.torch
    torch.testing.assert_close(term(env, **params), torch.einsum("nji,nj->ni", mount, truth))  # R^T g, no latency
    torch.testing.assert_close(term.history.mount, mount)  # constant within the episode
    term.reset(torch.arange(NUM_ENVS))
    assert not torch.allclose(term.history.mount, mount)


def test_joint_encoders_count_angles_and_differentiate_them_over_one_physics_step(env):
    pos_term, pos_params = _term(env, "joint_pos")
    vel_term, vel_params = _term(env, "joint_vel")
    res = vel_params["encoder_resolution"]
    assert res == pytest.approx(2 * np.pi / 2**14)
    vel_term.lag[:] = 0
    robot = env.scene["robot"]
    env.step(0.5 * torch.ones(NUM_ENVS, env.action_manager.total_action_dim))
    history = vel_term.history
    default = robot.data.default_joint_pos.torch
    now, before = (history.read("joint_pos_rel", torch.full((NUM_ENVS,), k)) + default for k in (0, 1))
    expected = (torch.round(now / res) - torch.round(before / res)) * res / env.physics_dt
    seen = vel_term(env, **vel_params)
    torch.testing.assert_close(seen, expected)
    counts = seen * env.physics_dt / res  # whole counts per physics step: the staircase of a differentiated encoder
    torch.testing.assert_close(counts, torch.round(counts), atol=1e-3, rtol=0)
    truth = robot.data.joint_vel.torch
    assert float((seen - truth).abs().max()) > 1e-3  # not the simulator's velocity
    angle = pos_term(env, **{**pos_params, "encoder_resolution": res, "latency_ms": (0.0, 0.0)}) + default
    torch.testing.assert_close(angle / res, torch.round(angle / res), atol=1e-3, rtol=0)  # on the encoder's grid


def test_the_metadata_carries_the_ranges_and_the_robot_side_reads_them(env):
    from legged_robots.assets.paths import lus2_scene_mjcf
    from legged_robots.tasks.utils.policy_metadata import policy_metadata
    from st_runtime.mujoco_robot import MujocoRobot
    from st_runtime.observations import ObservationBuilder

    md = policy_metadata(env, "St-Velocity-Flat-Lus2")
    terms = {t["name"]: t for t in md["observation"]["terms"]}
    assert terms["joint_pos"]["func"].endswith("sensed_state")
    assert terms["base_ang_vel"]["params"]["latency_ms"] == [0.0, 10.0]
    robot = MujocoRobot(lus2_scene_mjcf("lus2_27dof"), md)
    robot.reset()
    robot.set_latency(0.0, 0.0)
    values = ObservationBuilder(md).term_values(robot, np.zeros(27), np.zeros(3))
    np.testing.assert_allclose(values["projected_gravity"], [0.0, 0.0, -1.0], atol=1e-6)
    np.testing.assert_allclose(values["joint_pos"], np.zeros(27), atol=1e-9)


@pytest.mark.parametrize("override, message", [
    ("env.observations.policy.joint_pos.params.latency_ms=[10.0,0.0]", "latency_ms = \\(10.0, 0.0\\): need 0 <= min"),
    ("env.observations.policy.joint_pos.params.latency_ms=[0.0,500.0]", "need 0 <= min <= max <= 95 ms"),
    ("env.observations.policy.base_ang_vel.params.drop_prob=1.0", "drop_prob = 1.0: need 0 <= p < 1"),
    ("env.observations.policy.base_ang_vel.params.mount_deg=20.0", "mount_deg = 20.0: need 0 <= deg <= 10"),
    ("env.observations.policy.projected_gravity.params.mount_deg=1.0", "the IMU terms' mount_deg differ"),
    ("env.observations.policy.joint_vel.params.encoder_resolution=-0.001", "encoder_resolution = -0.001: need 0"),
])
def test_bad_sensor_overrides_are_named_before_the_simulator_is_built(override, message):
    from legged_robots.tasks import load_env_cfg
    from legged_robots.tasks.utils.cfg_checks import ConfigRangeError

    with pytest.raises(ConfigRangeError, match=message):
        load_env_cfg("lus2", ["presets=real_sensors", override])
