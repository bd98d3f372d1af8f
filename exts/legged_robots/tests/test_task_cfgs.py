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


@pytest.mark.parametrize("task", ["St-Velocity-Flat-Lus2", "St-Velocity-Rough-Lus2"])
def test_default_physics_is_kitless_newton_mujoco_c_on_cpu_and_mjwarp_on_gpu(task):
    from isaaclab_newton.physics import MJWarpSolverCfg, NewtonCfg

    from legged_robots.physics import MujocoCSolverCfg, resolve_physics

    picked = {}
    for device in ("cpu", "cuda:0"):
        cfg = load(task)
        cfg.sim.device = device
        resolve_physics(cfg)  # what the env class does before Isaac Lab builds the simulation
        assert isinstance(cfg.sim.physics, NewtonCfg)
        picked[device] = cfg.sim.physics.solver_cfg
    assert isinstance(picked["cpu"], MujocoCSolverCfg)
    assert type(picked["cuda:0"]) is MJWarpSolverCfg and not picked["cuda:0"].use_mujoco_contacts
    assert cfg.sim.dt == pytest.approx(0.005) and cfg.decimation == 4  # 200 Hz physics, 50 Hz policy


def test_either_newton_preset_can_be_chosen_by_name():
    from legged_robots.physics import MujocoCSolverCfg, resolve_physics
    from legged_robots.tasks import load_env_cfg

    cfg = load_env_cfg("lus2", overrides=["physics=newton_mjwarp"])
    resolve_physics(cfg)
    assert not isinstance(cfg.sim.physics.solver_cfg, MujocoCSolverCfg)
    cfg = load_env_cfg("lus2", overrides=["physics=newton_mujoco_c"])
    assert isinstance(cfg.sim.physics.solver_cfg, MujocoCSolverCfg)


def test_mujoco_c_on_a_gpu_is_an_error_naming_the_alternative():
    from legged_robots.physics import PhysicsPresetError, resolve_physics
    from legged_robots.tasks import load_env_cfg

    cfg = load_env_cfg("lus2", overrides=["physics=newton_mujoco_c"])
    cfg.sim.device = "cuda:0"
    with pytest.raises(PhysicsPresetError, match=r"physics=newton_mujoco_c .*cuda:0.*physics=newton_mjwarp"):
        resolve_physics(cfg)


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
    assert policy == list(DESIGN_POLICY_OBS) + ["gait_phase"]  # the clock: ours (velocity_env_cfg.GAIT_PERIOD_S)
    critic = cfg.observations.critic
    for term in ("base_lin_vel", "base_height", "base_quat", "base_ang_vel", "joint_pos", "joint_vel"):
        assert getattr(critic, term) is not None
    assert cfg.observations.policy.enable_corruption and not critic.enable_corruption


# Every element the design (../shared/seeds/004, sections 3.1-3.7) names, copied from its tables. The design
# spells one reward "action_smooothness_2" (three o's); we use the spelling the issue uses.
DESIGN_SCENE = ("terrain", "light", "sky_light", "robot", "height_scanner", "contact_forces")
DESIGN_EVENTS = ("reset_base", "reset_robot_joints", "physics_material", "reset_robot_rigid_body_mass",
                 "reset_robot_base_com", "randomize_actuator_gains", "randomize_joint_parameters", "push_robot")
DESIGN_CURRICULUM = ("terrain_levels", "alive_rew", "action_rate_l2", "action_smoothness_2", "dof_torques_l2",
                     "dof_acc_l2", "contact_forces")
DESIGN_REWARDS = {
    "termination_penalty": -450.0, "alive": 5.0, "track_lin_vel_xy_exp": 2.0, "track_ang_vel_z_exp": 2.0,
    "feet_air_time": 0.8, "feet_slide": -1.0, "joint_deviation_hip": -0.1, "joint_deviation_feet": -0.1,
    "joint_deviation_arms": -0.1, "joint_deviation_wrist": -0.2, "joint_deviation_torso": -0.1,
    "energy_cost": -2.0e-7, "feet_parallel_v1": 1.0, "undesired_contacts": -20.0, "feet_stumble": -500.0,
    "action_smoothness_2": -5.0e-2, "action_rate_l2": -5.0e-2, "dof_acc_l2": -1e-8, "dof_torques_l2": -4.0e-6,
    "dof_pos_limits": -10.0, "dof_vel_limits": -5.0, "dof_torques_limits": -1.0, "contact_forces": -2.0e-5}
