"""The commands a user types, run as they would run them."""

import subprocess
import sys
from pathlib import Path

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
    from refmotion_manager import formats

    from legged_robots.assets.paths import lus2_motions

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
    assert out.returncode == 2 and "expected 'convert' or 'view'" in out.stderr
