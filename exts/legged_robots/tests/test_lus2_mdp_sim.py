"""The complete lus2 MDP on the real simulator (Newton / MuJoCo-Warp, CPU): the rough env builds and
steps, our terms read the real buffers, randomization lands in its ranges and in the simulated model,
the terrain curriculum moves robots up and down, a term matching nothing fails at build."""

import pytest
import torch
import warp as wp
from isaaclab.managers import SceneEntityCfg
from isaaclab.utils.math import euler_xyz_from_quat

from legged_robots.assets.lus2 import description as d
from legged_robots.tasks import make_env
from legged_robots.tasks.config.lus2 import rough_env_cfg as rough
from legged_robots.tasks.velocity import mdp

pytestmark = pytest.mark.sim
NUM_ENVS = 4


def _small_terrain(cfg):
    gen = cfg.scene.terrain.terrain_generator
    gen.num_rows, gen.num_cols = 3, 4  # 3 difficulty levels are enough to move up and down
    cfg.scene.terrain.max_init_terrain_level = 1


@pytest.fixture(scope="module")
def env():
    torch.set_num_threads(1)
    e = make_env("St-Velocity-Rough-Lus2", num_envs=NUM_ENVS, edit=_small_terrain)
    e.reset()
    yield e.unwrapped
    e.close()


def _binding(u, name):
    """A Newton model array as the simulator holds it, per env: (num_envs, per-env entries)."""
    robot = u.scene["robot"]
    return wp.to_torch(robot._root_view.get_attribute(name, u.sim.physics_manager.get_model()))[:, 0]


def test_rough_env_steps_with_height_scan_and_privileged_critic(env):
    obs = env.observation_manager.compute()
    scan = 17 * 11  # 1.6 m x 1.0 m at 0.1 m
    assert obs["policy"].shape == (NUM_ENVS, 3 + 3 + 3 * 27 + 3 + 2 + scan)
    assert obs["critic"].shape == (NUM_ENVS, 1 + 4 + 3 + 3 + 3 + 3 * 27 + 3 + 2 + 29 + 29 + 54 + 1 + scan)
    gen = torch.Generator().manual_seed(0)
    for _ in range(10):
        action = 0.5 * torch.randn(NUM_ENVS, env.action_manager.total_action_dim, generator=gen)
        obs, rew, *_ = env.step(action)
        assert torch.isfinite(obs["policy"]).all() and torch.isfinite(obs["critic"]).all() and torch.isfinite(rew).all()
    assert set(env.reward_manager.active_terms) >= {"energy_cost", "feet_parallel_v1", "feet_stumble",
                                                    "action_smoothness_2"}


def test_our_terms_on_the_real_buffers(env):
    robot = env.scene["robot"]
    env.reset()
    feet = robot.find_bodies(["left_ankle_roll_link", "right_ankle_roll_link"], preserve_order=True)[0]
    cfg = rough.Lus2RoughEnvCfg().rewards.feet_parallel_v1.params["asset_cfg"]
    cfg.resolve(env.scene)
    # constructed state: left hip yaw turned 0.2 rad further than the right one, feet otherwise alike
    q = robot.data.default_joint_pos.torch.clone()
    q[:, robot.find_joints("left_hip_yaw_joint")[0]] += 0.2
    robot.write_joint_state_to_sim_index(position=q, velocity=torch.zeros_like(q))
    env.sim.forward()
    _, _, yaw = euler_xyz_from_quat(robot.data.body_quat_w.torch[:, feet].reshape(-1, 4))
    gap = (yaw.reshape(-1, 2)[:, 0] - yaw.reshape(-1, 2)[:, 1])
    assert gap.abs().min() > 0.15  # the hip yaw turns the foot's heading
    torch.testing.assert_close(mdp.feet_parallel_v1(env, 0.1, cfg), torch.exp(-(gap / 0.1) ** 2))
    # zero joint velocity: no mechanical power, whatever the torques
    all_joints = SceneEntityCfg("robot")
    all_joints.resolve(env.scene)
    assert torch.all(mdp.energy_cost(env, all_joints) == 0.0)
    contact = SceneEntityCfg("contact_forces", body_names=rough.FEET)
    contact.resolve(env.scene)
    assert mdp.feet_stumble(env, contact).shape == (NUM_ENVS,)


