"""The ``newton_mujoco_c`` preset (MuJoCo C per world, the CPU default) against ``newton_mjwarp`` on our
tasks: the same motion open loop, the same falls, feet carrying the weight with the same contact and air-time
flags, every world stepped with its own randomized parameters, per-env resets, rough terrain as a
heightfield, and a clear error for what it cannot do."""

import numpy as np
import pytest
import torch
from stand_check import hold_gains_of

from legged_robots.assets.lus2 import description as d
from legged_robots.tasks import make_env
from legged_robots.tasks.config.lus2.rough_env_cfg import FEET
from legged_robots.tasks.velocity.velocity_env_cfg import RANDOMIZATION_EVENTS

pytestmark = pytest.mark.sim
FLAT = "St-Velocity-Flat-Lus2"
PRESETS = ("newton_mjwarp", "newton_mujoco_c")


def _fixed_start(cfg):
    """Every env spawns in the default pose at its origin, at rest: the same start under both presets."""
    cfg.events.reset_base.params["pose_range"] = {}
    cfg.events.reset_base.params["velocity_range"] = {}
    cfg.events.reset_robot_joints.params["position_range"] = (0.0, 0.0)
    cfg.events.push_robot = None
    cfg.events.torso_external_force = None


def _nominal(cfg):
    _fixed_start(cfg)
    for name in RANDOMIZATION_EVENTS:
        setattr(cfg.events, name, None)


def _holding(cfg):
    """Nominal robot with holding gains (see stand_check): it stands with zero action."""
    _nominal(cfg)
    for group in d.ACTUATOR_GROUPS:
        if group.name in cfg.scene.robot.actuators:
            cfg.scene.robot.actuators[group.name].stiffness, cfg.scene.robot.actuators[group.name].damping = \
                hold_gains_of(group)


def _env(physics: str, edit, num_envs: int = 2, task: str = FLAT, overrides=()):
    torch.set_num_threads(1)
    env = make_env(task, num_envs=num_envs, edit=edit, overrides=[f"physics={physics}", *overrides])
    env.reset()
    return env


def _solver_name(env) -> str:
    return type(env.unwrapped.sim.physics_manager._solver).__name__