DESIGN_SCHEDULES = {"alive_rew": ("alive", 1.0, 500), "action_rate_l2": ("action_rate_l2", -0.1, 500),
                    "action_smoothness_2": ("action_smoothness_2", -0.1, 500),
                    "dof_torques_l2": ("dof_torques_l2", -1e-6, 1000), "dof_acc_l2": ("dof_acc_l2", -5e-8, 1000),
                    "contact_forces": ("contact_forces", -1e-4, 1000)}
DESIGN_POLICY_OBS = ("base_ang_vel", "projected_gravity", "joint_pos", "joint_vel", "actions", "velocity_commands")
DESIGN_CRITIC_OBS = ("base_height", "base_quat", "base_lin_vel", "base_ang_vel", "projected_gravity", "joint_pos",
                     "joint_vel", "actions", "velocity_commands", "body_masses", "contact_forces", "joint_gains",
                     "friction")


def test_every_element_the_design_names_is_in_the_rough_task():
    cfg = load("St-Velocity-Rough-Lus2")
    for name in DESIGN_SCENE:
        assert getattr(cfg.scene, name) is not None, f"scene.{name}"
    assert cfg.scene.terrain.terrain_type == "generator" and cfg.scene.terrain.terrain_generator.curriculum
    assert set(cfg.scene.terrain.terrain_generator.sub_terrains) == {
        "random_rough", "slope_up", "slope_down", "stairs_up", "stairs_down", "boxes"}
    for name in DESIGN_EVENTS:
        assert getattr(cfg.events, name) is not None, f"events.{name}"
    assert cfg.events.torso_external_force.mode == "interval"  # design: "Interval: external force/torque on torso"
    assert cfg.events.torso_external_force.params["asset_cfg"].body_names == "torso_link"
    for name in DESIGN_CURRICULUM:
        assert getattr(cfg.curriculum, name) is not None, f"curriculum.{name}"
    for name, (term, weight, steps) in DESIGN_SCHEDULES.items():
        params = getattr(cfg.curriculum, name).params
        assert (params["term_name"], params["weight"], params["num_steps"]) == (term, weight, steps), name
    assert cfg.curriculum.command_levels is not None
    for name, weight in DESIGN_REWARDS.items():
        assert getattr(cfg.rewards, name).weight == pytest.approx(weight), name
    assert cfg.terminations.base_height.params["minimum_height"] == 0.4
    assert cfg.terminations.bad_orientation.params["limit_angle"] == 1.0
    assert cfg.terminations.time_out.time_out
    cmd = cfg.commands.base_velocity
    assert cmd.resampling_time_range == (5.0, 10.0) and cmd.heading_command and cmd.debug_vis
    assert (cmd.ranges.lin_vel_x, cmd.ranges.lin_vel_y, cmd.ranges.ang_vel_z) == ((-0.2, 0.2), (-0.1, 0.1), (-0.1, 0.1))
    assert tuple(cmd.ranges.heading) == pytest.approx((-3.14159265, 3.14159265))
    for name in DESIGN_POLICY_OBS + ("height_scan",):
        assert getattr(cfg.observations.policy, name) is not None, f"policy.{name}"
    for name in DESIGN_CRITIC_OBS + ("height_scan",):
        assert getattr(cfg.observations.critic, name) is not None, f"critic.{name}"


def test_flat_task_is_the_rough_mdp_on_our_ground_plane():
    rough, flat = load("St-Velocity-Rough-Lus2"), load("St-Velocity-Flat-Lus2")
    assert flat.scene.terrain.terrain_type == "usd" and flat.scene.height_scanner is None
    assert flat.curriculum.terrain_levels is None and flat.observations.policy.height_scan is None
    for manager in ("rewards", "events"):
        names = lambda c: {n for n in getattr(c, manager).__dataclass_fields__ if getattr(getattr(c, manager), n)}
        assert names(flat) == names(rough), manager


def test_tuning_module_feeds_the_configs():
    from legged_robots.tasks.config.lus2 import amp_mimic_cfg as tune
    from legged_robots.tasks.velocity import velocity_env_cfg as velocity

    cfg = load("St-Velocity-Rough-Lus2")
    assert cfg.scene.num_envs == tune.NUM_ENVS and cfg.episode_length_s == tune.EPISODE_LENGTH_S
    assert cfg.curriculum.command_levels.params["limits"] == velocity.COMMAND_LIMITS