def test_contact_terms_see_the_robot_standing_on_its_feet(env):
    """0.2 s after a reset, standing: the feet carry the body weight, nothing else touches, no stumbling."""
    env.reset()
    for _ in range(10):
        env.step(torch.zeros(NUM_ENVS, env.action_manager.total_action_dim))
    sensor = env.scene.sensors["contact_forces"]
    feet = SceneEntityCfg("contact_forces", body_names=rough.FEET)
    feet.resolve(env.scene)
    head = SceneEntityCfg("contact_forces", body_names="head_link")
    head.resolve(env.scene)
    weight = env.scene["robot"].data.body_mass.torch.sum(dim=1) * 9.81
    carried = mdp.contact_forces_norm(env, feet, scale=1.0).sum(dim=1)
    upright = env.scene["robot"].data.root_pos_w.torch[:, 2] > 0.7
    assert upright.any()
    ratio = (carried / weight)[upright]
    assert ((ratio > 0.6) & (ratio < 1.6)).all(), ratio  # the body bounces a little on landing
    assert (mdp.contact_forces_norm(env, head, scale=1.0) == 0).all()
    assert (mdp.feet_stumble(env, feet)[upright] == 0).all()
    # the gait clock at 0.2 s has the right foot in swing: standing on both matches it on one foot when asked
    # to walk, on both when asked to stand
    gait = rough.Lus2RoughEnvCfg().rewards.feet_gait.params
    gait["sensor_cfg"].resolve(env.scene)
    assert (env.episode_length_buf == 10).all()
    command = env.command_manager.get_term("base_velocity").vel_command_b
    command[:] = torch.tensor([0.5, 0.0, 0.0])
    assert (mdp.feet_gait(env, **gait)[upright] == 1).all()
    command[:] = 0.0
    assert (mdp.feet_gait(env, **gait)[upright] == 2).all()
    assert sensor.data.net_forces_w.torch.shape[1] == 29


