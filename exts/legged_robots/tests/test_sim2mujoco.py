"""sim2mujoco / sim2sim: the exported policy in plain MuJoCo, checked against Isaac Lab (Newton).

Policies here are scripted (constant actions, exported to ONNX with the real metadata of the lus2 play
env), so their behaviour is known without training: zero action with the motors' gains falls within
~1.5 s; with holding gains (2.5x bandwidth, see stand_check) it stands."""

import copy
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from isaac_state import mujoco_at_isaac_state
from stand_check import hold_gains

from legged_robots.assets.paths import lus2_scene_mjcf
from legged_robots.sim2mujoco import PolicyMetadataError
from legged_robots.sim2mujoco.compare import closed_loop, open_loop, split_terms
from legged_robots.sim2mujoco.scripted import write_constant_policy
from st_runtime.mujoco_robot import MujocoRobot
from st_runtime.observations import ObservationBuilder
from st_runtime.policy import OnnxPolicy

pytestmark = pytest.mark.sim
TASK = "St-Velocity-Flat-Lus2"


@pytest.fixture(scope="module")
def isaac():
    from legged_robots.sim2mujoco.isaac import IsaacLabRobot

    torch.set_num_threads(1)
    robot = IsaacLabRobot(TASK)
    robot.exported = robot.metadata()
    yield robot
    robot.close()


@pytest.fixture
def metadata(isaac):
    return copy.deepcopy(isaac.exported)


