"""skrl PPO on our tasks, as ``./run.sh train|play <task> --framework skrl`` runs it: skrl builds the models, memory
and agent (``skrl.utils.runner.torch.Runner`` from the dict ``agent_cfgs.skrl_ppo_cfg`` makes); the loop is ours
so a run behaves as an st_rl one: one progress line per iteration, ``model_<iteration>.pt`` checkpoints (with
the task they fit), Ctrl-C/SIGTERM/any error saving the last finished iteration, exact resume (incl. the env's
step counter), and the same ``policy.onnx`` + metadata export.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load.
"""

from __future__ import annotations

import collections
import os
import sys
import time
import traceback
from pathlib import Path

import torch

from st_rl.runner import BLOWUPS_KEY, TrainingStopped, progress_line


def configure_distributed(device: str) -> None:
    """A torchrun worker: skrl would start NCCL on ``cuda:LOCAL_RANK`` when imported with WORLD_SIZE > 1. Start
    the collective backend that fits the device instead (gloo on the CPU) and tell skrl it is distributed (its
    PPO then broadcasts the initial weights and averages gradients). Call before anything imports skrl."""
    world = int(os.getenv("WORLD_SIZE", "1"))
    if world <= 1:
        return
    if "skrl" in sys.modules:
        raise RuntimeError("configure_distributed must run before skrl is imported")
    hidden = os.environ.pop("WORLD_SIZE")
    try:
        import skrl
    finally:
        os.environ["WORLD_SIZE"] = hidden
    rank, local_rank = int(os.environ["RANK"]), int(os.environ["LOCAL_RANK"])
    torch.distributed.init_process_group("nccl" if device.startswith("cuda") else "gloo", rank=rank,
                                         world_size=world)
    if device.startswith("cuda"):
        torch.cuda.set_device(local_rank)
    cfg = skrl.config.torch
    cfg._is_distributed, cfg._rank, cfg._local_rank, cfg._world_size = True, rank, local_rank, world
    cfg._device = device


