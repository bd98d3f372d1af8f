"""One rank of the 2-process test (test_distributed.py), started by torchrun on the CPU (gloo).

Writes, per rank, into OUT: the initial weights and a local batch with the gradient it gives after rsl-rl's
all-reduce (``reduce_parameters``), and the weights after two training iterations. Each rank logs into its own
folder LOGS/rank_<r> so the test can see which rank wrote files."""

import os
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from toy_env import PointTargetEnv  # noqa: E402

from st_rl.config import PolicyCfg, RunnerCfg  # noqa: E402
from st_rl.runner import OnPolicyRunner  # noqa: E402


def main(out: Path, logs: Path) -> None:
    rank = int(os.environ["RANK"])
    torch.manual_seed(100 + rank)  # different data per rank; rank 0's weights are broadcast at the start
    cfg = RunnerCfg(experiment_name="toy", num_steps_per_env=16, save_interval=1, seed=1 + rank,
                    policy=PolicyCfg(actor_hidden_dims=[32, 32], critic_hidden_dims=[32, 32], init_noise_std=0.8))
    runner = OnPolicyRunner(PointTargetEnv(seed=rank), cfg.to_rsl_rl(), log_dir=str(logs / f"rank_{rank}"))
    assert runner.is_distributed and torch.distributed.get_backend() == "gloo"
    runner.alg.broadcast_parameters()
    actor = runner.alg.actor
    initial = {k: v.clone() for k, v in actor.state_dict().items()}
    obs = runner.env.get_observations()
    obs["policy"] = torch.randn(16, obs["policy"].shape[1])  # a local batch of its own
    actor.zero_grad()
    actor(obs).pow(2).mean().backward()
    runner.alg.reduce_parameters()
    reduced = {n: p.grad.clone() for n, p in actor.named_parameters() if p.grad is not None}
    runner.learn(2)
    torch.save({"initial": initial, "batch": obs["policy"], "reduced": reduced,
                "final": {k: v.clone() for k, v in actor.state_dict().items()}}, out / f"rank{rank}.pt")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
