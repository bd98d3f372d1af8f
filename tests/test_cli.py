"""The commands a user types, run as they would run them."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_list_prints_tasks_with_entry_points():
    out = run(str(ROOT / "run.sh"), "list")
    assert out.returncode == 0, out.stderr
    assert "St-Velocity-Flat-Lus2 " in out.stdout
    assert "env_cfg=legged_robots.tasks.config.lus2.flat_env_cfg:Lus2FlatEnvCfg" in out.stdout
    assert "lus2 -> St-Velocity-Flat-Lus2" in out.stdout


def test_list_filter_that_matches_nothing_names_the_tasks():
    out = run(sys.executable, "scripts/list_envs.py", "Rough-Anymal")
    assert out.returncode == 2
    assert "St-Velocity-Flat-Lus2" in out.stderr and "Traceback" not in out.stderr


def test_unknown_command_shows_usage():
    out = run(str(ROOT / "run.sh"), "trian")
    assert out.returncode == 2
    assert "unknown command 'trian'" in out.stderr and "commands:" in out.stderr


def test_generate_check_passes_on_committed_assets():
    out = run(str(ROOT / "run.sh"), "generate", "--check")
    assert out.returncode == 0, out.stdout + out.stderr


def test_setup_names_what_to_install_without_python312(tmp_path):
    """setup.sh with no Python 3.12 anywhere it looks: a clear message, no traceback, non-zero exit."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ST_GYM_PYTHON": "/nonexistent/python3.12"}
    out = subprocess.run(["bash", str(ROOT / "setup.sh")], cwd=tmp_path, capture_output=True, text=True, env=env,
                         timeout=60)
    if "python: " in out.stdout:  # a system python3.12 in /usr/bin is a valid find, not a failure
        return
    assert out.returncode == 1
    assert "Python 3.12 not found" in out.stderr and "uv python install 3.12" in out.stderr


def test_motion_convert_a_beyondmimic_csv_for_lus2_and_view_it(tmp_path):
    """A headerless csv (root xyz, quaternion xyzw, joints) -> our complete pkl for lus2 -> a PNG."""
    from legged_robots.assets.paths import lus2_motions
    from refmotion_manager import formats

    (clip,) = formats.read(lus2_motions("lus2_27dof") / "walk_slow.pkl")
    formats.write([clip], tmp_path / "walk.csv")
    (tmp_path / "joints.txt").write_text("\n".join(clip.joint_names))
    out = run(str(ROOT / "run.sh"), "motion", "convert", str(tmp_path / "walk.csv"), "--robot", "lus2", "--fps", "50",
              "--joint-names", str(tmp_path / "joints.txt"), "-o", str(tmp_path / "walk.pkl"))
    assert out.returncode == 0, out.stderr
    assert "201 frames at 50 fps (4.00 s), 27 joints, 28 links" in out.stdout
    (back,) = formats.read(tmp_path / "walk.pkl")
    assert set(clip.fields) <= set(back.fields)
    out = run(str(ROOT / "run.sh"), "motion", "view", str(tmp_path / "walk.pkl"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "walk.png").is_file()
    out = run(str(ROOT / "run.sh"), "motion", "play")
    assert out.returncode == 2 and "expected 'convert', 'view' or 'retarget'" in out.stderr


def test_sim2mujoco_bad_input_is_one_line_and_exit_2(tmp_path):
    out = run(str(ROOT / "run.sh"), "sim2mujoco", "--policy", str(tmp_path / "missing.onnx"))
    assert out.returncode == 2 and "argument --policy: no such file" in out.stderr and "Traceback" not in out.stderr
    out = run(str(ROOT / "run.sh"), "sim2mujoco")
    assert out.returncode == 2 and "--policy PATH" in out.stderr
    out = run(str(ROOT / "run.sh"), "sim2sim", "--policy", str(tmp_path / "missing.onnx"))
    assert out.returncode == 2 and "argument --policy: no such file" in out.stderr
    out = run(str(ROOT / "run.sh"), "sim2mujoco", "lus2", "--load_run", "no_such_run_here")
    assert out.returncode == 2 and out.stderr.startswith("error: ") and "Traceback" not in out.stderr


def test_scenario_files_are_checked():
    from legged_robots.sim2mujoco.scenarios import Scenario

    with pytest.raises(ValueError, match="velocity_mode 'ZIGZAG' is not one of UNIFORM, SINUSOIDAL, STEP"):
        Scenario("x", velocity_mode="zigzag")
    with pytest.raises(ValueError, match="min_target_velocity 0.3 > max_target_velocity 0.1"):
        Scenario("x", min_target_velocity=0.3, max_target_velocity=0.1)


def test_scenario_commands_follow_their_mode(tmp_path):
    from legged_robots.sim2mujoco.scenarios import load_scenarios

    path = tmp_path / "s.json"
    path.write_text(json.dumps([
        {"name": "sine", "num_timesteps": 200, "velocity_mode": "SINUSOIDAL", "min_target_velocity": -0.2,
         "max_target_velocity": 0.2, "target_velocity_period": 2.0},
        {"name": "step", "num_timesteps": 200, "velocity_mode": "STEP", "min_target_velocity": 0.0,
         "max_target_velocity": 0.4, "target_velocity_period": 2.0, "yaw_rate": 0.1}]))
    sine, step = load_scenarios(path)
    c = sine.commands(0.02)
    np.testing.assert_allclose(c[25, 0], 0.2 * np.sin(2 * np.pi * 0.5 / 2.0))
    assert c[:, 0].max() <= 0.2 + 1e-12 and c[:, 0].min() >= -0.2 - 1e-12
    c = step.commands(0.02)
    assert (c[:50, 0] == 0.0).all() and (c[50:100, 0] == 0.4).all() and (c[:, 2] == 0.1).all()
    path.write_text(json.dumps([{"name": "x", "speed": 1}]))
    with pytest.raises(ValueError, match="unknown key\\(s\\) speed"):
        load_scenarios(path)
