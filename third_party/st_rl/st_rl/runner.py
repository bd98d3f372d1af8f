"""rsl-rl's on-policy runner with what a long run needs: one progress line per iteration, resume that continues
at the next iteration, checkpoints that say what they were trained on, and nothing lost when it stops early:
Ctrl-C (or SIGTERM, see train.py) and any exception save a checkpoint of the last good state first, and a
minibatch whose gradient is not finite is skipped instead of poisoning the weights.

The algorithm is whatever ``cfg["algorithm"]["class_name"]`` names (PPO by default); an AMP algorithm is a
PPO subclass that plugs in by name, its extra losses logged through the same ``loss_dict``.

The checkpoint helpers are imported where a checkpoint is written or read.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import shutil
import statistics
import time
import traceback

import torch
from rsl_rl.runners import OnPolicyRunner as _RslRlOnPolicyRunner
from rsl_rl.utils.logger import Logger

BLOWUPS_KEY = "Physics/blowups"  # extras["log"]: envs the env's physics guard reset in a step (legged_robots)


class NonFiniteUpdatesError(RuntimeError):
    """Several updates in a row had nothing but non-finite gradients: training cannot go on."""


class TrainingStopped(RuntimeError):
    """Training ended by an exception; a checkpoint to resume from was saved when the weights allowed it."""


class ProgressLogger(Logger):
    """rsl-rl's logger (tensorboard scalars unchanged) with a one-line console summary per iteration. Where the
    env counts physics blow-ups, the line shows how many envs it reset for one in this iteration (the sum, also
    logged as ``Physics/blowups``; Isaac Lab's ``Episode_Termination/physics_blowup`` is the share of envs whose
    last episode ended so); where updates were skipped, how many minibatch steps."""

    iterations_logged = 0

    def log(self, it: int, start_it: int, total_it: int, collect_time: float, learn_time: float, **kwargs) -> None:
        blowups = None  # a per-step count: summed here, where rsl-rl would average it
        if self.writer is not None and any(BLOWUPS_KEY in e for e in self.ep_extras):
            blowups = int(sum(float(e.pop(BLOWUPS_KEY)) for e in self.ep_extras if BLOWUPS_KEY in e))
        with contextlib.redirect_stdout(io.StringIO()):  # rsl-rl prints a 30-line block; we print one line
            super().log(it=it, start_it=start_it, total_it=total_it, collect_time=collect_time,
                        learn_time=learn_time, **kwargs)
        if self.writer is None:
            return
        self.iterations_logged += 1
        steps = self.cfg["num_steps_per_env"] * self.num_envs * self.gpu_world_size  # all ranks' samples
        eta = self.tot_time / self.iterations_logged * (total_it - it - 1)
        if blowups is not None:
            self.writer.add_scalar(BLOWUPS_KEY, blowups, it)
        losses = kwargs.get("loss_dict", {})
        amp = (f"  D acc {losses['amp_disc_accuracy']:.2f} (expert {losses['amp_d_expert']:+.2f}, policy "
               f"{losses['amp_d_policy']:+.2f})  style {losses['amp_style_reward']:.4f}"
               if "amp_disc_accuracy" in losses else "")
        print(progress_line("st_rl", it, total_it, steps, collect_time, learn_time, eta, self.rewbuffer,
                            self.lenbuffer, blowups=blowups, skipped=int(losses.get("skipped_steps", 0))) + amp,
              flush=True)


def progress_line(prefix: str, it: int, total_it: int, steps: int, collect_time: float, learn_time: float,
                  eta_s: float, rewards, lengths, blowups: int | None = None, skipped: int = 0) -> str:
    """One iteration in one line (0-based ``it``); ``rewards``/``lengths``: returns and lengths [steps] of the
    latest finished episodes."""
    iteration_time = collect_time + learn_time
    reward = f"{statistics.mean(rewards):8.2f}" if rewards else "     n/a"
    length = f"{statistics.mean(lengths):7.1f}" if lengths else "    n/a"
    extra = f"  blow-ups {blowups}" if blowups else ""
    extra += f"  skipped {skipped} non-finite steps" if skipped else ""
    return (f"[{prefix}] it {it + 1:>{len(str(total_it))}}/{total_it}  {steps / iteration_time:8.0f} steps/s  "
            f"reward {reward}  ep_len {length}  {iteration_time:5.2f} s/it (sim+act {collect_time:.2f}, "
            f"update {learn_time:.2f})  ETA {datetime.timedelta(seconds=int(eta_s))}{extra}")


def _with_torch_threads(fn, threads: int):
    def wrapped(*args, **kwargs):
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(before)

    return wrapped


class _FiniteSteps:
    """The algorithm's optimizer steps only on finite gradients: a non-finite one (from a NaN or inf loss) is
    dropped and counted, and the update reports ``skipped_steps``. ``limit`` updates in a row with every step
    dropped raise ``NonFiniteUpdatesError`` (the weights are still those of the last good step)."""

    def __init__(self, alg, limit: int):
        self.alg, self.limit = alg, limit
        self.params = [p for group in alg.optimizer.param_groups for p in group["params"]]
        self.steps = self.skipped = self.bad_in_a_row = 0
        self._step, self._update = alg.optimizer.step, alg.update
        alg.optimizer.step, alg.update = self.step, self.update

    def step(self, *args, **kwargs):
        self.steps += 1
        grads = [p.grad for p in self.params if p.grad is not None]
        if grads and not bool(torch.stack([torch.isfinite(g).all() for g in grads]).all()):
            self.skipped += 1
            self.alg.optimizer.zero_grad()
            return None
        return self._step(*args, **kwargs)

    def update(self, *args, **kwargs) -> dict:
        self.steps = self.skipped = 0
        losses = self._update(*args, **kwargs)
        self.bad_in_a_row = self.bad_in_a_row + 1 if self.steps and self.skipped == self.steps else 0
        if self.bad_in_a_row >= self.limit:
            raise NonFiniteUpdatesError(
                f"the last {self.bad_in_a_row} updates had only non-finite gradients (all {self.steps} minibatch "
                "steps each were skipped): the rewards or observations the env returns are likely not finite or "
                "absurdly large; the weights are those of the last finite step")
        return {**losses, "skipped_steps": float(self.skipped)}


def _mirror_loss_from_the_forward(symmetry) -> None:
    """With data augmentation on and the mirror loss only logged (``use_mirror_loss`` off), rsl-rl runs the actor
    once more per minibatch, with autograd, to compute a number nothing backpropagates. The update's own forward
    has just computed the same action means on the same augmented batch (the Gaussian's mean is the MLP output;
    the forward draws no random numbers), so the logged loss is taken from it: the same value, bit for bit, and
    ~12 % of the update saved (lus2, 512 envs)."""
    if symmetry is None or not symmetry.use_data_augmentation or symmetry.use_mirror_loss:
        return

    def compute_loss(actor, batch, original_batch_size: int) -> torch.Tensor:
        with torch.no_grad():
            mean = actor.output_mean
            _, mirrored = symmetry.data_augmentation_func(env=symmetry.env, obs=None,
                                                          actions=mean[:original_batch_size])
            return torch.nn.functional.mse_loss(mean[original_batch_size:], mirrored[original_batch_size:])

    symmetry.compute_loss = compute_loss


def cxx_compiler() -> str | None:
    """The C++ compiler torch.compile's CPU backend would build with, or None."""
    return next(filter(None, (shutil.which(c) for c in (os.getenv("CXX"), "g++", "c++", "clang++") if c)), None)


