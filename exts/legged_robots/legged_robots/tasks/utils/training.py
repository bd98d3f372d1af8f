"""What the train scripts of both frameworks (``scripts/st_rl/train.py``, ``scripts/skrl/train.py``) share: one
command line, the configs with their overrides, the device, the run folder and its params, resume lookup.

The agent config is our st_rl one (the design's names) for both; skrl gets it mapped to its own names
(``agent_cfgs.skrl_ppo_cfg``), so ``agent.algorithm.learning_rate=5e-4`` means the same under either.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

FRAMEWORKS = ("st_rl", "skrl")


def train_arg_parser(doc: str, framework: str) -> argparse.ArgumentParser:
    from legged_robots.utils.args import NON_NEGATIVE_INT, POSITIVE_INT

    from .launch import CPU_NUM_ENVS

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", help="task id (./run.sh list) or robot name (lus2, lus2_21dof)")
    parser.add_argument("--framework", choices=FRAMEWORKS, default=framework,
                        help=f"RL framework (default here: {framework}; ./run.sh train picks the script by it)")
    parser.add_argument("--num_envs", type=POSITIVE_INT, help=f"default: the task's on GPU, {CPU_NUM_ENVS} on CPU")
    parser.add_argument("--max_iterations", type=POSITIVE_INT,
                        help="iterations to run, also when resuming (default: the agent config's)")
    parser.add_argument("--seed", type=NON_NEGATIVE_INT, help="default: the agent config's")
    parser.add_argument("--device", help="cpu, cuda, cuda:N (default: cuda:0 if available, else cpu)")
    parser.add_argument("--agent", default="st_rl", help="agent config: st_rl (MLP, default) or st_rl_lstm"
                        + (" (st_rl only)" if framework == "skrl" else ""))
    parser.add_argument("--run_name", default="", help="suffix of the run directory name")
    parser.add_argument("--resume", action="store_true", help="continue a run (the latest unless --load_run)")
    parser.add_argument("--load_run", help=f"run directory name or regex under logs/{framework}/<experiment>/")
    parser.add_argument("--checkpoint", help="model_<N>.pt or N (default: the latest of the run)")
    parser.add_argument("--config", metavar="FILE",
                        help="YAML/JSON of env:/agent: values (and physics:), or a run's params/ folder to start that "
                             "run again; command-line overrides go on top (see tasks/utils/config_files.py)")
    parser.add_argument("--headless", action="store_true",
                        help="accepted for Isaac Lab compatibility; training never opens a window here")
    parser.add_argument("--distributed", action="store_true",
                        help="one process per device (torchrun): cuda:<local rank> each (NCCL), or the CPU (gloo); "
                             "gradients averaged, seeds offset by rank, rank 0 logs and saves; --num_envs is per "
                             "process")
    parser.add_argument("--nproc_per_node", type=POSITIVE_INT,
                        help="with --distributed: processes to start (default: the CUDA devices there are)")
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE",
                        help="config overrides: env.<field>=v, agent.<field>=v, physics=<preset>")
    return parser


@dataclass
class TrainingRun:
    task_id: str
    env_cfg: object
    agent_cfg: object  # st_rl RunnerCfg
    device: str
    run_dir: Path | None  # None on ranks other than 0: they write nothing
    resume_path: Path | None
    rank: int = 0


def launch_distributed(args, script: str, argv) -> int | None:
    """``--distributed`` from the command line: start this script under torchrun with ``--nproc_per_node``
    processes and return its exit code. None when there is nothing to launch (not distributed, or already a
    torchrun worker)."""
    from .errors import UsageError

    if args.nproc_per_node is not None and not args.distributed:
        raise UsageError("--nproc_per_node goes with --distributed")
    if not args.distributed:
        return None
    if "LOCAL_RANK" in os.environ:  # a worker: torchrun set the variables
        missing = [v for v in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT") if v not in os.environ]
        if missing:
            raise UsageError(f"--distributed: torchrun's {', '.join(missing)} missing from the environment; start "
                             "with --distributed --nproc_per_node N (or under torchrun)")
        return None
    import torch

    from .launch import resolve_device

    device = resolve_device(args.device)
    devices = torch.cuda.device_count() if device.startswith("cuda") else _cpus()
    nproc = args.nproc_per_node or (devices if device.startswith("cuda") else None)
    if nproc is None:
        raise UsageError("--distributed on the CPU: give --nproc_per_node N (processes, gloo)")
    if not 1 <= nproc <= devices:
        kind = "CUDA devices" if device.startswith("cuda") else "CPUs"
        raise UsageError(f"--nproc_per_node {nproc}: there are {devices} {kind} here; one process per device")
    rest, skip = [], False
    for item in (sys.argv[1:] if argv is None else list(argv)):
        if skip:
            skip = False
        elif item == "--nproc_per_node":
            skip = True
        elif not item.startswith("--nproc_per_node="):
            rest.append(item)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(nproc),
               script, *rest]
    print(f"[{args.framework}] {nproc} processes on {device}: {' '.join(command[1:])}", flush=True)
    return subprocess.run(command).returncode


def _cpus() -> int:
    from legged_robots.utils import available_cpus

    return available_cpus()


def cpu_update_threads() -> int:
    """Torch threads for the PPO update on a CPU: the CPUs of this process's share (the processes of a
    distributed run split them)."""
    return max(1, _cpus() // int(os.getenv("WORLD_SIZE", "1")))


def prepare_training(args, framework: str) -> TrainingRun:
    """Configs with overrides and command-line values applied, the physics for the device, the run folder with
    its params, the checkpoint to resume from (if asked): everything before the env is built."""
    import torch

    from legged_robots.physics import resolve_physics
    from st_rl.checkpoints import find_checkpoint, find_run

    from .launch import CPU_NUM_ENVS, load_cfgs, log_root, preset_overrides, resolve_device, with_run_presets

    rank, local_rank = int(os.getenv("RANK", "0")), int(os.getenv("LOCAL_RANK", "0"))
    device = resolve_device(args.device)
    if args.distributed and device.startswith("cuda"):
        device = f"cuda:{local_rank}"
    from .config_files import load_config, sets

    config = load_config(args.config) if args.config else {}
    task_id, env_cfg, agent_cfg = load_cfgs(args.task, args.overrides, agent=args.agent, config=config)
    env_cfg.sim.device = agent_cfg.device = device
    resolve_physics(env_cfg)  # the device picks the default physics (MuJoCo C on a CPU); params/env.yaml shows it
    if args.num_envs is not None:
        env_cfg.scene.num_envs = args.num_envs
    elif device == "cpu" and not sets(config.get("env"), "scene.num_envs"):  # a config file's count stays
        env_cfg.scene.num_envs = CPU_NUM_ENVS
    if args.max_iterations is not None:
        agent_cfg.max_iterations = args.max_iterations
    if args.seed is not None:
        agent_cfg.seed = args.seed
    if args.run_name:
        agent_cfg.run_name = args.run_name
    if hasattr(agent_cfg, "validate"):  # st_rl's settings fail here, before an env or a run folder exists
        try:
            agent_cfg.validate()
        except ValueError as err:
            from .errors import UsageError

            raise UsageError(f"agent settings: {err}") from None
    agent_cfg.seed += rank  # each process its own data
    env_cfg.seed = agent_cfg.seed
    if device == "cpu":
        torch.set_num_threads(1)  # two torch threads beside a busy simulator were 10x slower here (the update
        # alone, while the simulator idles, may use all CPUs: see the runners' update threads)
    experiment_dir = log_root(framework) / agent_cfg.experiment_name
    resume_path = None
    if args.resume or args.load_run or args.checkpoint:
        resume_path = find_checkpoint(find_run(experiment_dir, args.load_run), args.checkpoint)
        overrides = with_run_presets(args.overrides, resume_path, framework)
        if overrides != list(args.overrides):  # the run's robot model (presets=...) unless the command line picks
            args.overrides = overrides
            return prepare_training(args, framework)
    if rank != 0:
        return TrainingRun(task_id, env_cfg, agent_cfg, device, None, resume_path, rank)
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    run_dir = experiment_dir / (f"{stamp}_{agent_cfg.run_name}" if agent_cfg.run_name else stamp)
    _write_params(run_dir, env_cfg, agent_cfg, task_id, resume_path, preset_overrides(args.overrides))
    guard = getattr(env_cfg.terminations, "physics_blowup", None)
    if guard is not None:  # the first few envs the physics guard resets are written here, to look at
        guard.params["dump_dir"] = str(run_dir / "blowups")
    world = int(os.getenv("WORLD_SIZE", "1"))
    per_process = f" per process x {world}" if world > 1 else ""
    print(f"[{framework}] task {task_id} | {env_cfg.scene.num_envs} envs{per_process} on {device} | "
          f"{agent_cfg.max_iterations} iterations | logs {run_dir}", flush=True)
    return TrainingRun(task_id, env_cfg, agent_cfg, device, run_dir, resume_path, rank)


def _write_params(run_dir: Path, env_cfg, agent_cfg, task_id: str, resume_path, presets: list[str]) -> None:
    import yaml
    from isaaclab.utils.io import dump_yaml

    params = run_dir / "params"
    params.mkdir(parents=True, exist_ok=True)
    dump_yaml(str(params / "env.yaml"), env_cfg)
    (params / "agent.yaml").write_text(yaml.safe_dump(agent_cfg.to_dict(), sort_keys=False))
    (params / "command.txt").write_text(" ".join([sys.executable, *sys.argv]) + f"\ntask: {task_id}\n"
                                        + (f"resumed from: {resume_path}\n" if resume_path else ""))
    (params / "presets.txt").write_text("".join(f"{p}\n" for p in presets))  # play applies them (launch.py)


def check_framework(args, framework: str, command: str) -> None:
    """``--framework`` picks the script (``./run.sh train|play`` does it); a script runs only its own."""
    if args.framework != framework:
        from .errors import UsageError

        raise UsageError(f"--framework {args.framework}: this is the {framework} script; run ./run.sh {command} ... "
                         f"--framework {args.framework} (scripts/{args.framework}/{command}.py)")


def stop_on_sigterm() -> None:
    """SIGTERM (a scheduler's stop) ends training as Ctrl-C does: with a checkpoint first."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
