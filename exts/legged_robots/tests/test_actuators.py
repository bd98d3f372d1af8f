"""The real-robot actuator model (``presets=real_actuators``): Isaac Lab's side (``assets/actuators.py``, built by
the real env) and the robot side (``st_runtime.mujoco_robot``) driven with the same inputs give the same torques;
a command step reaches the joint exactly k physics steps later, k drawn per env at reset inside the range; the
torque-speed curve and the strength at known speeds; the exported metadata carries the model."""

import numpy as np
import pytest
import torch
from isaaclab.utils.types import ArticulationActions

from legged_robots.assets.actuators import DelayedDCMotor, DelayedDCMotorCfg
from legged_robots.assets.articulation import REAL_DELAY_STEPS, REAL_STRENGTH_RANGE
from legged_robots.assets.paths import lus2_scene_mjcf

pytestmark = pytest.mark.sim
NUM_ENVS = 4


@pytest.fixture(scope="module")
def env():
    from legged_robots.tasks import make_env

    torch.set_num_threads(1)
    e = make_env("St-Velocity-Flat-Lus2-Play", num_envs=NUM_ENVS, overrides=["presets=real_actuators"])
    e.reset()
    yield e.unwrapped
    e.close()


def _legs(env) -> DelayedDCMotor:
    actuator = env.scene["robot"].actuators["legs"]
    assert isinstance(actuator, DelayedDCMotor)
    return actuator


def _drive(actuator, targets, q, qd):
    """Torque per physics step for a sequence of joint targets (T, envs, joints) at fixed joint states."""
    out = []
    for target in targets:
        act = ArticulationActions(joint_positions=target.clone(), joint_velocities=torch.zeros_like(target),
                                  joint_efforts=torch.zeros_like(target))
        out.append(actuator.compute(act, q, qd).joint_efforts.clone())
    return torch.stack(out)


def test_delays_and_strengths_are_drawn_per_env_at_reset_inside_their_ranges(env):
    legs = _legs(env)
    lags, strengths = set(), []
    for _ in range(12):
        env.scene["robot"].reset(torch.arange(NUM_ENVS))
        lags |= set(legs.positions_delay_buffer.time_lags.tolist())
        strengths += legs.strength[:, 0].tolist()
    assert lags <= set(range(REAL_DELAY_STEPS[0], REAL_DELAY_STEPS[1] + 1)) and len(lags) >= 3
    assert REAL_STRENGTH_RANGE[0] <= min(strengths) < max(strengths) <= REAL_STRENGTH_RANGE[1]


def test_a_command_step_reaches_the_joint_exactly_k_physics_steps_later(env):
    legs = _legs(env)
    env.scene["robot"].reset(torch.arange(NUM_ENVS))
    lags = torch.tensor([0, 1, 2, 4], dtype=torch.int)
    for buf in legs._delay_buffers:
        buf.set_time_lag(lags)
    legs.strength[:] = 1.0
    n = legs.num_joints
    q, qd = torch.zeros(NUM_ENVS, n), torch.zeros(NUM_ENVS, n)
    targets = torch.zeros(10, NUM_ENVS, n)
    targets[3:] = 0.01  # the step at physics step 3
    tau = _drive(legs, targets, q, qd)[:, :, 0]  # one joint's torque
    for env_id, k in enumerate(lags.tolist()):
        moved = int(torch.nonzero(tau[:, env_id]).min())
        assert moved == 3 + k, (env_id, k, tau[:, env_id])


def test_computed_minus_applied_torque_is_the_clip_alone_whatever_the_strength(env):
    """``rewards.dof_torques_limits`` reads computed - applied torque as what the motor could not give (Isaac Lab's
    DCMotor): a weaker or stronger motor inside its curve is not over its limit; a saturated one is, by the
    clipped amount at its strength."""
    legs = _legs(env)
    env.scene["robot"].reset(torch.arange(NUM_ENVS))
    for buf in legs._delay_buffers:
        buf.set_time_lag(torch.zeros(NUM_ENVS, dtype=torch.int))
    strength = torch.tensor([[1.0], [0.9], [1.1], [0.9]])
    legs.strength[:] = strength
    n, kp = legs.num_joints, float(legs.stiffness[0, 0])
    limit = float(legs.actuator_effort_limit[0, 0])
    q, qd = torch.zeros(NUM_ENVS, n), torch.zeros(NUM_ENVS, n)
    target = torch.full((NUM_ENVS, n), 0.2 * limit / kp)
    target[3] = 3.0 * limit / kp  # env 3: three times past the limit
    _drive(legs, target[None], q, qd)  # the reset's first sample
    applied = _drive(legs, target[None], q, qd)[0]
    over = legs.computed_effort - legs.applied_effort
    torch.testing.assert_close(applied[:3], (strength[:3] * 0.2 * limit).expand(3, n), rtol=1e-5, atol=1e-4)
    assert float(over[:3].abs().max()) < 1e-4
    torch.testing.assert_close(over[3, 0], torch.tensor(0.9 * 2.0 * limit), rtol=1e-5, atol=1e-3)