class _CompiledUpdate:
    """The update with the actor's and critic's MLPs under ``torch.compile`` (inductor fuses the bias adds and
    ELUs around the matrix products: 2.7 s vs 3.4 s per update for lus2 at 512 envs with symmetry on this 2-core
    CPU; at smaller minibatches it does not pay, see ``OnPolicyRunner.COMPILE_MIN_MINIBATCH``). Only the update
    runs compiled: the rollout calls the same modules at another batch size and thread count. Static shapes:
    the minibatch size is fixed for a run. The parameters are the modules' own, so the optimizer, checkpoints
    and export see no difference."""

    def __init__(self, alg):
        self._update = alg.update
        self.models = [m for m in (alg.actor, alg.critic) if isinstance(getattr(m, "mlp", None), torch.nn.Module)
                       and not getattr(m, "is_recurrent", False)]
        self.compiled = [torch.compile(m.mlp, dynamic=False) for m in self.models]
        alg.update = self

    def __call__(self, *args, **kwargs):
        eager = [m.mlp for m in self.models]
        for m, c in zip(self.models, self.compiled):
            m.mlp = c
        try:
            return self._update(*args, **kwargs)
        finally:
            for m, e in zip(self.models, eager):
                m.mlp = e


class OnPolicyRunner(_RslRlOnPolicyRunner):
    """``rsl_rl.runners.OnPolicyRunner`` plus progress, Ctrl-C checkpoints, exact resume and checkpoint infos.

    ``checkpoint_infos`` (set by the caller, e.g. the task id and observation sizes) is stored in every
    checkpoint so a later load can say what it expected. ``update_threads``: torch threads for the update
    alone (on a CPU the simulator's threads are idle then; during collection torch keeps its own setting).
    ``cfg["compile_update"]``: the update's networks under ``torch.compile`` (``_CompiledUpdate``); None (the
    default) compiles on a CPU where it paid when measured: minibatches of ``COMPILE_MIN_MINIBATCH`` samples or
    more (after symmetry augmentation) in runs of ``COMPILE_MIN_ITERATIONS`` or more (it takes ~45 s once);
    without a C++ compiler it says so and runs eager.
    """

    COMPILE_MIN_ITERATIONS = 200
    # lus2, 2-core CPU, one update on the same data, eager -> compiled: 1536 samples per minibatch 0.72 -> 0.76 s,
    # 3072: 1.31 -> 1.40 s, 6144 (512 envs with symmetry augmentation): 3.40 -> 2.68 s
    COMPILE_MIN_MINIBATCH = 4096

    def __init__(self, env, train_cfg: dict, log_dir: str | None = None, device: str = "cpu",
                 checkpoint_infos: dict | None = None, update_threads: int | None = None) -> None:
        super().__init__(env, train_cfg, log_dir=log_dir, device=device)
        _mirror_loss_from_the_forward(getattr(self.alg, "symmetry", None))
        self.compiled_update = _CompiledUpdate(self.alg) if self._compile_update(device) else None
        self.finite_steps = _FiniteSteps(self.alg, int(self.cfg.get("max_nonfinite_updates", 10)))
        if update_threads:
            self.alg.update = _with_torch_threads(self.alg.update, update_threads)
        self.logger = ProgressLogger(log_dir=log_dir, cfg=self.cfg, env_cfg=self.env.cfg, num_envs=self.env.num_envs,
                                     is_distributed=self.is_distributed, gpu_world_size=self.gpu_world_size,
                                     gpu_global_rank=self.gpu_global_rank, device=self.device)
        self.checkpoint_infos = checkpoint_infos or {}

    def _compile_update(self, device: str) -> bool:
        wanted = self.cfg.get("compile_update")
        if wanted is None:
            symmetry = getattr(self.alg, "symmetry", None)
            minibatch = (self.env.num_envs * self.cfg["num_steps_per_env"] // self.alg.num_mini_batches
                         * (2 if symmetry is not None and symmetry.use_data_augmentation else 1))
            wanted = (str(device).startswith("cpu") and minibatch >= self.COMPILE_MIN_MINIBATCH
                      and self.cfg.get("max_iterations", 0) >= self.COMPILE_MIN_ITERATIONS)
        if wanted and str(device).startswith("cpu") and cxx_compiler() is None:
            print("[st_rl] compile_update: no C++ compiler (g++, clang++ or $CXX) for torch.compile on a CPU: "
                  "the update runs eager (agent.compile_update=false silences this)", flush=True)
            return False
        return bool(wanted)

    def learn(self, num_learning_iterations: int, init_at_random_ep_len: bool = False) -> None:
        try:
            super().learn(num_learning_iterations, init_at_random_ep_len=init_at_random_ep_len)
        except KeyboardInterrupt:
            path = self._save_last_good()
            print(f"\n[st_rl] interrupted: saved iteration {self.current_learning_iteration + 1} to {path}" if path
                  else "\n[st_rl] interrupted before the first iteration finished: nothing to save")
            self.logger.stop_logging_writer()
            raise
        except Exception as err:
            path = self._save_last_good()
            if self.logger.log_dir is not None:
                with open(os.path.join(self.logger.log_dir, "crash.log"), "w") as f:
                    traceback.print_exc(file=f)
            crash_log = os.path.join(self.logger.log_dir, "crash.log") if self.logger.log_dir else None
            where = f" ({crash_log} has the traceback)" if crash_log else ""
            saved = (f"saved iteration {self.current_learning_iteration + 1} to {path}; continue with --resume" if path
                     else "nothing saved (no finite weights from a finished iteration)")
            print(f"\n[st_rl] stopped by {type(err).__name__}: {err} | {saved}{where}", flush=True)
            self.logger.stop_logging_writer()
            raise TrainingStopped(f"{type(err).__name__}: {err}") from err

    def _save_last_good(self) -> str | None:
        """A checkpoint of the last finished iteration, if there is one and its weights are finite."""
        if self.logger.log_dir is None or self.logger.iterations_logged == 0:
            return None
        weights = self.alg.save()["actor_state_dict"]
        if not all(torch.isfinite(v).all() for v in weights.values() if torch.is_tensor(v) and v.is_floating_point()):
            return None
        path = os.path.join(self.logger.log_dir, f"model_{self.current_learning_iteration}.pt")
        self.save(path)
        return path

    def _configure_multi_gpu(self) -> None:
        """rsl-rl's multi-process setup (torchrun's RANK / LOCAL_RANK / WORLD_SIZE), with the collective backend
        following the device: NCCL on ``cuda:LOCAL_RANK`` as rsl-rl has it, gloo on the CPU, so the same
        distributed path runs (and is tested) without GPUs. Only rank 0 logs and saves (rsl-rl's logger)."""
        world = int(os.getenv("WORLD_SIZE", "1"))
        if world <= 1 or not str(self.device).startswith("cpu"):
            super()._configure_multi_gpu()
            return
        self.gpu_world_size, self.is_distributed = world, True
        self.gpu_local_rank, self.gpu_global_rank = int(os.getenv("LOCAL_RANK", "0")), int(os.getenv("RANK", "0"))
        self.cfg["multi_gpu"] = {"global_rank": self.gpu_global_rank, "local_rank": self.gpu_local_rank,
                                 "world_size": world}
        if not torch.distributed.is_initialized():
            torch.distributed.init_process_group(backend="gloo", rank=self.gpu_global_rank, world_size=world)

    def save(self, path: str, infos: dict | None = None) -> None:
        extra = {}
        env = getattr(self.env, "unwrapped", self.env)
        if hasattr(env, "checkpoint_state"):  # env-side learned state (adaptive thresholds, samplers, ...)
            extra["env_state"] = env.checkpoint_state()
        super().save(path, infos={**self.checkpoint_infos, **(infos or {}), **extra, "saved_at": time.time()})

    def load(self, path: str, load_cfg: dict | None = None, strict: bool = True,
             map_location: str | None = None) -> dict:
        """Load a checkpoint; training continues at the iteration after the one it was saved at."""
        from .checkpoints import check_compatible, read_checkpoint

        checkpoint = read_checkpoint(path, map_location=map_location or self.device)
        check_compatible(path, checkpoint, self.checkpoint_infos)
        if self.alg.load(checkpoint, load_cfg, strict):
            self.current_learning_iteration = checkpoint["iter"] + 1
            self._restore_env_step_counter()
            env = getattr(self.env, "unwrapped", self.env)
            state = (checkpoint.get("infos") or {}).get("env_state")
            if state and hasattr(env, "load_checkpoint_state"):
                env.load_checkpoint_state(state)
        return checkpoint.get("infos") or {}

    def _restore_env_step_counter(self) -> None:
        """Isaac Lab's reward-weight and other step-based curricula read ``common_step_counter``; a resumed
        run must not restart them (e.g. give back a weight the schedule already lowered)."""
        env = getattr(self.env, "unwrapped", self.env)
        if hasattr(env, "common_step_counter"):
            env.common_step_counter = self.current_learning_iteration * self.cfg["num_steps_per_env"]
