"""The walking verdict (sim2mujoco's default scenarios and pinned thresholds) on constructed base-velocity traces:
known answers without a simulator. A base that moves at the command passes, one at half of it or standing fails."""

import json
from pathlib import Path

import numpy as np
import pytest

from legged_robots.sim2mujoco import evaluate
from legged_robots.sim2mujoco.scenarios import DEFAULT_SCENARIOS, Scenario, load_scenarios, outside_trained_ranges

ROOT = Path(__file__).resolve().parents[3]

DT = 0.02
BY_NAME = {s.name: s for s in DEFAULT_SCENARIOS}


def trace(scenario: Scenario, gain: float = 1.0, steps: int | None = None, noise: float = 0.0, seed: int = 0):
    """A log whose base moves at ``gain`` x the command (plus white noise), standing tall, for ``steps`` steps."""
    cmd = scenario.commands(DT)[:steps]
    n = len(cmd)
    rng = np.random.default_rng(seed)
    achieved = gain * cmd + noise * rng.standard_normal(cmd.shape)
    return {"time": (np.arange(n) + 1) * DT, "command": cmd, "lin_vel_yaw": achieved[:, :2],
            "yaw_rate": achieved[:, 2], "base_height": np.full(n, 0.95), "tilt": np.full(n, 0.05),
            "action": np.zeros((n, 27)), "saturation": np.zeros(n)}


def _script(name: str):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "scripts" / "st_rl" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def judge(scenario, log, thresholds=None):
    thresholds = thresholds or evaluate.Thresholds()
    m = evaluate.metrics(log, scenario, DT, thresholds)
    return m, *evaluate.verdict(m, thresholds)


def test_default_scenarios_are_the_walking_verdict():
    assert list(BY_NAME) == ["stand", "forward_0.5", "forward_1.0", "backward_0.3", "lateral_left_0.3",
                             "lateral_right_0.3", "yaw_left_0.5", "yaw_right_0.5", "forward_turn", "stop_and_go",
                             "push_recovery"]
    for s in DEFAULT_SCENARIOS:
        assert s.num_timesteps * DT == pytest.approx(10.0) and s.startup_s == 2.0
    means = {name: s.commands(DT).mean(axis=0) for name, s in BY_NAME.items()}
    np.testing.assert_allclose(means["forward_1.0"], [1.0, 0, 0])
    np.testing.assert_allclose(means["lateral_right_0.3"], [0, -0.3, 0])
    np.testing.assert_allclose(means["forward_turn"], [0.5, 0, 0.3])
    go = BY_NAME["stop_and_go"].commands(DT)[:, 0]
    assert set(np.round(go, 6)) == {0.0, 0.6} and go[int(2.4 / DT)] == 0 and go[int(2.6 / DT)] == 0.6
    assert go[int(5.1 / DT)] == 0 and go[int(7.6 / DT)] == 0.6  # 2.5 s still, 2.5 s moving, twice
    pushes = BY_NAME["push_recovery"].pushes
    assert [(p.step * DT, p.velocity) for p in pushes] == [(3.0, (0.0, 0.5)), (6.0, (0.5, 0.0))]
    t = evaluate.Thresholds()
    assert (t.max_lin_vel_mean_error, t.max_ang_vel_mean_error, t.max_lin_vel_rmse, t.max_ang_vel_rmse) == \
        (0.10, 0.15, 0.25, 0.3)


@pytest.mark.parametrize("name", list(BY_NAME))
def test_a_base_at_the_command_passes_and_one_at_half_or_standing_fails(name):
    scenario = BY_NAME[name]
    m, passed, failed = judge(scenario, trace(scenario, 1.0, noise=0.03))
    assert passed, failed
    assert m["survival_fraction"] == 1.0 and m["lin_vel_x_mean_error"] < 0.05
    for gain in (0.5, 0.0):
        m, passed, failed = judge(scenario, trace(scenario, gain))
        if name == "stand":  # half of nothing is nothing
            assert passed
            continue
        assert not passed and all(("mean_error" in f or "rmse" in f) for f in failed), failed
        speed = np.abs(scenario.commands(DT)[int(2 / DT):]).max(axis=0)
        axis = int(np.argmax(speed / [0.10, 0.10, 0.15]))  # the axis the command asks most of
        key = ("lin_vel_x", "lin_vel_y", "yaw_rate")[axis]
        assert m[f"{key}_mean_error"] == pytest.approx(
            (1 - gain) * np.abs(scenario.commands(DT)[int(2 / DT):, axis][
                evaluate.judged_steps(scenario.commands(DT), scenario, DT)[int(2 / DT):]]).mean(), rel=1e-6)