class SkrlTraining:
    """skrl's PPO agent on a ``SkrlVecEnvWrapper`` env, trained iteration by iteration (``rollouts`` steps, then
    skrl's update)."""

    def __init__(self, env, cfg: dict, run_dir: Path | None, checkpoint_infos: dict | None = None,
                 save_interval: int = 50, update_threads: int | None = None):
        from skrl.utils.runner.torch import Runner

        cfg = dict(cfg)
        agent = dict(cfg["agent"])
        # tensorboard: one write per iteration into the run folder; checkpoints: ours (model_<it>.pt)
        agent["experiment"] = {**agent.get("experiment", {}), "write_interval": agent["rollouts"] if run_dir else 0,
                               "checkpoint_interval": 0, "directory": str(run_dir.parent) if run_dir else "",
                               "experiment_name": run_dir.name if run_dir else ""}
        cfg["agent"] = agent
        cfg["trainer"] = {**cfg["trainer"], "disable_progressbar": True, "close_environment_at_exit": False}
        self.env, self.run_dir, self.save_interval = env, run_dir, save_interval
        self.rollouts = int(agent["rollouts"])
        self.timesteps = int(cfg["trainer"]["timesteps"])
        self.agent = Runner(env, cfg).agent
        self.infos = checkpoint_infos or {}
        self.iteration = 0  # the next one to run (0-based)
        self.update_threads = update_threads
        self.rewards, self.lengths = collections.deque(maxlen=100), collections.deque(maxlen=100)
        self.world = int(os.getenv("WORLD_SIZE", "1"))
        self.quiet = int(os.getenv("RANK", "0")) != 0  # rank 0 prints and saves

    # -- checkpoints --------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        modules = {name: m.state_dict() if hasattr(m, "state_dict") else m
                   for name, m in self.agent.checkpoint_modules.items()}
        torch.save({"skrl": modules, "iter": self.iteration - 1, "infos": {**self.infos, "saved_at": time.time()}},
                   path)

    def load(self, path: Path) -> None:
        """Continue after the checkpoint's iteration, with everything skrl keeps (models, optimizer, running
        statistics) and the env's step counter (step-based curricula)."""
        from st_rl.checkpoints import CheckpointError, check_compatible

        try:
            checkpoint = torch.load(path, map_location=self.agent.device, weights_only=False)
        except Exception as err:
            raise CheckpointError(f"checkpoint {path} is unreadable ({type(err).__name__}: {err})") from None
        if not isinstance(checkpoint, dict) or "skrl" not in checkpoint:
            raise CheckpointError(f"checkpoint {path} is not an skrl checkpoint of ours (an st_rl one? use "
                                  "--framework st_rl)")
        check_compatible(path, checkpoint, self.infos)
        for name, state in checkpoint["skrl"].items():
            self.agent.checkpoint_modules[name].load_state_dict(state)
        self.iteration = int(checkpoint["iter"]) + 1
        env = self.env.unwrapped
        if hasattr(env, "common_step_counter"):
            env.common_step_counter = self.iteration * self.rollouts

    def _save_last_good(self) -> Path | None:
        if self.run_dir is None or self.iteration == 0:
            return None
        policy = self.agent.checkpoint_modules["policy"].state_dict()
        if not all(torch.isfinite(v).all() for v in policy.values() if v.is_floating_point()):
            return None
        path = self.run_dir / f"model_{self.iteration - 1}.pt"
        self.save(path)
        return path

    # -- training -----------------------------------------------------------------------------------------

    def learn(self, iterations: int) -> None:
        try:
            self._learn(iterations)
        except KeyboardInterrupt:
            path = self._save_last_good()
            print(f"\n[skrl] interrupted: saved iteration {self.iteration} to {path}" if path
                  else "\n[skrl] interrupted before the first iteration finished: nothing to save", flush=True)
            raise
        except Exception as err:
            path = self._save_last_good()
            if self.run_dir is not None:
                (self.run_dir / "crash.log").write_text(traceback.format_exc())
            saved = (f"saved iteration {self.iteration} to {path}; continue with --resume" if path
                     else "nothing saved (no finite weights from a finished iteration)")
            print(f"\n[skrl] stopped by {type(err).__name__}: {err} | {saved}"
                  + (f" ({self.run_dir / 'crash.log'} has the traceback)" if self.run_dir else ""), flush=True)
            raise TrainingStopped(f"{type(err).__name__}: {err}") from err
        if self.run_dir is not None:
            self.save(self.run_dir / f"model_{self.iteration - 1}.pt")

    def _learn(self, iterations: int) -> None:
        env, agent = self.env, self.agent
        agent.enable_training_mode(True)
        obs, _ = env.reset()
        states = env.state()
        returns = torch.zeros(env.num_envs, device=env.device)
        lengths = torch.zeros(env.num_envs, device=env.device)
        first, total = self.iteration, self.iteration + iterations
        timesteps, started = total * self.rollouts, time.time()
        for it in range(first, total):
            t0, blowups, update_s = time.time(), None, 0.0
            for k in range(self.rollouts):
                timestep = it * self.rollouts + k
                agent.pre_interaction(timestep=timestep, timesteps=timesteps)
                with torch.no_grad():
                    actions, _ = agent.act(obs, states, timestep=timestep, timesteps=timesteps)
                    next_obs, rewards, terminated, truncated, infos = env.step(actions)
                    next_states = env.state()
                    agent.record_transition(observations=obs, states=states, actions=actions, rewards=rewards,
                                            next_observations=next_obs, next_states=next_states,
                                            terminated=terminated, truncated=truncated, infos=infos,
                                            timestep=timestep, timesteps=timesteps)
                    for key, value in infos.get("log", {}).items():
                        if key == BLOWUPS_KEY:
                            blowups = (blowups or 0) + int(value)
                        elif isinstance(value, torch.Tensor) and value.numel() == 1:
                            agent.track_data(key if "/" in key else f"Info / {key}", value.item())
                returns += rewards.flatten()
                lengths += 1
                done = (terminated | truncated).flatten()
                if done.any():
                    self.rewards.extend(returns[done].tolist())
                    self.lengths.extend(lengths[done].tolist())
                    returns[done], lengths[done] = 0.0, 0.0
                if k == self.rollouts - 1:
                    u0 = time.time()
                    with _torch_threads(self.update_threads):
                        agent.post_interaction(timestep=timestep, timesteps=timesteps)  # skrl's PPO update
                    update_s = time.time() - u0
                else:
                    agent.post_interaction(timestep=timestep, timesteps=timesteps)
                obs, states = next_obs, next_states
            self.iteration = it + 1
            collect_s = time.time() - t0 - update_s
            eta = (time.time() - started) / (it + 1 - first) * (total - it - 1)
            if blowups is not None and getattr(agent, "writer", None) is not None:
                agent.writer.add_scalar(tag=BLOWUPS_KEY, value=blowups, timestep=(it + 1) * self.rollouts)
            if not self.quiet:
                print(progress_line("skrl", it, total, self.rollouts * env.num_envs * self.world, collect_s, update_s,
                                    eta, self.rewards, self.lengths, blowups=blowups), flush=True)
            if self.run_dir is not None and it % self.save_interval == 0:
                self.save(self.run_dir / f"model_{it}.pt")

    # -- inference and export -----------------------------------------------------------------------------

    def actor(self) -> torch.nn.Module:
        """The deterministic policy as a plain module: observations -> mean actions (running statistics in)."""
        return SkrlActor(self.agent.checkpoint_modules.get("observation_preprocessor"),
                         self.agent.checkpoint_modules["policy"]).eval()


