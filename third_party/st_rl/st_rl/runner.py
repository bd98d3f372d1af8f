"""rsl-rl's on-policy runner with what a long run needs: one progress line per iteration, a checkpoint on
Ctrl-C, resume that continues at the next iteration, and checkpoints that say what they were trained on.

The algorithm is whatever ``cfg["algorithm"]["class_name"]`` names (PPO by default); an AMP algorithm is a
PPO subclass that plugs in by name, its extra losses logged through the same ``loss_dict``.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import statistics
import time

import torch
from rsl_rl.runners import OnPolicyRunner as _RslRlOnPolicyRunner
from rsl_rl.utils.logger import Logger


class ProgressLogger(Logger):
    """rsl-rl's logger (tensorboard scalars unchanged) with a one-line console summary per iteration."""

    iterations_logged = 0

    def log(self, it: int, start_it: int, total_it: int, collect_time: float, learn_time: float, **kwargs) -> None:
        with contextlib.redirect_stdout(io.StringIO()):  # rsl-rl prints a 30-line block; we print one line
            super().log(it=it, start_it=start_it, total_it=total_it, collect_time=collect_time,
                        learn_time=learn_time, **kwargs)
        if self.writer is None:
            return
        self.iterations_logged += 1
        steps = self.cfg["num_steps_per_env"] * self.num_envs
        iteration_time = collect_time + learn_time
        eta = self.tot_time / self.iterations_logged * (total_it - it - 1)
        reward = f"{statistics.mean(self.rewbuffer):8.2f}" if self.rewbuffer else "     n/a"
        length = f"{statistics.mean(self.lenbuffer):7.1f}" if self.lenbuffer else "    n/a"
        print(f"[st_rl] it {it + 1:>{len(str(total_it))}}/{total_it}  {steps / iteration_time:8.0f} steps/s  "
              f"reward {reward}  ep_len {length}  {iteration_time:5.2f} s/it "
              f"(sim+act {collect_time:.2f}, update {learn_time:.2f})  ETA {datetime.timedelta(seconds=int(eta))}",
              flush=True)


def _with_torch_threads(fn, threads: int):
    def wrapped(*args, **kwargs):
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(before)

    return wrapped


class OnPolicyRunner(_RslRlOnPolicyRunner):
    """``rsl_rl.runners.OnPolicyRunner`` plus progress, Ctrl-C checkpoints, exact resume and checkpoint infos.

    ``checkpoint_infos`` (set by the caller, e.g. the task id and observation sizes) is stored in every
    checkpoint so a later load can say what it expected. ``update_threads``: torch threads for the update
    alone (on a CPU the simulator's threads are idle then; during collection torch keeps its own setting).
    """

    def __init__(self, env, train_cfg: dict, log_dir: str | None = None, device: str = "cpu",
                 checkpoint_infos: dict | None = None, update_threads: int | None = None) -> None:
        super().__init__(env, train_cfg, log_dir=log_dir, device=device)
        if update_threads:
            self.alg.update = _with_torch_threads(self.alg.update, update_threads)
        self.logger = ProgressLogger(log_dir=log_dir, cfg=self.cfg, env_cfg=self.env.cfg, num_envs=self.env.num_envs,
                                     is_distributed=self.is_distributed, gpu_world_size=self.gpu_world_size,
                                     gpu_global_rank=self.gpu_global_rank, device=self.device)
        self.checkpoint_infos = checkpoint_infos or {}

    def learn(self, num_learning_iterations: int, init_at_random_ep_len: bool = False) -> None:
        try:
            super().learn(num_learning_iterations, init_at_random_ep_len=init_at_random_ep_len)
        except KeyboardInterrupt:
            if self.logger.log_dir is not None and self.logger.iterations_logged > 0:
                path = os.path.join(self.logger.log_dir, f"model_{self.current_learning_iteration}.pt")
                self.save(path)
                print(f"\n[st_rl] interrupted: saved iteration {self.current_learning_iteration + 1} to {path}")
            else:
                print("\n[st_rl] interrupted before the first iteration finished: nothing to save")
            self.logger.stop_logging_writer()
            raise

    def save(self, path: str, infos: dict | None = None) -> None:
        super().save(path, infos={**self.checkpoint_infos, **(infos or {}), "saved_at": time.time()})

    def load(self, path: str, load_cfg: dict | None = None, strict: bool = True,
             map_location: str | None = None) -> dict:
        """Load a checkpoint; training continues at the iteration after the one it was saved at."""
        from .checkpoints import check_compatible, read_checkpoint

        checkpoint = read_checkpoint(path, map_location=map_location or self.device)
        check_compatible(path, checkpoint, self.checkpoint_infos)
        if self.alg.load(checkpoint, load_cfg, strict):
            self.current_learning_iteration = checkpoint["iter"] + 1
            self._restore_env_step_counter()
        return checkpoint.get("infos") or {}

    def _restore_env_step_counter(self) -> None:
        """Isaac Lab's reward-weight and other step-based curricula read ``common_step_counter``; a resumed
        run must not restart them (e.g. give back a weight the schedule already lowered)."""
        env = getattr(self.env, "unwrapped", self.env)
        if hasattr(env, "common_step_counter"):
            env.common_step_counter = self.current_learning_iteration * self.cfg["num_steps_per_env"]