def test_the_start_up_window_is_not_judged_and_a_fall_fails():
    scenario = BY_NAME["forward_0.5"]
    log = trace(scenario)
    log["lin_vel_yaw"][: int(2 / DT) - 1, 0] = 0.0  # standing during the first 2 s: not judged
    assert judge(scenario, log)[1]
    log["lin_vel_yaw"][int(2 / DT) + 10, 0] = 0.0  # one slow step after it is (a little)
    m, _, _ = judge(scenario, log)
    assert m["lin_vel_x_mean_error"] == pytest.approx(0.5 / (8 / DT), rel=1e-6)
    fell = trace(scenario, steps=int(1.5 / DT))  # tracks perfectly, then falls at 1.5 s
    fell["base_height"][-1] = 0.3
    m, passed, failed = judge(scenario, fell)
    assert not passed and m["fell"] and failed[0].startswith("survival_fraction 0.15 < 1")
    assert any("not judged" in f for f in failed)


def test_stop_and_go_is_judged_on_the_moving_halves():
    scenario = BY_NAME["stop_and_go"]
    log = trace(scenario)
    m, passed, _ = judge(scenario, log)
    assert passed and m["judged_s"] == pytest.approx(5.0)
    log["lin_vel_yaw"][:, 0] = np.where(log["command"][:, 0] == 0, 0.3, log["lin_vel_yaw"][:, 0])  # drifts when told
    assert judge(scenario, log)[1]  # to stop: not what this scenario judges (stand does)
    m, passed, failed = judge(scenario, trace(scenario, 0.0))
    assert not passed and m["lin_vel_x_mean_error"] == pytest.approx(0.6)


def test_a_joint_past_the_bridges_safety_limit_fails_the_scenario():
    """A walker that tracks its command but straightens a knee past where the ROS 2 bridge faults it (lus2's knee:
    hard limit 0, soft 0.1135, fault at 0.057 rad) fails: on the robot it would have been dropped into DAMPING."""
    from st_runtime.safety import safety_limits

    scenario = BY_NAME["yaw_left_0.5"]
    limits = safety_limits(np.array([[0.0, 2.27], [-1.0, 1.0]]), np.array([[0.1135, 2.1565], [-0.9, 0.9]]))
    log = trace(scenario)
    knee = 0.4 + 0.3 * np.sin(np.arange(len(log["time"])) * DT * 2 * np.pi / 0.8)  # bends 0.1 to 0.7 each stride
    log["joint_pos"] = np.column_stack([knee, np.zeros_like(knee)])
    thresholds = evaluate.Thresholds()

    def judged(log):
        m = evaluate.metrics(log, scenario, DT, thresholds, ["knee", "hip"], limits)
        return m, *evaluate.verdict(m, thresholds)

    m, passed, failed = judged(log)
    assert passed and m["safety_limit_margin"] == pytest.approx(0.1 - 0.05675, abs=1e-3), failed
    log["joint_pos"][300, 0] = 0.02  # one step straight-kneed
    m, passed, failed = judged(log)
    assert not passed and m["safety_limit_joint"] == "knee" and failed == ["safety_limit_margin -0.0368 < 0"]
    assert "safety_limit_margin" not in evaluate.metrics(log, scenario, DT, thresholds)  # no limits: not judged


def test_a_thresholds_file_loosens_the_verdict_and_says_so(tmp_path):
    from legged_robots.sim2mujoco.cli import read_config_file

    scenario = BY_NAME["forward_0.5"]
    log = trace(scenario, 0.75)  # 0.125 m/s slow: fails the pinned 0.10
    assert not judge(scenario, log)[1]
    path = tmp_path / "loose.yaml"
    path.write_text("max_lin_vel_mean_error: 0.15\n")
    loose = evaluate.Thresholds.from_dict(read_config_file(path), source=str(path))
    assert judge(scenario, log, loose)[1]
    assert loose.changed() == {"max_lin_vel_mean_error": (0.10, 0.15)}


