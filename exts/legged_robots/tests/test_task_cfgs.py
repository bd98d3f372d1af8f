"""Task configs as users load them (Isaac Lab's preset resolution), without building an env."""

import pytest

import legged_robots.tasks  # noqa: F401
from legged_robots.tasks import ROBOT_DEFAULT_TASK, TASKS, resolve_task


def load(task: str):
    from legged_robots.tasks import load_env_cfg

    return load_env_cfg(task)


def test_tasks_registered_with_gym():
    import gymnasium as gym

    for task_id in TASKS:
        assert "env_cfg_entry_point" in gym.spec(task_id).kwargs


def test_default_physics_is_kitless_newton_mjwarp():
    from isaaclab_newton.physics import MJWarpSolverCfg, NewtonCfg

    cfg = load("St-Velocity-Flat-Lus2")
    assert isinstance(cfg.sim.physics, NewtonCfg) and isinstance(cfg.sim.physics.solver_cfg, MJWarpSolverCfg)
    assert cfg.sim.dt == pytest.approx(0.005) and cfg.decimation == 4  # 200 Hz physics, 50 Hz policy


def test_physx_preset_stays_selectable():
    from legged_robots.tasks import load_env_cfg

    cfg = load_env_cfg("lus2", overrides=["physics=physx"])
    assert "Physx" in type(cfg.sim.physics).__name__


@pytest.mark.parametrize("task", sorted(TASKS))
def test_no_remote_asset_paths(task):
    """The resolved config names no URL (NVIDIA's content server or any other)."""
    from isaaclab.utils import class_to_dict

    found = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, str) and "://" in node:
            found.append(f"{path} = {node}")

    walk(class_to_dict(load(task)), "env")
    assert not found, found


def test_observations_follow_the_design():
    cfg = load("St-Velocity-Flat-Lus2")
    policy = [n for n in cfg.observations.policy.__dataclass_fields__ if getattr(cfg.observations.policy, n) is not None
              and hasattr(getattr(cfg.observations.policy, n), "func")]
    assert policy == ["base_ang_vel", "projected_gravity", "joint_pos", "joint_vel", "actions", "velocity_commands"]
    critic = cfg.observations.critic
    for term in ("base_lin_vel", "base_height", "base_quat", "base_ang_vel", "joint_pos", "joint_vel"):
        assert getattr(critic, term) is not None
    assert cfg.observations.policy.enable_corruption and not critic.enable_corruption


def test_design_rewards_terminations_and_command_ranges():
    cfg = load("St-Velocity-Flat-Lus2")
    weights = {"termination_penalty": -450.0, "alive": 5.0, "track_lin_vel_xy_exp": 2.0, "track_ang_vel_z_exp": 2.0,
               "feet_air_time": 0.8, "feet_slide": -1.0, "action_rate_l2": -0.05, "dof_acc_l2": -1e-8,
               "dof_torques_l2": -4e-6, "dof_pos_limits": -10.0, "joint_deviation_hip": -0.1,
               "joint_deviation_feet": -0.1, "joint_deviation_arms": -0.1, "joint_deviation_wrist": -0.2,
               "joint_deviation_torso": -0.1}
    for name, w in weights.items():
        assert getattr(cfg.rewards, name).weight == pytest.approx(w), name
    assert cfg.terminations.base_height.params["minimum_height"] == 0.4
    assert cfg.terminations.bad_orientation.params["limit_angle"] == 1.0
    assert cfg.terminations.time_out.time_out
    cmd = cfg.commands.base_velocity
    assert cmd.resampling_time_range == (5.0, 10.0)
    assert (cmd.ranges.lin_vel_x, cmd.ranges.lin_vel_y, cmd.ranges.ang_vel_z) == ((-0.2, 0.2), (-0.1, 0.1), (-0.1, 0.1))


def test_21dof_variant_drops_the_wrist_term():
    cfg = load("St-Velocity-Flat-Lus2-21dof")
    assert cfg.rewards.joint_deviation_wrist is None
    assert "wrists" not in cfg.scene.robot.actuators


@pytest.mark.parametrize("task", [t for t in TASKS if t.endswith("-Play")])
def test_play_variants_are_small_quiet_and_unpushed(task):
    cfg = load(task)
    assert cfg.scene.num_envs <= 16
    assert not cfg.observations.policy.enable_corruption
    assert cfg.events.push_robot is None


def test_actuator_gains_come_from_the_motors():
    from legged_robots.assets import LUS2_27DOF_CFG
    from legged_robots.assets.lus2 import description as d

    for g in d.ACTUATOR_GROUPS:
        a = LUS2_27DOF_CFG.actuators[g.name]
        assert (a.stiffness, a.damping, a.armature) == (g.motor.stiffness, g.motor.damping, g.motor.armature)
        assert a.joint_effort_limit == g.effort_limit and a.actuator_velocity_limit == g.velocity_limit
    assert LUS2_27DOF_CFG.soft_joint_pos_limit_factor == 0.9


def test_unknown_task_or_robot_lists_the_valid_ones():
    assert resolve_task("lus2") == ROBOT_DEFAULT_TASK["lus2"]
    assert resolve_task("St-Velocity-Flat-Lus2-Play") == "St-Velocity-Flat-Lus2-Play"
    with pytest.raises(ValueError) as err:
        resolve_task("lus3")
    assert "Did you mean: lus2" in str(err.value) and "St-Velocity-Flat-Lus2" in str(err.value)


def test_env_overrides_are_checked_and_applied():
    from legged_robots.tasks import load_env_cfg
    from legged_robots.tasks.utils.overrides import OverrideError

    cfg = load_env_cfg("lus2", overrides=["env.rewards.feet_slide.weight=-0.5", "env.scene.num_envs=8"])
    assert cfg.rewards.feet_slide.weight == -0.5 and cfg.scene.num_envs == 8
    with pytest.raises(OverrideError, match="closest: env.rewards.feet_slide"):
        load_env_cfg("lus2", overrides=["env.rewards.feet_slid.weight=-0.5"])