def test_the_torque_speed_curve_and_strength_at_known_speeds_on_both_sides(env):
    """One joint group driven through the same targets and joint speeds by Isaac Lab's actuator and st_runtime's:
    the same torques; at speed the DC motor gives less than the effort limit, and none at its no-load speed."""
    from legged_robots.tasks.utils.policy_metadata import policy_metadata
    from st_runtime.mujoco_robot import MujocoRobot

    legs = _legs(env)
    env.scene["robot"].reset(torch.arange(NUM_ENVS))
    for buf in legs._delay_buffers:
        buf.set_time_lag(torch.full((NUM_ENVS,), 2, dtype=torch.int))
    legs.strength[:] = torch.tensor([[1.0], [0.9], [1.1], [1.0]])
    n = legs.num_joints
    limit, vmax = float(legs.actuator_effort_limit[0, 0]), float(legs.actuator_velocity_limit[0, 0])
    qd = torch.zeros(NUM_ENVS, n)
    qd[:, 0] = torch.tensor([0.0, 0.0, 0.0, 0.5 * vmax])  # env 3 moves at half the no-load speed
    q = torch.zeros(NUM_ENVS, n)
    gen = torch.Generator().manual_seed(0)
    targets = (torch.rand(8, NUM_ENVS, n, generator=gen) * 2.0 - 1.0) * 3.0  # kp x 3 rad: beyond the limits
    _drive(legs, targets[:1], q, qd)  # the env reset's write: the motors take the pose they hold (q) as first sample
    ours = _drive(legs, targets, q, qd)
    assert float(ours[-1, 0].abs().max()) == pytest.approx(limit)  # saturated at the effort limit
    assert float(ours[-1, 1].abs().max()) == pytest.approx(0.9 * limit)  # strength 0.9
    kp, kd = float(legs.stiffness[0, 0]), float(legs.damping[0, 0])
    pushing = float(targets[-3, 3, 0])  # the target the delay serves at the last step
    expected = np.clip(kp * pushing - kd * 0.5 * vmax, -limit, 0.5 * limit)  # at half speed, half the torque forward
    assert float(ours[-1, 3, 0]) == pytest.approx(expected, rel=1e-5)

    md = policy_metadata(env, "St-Velocity-Flat-Lus2")
    assert md["actuators"]["model"] == "delayed_dc_motor" and md["actuators"]["delay_steps"] == list(REAL_DELAY_STEPS)
    # the ROS 2 simulated robot's motors (from the description, not from a policy) are the same model
    from legged_robots.ros2 import robot_sim_spec

    sim = robot_sim_spec(lus2_scene_mjcf("lus2_27dof"), real_actuators=True).actuators
    for key in ("saturation_effort", "velocity_limit"):
        theirs = dict(zip(robot_sim_spec(lus2_scene_mjcf("lus2_27dof")).joint_names, getattr(sim, key)))
        assert [theirs[j] for j in md["joint_names"]] == pytest.approx(md["actuators"][key]), key
    robot = MujocoRobot(lus2_scene_mjcf("lus2_27dof"), md)
    names = [env.scene["robot"].joint_names[int(j)] for j in legs.joint_indices]
    cols = [robot.joint_names.index(j) for j in names]
    for env_id, strength in enumerate((1.0, 0.9, 1.1, 1.0)):
        qj, qdj = robot.default_q.copy(), np.zeros(len(robot.joint_names))
        qj[cols], qdj[cols] = q[env_id].numpy(), qd[env_id].numpy()
        robot.data.qpos[robot.qadr] = qj
        robot.set_actuator(delay_steps=2, strength=strength)  # the motors hold this pose until the delay is out
        theirs = []
        for target in targets[:, env_id]:
            robot.target = robot.default_q.copy()
            robot.target[cols] = target.numpy()
            theirs.append(robot._explicit_torque(qj, qdj)[0][cols])
        np.testing.assert_allclose(np.array(theirs), ours[:, env_id].numpy(), rtol=1e-5, atol=1e-3)


def test_bad_ranges_are_one_error_line():
    for kwargs, message in (({"min_delay": 3, "max_delay": 1}, "delay range \\[3, 1\\]"),
                            ({"min_delay": -1, "max_delay": 1}, "delay range \\[-1, 1\\]"),
                            ({"strength_range": (0.0, 1.0)}, "strength_range \\(0.0, 1.0\\): need 0 < min")):
        with pytest.raises(ValueError, match=message):
            DelayedDCMotorCfg(joint_names_expr=[".*"], stiffness=1.0, damping=1.0, saturation_effort=1.0, **kwargs)



@pytest.mark.parametrize("override, message", [
    ("env.scene.robot.actuators.legs.min_delay=5", "legs.min_delay/max_delay = 5, 4: need 0 <= min_delay <= max"),
    ("env.scene.robot.actuators.feet.max_delay=-1", "feet.min_delay/max_delay = 0, -1: need 0 <="),
    ("env.scene.robot.actuators.legs.max_delay=40", "max_delay = 0, 40: need .* <= 20 physics steps"),
    ("env.scene.robot.actuators.arms.strength_range=[0.0,1.0]", "arms.strength_range = \\(0.0, 1.0\\): need 0 < min"),
    ("env.scene.robot.actuators.knees.max_delay=1", "actuators has no 'knees'"),
])
def test_bad_actuator_overrides_are_named_before_the_simulator_is_built(override, message):
    from legged_robots.tasks import load_env_cfg
    from legged_robots.tasks.utils.cfg_checks import ConfigRangeError
    from legged_robots.tasks.utils.overrides import OverrideError

    with pytest.raises((ConfigRangeError, OverrideError), match=message):
        load_env_cfg("lus2", ["presets=real_actuators", override])