def _actions(num_envs: int, steps: int, scale: float, seed: int = 0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return scale * (2.0 * torch.rand(steps, num_envs, 27, generator=gen) - 1.0)


def test_open_loop_motion_and_falls_match_newton_mjwarp():
    """Sinusoids for 1 s (sim2sim's open-loop bound: joints within 0.01 rad, base within 1 cm per step), then
    large random actions until the robots fall: they end their episodes at the same steps."""
    t = np.arange(50)[:, None] * 0.02
    sines = torch.as_tensor(0.4 * np.sin(2 * np.pi * (0.5 + 0.1 * np.arange(27))[None, :] * t), dtype=torch.float32)
    kicks = _actions(2, 100, 3.0)
    runs = {}
    for physics in PRESETS:
        env = _env(physics, _nominal)
        try:
            robot = env.unwrapped.scene["robot"]
            q, base, ends = [], [], []
            for a in sines:
                env.step(a[None].repeat(2, 1))
                q.append(robot.data.joint_pos.torch.clone())
                base.append(robot.data.root_pos_w.torch.clone())
            for i, a in enumerate(kicks):
                _, _, terminated, _, _ = env.step(a)
                ends += [(i, e) for e in terminated.nonzero().flatten().tolist()]
            runs[physics] = (torch.stack(q), torch.stack(base), ends, _solver_name(env))
        finally:
            env.close()
    (q0, b0, ends0, s0), (q1, b1, ends1, s1) = runs.values()
    assert (s0, s1) == ("SolverMuJoCo", "SolverMuJoCoC")
    joint_rmse = (q0 - q1).pow(2).mean(-1).sqrt()
    assert float(joint_rmse.max()) < 0.01, joint_rmse.max()
    assert float((b0 - b1).norm(dim=-1).max()) < 0.01
    assert ends0, "3x random actions should topple lus2"
    first0, first1 = ({env: step for step, env in reversed(ends)} for ends in (ends0, ends1))  # first end per env
    assert first0.keys() == first1.keys()
    assert all(abs(first0[e] - first1[e]) <= 2 for e in first0), (ends0, ends1)


@pytest.mark.parametrize("physics", PRESETS)
def test_standing_feet_carry_the_weight_with_contact_and_air_time_flags(physics):
    """Spawned 2 cm above the ground: airborne feet count air time until touchdown (~64 ms); then, standing,
    the feet carry m g within 2 % (averaged over 0.5 s), nothing else touches, air time stays 0."""
    env = _env(physics, _holding)
    try:
        u = env.unwrapped
        sensor = u.scene["contact_forces"]
        feet = sensor.find_sensors(FEET)[0]
        others = [i for i in range(sensor.num_sensors) if i not in feet]
        zero = torch.zeros(2, u.action_manager.total_action_dim)
        env.step(zero)
        assert (sensor.data.current_air_time.torch[:, feet] > 0).all()  # in the air after the first step
        carried, weight = [], u.scene["robot"].data.body_mass.torch.sum(dim=1) * 9.81
        for i in range(75):
            env.step(zero)
            if i >= 50:
                carried.append(sensor.data.net_forces_w.torch[:, feet, 2].sum(dim=1))
        ratio = torch.stack(carried).mean(dim=0) / weight
        assert ((ratio - 1.0).abs() < 0.02).all(), ratio
        assert (sensor.data.current_contact_time.torch[:, feet] > 1.0).all()
        assert (sensor.data.current_air_time.torch[:, feet] == 0).all()
        touchdown = sensor.data.last_air_time.torch[:, feet]
        assert ((touchdown > 0.04) & (touchdown < 0.1)).all(), touchdown  # fall of 2 cm: sqrt(2 h / g) = 64 ms
        assert (sensor.data.net_forces_w.torch[:, others].norm(dim=-1) == 0).all()
    finally:
        env.close()


def test_every_world_steps_with_its_own_randomized_parameters():
    """Startup and reset randomization write Newton's model; each world's MuJoCo C step must see its own
    values. The MuJoCo step is wrapped to record the model it steps with, and the world it steps (by its
    root position), and compared with Newton's model of that world."""
    env = _env("newton_mujoco_c", _fixed_start, num_envs=4)
    try:
        solver = env.unwrapped.sim.physics_manager._solver
        model = env.unwrapped.sim.physics_manager.get_model()
        origins = env.unwrapped.scene.env_origins[:, :2].numpy()
        seen = {}

        class Recorder:
            def __getattr__(self, name):
                return getattr(solver_mujoco, name)

            def mj_step(self, m, d, nstep=1):
                world = int(np.argmin(np.linalg.norm(origins - d.qpos[:2], axis=1)))
                seen[world] = {k: getattr(m, k).copy() for k in ("body_mass", "geom_friction", "dof_armature",
                                                                  "dof_frictionloss", "actuator_gainprm",
                                                                  "actuator_biasprm")}
                solver_mujoco.mj_step(m, d, nstep)

        solver_mujoco, solver._mj = solver._mj, Recorder()
        env.step(torch.zeros(4, 27))
        solver._mj = solver_mujoco
        assert sorted(seen) == [0, 1, 2, 3]
        to_body = solver.mjc_body_to_newton.numpy()
        to_shape = solver.mjc_geom_to_newton_shape.numpy()
        to_dof = solver.mjc_dof_to_newton_dof.numpy()
        dof_of_actuator = solver.mj_model.jnt_dofadr[solver.mj_model.actuator_trnid[:, 0]]
        mass, mu = model.body_mass.numpy(), model.shape_material_mu.numpy()
        armature, friction = model.joint_armature.numpy(), model.joint_friction.numpy()
        ke, kd = model.joint_target_ke.numpy(), model.joint_target_kd.numpy()
        for w, m in seen.items():
            b = to_body[w] >= 0
            np.testing.assert_allclose(m["body_mass"][b], mass[to_body[w][b]], rtol=1e-6)
            g = to_shape[w] >= 0
            np.testing.assert_allclose(m["geom_friction"][g, 0], mu[to_shape[w][g]], rtol=1e-6)
            np.testing.assert_allclose(m["dof_armature"][6:], armature[to_dof[w][6:]], rtol=1e-6)
            np.testing.assert_allclose(m["dof_frictionloss"][6:], friction[to_dof[w][6:]], rtol=1e-6, atol=1e-7)
            # Newton drives a joint by a position actuator (gain kp, bias -kp q) and a velocity one (gain kd)
            position = m["actuator_biasprm"][:, 1] != 0
            gains = np.where(position, ke[to_dof[w][dof_of_actuator]], kd[to_dof[w][dof_of_actuator]])
            np.testing.assert_allclose(m["actuator_gainprm"][:, 0], gains, rtol=1e-6)
        # randomized: the worlds differ
        for key in ("body_mass", "geom_friction", "dof_armature", "dof_frictionloss", "actuator_gainprm"):
            assert not np.allclose(seen[0][key], seen[1][key]), key
    finally:
        env.close()


def _rollout(num_threads: int, reset_env0_at: int | None):
    env = _env("newton_mujoco_c", _nominal, num_envs=4,
               overrides=[f"env.sim.physics.solver_cfg.num_threads={num_threads}"])
    try:
        u = env.unwrapped
        assert u.sim.physics_manager._solver.num_threads == num_threads
        states = []
        for i, a in enumerate(_actions(4, 30, 0.5)):
            if i == reset_env0_at:
                u.reset(env_ids=torch.tensor([0]))
            env.step(a)
            states.append(u.scene["robot"].data.joint_pos.torch.clone())
        return torch.stack(states)
    finally:
        env.close()


def test_resets_are_per_world_and_threads_change_nothing():
    one, two = _rollout(1, None), _rollout(2, None)
    assert torch.equal(one, two)  # worlds are independent: how they are spread over threads does not matter
    reset = _rollout(2, 15)
    assert torch.equal(reset[:, 1:], two[:, 1:])  # resetting env 0 leaves the others' motion untouched
    assert not torch.equal(reset[15:, 0], two[15:, 0])


def _small_rough(cfg):
    gen = cfg.scene.terrain.terrain_generator
    gen.num_rows, gen.num_cols = 3, 4
    cfg.scene.terrain.max_init_terrain_level = 1
    _nominal(cfg)


def test_rough_terrain_is_a_heightfield_that_stands_and_scans_like_the_mesh():
    """MuJoCo C collides the generated terrain mesh as a heightfield on its 0.1 m grid; robots settle at
    the same heights as on Newton's mesh, the height scan reads the same ground, the feet carry the robot."""
    runs = {}
    for physics in PRESETS:
        env = _env(physics, _small_rough, num_envs=4, task="St-Velocity-Rough-Lus2")
        try:
            u = env.unwrapped
            for _ in range(25):
                env.step(torch.zeros(4, 27))
            sensor = u.scene["contact_forces"]
            feet = sensor.find_sensors(FEET)[0]
            robot = u.scene["robot"]
            runs[physics] = (robot.data.root_pos_w.torch[:, 2].clone(),
                             u.scene["height_scanner"].data.ray_hits_w.torch[..., 2].clone(),
                             sensor.data.net_forces_w.torch[:, feet, 2].sum(1)
                             / (robot.data.body_mass.torch.sum(1) * 9.81))
            if physics == "newton_mujoco_c":
                assert u.sim.physics_manager._solver.mj_model.nhfield == 1
        finally:
            env.close()
    (z0, scan0, _), (z1, scan1, carried) = runs.values()
    assert float((z0 - z1).abs().max()) < 0.01, (z0, z1)
    assert float((scan0 - scan1).abs().median()) < 0.005
    assert ((carried > 0.6) & (carried < 1.6)).all(), carried  # settling: a little bounce left


def test_a_sensor_it_cannot_feed_is_an_error_naming_the_alternative():
    from isaaclab.sensors import ImuCfg
    from isaaclab.sim import SimulationContext

    from legged_robots.physics import PhysicsPresetError

    def with_imu(cfg):
        cfg.scene.imu = ImuCfg(prim_path="{ENV_REGEX_NS}/Robot/pelvis")

    try:
        with pytest.raises(PhysicsPresetError, match=r"physics=newton_mujoco_c.*IMU.*physics=newton_mjwarp"):
            make_env(FLAT, num_envs=1, edit=with_imu, overrides=["physics=newton_mujoco_c"])
    finally:  # the failed build leaves its simulation context behind
        SimulationContext.clear_instance()