def test_ranges_with_min_above_max_name_the_term_and_field():
    from legged_robots.tasks import load_env_cfg
    from legged_robots.tasks.utils.cfg_checks import ConfigRangeError

    bad = {
        "env.events.physics_material.params.static_friction_range=[1.2,0.4]":
            "env.events.physics_material.params.static_friction_range = (1.2, 0.4): min > max",
        "env.events.reset_base.params.pose_range.yaw=[1,-1]": "env.events.reset_base.params.pose_range['yaw']",
        "env.commands.base_velocity.ranges.lin_vel_x=[0.5,-0.5]": "env.commands.base_velocity.ranges.lin_vel_x",
        "env.events.push_robot.interval_range_s=[3,1]": "env.events.push_robot.interval_range_s = (3.0, 1.0)",
        "env.curriculum.command_levels.params.limits.lin_vel_x=[1,-1]": "env.curriculum.command_levels.params.limits",
    }
    for override, message in bad.items():
        with pytest.raises(ConfigRangeError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
            load_env_cfg("St-Velocity-Rough-Lus2", [override])


def test_the_gait_clock_is_one_clock_that_can_run():
    """An override that speeds up one term's clock and not the others' would train against two clocks: an error
    naming the terms; a clock that cannot run names its parameter."""
    from legged_robots.tasks import load_env_cfg
    from legged_robots.tasks.utils.cfg_checks import GAIT_TERMS, ConfigRangeError

    with pytest.raises(ConfigRangeError, match="gait clock's terms differ.*env.rewards.feet_gait: \\(0.8, 0.5"):
        load_env_cfg("St-Velocity-Flat-Lus2", ["env.rewards.feet_gait.params.fast_period=0.5"])
    terms = ["observations.policy.gait_phase", "observations.critic.gait_phase", "rewards.feet_gait",
             "rewards.feet_swing_height"]
    assert GAIT_TERMS == ("gait_phase", "feet_gait", "feet_swing_height")
    cfg = load_env_cfg("St-Velocity-Flat-Lus2", [f"env.{t}.params.fast_period=0.5" for t in terms])
    assert cfg.rewards.feet_gait.params["fast_period"] == 0.5
    with pytest.raises(ConfigRangeError, match="fast_period must be in"):
        load_env_cfg("St-Velocity-Flat-Lus2", [f"env.{t}.params.fast_period=0.9" for t in terms])


def test_weight_override_on_a_term_that_does_not_exist():
    from legged_robots.tasks import load_env_cfg
    from legged_robots.tasks.utils.overrides import OverrideError

    with pytest.raises(OverrideError, match="env.rewards has no 'feet_slid'; closest: env.rewards.feet_slide"):
        load_env_cfg("St-Velocity-Rough-Lus2", ["env.rewards.feet_slid.weight=-0.5"])


def test_21dof_variant_drops_the_wrist_term():
    cfg = load("St-Velocity-Flat-Lus2-21dof")
    assert cfg.rewards.joint_deviation_wrist is None
    assert "wrists" not in cfg.scene.robot.actuators


@pytest.mark.parametrize("task", [t for t in TASKS if t.endswith("-Play")])
def test_play_variants_are_small_quiet_and_unpushed(task):
    cfg = load(task)
    assert cfg.scene.num_envs <= 16
    assert not cfg.observations.policy.enable_corruption
    assert cfg.events.push_robot is None and cfg.events.torso_external_force is None
    from legged_robots.tasks.velocity.velocity_env_cfg import RANDOMIZATION_EVENTS

    assert all(getattr(cfg.events, name) is None for name in RANDOMIZATION_EVENTS)  # nominal robot, nominal metadata


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


@pytest.mark.parametrize("task", sorted(t for t in TASKS if not t.endswith("-Play")))
def test_isaaclab_agent_entry_points_carry_the_st_rl_numbers(task):
    """``isaaclab train --rl_library rsl_rl|skrl`` reads configs made from our st_rl one: the same numbers."""
    import dataclasses

    import gymnasium as gym
    from isaaclab_tasks.utils.parse_cfg import load_cfg_from_registry

    from legged_robots.tasks.utils.launch import load_agent_cfg

    st = load_agent_cfg(task, "st_rl")
    assert gym.spec(task).kwargs["default_agent"] == "rsl_rl"
    rsl = load_cfg_from_registry(task, "rsl_rl_cfg_entry_point")
    assert (rsl.experiment_name, rsl.num_steps_per_env, rsl.save_interval) == (st.experiment_name,
                                                                               st.num_steps_per_env, st.save_interval)
    assert rsl.actor.hidden_dims == st.policy.actor_hidden_dims
    assert rsl.critic.hidden_dims == st.policy.critic_hidden_dims
    assert rsl.actor.distribution_cfg.init_std == st.policy.init_noise_std and rsl.critic.distribution_cfg is None
    for name, value in dataclasses.asdict(st.algorithm).items():
        if name == "symmetry_cfg":  # off: Isaac Lab's None; on: its RslRlSymmetryCfg with the same values
            assert rsl.algorithm.symmetry_cfg is None
            assert not (value["use_data_augmentation"] or value["use_mirror_loss"])
            continue
        assert getattr(rsl.algorithm, name) == value, name
    sk = load_cfg_from_registry(task, "skrl_cfg_entry_point")
    a = sk["agent"]
    assert (a["rollouts"], a["learning_epochs"], a["mini_batches"]) == (st.num_steps_per_env,
                                                                        st.algorithm.num_learning_epochs,
                                                                        st.algorithm.num_mini_batches)
    assert (a["discount_factor"], a["gae_lambda"], a["learning_rate"], a["ratio_clip"], a["entropy_loss_scale"],
            a["grad_norm_clip"]) == (st.algorithm.gamma, st.algorithm.lam, st.algorithm.learning_rate,
                                     st.algorithm.clip_param, st.algorithm.entropy_coef, st.algorithm.max_grad_norm)
    assert a["learning_rate_scheduler_kwargs"] == {"kl_threshold": st.algorithm.desired_kl}
    assert sk["models"]["policy"]["network"][0]["input"] == "OBSERVATIONS"  # actor: the policy group
    assert sk["models"]["value"]["network"][0]["input"] == "STATES"  # critic: the privileged group


def test_mimic_ends_drift_off_the_path_only_where_the_policy_sees_the_reference_root(monkeypatch):
    from legged_robots.tasks.config.lus2 import amp_mimic_cfg as tune

    term = load("St-Mimic-Flat-Lus2").terminations.tracking_root_pos_error
    assert (term.params["error"], term.params["min"], term.params["max"]) == ("root_pos", 0.4, 2.0)  # design 3.7
    monkeypatch.setattr(tune, "MIMIC_OBSERVE_REFERENCE_POSE", False)
    cfg = load("St-Mimic-Flat-Lus2")
    assert getattr(cfg.observations.policy, "reference_root_pose", None) is None
    assert getattr(cfg.terminations, "tracking_root_pos_error", None) is None


def test_play_and_resume_take_the_robot_model_a_run_was_trained_with(tmp_path, capsys):
    """A run's params/presets.txt (written by training) is applied when the command line names no presets, and
    said; a command line that names its own wins; a run without the file changes nothing."""
    from legged_robots.tasks.utils.launch import preset_overrides, with_run_presets

    run = tmp_path / "run"
    (run / "params").mkdir(parents=True)
    (run / "params" / "presets.txt").write_text("presets=real_actuators,real_sensors\n")
    checkpoint = run / "model_9.pt"
    assert with_run_presets(["--x", "env.a=1"], checkpoint, "play") == ["presets=real_actuators,real_sensors", "--x",
                                                                      "env.a=1"]
    assert "trained with presets=real_actuators,real_sensors: applying them" in capsys.readouterr().out
    assert with_run_presets(["presets=real_actuators"], checkpoint, "play") == ["presets=real_actuators"]
    assert with_run_presets(["env.a=1"], tmp_path / "other" / "model_1.pt", "play") == ["env.a=1"]
    assert preset_overrides(["presets=a", "physics=b", "env.presets=c"]) == ["presets=a"]


def test_play_exports_the_trained_ranges(tmp_path):
    """play runs the task's configured ranges (or --command's one command); the exported metadata keeps the ranges
    the policy was trained with: the run's params/env.yaml, and over them the ranges the checkpoint's command
    curriculum reached. (Exported with play's ranges, a walker trained to 1 m/s had its /cmd_vel clamped to 0.2 by
    the ROS 2 bridge.)"""
    from types import SimpleNamespace as NS

    import torch
    import yaml

    from legged_robots.tasks.utils.playback import trained_command_ranges

    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "env.yaml").write_text(yaml.safe_dump({"commands": {"base_velocity": {"ranges": {
        "lin_vel_x": [0.3, 0.8], "lin_vel_y": [0.0, 0.0], "ang_vel_z": [-0.3, 0.3]}}}}))
    checkpoint = tmp_path / "model_5.pt"
    torch.save({"infos": {"env_state": {}}}, checkpoint)
    held = {"commands": {"base_velocity": {"lin_vel_x": [0.5, 0.5]}}, "task": "t"}
    args = NS(command=(0.5, 0.0, 0.0), configured_command_ranges={"lin_vel_x": [-0.2, 0.2], "heading": [-3.0, 3.0]})
    out = trained_command_ranges(held, args, checkpoint)
    assert out["commands"]["base_velocity"] == {"lin_vel_x": [0.3, 0.8], "heading": [-3.0, 3.0],
                                                "lin_vel_y": [0.0, 0.0], "ang_vel_z": [-0.3, 0.3]}
    torch.save({"infos": {"env_state": {"curriculum/command_levels": {"lin_vel_x": [-0.6, 1.0]}}}}, checkpoint)
    assert trained_command_ranges(held, args, checkpoint)["commands"]["base_velocity"]["lin_vel_x"] == [-0.6, 1.0]
    configured = {"commands": {"base_velocity": {"lin_vel_x": [-0.2, 0.2], "heading": [-3.0, 3.0]}}, "task": "t"}
    out = trained_command_ranges(configured, NS(command=None), checkpoint)["commands"]["base_velocity"]
    assert out == {"lin_vel_x": [-0.6, 1.0], "heading": [-3.0, 3.0], "lin_vel_y": [0.0, 0.0], "ang_vel_z": [-0.3, 0.3]}
    no_command = {"commands": {}, "task": "t"}  # a task without a velocity command: as exported
    assert trained_command_ranges(no_command, NS(command=None), checkpoint) is no_command


