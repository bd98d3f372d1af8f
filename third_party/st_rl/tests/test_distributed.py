"""Multi-process training on the CPU: torchrun with 2 ranks, gloo (the backend follows the device; rsl-rl alone
would insist on NCCL and cuda:LOCAL_RANK). The same code path runs on GPUs with NCCL."""

import subprocess
import sys
from pathlib import Path

import torch
from tensordict import TensorDict

from st_rl.config import PolicyCfg, RunnerCfg

HERE = Path(__file__).parent


def test_two_ranks_average_gradients_stay_identical_and_only_rank_0_writes(tmp_path):
    out, logs = tmp_path / "out", tmp_path / "logs"
    out.mkdir()
    run = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                          str(HERE / "distributed_worker.py"), str(out), str(logs)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    r0, r1 = (torch.load(out / f"rank{r}.pt", weights_only=False) for r in (0, 1))

    # the all-reduce averaged the gradients: the same as one process on both batches together
    single = _actor_like(r0["initial"])
    single(TensorDict({"policy": torch.cat([r0["batch"], r1["batch"]])}, batch_size=[32])).pow(2).mean().backward()
    for name, p in single.named_parameters():
        if name in r0["reduced"]:
            torch.testing.assert_close(r0["reduced"][name], p.grad, rtol=1e-5, atol=1e-6)
            torch.testing.assert_close(r1["reduced"][name], p.grad, rtol=1e-5, atol=1e-6)

    # after the updates, both ranks hold the same policy (different data, averaged gradients)
    for key in r0["final"]:
        torch.testing.assert_close(r0["final"][key], r1["final"][key])
    assert not torch.equal(r0["final"]["mlp.0.weight"], r0["initial"]["mlp.0.weight"])
    # only rank 0 logged and saved
    assert (logs / "rank_0" / "model_1.pt").is_file() and list((logs / "rank_0").glob("events.out.tfevents.*"))
    assert not (logs / "rank_1").exists() or not any((logs / "rank_1").rglob("*.pt"))
    assert run.stdout.count("[st_rl] it 1/2") == 1  # one progress line per iteration, from rank 0


def _actor_like(state: dict):
    """A single-process actor with the ranks' initial weights."""
    sys.path.insert(0, str(HERE))
    from toy_env import PointTargetEnv

    from st_rl.runner import OnPolicyRunner

    cfg = RunnerCfg(experiment_name="toy", num_steps_per_env=16,
                    policy=PolicyCfg(actor_hidden_dims=[32, 32], critic_hidden_dims=[32, 32], init_noise_std=0.8))
    actor = OnPolicyRunner(PointTargetEnv(), cfg.to_rsl_rl()).alg.actor
    actor.load_state_dict(state)
    actor.zero_grad()
    return actor
