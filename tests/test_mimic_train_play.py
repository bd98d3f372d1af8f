"""Mimic through the scripts a user runs (CPU, 8 envs): train -> resume -> play/export; bad reference settings
are one-line errors before training starts."""

import subprocess
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.sim
ROOT = Path(__file__).resolve().parents[1]
TASK = "St-Mimic-Flat-Lus2"
NETS = ["agent.policy.actor_hidden_dims=[64,64]", "agent.policy.critic_hidden_dims=[64,64]"]
SMALL = ["--num_envs", "8", "agent.num_steps_per_env=8", "agent.save_interval=1", *NETS]


def run_sh(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "run.sh"), *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def test_mimic_trains_resumes_plays_and_exports(tmp_path):
    first = run_sh("train", TASK, "--max_iterations", "2", "--seed", "1", *SMALL, cwd=tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    resumed = run_sh("train", TASK, "--resume", "--max_iterations", "1", *SMALL, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert [line for line in resumed.stdout.splitlines() if line.startswith("[st_rl] it")][0].split()[2] == "3/3"
    play = run_sh("play", TASK, "--steps", "20", "--num_envs", "2", *NETS, cwd=tmp_path)
    assert play.returncode == 0 and "(ok, tolerance 1e-05)" in play.stdout, play.stdout[-3000:] + play.stderr[-3000:]
    import json

    run = max((tmp_path / "logs" / "st_rl" / "lus2_mimic_flat").iterdir())  # the resumed run, which play loads
    meta = json.loads((run / "exported" / "policy.json").read_text())
    goal = next(t for t in meta["observation"]["terms"] if t["name"] == "expressive_goal")
    assert goal["params"]["command_name"] == "expressive_goal_commands" and goal["dim"] == 2 * 27 + 6 + 3 * 5

    ev = run_sh("eval", TASK, "--episodes", "3", *NETS, cwd=tmp_path)
    assert ev.returncode == 0, ev.stdout[-3000:] + ev.stderr[-3000:]
    table = ev.stdout[ev.stdout.index("clip "):]
    assert all(name in table for name in ("stand", "walk_slow", "walk_fast", "overall")), table
    result = json.loads((run / "eval" / "mimic_eval.json").read_text())
    assert result["overall"]["episodes"] == 3 and 0.0 <= result["overall"]["success_rate"] <= 1.0
    assert result["overall"]["mpkpe_mm"] > 0.0  # an untrained policy does not track
    not_mimic = run_sh("eval", "St-Velocity-Flat-Lus2", cwd=tmp_path)
    assert not_mimic.returncode == 2 and "is not a mimic task" in not_mimic.stderr

    # the exported policy in plain MuJoCo: its clips served from the metadata, Isaac Lab's eval figures beside
    s2m = run_sh("sim2mujoco", TASK, "--clips", "walk_slow", "stand", cwd=tmp_path)
    assert s2m.returncode in (0, 1) and "Traceback" not in s2m.stderr, s2m.stdout[-3000:] + s2m.stderr[-3000:]
    assert "Isaac Lab (./run.sh eval)" in s2m.stdout and "MuJoCo:" in s2m.stdout, s2m.stdout[-3000:]
    metrics = json.loads((run / "sim2mujoco" / "metrics.json").read_text())
    assert list(metrics) == ["walk_slow", "stand"]
    for clip, m in metrics.items():
        assert m["mpkpe_mm"] > 0.0 and m["isaac_mpkpe_mm"] == result["clips"][clip]["mpkpe_mm"]
        assert m["mpkpe_vs_isaac"] == pytest.approx(m["mpkpe_mm"] / m["isaac_mpkpe_mm"])
        assert m["passed"] == (not m["failed"])
    assert (run / "sim2mujoco" / "report.md").is_file() and (run / "sim2mujoco" / "walk_slow.png").is_file()
    bad_clip = run_sh("sim2mujoco", TASK, "--clips", "moonwalk", cwd=tmp_path)
    assert bad_clip.returncode == 2
    assert "clip(s) moonwalk not among the policy's: stand, walk_slow, walk_fast" in bad_clip.stderr
    assert_mujoco_replays_the_reference_exactly(run / "exported" / "policy.onnx")


def assert_mujoco_replays_the_reference_exactly(policy_path):
    """The robot written to the reference state after every step (a perfect tracker): the MuJoCo side's bodies,
    frames and joints line up with the clips' -- every clip reaches its end with ~0 error."""
    from legged_robots.sim2mujoco import mimic
    from legged_robots.sim2mujoco.cli import robot_mjcf
    from legged_robots.sim2mujoco.evaluate import Thresholds
    from st_runtime.mujoco_robot import MujocoRobot
    from st_runtime.policy import OnnxPolicy

    policy = OnnxPolicy(policy_path)
    md = policy.metadata
    assert md.reference["clips"] == ["stand", "walk_slow", "walk_fast"] and md.reference["frame_time"] == 0.02
    robot, motion = MujocoRobot(robot_mjcf(md), md), mimic.load_reference(md)
    # MuJoCo ends episodes by the training's terminations at their exported thresholds, the root's drift included
    root = md.terminations["tracking_root_pos_error"]
    assert root["params"]["error"] == "root_pos" and 0.4 <= root["threshold"] <= 2.0
    assert {t[0] for t in mimic.TrackingTerminations(md).terms} == {
        "tracking_lower_dof_error", "tracking_upper_dof_error", "tracking_root_pos_error"}
    # the reference root pose the policy sees: none at the reference, the known offset when the robot is moved
    from st_runtime.observations import ObservationBuilder

    builder, zeros = ObservationBuilder(md), np.zeros(len(md.joint_names))
    motion.reset(clip_ids=[1], start_frames=[0])
    mimic.start_at_reference(robot, motion, md)
    seen = lambda: builder.term_values(robot, zeros, motion.get("expressive_goal")[0].numpy(),  # noqa: E731
                                       mimic.reference_root(motion))["reference_root_pose"]
    assert np.allclose(seen(), [0, 0, 0, 1, 0, 0, 0, 1, 0], atol=1e-5)
    robot.data.qpos[0] += 0.1  # 10 cm along world x
    robot.data.qpos[3:7] = [np.cos(np.pi / 4), 0, 0, np.sin(np.pi / 4)]  # yawed 90 degrees
    import mujoco

    mujoco.mj_kinematics(robot.model, robot.data)
    ref_pos, _ = mimic.reference_root(motion)
    expected_pos = robot.base_rot.T @ (ref_pos - robot.base_pos)
    assert np.allclose(expected_pos[:2], [0.0, 0.1], atol=0.02)  # the reference is now to the robot's left
    assert np.allclose(seen()[:3], expected_pos, atol=1e-6) and np.allclose(seen()[3:5], [0, -1], atol=0.05)
    for i, name in enumerate(motion.clip_names):
        m, _ = mimic.run_clip(policy, robot, motion, i, Thresholds(), after_step=lambda r,
                              mo: mimic.start_at_reference(r, mo, md))
        assert m["success_rate"] == 1.0 and m["terminated_by"] is None, (name, m)
        assert m["mpkpe_mm"] < 0.01 and m["joint_pos_rmse_rad"] < 1e-5 and m["survival_fraction"] == 1.0, (name, m)


@pytest.mark.parametrize("override, expected", [
    ("env.ref_motion.expressive_goal_fields=[joint_dof_pos,nose_link_pos_x_b]",
     "expressive_goal_fields entry 'nose_link_pos_x_b' matches no column"),
    ("env.ref_motion.ref_length_s=10.0", "fewer than the 501 needed"),
    (f"env.ref_motion.motion_files=[{ROOT}/exts/legged_robots/legged_robots/assets/data/lus2/motions/lus2_21dof/stand.pkl]",
     "clip(s) stand lack the robot's joint(s) left_wrist_yaw_joint"),
])
def test_bad_reference_settings_are_one_line_errors(tmp_path, override, expected):
    out = run_sh("train", TASK, "--max_iterations", "1", "--num_envs", "2", override, cwd=tmp_path)
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert out.returncode == 2 and len(errors) == 1 and expected in errors[0], out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "[st_rl] it" not in out.stdout