def test_play_gives_the_policy_the_history_and_clock_it_was_trained_with(tmp_path, capsys):
    """A run trained with ``env.observations.policy.history_length=5`` plays with 5 frames (its checkpoint's first
    layer fits no other width) and a run trained on a speed-dependent gait clock with that clock, on every term
    that reads it; an exported policy plays with the history and clock its metadata records."""
    import yaml

    from legged_robots.tasks.utils.playback import policy_terms_as_exported, trained_observation_history
    from st_runtime.metadata import PolicyMetadata

    (tmp_path / "params").mkdir()
    clock = {"period": 0.8, "fast_period": 0.65, "fast_speed": [0.4, 1.0]}
    (tmp_path / "params" / "env.yaml").write_text(yaml.safe_dump({"observations": {"policy": {
        "history_length": 5, "gait_phase": {"params": clock}}}}))
    cfg = load("St-Velocity-Flat-Lus2-Play")
    assert not cfg.observations.policy.history_length
    trained_observation_history(cfg, tmp_path / "model_5.pt")
    assert cfg.observations.policy.history_length == 5
    clocks = [t.params for t in (cfg.observations.policy.gait_phase, cfg.observations.critic.gait_phase,
                                 cfg.rewards.feet_gait, cfg.rewards.feet_swing_height)]
    assert all((c["fast_period"], c["fast_speed"]) == (0.65, (0.4, 1.0)) for c in clocks)
    out = capsys.readouterr().out
    assert "5 frames of history" in out and "gait clock as the policy was trained: period 0.8 s, 0.65 s at 1.0" in out
    trained_observation_history(cfg, tmp_path / "elsewhere" / "model_5.pt")  # no params: as configured
    assert cfg.observations.policy.history_length == 5

    import json
    from pathlib import Path

    exported = json.loads((Path(__file__).resolve().parents[3] / "tests/data/lus2_standing/policy.json").read_text())
    obs = exported["observation"]
    obs["terms"].append({"name": "gait_phase", "dim": 2, "func": "legged_robots.tasks.velocity.mdp.gait_phase",
                         "params": {"period": 0.8}})  # a fixed clock
    for history in (3, 0):
        for term in obs["terms"]:
            term["history_length"] = history
        obs["history_length"], obs["dim"] = history, sum(t["dim"] for t in obs["terms"]) * max(history, 1)
        policy_terms_as_exported(cfg, PolicyMetadata.parse(exported), "policy.onnx")
        assert (cfg.observations.policy.history_length or 0) == history
        assert cfg.rewards.feet_gait.params["fast_period"] is None
