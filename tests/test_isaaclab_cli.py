"""Our tasks through Isaac Lab's own CLI (`isaaclab train/play`), as an Isaac Lab user runs them: rsl_rl and skrl,
CPU, a few envs, 1-2 iterations; `isaaclab play` loads the run and plays until Ctrl-C. (Isaac Lab's runs keep
Isaac Lab's layout, logs/<library>/<experiment>/...; ./run.sh's are st_rl-style, see test_train_play.)"""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.sim
ISAACLAB = str(Path(sys.executable).with_name("isaaclab"))
SMALL = ["--task", "St-Velocity-Flat-Lus2", "--device", "cpu", "--num_envs", "4"]


def _isaaclab(*args, cwd):
    return subprocess.run([ISAACLAB, *args], cwd=cwd, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("library", ["rsl_rl", "skrl"])
def test_isaaclab_train_runs_on_our_task_and_writes_its_logs(tmp_path, library):
    out = _isaaclab("train", "--rl_library", library, *SMALL, "--max_iterations", "2", cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (run,) = list((tmp_path / "logs" / library / "lus2_flat").iterdir())
    assert (run / "params" / "agent.yaml").is_file() and (run / "params" / "env.yaml").is_file()
    if library == "rsl_rl":
        assert (run / "model_1.pt").is_file() and "Mean reward" in out.stdout
        agent = (run / "params" / "agent.yaml").read_text()
        assert "hidden_dims:\n  - 512\n  - 256\n  - 128" in agent and "desired_kl: 0.01" in agent  # our numbers
    else:
        assert list((run / "checkpoints").glob("agent_*.pt"))


@pytest.mark.parametrize("library", [None, "skrl"])
def test_isaaclab_play_finds_the_run_and_plays_it(tmp_path, library):
    """Without --rl_library our tasks name rsl_rl as Isaac Lab's default agent; play finds the run, loads it
    (rsl_rl also exports it) and plays until interrupted."""
    selected = ["--rl_library", library] if library else []
    out = _isaaclab("train", *selected, *SMALL, "--max_iterations", "1", cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    library = library or "rsl_rl"
    assert (tmp_path / "logs" / library / "lus2_flat").is_dir()
    play = subprocess.Popen([ISAACLAB, "play", "--rl_library", library, *SMALL], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen, deadline = [], time.time() + 600
    try:
        for line in play.stdout:
            seen.append(line)
            if "Policy playback is running" in line or time.time() > deadline:
                break
        time.sleep(3)  # a few steps of playback
        play.send_signal(signal.SIGINT)
        try:
            play.wait(timeout=120)
        except subprocess.TimeoutExpired:  # on a loaded machine Isaac Lab may take longer to shut down
            play.kill()
    finally:
        if play.poll() is None:
            play.kill()
    assert any("Policy playback is running" in line for line in seen), "".join(seen[-40:])
    assert "Traceback" not in "".join(seen)
    if library == "rsl_rl":
        (run,) = list((tmp_path / "logs" / "rsl_rl" / "lus2_flat").iterdir())
        assert (run / "exported" / "policy.onnx").is_file()


@pytest.mark.parametrize("library, algorithm", [("rsl_rl", None), ("skrl", "AMP")])
def test_isaaclab_train_runs_the_amp_task(tmp_path, library, algorithm):
    """The AMP task through Isaac Lab's CLI: rsl_rl builds st_rl's AmpPPO by name inside its own runner; skrl's AMP
    agent uses the env's AMP contract (amp_observation_space, collect_reference_motions, extras["amp_obs"])."""
    selected = ["--algorithm", algorithm] if algorithm else []
    out = _isaaclab("train", "--rl_library", library, *selected, "--task", "St-Amp-Flat-Lus2", "--device", "cpu",
                    "--num_envs", "4", "--max_iterations", "2", cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (run,) = list((tmp_path / "logs" / library / "lus2_amp_flat").iterdir())
    if library == "rsl_rl":
        import torch

        assert "discriminator_state_dict" in torch.load(run / "model_1.pt", weights_only=False)
        assert "amp_disc_accuracy" in out.stdout  # rsl-rl's own log block prints the algorithm's losses
    else:
        assert list((run / "checkpoints").glob("agent_*.pt"))
