"""./run.sh curves: a resumed chain of runs lines up on one iteration and env-step axis; bad input is one line."""

import csv
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _run(path: Path, iterations: range, num_envs: int, value) -> Path:
    from torch.utils.tensorboard import SummaryWriter

    (path / "params").mkdir(parents=True)
    (path / "params" / "agent.yaml").write_text(yaml.safe_dump({"num_steps_per_env": 24}))
    (path / "params" / "env.yaml").write_text(yaml.safe_dump({"scene": {"num_envs": num_envs}}))
    writer = SummaryWriter(str(path))
    for it in iterations:
        writer.add_scalar("Train/mean_episode_length", value(it), it)
        writer.add_scalar("Train/mean_reward/time", 1.0, 1000 + it)  # seconds on the x axis: left out
    writer.close()
    return path


def test_a_resumed_run_continues_the_iterations_and_env_steps(tmp_path):
    first = _run(tmp_path / "a", range(0, 20), 4, lambda it: float(it))  # went on past b's end: not in the chain
    second = _run(tmp_path / "b", range(8, 15), 8, lambda it: 100.0 + it)  # resumed from iteration 8
    out = tmp_path / "curves.csv"
    done = subprocess.run([sys.executable, str(ROOT / "scripts/st_rl/curves.py"), "lus2", "--load_run", str(first),
                           str(second), "--out", str(out), "--every", "5"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open()))
    assert [int(r["iteration"]) for r in rows] == list(range(15))
    assert [r["run"] for r in rows] == ["a"] * 8 + ["b"] * 7  # the resumed run's values from where it resumed
    assert float(rows[9]["Train/mean_episode_length"]) == 109.0
    steps = [int(r["env_steps"]) for r in rows]
    assert steps[7] == 8 * 4 * 24 and steps[14] == 8 * 4 * 24 + 7 * 8 * 24
    assert "Train/mean_reward/time" not in rows[0]
    assert "mean_episode_len" in done.stdout


def test_an_unknown_tag_is_one_error_line(tmp_path):
    run = _run(tmp_path / "a", range(3), 4, float)
    done = subprocess.run([sys.executable, str(ROOT / "scripts/st_rl/curves.py"), "lus2", "--load_run", str(run),
                           "--tags", "Nope/x"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: --tags: Nope/x not logged")
