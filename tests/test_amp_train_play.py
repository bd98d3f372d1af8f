"""AMP through the scripts a user runs (CPU, 8 envs): train -> checkpoint with the discriminator -> resume ->
play/export (actor only, ONNX parity); bad motion settings are one-line errors before training starts."""

import subprocess
from pathlib import Path

import pytest
import torch

pytestmark = pytest.mark.sim
ROOT = Path(__file__).resolve().parents[1]
TASK = "St-Amp-Flat-Lus2"
NETS = ["agent.policy.actor_hidden_dims=[64,64]", "agent.policy.critic_hidden_dims=[64,64]",
        "agent.algorithm.discriminator_hidden_dims=[64,64]"]  # play builds the same nets to load the checkpoint
SMALL = ["--num_envs", "8", "agent.num_steps_per_env=8", "agent.save_interval=1", *NETS]


def run_sh(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "run.sh"), *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def it_lines(out):
    return [line for line in out.stdout.splitlines() if line.startswith("[st_rl] it")]


def test_amp_trains_resumes_and_exports_without_the_discriminator(tmp_path):
    first = run_sh("train", TASK, "--max_iterations", "2", "--seed", "1", *SMALL, cwd=tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    lines = it_lines(first)
    assert len(lines) == 2 and all(" D acc " in line and " style " in line for line in lines), lines
    (run_a,) = list((tmp_path / "logs" / "st_rl" / "lus2_amp_flat").iterdir())
    ckpt = torch.load(run_a / "model_1.pt", weights_only=False)
    assert {"discriminator_state_dict", "discriminator_optimizer_state_dict"} <= set(ckpt)
    assert "normalizer._mean" in ckpt["discriminator_state_dict"]

    resumed = run_sh("train", TASK, "--resume", "--max_iterations", "1", *SMALL, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert it_lines(resumed)[0].split()[2] == "3/3"

    play = run_sh("play", TASK, "--steps", "40", "--num_envs", "2", "--style-report", *NETS, cwd=tmp_path)
    assert play.returncode == 0, play.stdout[-3000:] + play.stderr[-3000:]
    assert "(ok, tolerance 1e-05)" in play.stdout
    style = next(line for line in play.stdout.splitlines() if line.startswith("[play] style:"))
    w1 = float(style.split("= ")[1].split()[0])
    assert 0.0 < w1 < 1.0, style  # radians, averaged over joints: a finite, plausible figure
    import onnx

    exported = max((tmp_path / "logs" / "st_rl" / "lus2_amp_flat").iterdir()) / "exported" / "policy.onnx"
    graph = onnx.load(str(exported)).graph
    assert [i.name for i in graph.input] == ["obs"] and graph.input[0].type.tensor_type.shape.dim[1].dim_value == 90


def test_bad_motion_settings_are_one_line_errors(tmp_path):
    motions = ROOT / "exts" / "legged_robots" / "legged_robots" / "assets" / "data" / "lus2" / "motions"
    cases = {
        "env.ref_motion.style_fields=[root_pos_z,nose_dof_pos]": "style_fields entry 'nose_dof_pos' matches no column",
        "env.ref_motion.motion_files=[]": "no clips to serve: motion_files [] names no file",
        f"env.ref_motion.motion_files=[{motions / 'lus2_27dof' / 'walk_slow.pkl'}]": "walk_slow",
        "env.ref_motion.time_between_frames=0.04": "time_between_frames = 0.04 s, but the env steps every 0.02 s",
    }
    for override, expected in cases.items():
        task = f"{TASK}-21dof" if "lus2_27dof" in override else TASK
        out = run_sh("train", task, "--max_iterations", "1", "--num_envs", "2", override, cwd=tmp_path)
        assert out.returncode == 2, (override, out.stdout[-2000:], out.stderr[-2000:])
        assert expected in out.stderr, (override, out.stderr)
        errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and expected in errors[0] and "Traceback" not in out.stderr, (override, out.stderr)
        assert "[st_rl] it" not in out.stdout  # before training starts


def test_skrl_runs_its_amp_agent_on_the_amp_task(tmp_path):
    """--framework skrl on an AMP task: skrl's AMP agent (its params say so) through the env's AMP contract, then the
    same export as st_rl's."""
    import yaml

    train = run_sh("train", TASK, "--framework", "skrl", "--max_iterations", "2", *SMALL, cwd=tmp_path)
    assert train.returncode == 0, train.stdout[-3000:] + train.stderr[-3000:]
    (run,) = list((tmp_path / "logs" / "skrl" / "lus2_amp_flat").iterdir())
    agent = yaml.safe_load((run / "params" / "skrl.yaml").read_text())["agent"]
    assert agent["class"] == "AMP" and agent["task_reward_scale"] == 0.3
    play = run_sh("play", TASK, "--framework", "skrl", "--steps", "10", "--num_envs", "2", *NETS, cwd=tmp_path)
    assert play.returncode == 0 and "(ok, tolerance 1e-05)" in play.stdout, play.stdout[-3000:] + play.stderr[-3000:]