@pytest.mark.parametrize("content, message", [
    ('{"max_lin_vel_mean_eror": 0.2}', "unknown threshold(s) max_lin_vel_mean_eror; known: "),
    ('{"max_lin_vel_rmse": "fast"}', "threshold max_lin_vel_rmse must be a number, got 'fast'"),
    ('{"max_lin_vel_rmse": true}', "threshold max_lin_vel_rmse must be a number, got True"),
    ('[{"max_lin_vel_rmse": 0.3}]', "expected a mapping of threshold names to numbers, got list"),
])
def test_a_bad_thresholds_file_is_one_error_line_before_anything_runs(tmp_path, capsys, content, message):
    from legged_robots.sim2mujoco.cli import run_cli

    main = _script("sim2mujoco").main
    path = tmp_path / "t.json"
    path.write_text(content)
    from pathlib import Path

    standing = Path(__file__).resolve().parents[3] / "tests" / "data" / "lus2_standing" / "policy.onnx"
    assert run_cli(main, ["--policy", str(standing), "--thresholds", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {path}: ") and message in err[0], err


def test_scenario_files_are_checked_and_commands_beyond_the_trained_ranges_named(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps([{"name": "fast", "min_target_velocity": 1.5, "max_target_velocity": 1.5}]))
    fast = load_scenarios(path)[0]
    from st_runtime.metadata import PolicyMetadata

    def trained(ranges):
        return PolicyMetadata.for_joints(["j"], [], commands={"base_velocity": ranges})

    md = trained({"lin_vel_x": [-1.0, 1.0], "lin_vel_y": [-0.5, 0.5], "ang_vel_z": [-1.0, 1.0]})
    assert outside_trained_ranges(fast, DT, md) == ["forward 1.5 m/s outside lin_vel_x [-1, 1]"]
    assert all(not outside_trained_ranges(s, DT, md) for s in DEFAULT_SCENARIOS)
    assert outside_trained_ranges(BY_NAME["yaw_right_0.5"], DT, trained({"ang_vel_z": [-0.1, 0.1]})) == [
        "yaw rate -0.5 rad/s outside ang_vel_z [-0.1, 0.1]"]
    for bad, message in ((["stand"], "scenario 0 must be a mapping"),
                         ([{"name": "x", "yaw_rate": "fast"}], "yaw_rate must be a number, got 'fast'"),
                         ([{"name": "x", "judge": "sometimes"}], "judge 'sometimes' is not one of all, moving"),
                         ([{"name": "x", "pushes": [{"step": 3}]}], "a push is {step: N, velocity: [vx, vy]}")):
        path.write_text(json.dumps(bad))
        with pytest.raises(ValueError, match="^" + str(path).replace(".", "\\.") + ": .*" + message.replace(
                "[", "\\[").replace("]", "\\]").replace("{", "\\{").replace("}", "\\}")):
            load_scenarios(path)


def test_play_gait_figures_tell_stepping_from_standing():
    """play's gait line on constructed foot contacts: a standing pair is all down with no touchdowns; an alternating
    gait of 0.8 s (each foot down 60 %) gives 1.25 touchdowns/s per foot and 20 % double support."""
    from types import SimpleNamespace as NS

    import torch

    from legged_robots.tasks.utils.playback import STARTUP_STEPS, GaitStats

    forces = torch.zeros(1, 2, 3)
    sensor = NS(body_names=["left_foot", "right_foot"], data=NS(net_forces_w=NS(torch=forces)))
    cfg = NS(params={"sensor_cfg": NS(name="contact_forces", body_ids=[0, 1])})
    env = NS(unwrapped=NS(step_dt=0.02, scene=NS(sensors={"contact_forces": sensor}),
                          reward_manager=NS(active_terms=["feet_air_time"], get_term_cfg=lambda name: cfg)))

    def run(down):  # down(step) -> (left, right)
        gait = GaitStats(env)
        for k in range(STARTUP_STEPS + 2000):  # 40 s: a touchdown more or less at the ends is 0.025/s
            forces[0, :, 2] = torch.tensor([300.0 * d for d in down(k)])
            gait.record()
        return gait.summary()

    standing = run(lambda k: (True, True))
    assert standing["all_down_share"] == 1.0 and standing["touchdowns_per_s"] == [0.0, 0.0]
    walking = run(lambda k: ((k % 40) < 24, ((k + 20) % 40) < 24))  # 0.8 s cycle, 60 % stance, half a cycle apart
    assert walking["down_share"] == pytest.approx([0.6, 0.6], abs=0.01)
    assert walking["all_down_share"] == pytest.approx(0.2, abs=0.01) and walking["all_up_share"] == 0.0
    assert walking["touchdowns_per_s"] == pytest.approx([1.25, 1.25], abs=0.04)


def test_sim2mujoco_gait_figures_from_foot_contacts():
    """MujocoRobot sees its feet on the floor standing and off it lifted; the scenario's gait figures count the
    touchdowns over the judged steps (a standing robot: all down, none)."""
    from legged_robots.assets.paths import lus2_scene_mjcf
    from st_runtime.metadata import read_metadata
    from st_runtime.mujoco_robot import MujocoRobot

    feet = ["left_ankle_roll_link", "right_ankle_roll_link"]
    robot = MujocoRobot(lus2_scene_mjcf("lus2_27dof"), read_metadata(ROOT / "policies" / "lus2_flat" / "policy.json"))
    robot.reset()
    assert robot.feet_down(feet).tolist() == [True, True]
    robot.reset(base_pos=[0.0, 0.0, 1.5])
    assert robot.feet_down(feet).tolist() == [False, False]
    mask = np.ones(1000, dtype=bool)  # 20 s: a touchdown more or less at the ends is 0.05/s
    standing = evaluate.gait([[True, True]] * 1000, mask, 0.02)
    assert standing == {"all_feet_down_share": 1.0, "touchdowns_per_s": 0.0}
    stepping = [((k % 40) < 24, ((k + 20) % 40) < 24) for k in range(1000)]  # 0.8 s cycle: 1.25 touchdowns/s
    assert evaluate.gait(stepping, mask, 0.02)["touchdowns_per_s"] == pytest.approx(1.25, abs=0.06)


def test_jitter_figures_split_shake_from_drift():
    """A 4 Hz shake on the yaw rate shows as jitter (its RMS); a constant drift or a 0.5 Hz sway barely does."""
    n = 500
    t = np.arange(n) * DT
    mask = t >= 2.0
    shake = np.column_stack([np.full(n, 0.5), np.zeros(n), 0.3 * np.sin(2 * np.pi * 4.0 * t)])
    drift = np.column_stack([np.full(n, 0.4), np.zeros(n), np.full(n, 0.12) + 0.3 * np.sin(2 * np.pi * 0.5 * t)])
    j_shake, j_drift = evaluate.jitter(shake, mask, DT), evaluate.jitter(drift, mask, DT)
    assert j_shake["yaw_rate_jitter"] == pytest.approx(0.3 / np.sqrt(2), rel=0.1)
    assert j_shake["lin_vel_x_jitter"] < 1e-9 and j_drift["yaw_rate_jitter"] < 0.03
    assert evaluate.jitter(shake, np.zeros(n, bool), DT) == {}  # nothing judged: no figure


def test_target_jitter_names_the_shaking_joint():
    """Joint targets that swing with a 1 Hz gait read as (nearly) no jitter; a 6 Hz buzz on one ankle reads as its
    RMS, and that joint is named."""
    n = 500
    t = np.arange(n) * DT
    mask = t >= 2.0
    gait = 0.3 * np.sin(2 * np.pi * 1.0 * t)
    targets = np.column_stack([gait, -gait, gait + 0.1 * np.sin(2 * np.pi * 6.0 * t)])
    names = ["left_knee_joint", "right_knee_joint", "left_ankle_pitch_joint"]
    j = evaluate.target_jitter(targets, mask, DT, names)
    assert j["target_jitter_joint"] == "left_ankle_pitch_joint"
    assert j["target_jitter_max"] == pytest.approx(0.1 / np.sqrt(2), rel=0.1)
    assert evaluate.target_jitter(targets[:, :2], mask, DT, names[:2])["target_jitter_max"] < 0.02
    assert evaluate.target_jitter(None, mask, DT) == {}  # not logged (the ROS 2 demo): no figure