class SkrlActor(torch.nn.Module):
    """skrl's observation standardizer + Gaussian policy mean, exportable (TorchScript trace, ONNX)."""

    def __init__(self, preprocessor, policy):
        super().__init__()
        self.preprocessor, self.policy = preprocessor, policy

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        x = self.preprocessor(obs, train=False) if self.preprocessor is not None else obs
        mean, _ = self.policy.compute({"observations": x}, role="policy")
        return mean


class _torch_threads:
    def __init__(self, threads: int | None):
        self.threads, self.before = threads, None

    def __enter__(self):
        if self.threads:
            self.before = torch.get_num_threads()
            torch.set_num_threads(self.threads)

    def __exit__(self, *exc):
        if self.before is not None:
            torch.set_num_threads(self.before)


def export_actor(actor: torch.nn.Module, obs_dim: int, out_dir: Path, metadata: dict) -> dict[str, Path]:
    """``policy.pt`` (TorchScript), ``policy.onnx`` (input ``obs``, output ``actions``, metadata embedded) and
    ``policy.json``: the files st_rl writes, so sim2mujoco and the ROS 2 bridge take either."""
    from st_runtime.metadata import PolicyMetadata

    md = PolicyMetadata.parse(metadata)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(1, obs_dim)
    scripted = torch.jit.trace(_WithReset(actor.cpu()), example, check_trace=False)
    scripted.save(str(out / "policy.pt"))
    onnx_path = out / "policy.onnx"
    torch.onnx.export(actor.cpu(), (example,), str(onnx_path), input_names=["obs"], output_names=["actions"],
                      dynamic_axes={"obs": {0: "batch"}, "actions": {0: "batch"}}, opset_version=17, dynamo=False)
    md.write_onnx(onnx_path)
    json_path = out / "policy.json"
    json_path.write_text(md.to_json())
    return {"jit": out / "policy.pt", "onnx": onnx_path, "metadata": json_path}


class _WithReset(torch.nn.Module):
    """The TorchScript policy keeps rsl-rl's exporter's interface (a ``reset()``; nothing to reset in an MLP)."""

    def __init__(self, actor):
        super().__init__()
        self.actor = actor

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        return self.actor(obs)

    @torch.jit.export
    def reset(self) -> None:
        pass


def checkpoint_infos(env, task_id: str) -> dict:
    """What an skrl checkpoint records about the env (as st_rl's do), so another task's is refused on load."""
    u = env.unwrapped
    obs = u.observation_manager.compute()
    return {"task": task_id, "num_actions": int(u.action_manager.total_action_dim),
            "obs_dims": {k: int(v.shape[-1]) for k, v in obs.items()}}