def test_randomization_lands_in_its_ranges_and_in_the_simulated_model(env):
    robot = env.scene["robot"]
    events = rough.Lus2RoughEnvCfg().events
    nominal_mass = torch.tensor([b.mass for b in d.BODIES if b.name in robot.body_names])
    sim_mass = _binding(env, "body_mass")
    nominal = torch.tensor([next(b.mass for b in d.BODIES if b.name == n) for n in robot.body_names])
    ratio = robot.data.body_mass.torch / nominal
    lo, hi = events.reset_robot_rigid_body_mass.params["mass_distribution_params"]
    assert ratio.min() >= lo - 1e-5 and ratio.max() <= hi + 1e-5 and ratio.std() > 0.01
    assert sorted(sim_mass.flatten().tolist()) == pytest.approx(sorted(robot.data.body_mass.torch.flatten().tolist()))
    assert nominal_mass.sum() == pytest.approx(d.total_mass())
    # privileged observation reads the same ratios
    obs = env.observation_manager.compute()["critic"]
    start = 1 + 4 + 3 + 3 + 3 + 3 * 27 + 3 + 2  # ... velocity command, gait clock, then the privileged terms
    torch.testing.assert_close(obs[:, start:start + 29], ratio - 1.0, atol=1e-5, rtol=0)
    # friction: per shape in range, in Newton's material array, and the feet's mean in the critic
    mu = _binding(env, "shape_material_mu")
    f_lo, f_hi = events.physics_material.params["static_friction_range"]
    assert mu.min() >= f_lo and mu.max() <= f_hi and mu.std() > 0.05
    friction_obs = obs[:, start + 29 + 29 + 54]
    assert ((friction_obs >= f_lo) & (friction_obs <= f_hi)).all()
    # actuator gains (reset mode), relative to the motors' gains
    kp_nominal = torch.tensor([d.actuator_group(j).motor.stiffness for j in robot.joint_names])
    kp_ratio = robot.data.joint_stiffness.torch / kp_nominal
    assert kp_ratio.min() >= 0.9 - 1e-4 and kp_ratio.max() <= 1.1 + 1e-4 and kp_ratio.std() > 0.01
    sim_ke = _binding(env, "joint_target_ke")
    stiffness = sorted(robot.data.joint_stiffness.torch.flatten().tolist())
    assert sorted(sim_ke.flatten().tolist()) == pytest.approx(stiffness, rel=1e-4)
    # joint parameters: armature scaled, friction added, limits widened, in Newton's model too
    armature_nominal = torch.tensor([d.actuator_group(j).motor.armature for j in robot.joint_names])
    arm_ratio = robot.data.joint_armature.torch / armature_nominal
    assert arm_ratio.min() >= 0.9 - 1e-5 and arm_ratio.max() <= 1.1 + 1e-5 and arm_ratio.std() > 0.01
    sim_arm = _binding(env, "joint_armature")
    armature = sorted(robot.data.joint_armature.torch.flatten().tolist())
    assert sorted(sim_arm.flatten().tolist()) == pytest.approx(armature, rel=1e-5)
    fr = robot.data.joint_friction_coeff.torch
    assert fr.min() >= 0.0 and fr.max() <= 0.3 and fr.std() > 0.01
    lower_nominal = torch.tensor([next(b.range[0] for b in d.BODIES if b.joint == j) for j in robot.joint_names])
    shift = robot.data.joint_pos_limits.torch[..., 0] - lower_nominal
    assert shift.min() >= -0.02 - 1e-5 and shift.max() <= 1e-5 and shift.std() > 1e-3
    # centre of mass moved within its box for the pelvis
    com = robot.data.body_com_pos_b.torch[:, robot.body_names.index("pelvis")]
    assert com.std(dim=0).max() > 1e-3


def test_disturbances_push_the_base_and_load_the_torso(env):
    robot, events = env.scene["robot"], rough.Lus2RoughEnvCfg().events
    ids = torch.arange(NUM_ENVS)
    env.reset()
    force = events.torso_external_force.params
    torso = SceneEntityCfg("robot", body_names="torso_link")
    torso.resolve(env.scene)
    mdp.apply_external_force_torque(env, ids, force["force_range"], force["torque_range"], torso)
    f = robot.permanent_wrench_composer.out_force_b.torch
    t = robot.permanent_wrench_composer.out_torque_b.torch
    others = [i for i in range(robot.num_bodies) if i not in torso.body_ids]
    lo, hi = force["force_range"]
    assert f[:, torso.body_ids].abs().max() <= hi and f[:, torso.body_ids].abs().min() >= 0
    assert f[:, torso.body_ids].abs().max() > 0.1 * hi and (f[:, others] == 0).all()
    assert t[:, torso.body_ids].abs().max() <= force["torque_range"][1]
    v0 = robot.data.root_lin_vel_w.torch.clone()
    push = events.push_robot.params["velocity_range"]
    mdp.push_by_setting_velocity(env, ids, push, SceneEntityCfg("robot"))
    dv = robot.data.root_lin_vel_w.torch - v0
    assert dv[:, :2].abs().max() <= 2 * push["x"][1] + 1e-4 and dv[:, :2].abs().max() > 0.05
    robot.permanent_wrench_composer.reset()  # no torso load for the other tests