def _sim2mujoco(*args):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "scripts" / "st_rl" / "sim2mujoco.py"
    spec = importlib.util.spec_from_file_location("sim2mujoco_script", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(list(args))


def _permuted_mjcf(tmp_path):
    """The lus2 scene with its legs' and arms' subtrees in the other order: every joint moves in qpos."""
    tree = ET.parse(lus2_scene_mjcf("lus2_27dof"))
    root = tree.getroot()
    include = root.find("include")
    if include is not None:  # the scene includes the robot file: inline a permuted copy instead
        robot_tree = ET.parse(lus2_scene_mjcf("lus2_27dof").with_name(include.get("file")))
        robot_root = robot_tree.getroot()
    else:
        robot_tree, robot_root = tree, root
    for parent in robot_root.iter("body"):
        kids = [c for c in parent if c.tag == "body"]
        if len(kids) > 1:
            for c in kids:
                parent.remove(c)
            for c in reversed(kids):
                parent.append(c)
    for key in robot_root.iter("keyframe"):
        robot_root.remove(key)
    robot_path = tmp_path / "lus2_permuted.xml"
    robot_tree.write(robot_path)
    if include is not None:
        include.set("file", str(robot_path))
        path = tmp_path / "scene_permuted.xml"
        tree.write(path)
        return path
    return robot_path


def test_joints_are_mapped_by_name_not_position(metadata, tmp_path):
    ours = MujocoRobot(lus2_scene_mjcf("lus2_27dof"), metadata)
    permuted = MujocoRobot(_permuted_mjcf(tmp_path), metadata)
    assert not np.array_equal(ours.qadr, permuted.qadr)  # the permutation happened
    rng = np.random.default_rng(0)
    q = ours.default_q + rng.uniform(-0.1, 0.1, len(ours.default_q))
    base = np.array([0.0, 0.0, ours.data.qpos[2]])
    for r in (ours, permuted):
        r.reset(base_pos=base, joint_pos=q)
    b1, b2 = ObservationBuilder(metadata), ObservationBuilder(metadata)
    cmd = np.array([0.1, 0.0, 0.0])
    for _ in range(25):
        o1, o2 = b1.build(ours, np.zeros(27), cmd), b2.build(permuted, np.zeros(27), cmd)
        np.testing.assert_allclose(o1, o2, atol=1e-6)
        action = 0.3 * np.sin(np.arange(27))
        for r in (ours, permuted):
            r.apply_action(action)
            r.step()
    np.testing.assert_allclose(ours.joint_pos, permuted.joint_pos, atol=1e-6)


def test_observations_rebuilt_in_mujoco_equal_isaac_labs_for_the_same_state(isaac, metadata):
    """Drive Isaac Lab somewhere non-trivial, copy its state into MuJoCo, compare term by term."""
    gen = torch.Generator().manual_seed(1)
    isaac.env.reset()
    command = np.array([0.15, -0.05, 0.08])
    isaac.set_command(command)
    for _ in range(6):
        action = 0.5 * torch.randn(27, generator=gen).numpy()
        isaac.step(action)
    isaac.set_command(command)
    obs_isaac = isaac.observe()
    mj = mujoco_at_isaac_state(isaac.robot, metadata)
    builder = ObservationBuilder(metadata)
    builder.step = 6  # the gait clock: six policy steps since the reset, as Isaac Lab's episode
    last = isaac.u.action_manager.action[0].numpy()
    ours = builder.term_values(mj, last, command)
    theirs = split_terms(builder, obs_isaac)
    assert list(ours) == ["base_ang_vel", "projected_gravity", "joint_pos", "joint_vel", "actions", "velocity_commands",
                          "gait_phase"]
    for name in ours:
        np.testing.assert_allclose(ours[name], theirs[name], atol=1e-4, err_msg=name)
    assert np.abs(theirs["joint_vel"]).max() > 0.1  # a moving state, not the trivial one


def test_same_actions_give_the_same_motion_in_both_simulators(isaac, metadata):
    """Open loop, 0.5 s of small sinusoids from the standing state: the plants agree to a few mrad."""
    mj = MujocoRobot(lus2_scene_mjcf("lus2_27dof"), metadata)
    t = np.arange(25)[:, None] * 0.02
    actions = 0.4 * np.sin(2 * np.pi * (0.5 + 0.1 * np.arange(27))[None, :] * t)
    r = open_loop(mj, isaac, actions)
    assert r["steps"] == 25
    assert r["joint_rmse_per_step"].max() < 0.01 and r["base_pos_diff_per_step"].max() < 0.01


def test_closed_loop_compares_every_term_and_logs_both_sides(isaac, metadata, tmp_path):
    from legged_robots.sim2mujoco.scenarios import Scenario

    policy = write_constant_policy(tmp_path / "zero" / "policy.onnx", metadata)
    mj = MujocoRobot(lus2_scene_mjcf("lus2_27dof"), metadata)
    r = closed_loop(lambda: OnnxPolicy(policy), mj, isaac, Scenario("walk", num_timesteps=20, min_target_velocity=0.1,
                                                                     max_target_velocity=0.1), tolerance=1.0)
    assert r["steps"] == 20 and r["first_divergence"] is None  # the same plant, the same commands
    assert set(r["max_term_diff"]) == {"base_ang_vel", "projected_gravity", "joint_pos", "joint_vel", "actions",
                                       "velocity_commands", "gait_phase"}
    assert r["max_term_diff"]["velocity_commands"] < 1e-6 and r["max_term_diff"]["projected_gravity"] < 0.05
    assert r["max_term_diff"]["gait_phase"] < 1e-5  # both clocks count the same steps from the same start
    log = r["log"]
    assert log["obs_mujoco"].shape == log["obs_isaac"].shape == (20, 92) and log["joint_pos_isaac"].shape == (20, 27)
    np.testing.assert_allclose(log["obs_mujoco"][0], log["obs_isaac"][0], atol=1e-4)  # same initial state
    # both simulators' base velocities, side by side; 20 steps lie inside the 2 s start-up: nothing judged
    assert log["base_vel_mujoco"].shape == log["base_vel_isaac"].shape == (20, 3)
    assert np.abs(log["base_vel_mujoco"] - log["base_vel_isaac"]).max() < 0.1
    keys = {f"{a}_{k}" for a in ("lin_vel_x", "lin_vel_y", "yaw_rate") for k in ("mean_error", "rmse")}
    assert set(r["tracking"]) == set(r["tracking_mujoco"]) == keys
    assert np.isnan(r["tracking"]["lin_vel_x_mean_error"])
    strict = closed_loop(lambda: OnnxPolicy(policy), mj, isaac, Scenario("walk", num_timesteps=20), tolerance=1e-5)
    assert strict["first_divergence"]["step"] >= 1 and strict["first_divergence"]["term"] in strict["max_term_diff"]


def test_falling_policy_fails_with_a_complete_report(metadata, tmp_path):
    policy = write_constant_policy(tmp_path / "zero" / "policy.onnx", metadata)
    scenarios = tmp_path / "s.json"
    scenarios.write_text(json.dumps([{"name": "stand", "num_timesteps": 150},
                                     {"name": "sine", "num_timesteps": 150, "velocity_mode": "SINUSOIDAL",
                                      "min_target_velocity": -0.2, "max_target_velocity": 0.2,
                                      "pushes": [{"step": 20, "velocity": [0.0, 0.2]}]}]))
    out = tmp_path / "report"
    assert _sim2mujoco("--policy", str(policy), "--scenarios", str(scenarios), "--out", str(out)) == 1
    report = (out / "report.md").read_text()
    assert report.startswith("# sim2mujoco: FAIL") and "survival_fraction" in report
    for name in ("stand", "sine"):
        assert (out / f"{name}.png").stat().st_size > 10_000 and f"![{name}]({name}.png)" in report
    m = json.loads((out / "metrics.json").read_text())
    assert set(m) == {"stand", "sine"} and not m["stand"]["passed"]
    assert m["stand"]["fell"] and m["stand"]["survival_s"] < 2.0
    assert "rtf" in m["stand"]  # reported; how fast it is belongs in benchmarks/sim2mujoco_speed.py


def test_holding_policy_passes(metadata, tmp_path):
    md = copy.deepcopy(metadata)
    gains = [hold_gains(j) for j in md["joint_names"]]
    md["stiffness"], md["damping"] = [g[0] for g in gains], [g[1] for g in gains]
    policy = write_constant_policy(tmp_path / "hold" / "policy.onnx", md)
    scenarios = tmp_path / "s.json"
    scenarios.write_text(json.dumps([{"name": "stand", "num_timesteps": 150}]))
    out = tmp_path / "report"
    assert _sim2mujoco("--policy", str(policy), "--scenarios", str(scenarios), "--out", str(out)) == 0
    assert (out / "report.md").read_text().startswith("# sim2mujoco: PASS")


def test_a_robot_holding_its_default_pose_fails_the_walking_verdict(tmp_path):
    """The default scenarios with a policy that never moves (zero action, holding gains; the metadata of the
    standing test policy, no Isaac Lab needed): it stands through all of them and fails every moving one on
    tracking, so the verdict as a whole is FAIL."""
    from pathlib import Path

    data = Path(__file__).resolve().parents[3] / "tests" / "data"
    md = json.loads((data / "lus2_standing" / "policy.json").read_text())
    gains = [hold_gains(j) for j in md["joint_names"]]
    md["stiffness"], md["damping"] = [g[0] for g in gains], [g[1] for g in gains]
    policy = write_constant_policy(tmp_path / "hold" / "policy.onnx", md)
    out = tmp_path / "report"
    assert _sim2mujoco("--policy", str(policy), "--out", str(out)) == 1
    m = json.loads((out / "metrics.json").read_text())
    assert len(m) == 11 and m["stand"]["passed"], m["stand"]
    for name, r in m.items():
        if name == "stand":
            continue
        assert not r["passed"] and any("mean_error" in f for f in r["failed"]), (name, r)
        if name != "push_recovery":  # the 0.5 m/s pushes topple a robot that does not step
            assert r["survival_fraction"] == 1.0 and all("mean_error" in f or "rmse" in f for f in r["failed"]), r
    assert (out / "report.md").read_text().startswith("# sim2mujoco: FAIL")


def test_metadata_that_does_not_match_is_a_clear_error(metadata, tmp_path, capsys):
    bad = copy.deepcopy(metadata)
    bad["joint_names"][3] = "left_knee_joint_v2"
    with pytest.raises(PolicyMetadataError, match="policy joint\\(s\\) left_knee_joint_v2 not in lus2_27dof_scene.xml"):
        MujocoRobot(lus2_scene_mjcf("lus2_27dof"), bad)
    bad = copy.deepcopy(metadata)
    bad["observation"]["terms"][0]["func"] = "isaaclab.envs.mdp.body_incoming_wrench"
    with pytest.raises(PolicyMetadataError,
                       match="'base_ang_vel' \\(isaaclab.envs.mdp.body_incoming_wrench\\) cannot be"):
        ObservationBuilder(bad)
    policy = write_constant_policy(tmp_path / "p" / "policy.onnx", metadata)
    bad = copy.deepcopy(metadata)
    bad["observation"]["dim"] = 95
    with pytest.raises(PolicyMetadataError, match="the graph takes 92 observations, the metadata describes 95"):
        OnnxPolicy(policy, bad)
    bad = copy.deepcopy(metadata)
    bad["observation"]["terms"][2]["dim"] = 21
    with pytest.raises(PolicyMetadataError, match="add up to 86 values, the metadata says 92"):
        ObservationBuilder(bad)
    md21 = copy.deepcopy(metadata)
    keep = [i for i, j in enumerate(md21["joint_names"]) if "wrist" not in j]
    for key in ("joint_names", "default_joint_pos", "stiffness", "damping", "armature", "effort_limit"):
        md21[key] = [md21[key][i] for i in keep]
    with pytest.raises(PolicyMetadataError, match="metadata 'stiffness' has 27 values for 21 joints"):
        MujocoRobot(lus2_scene_mjcf("lus2_27dof"), {**md21, "stiffness": metadata["stiffness"]})
    with pytest.raises(PolicyMetadataError, match="has joint\\(s\\) the policy does not drive: left_wrist"):
        MujocoRobot(lus2_scene_mjcf("lus2_27dof"), md21)


def test_a_state_change_reaches_the_observation_exactly_its_latency_later():
    """Sensor latency at physics-step resolution: with 10 ms (4 steps of 2.5 ms) on the joints and none on the IMU,
    what the policy reads after k policy periods (8 steps each) is the joint state of step 8k - 4, and the IMU's
    current state. A copy of the robot stepped 4 steps at a time gives the state of step 8k - 4 to compare with."""
    from pathlib import Path

    md = json.loads((Path(__file__).resolve().parents[3] / "tests" / "data" / "lus2_standing" / "policy.json")
                    .read_text())
    delayed, half = (MujocoRobot(lus2_scene_mjcf("lus2_27dof"), md) for _ in range(2))
    assert delayed.steps_per_action == 8 and delayed.model.opt.timestep == pytest.approx(0.0025)
    delayed.set_latency(0.0, 0.010)
    assert delayed.latency_steps == (0, 4)
    half.steps_per_action = 4
    action = 0.8 * np.sin(np.arange(27))  # the robot moves: joints head for new targets
    for r in (delayed, half):
        r.reset()
        r.apply_action(action)
    for k in range(1, 6):
        delayed.step()
        half.step()
        sensed = delayed.sensed()
        np.testing.assert_allclose(sensed.joint_pos, half.joint_pos, atol=1e-12)  # step 8k - 4
        np.testing.assert_allclose(sensed.base_ang_vel_b, delayed.base_ang_vel_b, atol=1e-12)  # no IMU latency
        assert np.abs(sensed.joint_pos - delayed.joint_pos).max() > 1e-4  # it is the past, not the present
        half.step()
    with pytest.raises(ValueError, match="latency must be >= 0 s"):
        delayed.set_latency(-0.001, 0.0)


def test_a_latency_sweep_names_the_largest_latency_each_scenario_survives_and_passes(tmp_path, capsys):
    from pathlib import Path

    md = json.loads((Path(__file__).resolve().parents[3] / "tests" / "data" / "lus2_standing" / "policy.json")
                    .read_text())
    falls = write_constant_policy(tmp_path / "zero" / "policy.onnx", md)  # the motors' gains: it topples
    gains = [hold_gains(j) for j in md["joint_names"]]
    md["stiffness"], md["damping"] = [g[0] for g in gains], [g[1] for g in gains]
    holds = write_constant_policy(tmp_path / "hold" / "policy.onnx", md)
    scenarios = tmp_path / "s.json"
    scenarios.write_text(json.dumps([{"name": "stand", "num_timesteps": 150, "startup_s": 1.0}]))
    for policy, expect, code in ((holds, ("40", "40"), 0), (falls, ("none", "none"), 1)):
        out = tmp_path / policy.parent.name
        assert _sim2mujoco("--policy", str(policy), "--scenarios", str(scenarios), "--latency_ms", "0", "10", "40",
                           "--out", str(out)) == code
        printed = capsys.readouterr().out
        (line,) = [x for x in printed.splitlines() if x.startswith("[sim2mujoco]   stand")]
        assert tuple(line.split()[-2:]) == expect, line
        assert (out / "latency_sweep.png").stat().st_size > 10_000
        m = json.loads((out / "metrics.json").read_text())
        assert set(m) == {"stand@0ms", "stand@10ms", "stand@40ms"} and m["stand@40ms"]["latency_ms"] == 40

