"""Mimic through the scripts a user runs (CPU, 8 envs): train -> resume -> play/export; bad reference settings
are one-line errors before training starts."""

import subprocess
from pathlib import Path

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
    assert goal["params"]["command_name"] == "expressive_goal_commands" and goal["dim"] == 2 * 27 + 3 * 5

    ev = run_sh("eval", TASK, "--episodes", "3", *NETS, cwd=tmp_path)
    assert ev.returncode == 0, ev.stdout[-3000:] + ev.stderr[-3000:]
    table = ev.stdout[ev.stdout.index("clip "):]
    assert all(name in table for name in ("stand", "walk_slow", "walk_fast", "overall")), table
    result = json.loads((run / "eval" / "mimic_eval.json").read_text())
    assert result["overall"]["episodes"] == 3 and 0.0 <= result["overall"]["success_rate"] <= 1.0
    assert result["overall"]["mpkpe_mm"] > 0.0  # an untrained policy does not track
    not_mimic = run_sh("eval", "St-Velocity-Flat-Lus2", cwd=tmp_path)
    assert not_mimic.returncode == 2 and "is not a mimic task" in not_mimic.stderr


@pytest.mark.parametrize("override, expected", [
    ("env.ref_motion.expressive_goal_fields=[joint_dof_pos,nose_link_pos_x_b]",
     "expressive_goal_fields entry 'nose_link_pos_x_b' matches no column"),
    ("env.ref_motion.ref_length_s=10.0", "fewer than the 501 needed"),
])
def test_bad_reference_settings_are_one_line_errors(tmp_path, override, expected):
    out = run_sh("train", TASK, "--max_iterations", "1", "--num_envs", "2", override, cwd=tmp_path)
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert out.returncode == 2 and len(errors) == 1 and expected in errors[0], out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "[st_rl] it" not in out.stdout
