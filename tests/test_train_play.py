"""Train -> checkpoint -> resume -> play/export -> ONNX parity, through the scripts a user runs (CPU, 8 envs)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import yaml

pytestmark = pytest.mark.sim

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--num_envs", "8", "agent.num_steps_per_env=8", "agent.save_interval=1",
         "agent.policy.actor_hidden_dims=[64,64]", "agent.policy.critic_hidden_dims=[64,64]"]


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "st_rl" / script), *args], cwd=cwd,
                         capture_output=True, text=True, timeout=600)
    return out


def run_sh(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The front door, as a user types it (./run.sh picks the framework's script)."""
    return subprocess.run([str(ROOT / "run.sh"), *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def lines_of(text: str, prefix: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(prefix))


def lines(out: subprocess.CompletedProcess, prefix: str) -> list[str]:
    return [line for line in out.stdout.splitlines() if line.startswith(prefix)]


def test_train_resume_play_export(tmp_path):
    first = run("train.py", "lus2", "--max_iterations", "2", "--seed", "1", *SMALL, cwd=tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert [line.split()[2] for line in lines(first, "[st_rl] it")] == ["1/2", "2/2"]
    exp = tmp_path / "logs" / "st_rl" / "lus2_flat"
    (run_a,) = list(exp.iterdir())
    assert (run_a / "model_1.pt").is_file()
    import torch

    env_state = torch.load(run_a / "model_1.pt", weights_only=False)["infos"]["env_state"]
    assert env_state["curriculum/command_levels"]["lin_vel_x"] == [-0.2, 0.2]  # the ranges the curriculum reached
    assert (run_a / "params" / "env.yaml").is_file() and (run_a / "params" / "agent.yaml").is_file()
    assert "num_steps_per_env: 8" in (run_a / "params" / "agent.yaml").read_text()
    assert "NewtonMujocoCManager" in (run_a / "params" / "env.yaml").read_text(), "CPU default physics, as run"
    assert list(run_a.glob("events.out.tfevents.*")), "tensorboard scalars"

    resumed = run("train.py", "lus2", "--resume", "--max_iterations", "1", *SMALL, "agent.policy.max_noise_std=0.05",
                  "env.commands.base_velocity.ranges.lin_vel_x=[0.3,0.8]", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert lines(resumed, "[st_rl] it")[0].split()[2] == "3/3", "the iteration count continues"
    # the curriculum continues where it was; a configured range it replaces is said, with the way out
    assert "resumed curriculum 'command_levels' as the checkpoint left it" in resumed.stdout
    assert "'lin_vel_x': [0.3, 0.8]" in resumed.stdout and "env.curriculum.command_levels=null" in resumed.stdout
    assert "at iteration 3 (env step 16:" in resumed.stdout, "so do step-based curricula (2 iterations x 8 steps)"
    run_b = max(exp.iterdir())
    assert (run_b / "model_2.pt").is_file()

    play = run("play.py", "lus2", "--steps", "110", "--num_envs", "2", "--stochastic",
               "agent.policy.actor_hidden_dims=[64,64]", "agent.policy.critic_hidden_dims=[64,64]", cwd=tmp_path)
    assert play.returncode == 0, play.stdout[-3000:] + play.stderr[-3000:]
    # sampled with the noise the run trained with (its cap, not the checkpoint's uncapped 1.2); exported: the mean
    assert "actions sampled with the checkpoint's noise (std 0.050," in play.stdout
    assert "(ok, tolerance 1e-05)" in play.stdout
    assert "[play] velocity tracking" in play.stdout  # figures, or that nothing lived past 2 s to judge
    exported = run_b / "exported"
    meta = json.loads((exported / "policy.json").read_text())
    assert {"policy.onnx", "policy.pt", "policy.json"} <= {p.name for p in exported.iterdir()}
    assert len(meta["joint_names"]) == 27 and meta["decimation"] == 4 and meta["sim_dt"] == 0.005
    assert [t["name"] for t in meta["observation"]["terms"]][:2] == ["base_ang_vel", "projected_gravity"]
    # what the ROS 2 bridge's safety checks read: limits (soft inside hard) and the training's fall rule
    hard, soft = meta["joint_pos_limits"], meta["soft_joint_pos_limits"]
    assert len(hard) == len(soft) == 27 and all(h[0] < s[0] < s[1] < h[1] for h, s in zip(hard, soft))
    assert meta["terminations"]["bad_orientation"]["params"]["limit_angle"] == 1.0
    assert meta["terminations"]["time_out"]["time_out"] is True

    # the exported file alone, as sim2mujoco and a robot run it
    onnx = str(exported / "policy.onnx")
    replay = run("play.py", "lus2", "--policy", onnx, "--steps", "20", "--num_envs", "2", cwd=tmp_path)
    assert replay.returncode == 0, replay.stdout[-3000:] + replay.stderr[-3000:]
    assert "episodes ended in 20 steps x 2 envs" in replay.stdout and "[play] exported" not in replay.stdout
    other = run("play.py", "lus2_21dof", "--policy", onnx, "--steps", "5", cwd=tmp_path)
    assert other.returncode == 2 and "drives 27 joints" in other.stderr and "Traceback" not in other.stderr


def test_play_holds_a_command_and_gives_the_walking_verdicts_figures(tmp_path):
    """A policy that stands, asked for 0.5 m/s in Isaac Lab: the forward error is the command (sim2mujoco finds
    0.496 in MuJoCo), beyond the verdict's 0.10; the lateral and yaw errors are small."""
    standing = ROOT / "tests" / "data" / "lus2_standing" / "policy.onnx"
    out = run("play.py", "lus2", "--policy", str(standing), "--command", "0.5", "0", "0", "--steps", "130",
              "--num_envs", "2", cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (line,) = lines(out, "[play] velocity tracking over")
    figures = dict(zip(line.split("mean |err| ")[1].split()[0:6:2],
                       map(float, line.split("mean |err| ")[1].split()[1:6:2])))
    assert figures["x"] > 0.4 and figures["y"] < 0.1 and figures["wz"] < 0.15, line
    assert "closest to the ROS 2 bridge's joint fault:" in line and float(line.split()[-2]) > 0, line  # it stands
    assert "[play] command 0.5 0 0: beyond the walking verdict's thresholds: lin_vel_x_mean_error" in out.stdout
    bad = [run("play.py", "lus2", "--command", *values, cwd=tmp_path) for values in (("0.5", "0"), ("a", "0", "0"))]
    assert all(b.returncode == 2 and "argument --command" in b.stderr and "Traceback" not in b.stderr for b in bad)


def test_skrl_trains_resumes_plays_and_exports_what_sim2mujoco_runs(tmp_path):
    """The same command line with --framework skrl (run.sh picks scripts/skrl/), the design's PPO numbers in
    skrl's names, the same checkpoints, resume, export files and ONNX metadata."""
    first = run_sh("train", "lus2", "--framework", "skrl", "--max_iterations", "2", "--seed", "1", *SMALL, cwd=tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert [line.split()[2] for line in lines(first, "[skrl] it")] == ["1/2", "2/2"]
    exp = tmp_path / "logs" / "skrl" / "lus2_flat"
    (run_a,) = list(exp.iterdir())
    assert (run_a / "model_1.pt").is_file() and list(run_a.glob("events.out.tfevents.*"))
    skrl_cfg = yaml.safe_load((run_a / "params" / "skrl.yaml").read_text())
    assert skrl_cfg["agent"]["rollouts"] == 8 and skrl_cfg["agent"]["discount_factor"] == 0.99
    assert skrl_cfg["models"]["policy"]["network"][0]["layers"] == [64, 64]

    resumed = run_sh("train", "lus2", "--framework=skrl", "--resume", "--max_iterations", "1", *SMALL, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert lines(resumed, "[skrl] it")[0].split()[2] == "3/3"

    play = run_sh("play", "lus2", "--framework", "skrl", "--steps", "40", "--num_envs", "2", "--headless",
                  "agent.policy.actor_hidden_dims=[64,64]", "agent.policy.critic_hidden_dims=[64,64]", cwd=tmp_path)
    assert play.returncode == 0, play.stdout[-3000:] + play.stderr[-3000:]
    assert "(ok, tolerance 1e-05)" in play.stdout
    exported = max(exp.iterdir()) / "exported"
    assert json.loads((exported / "policy.json").read_text())["framework"] == "skrl"
    report = tmp_path / "s2m"
    s2m = run_sh("sim2mujoco", "--policy", str(exported / "policy.onnx"), "--out", str(report), cwd=tmp_path)
    assert s2m.returncode in (0, 1), s2m.stdout[-2000:] + s2m.stderr[-2000:]  # a verdict, not bad input
    assert (report / "report.md").is_file() and (report / "metrics.json").is_file()


def test_a_run_started_from_another_runs_params_has_the_same_config(tmp_path):
    first = run("train.py", "lus2", "--max_iterations", "1", "--seed", "3", *SMALL,
                "env.rewards.feet_slide.weight=-0.5", "agent.algorithm.learning_rate=5e-4",
                "env.events.push_robot=null",
                cwd=tmp_path)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    (run_a,) = list((tmp_path / "logs" / "st_rl" / "lus2_flat").iterdir())
    time.sleep(1.1)  # a new run folder (its name is the second it started)
    again = run("train.py", "lus2", "--config", str(run_a / "params"), "--max_iterations", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    run_b = max((tmp_path / "logs" / "st_rl" / "lus2_flat").iterdir())
    assert run_b != run_a
    for name in ("env.yaml", "agent.yaml"):
        assert (run_b / "params" / name).read_text() == (run_a / "params" / name).read_text(), name
    rewards = [lines_of(out.stdout, "[st_rl] it 1/1").split("reward")[1].split()[0] for out in (first, again)]
    assert rewards[0] == rewards[1]  # same seed, same config: the same first iteration


def test_distributed_training_on_two_cpu_processes(tmp_path):
    """--distributed --nproc_per_node 2 (torchrun, gloo on the CPU): one run folder, written by rank 0, one progress
    line per iteration; for skrl too, and its two ranks end with the same policy (gradients averaged; st_rl's
    averaging is checked against one process on both batches in st_rl's tests)."""
    out = run_sh("train", "lus2", "--distributed", "--nproc_per_node", "2", "--max_iterations", "2",
                 "--num_envs", "4", *SMALL[2:], cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "4 envs per process x 2 on cpu" in out.stdout and len(lines(out, "[st_rl] it 2/2")) == 1
    (run_dir,) = list((tmp_path / "logs" / "st_rl" / "lus2_flat").iterdir())
    assert (run_dir / "model_1.pt").is_file()

    weights = tmp_path / "weights"
    weights.mkdir()
    out = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          str(ROOT / "tests" / "distributed_train_worker.py"), "lus2", "--framework", "skrl",
                          "--distributed", "--max_iterations", "2", "--num_envs", "4", *SMALL[2:]],
                         cwd=tmp_path, capture_output=True, text=True, timeout=900,
                         env={**os.environ, "WEIGHTS_DIR": str(weights)})
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    r0, r1 = (torch.load(weights / f"rank{r}.pt") for r in (0, 1))
    assert all(torch.equal(r0[k], r1[k]) for k in r0)
    assert len(lines(out, "[skrl] it 2/2")) == 1
    (skrl_run,) = list((tmp_path / "logs" / "skrl" / "lus2_flat").iterdir())
    assert (skrl_run / "model_1.pt").is_file()


def test_a_blowing_up_action_scale_trains_to_the_end_with_blowups_counted(tmp_path):
    """The user report of the physics-guard issue: action scale 3 made the simulator produce NaN (MuJoCo-Warp)
    or absurd states (MuJoCo C) and rsl-rl stopped on a NaN observation. Now the lost envs are reset and
    counted, and all 30 iterations run."""
    small = ["--num_envs", "16", "agent.policy.actor_hidden_dims=[64,64]", "agent.policy.critic_hidden_dims=[64,64]"]
    out = run("train.py", "lus2", "--max_iterations", "30", *small, "env.actions.joint_pos.scale=3", cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    its = lines(out, "[st_rl] it")
    assert len(its) == 30 and its[-1].split()[2] == "30/30"
    counts = [int(line.split("blow-ups")[1].split()[0]) for line in its if "blow-ups" in line]
    assert sum(counts) > 0, "scale 3 makes envs blow up"
    assert lines(out, "[physics_blowup] env ")  # the one-line report of the first one
    (run_dir,) = list((tmp_path / "logs" / "st_rl" / "lus2_flat").iterdir())
    dump = json.loads(next((run_dir / "blowups").glob("blowup_*.json")).read_text())
    assert {"joint_vel", "root_lin_vel", "last_action", "body_mass", "joint_stiffness"} <= set(dump)


def test_bad_input_is_a_message_not_a_traceback(tmp_path):
    unknown_task = run("train.py", "lus3", cwd=tmp_path)
    assert unknown_task.returncode == 2 and "Did you mean: lus2" in unknown_task.stderr
    bad_key = run("train.py", "lus2", "env.rewards.feet_slidee.weight=-0.5", cwd=tmp_path)
    assert bad_key.returncode == 2 and "closest: env.rewards.feet_slide" in bad_key.stderr
    no_run = run("play.py", "lus2", cwd=tmp_path)
    assert no_run.returncode == 2 and "no runs in" in no_run.stderr
    framework = run_sh("train", "lus2", "--framework", "tf", cwd=tmp_path)
    assert framework.returncode == 2 and framework.stderr.strip() == (
        "run.sh train: --framework must be st_rl or skrl, got 'tf'")
    other = run("train.py", "lus2", "--framework", "skrl", cwd=tmp_path)
    assert other.returncode == 2 and "this is the st_rl script" in other.stderr
    too_many = run("train.py", "lus2", "--distributed", "--nproc_per_node", "64", cwd=tmp_path)
    assert too_many.returncode == 2 and "--nproc_per_node 64: there are" in too_many.stderr
    alone = run("train.py", "lus2", "--nproc_per_node", "2", cwd=tmp_path)
    assert alone.returncode == 2 and "--nproc_per_node goes with --distributed" in alone.stderr
    config = tmp_path / "bad.yaml"
    config.write_text("agent:\n  algorithm.learning_rat: 1e-3\n")
    bad_config = run("train.py", "lus2", "--config", str(config), cwd=tmp_path)
    assert bad_config.returncode == 2 and "closest: agent.algorithm.learning_rate" in bad_config.stderr
    for out in (other, too_many, alone, bad_config):
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    for out in (unknown_task, bad_key, no_run, other, too_many, alone, bad_config):
        assert "Traceback" not in out.stderr