def test_terrain_curriculum_moves_far_walkers_up_and_idle_robots_down(env):
    terrain, robot = env.scene.terrain, env.scene["robot"]
    ids = torch.arange(NUM_ENVS)
    terrain.terrain_levels[:] = 1
    terrain.env_origins[:] = terrain.terrain_origins[terrain.terrain_levels, terrain.terrain_types]
    cmd = env.command_manager.get_term("base_velocity")
    cmd.vel_command_b[:] = torch.tensor([0.5, 0.0, 0.0])
    cmd.vel_command_b[2, 0] = 0.2  # 3 m walked at 0.2 m/s: more than half of 0.2 x 20 s, less than 4 m
    cmd.vel_command_b[3] = 0.0  # env 3 was told to stand
    # up when farther than half a terrain tile (4 m); down when less than half the commanded distance
    offsets = torch.tensor([[6.0, 0.0], [0.0, 0.0], [3.0, 0.0], [0.0, 0.0]])
    pose = robot.data.root_pose_w.torch.clone()
    pose[:, :2] = terrain.env_origins[:, :2] + offsets
    robot.write_root_pose_to_sim_index(root_pose=pose)
    mdp.terrain_levels_vel(env, ids)
    assert terrain.terrain_levels.tolist() == [2, 0, 1, 1]
    torch.testing.assert_close(terrain.env_origins,
                               terrain.terrain_origins[terrain.terrain_levels, terrain.terrain_types])


def test_reward_schedule_applies_after_its_step_count(env):
    env.common_step_counter = 501
    env.curriculum_manager.compute(env_ids=torch.arange(NUM_ENVS))
    assert env.reward_manager.get_term_cfg("alive").weight == 1.0
    assert env.reward_manager.get_term_cfg("dof_torques_l2").weight == -4e-6  # not before 1000
    env.common_step_counter = 1001
    env.curriculum_manager.compute(env_ids=torch.arange(NUM_ENVS))
    assert env.reward_manager.get_term_cfg("dof_torques_l2").weight == -1e-6


def test_turning_envs_are_asked_to_turn_in_place(env):
    """``rel_turning_envs``: that share of resampled commands has no linear velocity, the yaw as sampled; 0 (the
    default) leaves Isaac Lab's uniform command as it is."""
    term = env.command_manager.get_term("base_velocity")
    ids = torch.arange(NUM_ENVS)
    saved = (term.cfg.rel_turning_envs, term.cfg.rel_standing_envs, term.cfg.heading_command)
    term.cfg.rel_standing_envs, term.cfg.heading_command = 0.0, False
    try:
        for share, turning in ((1.0, True), (0.0, False)):
            term.cfg.rel_turning_envs = share
            lin = []
            for _ in range(20):
                term._resample_command(ids)
                lin.append(term.vel_command_b[:, :2].abs().sum(dim=1))
                assert term.vel_command_b[:, 2].abs().sum() > 0  # the yaw is drawn either way
            moving = torch.cat(lin) > 0
            assert (not moving.any()) if turning else moving.all()
    finally:
        term.cfg.rel_turning_envs, term.cfg.rel_standing_envs, term.cfg.heading_command = saved


def test_stand_still_counts_joint_offsets_only_when_asked_to_stand(env):
    """``stand_still``: the joints' L1 offset from the default pose while the command is below the standing speed
    (a turn in place is not standing); nothing while walking."""
    term = env.command_manager.get_term("base_velocity")
    robot = env.scene["robot"]
    offset = torch.sum(torch.abs(robot.data.joint_pos.torch - robot.data.default_joint_pos.torch), dim=1)
    assert (offset > 0).all()
    saved = term.vel_command_b.clone()
    try:
        for command, standing in (((0.0, 0.0, 0.0), True), ((0.0, 0.0, 0.5), False), ((0.5, 0.0, 0.0), False)):
            term.vel_command_b[:] = torch.tensor(command)
            value = mdp.stand_still(env, "base_velocity")
            assert torch.allclose(value, offset if standing else torch.zeros_like(offset)), command
    finally:
        term.vel_command_b[:] = saved
