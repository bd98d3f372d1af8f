"""Train a policy with st_rl (PPO on rsl-rl-lib) on one of our Isaac Lab tasks.

    ./run.sh train lus2                                  # robot name -> its default task
    ./run.sh train St-Velocity-Flat-Lus2 --num_envs 64 --max_iterations 50
    ./run.sh train lus2 env.rewards.feet_slide.weight=-0.5 agent.algorithm.learning_rate=5e-4
    ./run.sh train lus2 --resume [--load_run RUN] [--checkpoint N]

Runs on the GPU when one is present (the task's 4096 envs), else on the CPU with 64 envs. Logs go to
logs/st_rl/<experiment>/<timestamp>/: params/env.yaml and params/agent.yaml, tensorboard scalars and
model_<iteration>.pt every save_interval. Ctrl-C (or SIGTERM) and any error during training save a checkpoint
of the last good iteration before exiting (the error's traceback goes to <run>/crash.log); --resume continues
from it. Envs whose physics blew up are reset and counted ("blow-ups N" in the progress line; the first few
are written to <run>/blowups/).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", help="task id (./run.sh list) or robot name (lus2, lus2_21dof)")
    parser.add_argument("--num_envs", type=int, help="default: the task's on GPU, 64 on CPU")
    parser.add_argument("--max_iterations", type=int,
                        help="iterations to run, also when resuming (default: the agent config's)")
    parser.add_argument("--seed", type=int, help="default: the agent config's")
    parser.add_argument("--device", help="cpu, cuda, cuda:N (default: cuda:0 if available, else cpu)")
    parser.add_argument("--agent", default="st_rl", help="agent config: st_rl (MLP, default) or st_rl_lstm")
    parser.add_argument("--run_name", default="", help="suffix of the run directory name")
    parser.add_argument("--resume", action="store_true", help="continue a run (the latest unless --load_run)")
    parser.add_argument("--load_run", help="run directory name or regex under logs/st_rl/<experiment>/")
    parser.add_argument("--checkpoint", help="model_<N>.pt or N (default: the latest of the run)")
    parser.add_argument("--headless", action="store_true",
                        help="accepted for Isaac Lab compatibility; training never opens a window here")
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE",
                        help="config overrides: env.<field>=v, agent.<field>=v, physics=<preset>")
    return parser.parse_intermixed_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import torch

    from legged_robots.physics import resolve_physics
    from legged_robots.utils import available_cpus
    from legged_robots.tasks.utils.launch import (CPU_NUM_ENVS, LOG_ROOT, checkpoint_infos, load_cfgs,
                                                  make_vec_env, resolve_device)

    device = resolve_device(args.device)
    task_id, env_cfg, agent_cfg = load_cfgs(args.task, args.overrides, agent=args.agent)
    env_cfg.sim.device = agent_cfg.device = device
    resolve_physics(env_cfg)  # the device picks the default physics (MuJoCo C on a CPU); params/env.yaml shows it
    if args.num_envs is not None:
        env_cfg.scene.num_envs = args.num_envs
    elif device == "cpu":
        env_cfg.scene.num_envs = CPU_NUM_ENVS
    if args.max_iterations is not None:
        agent_cfg.max_iterations = args.max_iterations
    if args.seed is not None:
        agent_cfg.seed = args.seed
    if args.run_name:
        agent_cfg.run_name = args.run_name
    env_cfg.seed = agent_cfg.seed
    if device == "cpu":
        torch.set_num_threads(1)  # two torch threads beside a busy simulator were 10x slower here (the update
        # alone, while the simulator idles, uses all CPUs: update_threads below)

    from st_rl.checkpoints import find_checkpoint, find_run

    experiment_dir = LOG_ROOT / agent_cfg.experiment_name
    resume_path = None
    if args.resume or args.load_run or args.checkpoint:
        resume_path = find_checkpoint(find_run(experiment_dir, args.load_run), args.checkpoint)
    run_dir = experiment_dir / (time.strftime("%Y-%m-%d_%H-%M-%S") + (f"_{agent_cfg.run_name}" if agent_cfg.run_name
                                                                     else ""))
    _write_params(run_dir, env_cfg, agent_cfg, task_id, resume_path)

    print(f"[st_rl] task {task_id} | {env_cfg.scene.num_envs} envs on {device} | {agent_cfg.max_iterations} "
          f"iterations | logs {run_dir}", flush=True)
    guard = getattr(env_cfg.terminations, "physics_blowup", None)
    if guard is not None:  # the first few envs the physics guard resets are written here, to look at
        guard.params["dump_dir"] = str(run_dir / "blowups")
    env = make_vec_env(task_id, env_cfg, clip_actions=agent_cfg.clip_actions)
    from st_rl.runner import OnPolicyRunner, TrainingStopped

    signal.signal(signal.SIGTERM, _interrupt)  # a scheduler's stop saves a checkpoint, as Ctrl-C does
    try:
        runner = OnPolicyRunner(env, agent_cfg.to_rsl_rl(), log_dir=str(run_dir), device=device,
                                checkpoint_infos=checkpoint_infos(env, task_id),
                                update_threads=available_cpus() if device == "cpu" else None)
        runner.add_git_repo_to_log(str(Path(__file__).resolve()))
        if resume_path is not None:
            runner.load(str(resume_path))
            print(f"[st_rl] resumed from {resume_path} at iteration {runner.current_learning_iteration + 1} "
                  f"(env step {env.unwrapped.common_step_counter}: step-based curricula continue)")
        runner.learn(agent_cfg.max_iterations, init_at_random_ep_len=resume_path is None
                     and agent_cfg.init_at_random_ep_len)
    except KeyboardInterrupt:
        return 130
    except TrainingStopped:
        return 1  # the runner printed the cause and the checkpoint to resume from
    finally:
        env.close()
    print(f"[st_rl] done: {run_dir}")
    return 0


def _write_params(run_dir: Path, env_cfg, agent_cfg, task_id: str, resume_path) -> None:
    import yaml
    from isaaclab.utils.io import dump_yaml

    params = run_dir / "params"
    params.mkdir(parents=True, exist_ok=True)
    dump_yaml(str(params / "env.yaml"), env_cfg)
    (params / "agent.yaml").write_text(yaml.safe_dump(agent_cfg.to_dict(), sort_keys=False))
    (params / "command.txt").write_text(" ".join([sys.executable, *sys.argv]) + f"\ntask: {task_id}\n"
                                        + (f"resumed from: {resume_path}\n" if resume_path else ""))


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    from legged_robots.tasks.utils.errors import run_main

    sys.exit(run_main(main))
