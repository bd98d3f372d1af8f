"""Train a policy with st_rl (PPO on rsl-rl-lib) on one of our Isaac Lab tasks.

    ./run.sh train lus2                                  # robot name -> its default task
    ./run.sh train St-Velocity-Flat-Lus2 --num_envs 64 --max_iterations 50
    ./run.sh train lus2 env.rewards.feet_slide.weight=-0.5 agent.algorithm.learning_rate=5e-4
    ./run.sh train lus2 --resume [--load_run RUN] [--checkpoint N]

Runs on the GPU when one is present (the task's 4096 envs), else on the CPU with 512 envs. Logs go to
logs/st_rl/<experiment>/<timestamp>/: params/env.yaml and params/agent.yaml, tensorboard scalars and
model_<iteration>.pt every save_interval. Ctrl-C (or SIGTERM) and any error during training save a checkpoint
of the last good iteration before exiting (the error's traceback goes to <run>/crash.log); --resume continues
from it. Envs whose physics blew up are reset and counted ("blow-ups N" in the progress line; the first few
are written to <run>/blowups/).
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import sys
from pathlib import Path


def main(argv=None) -> int:
    from legged_robots.tasks.utils.training import train_arg_parser

    args = train_arg_parser(__doc__, "st_rl").parse_intermixed_args(argv)
    from legged_robots.tasks.utils.launch import checkpoint_infos, make_vec_env
    from legged_robots.tasks.utils.training import (
        check_framework,
        cpu_update_threads,
        launch_distributed,
        prepare_training,
        stop_on_sigterm,
    )
    from st_rl.runner import OnPolicyRunner, TrainingStopped

    check_framework(args, "st_rl", "train")
    launched = launch_distributed(args, __file__, argv)
    if launched is not None:
        return launched
    run = prepare_training(args, "st_rl")
    env = make_vec_env(run.task_id, run.env_cfg, clip_actions=run.agent_cfg.clip_actions)
    stop_on_sigterm()
    try:
        runner = OnPolicyRunner(env, run.agent_cfg.to_rsl_rl(), log_dir=run.run_dir and str(run.run_dir),
                                device=run.device, checkpoint_infos=checkpoint_infos(env, run.task_id),
                                update_threads=cpu_update_threads() if run.device == "cpu" else None)
        runner.add_git_repo_to_log(str(Path(__file__).resolve()))
        if run.resume_path is not None:
            runner.load(str(run.resume_path))
            if run.rank == 0:
                print(f"[st_rl] resumed from {run.resume_path} at iteration {runner.current_learning_iteration + 1}"
                      f" (env step {env.unwrapped.common_step_counter}: step-based curricula continue)")
        runner.learn(run.agent_cfg.max_iterations, init_at_random_ep_len=run.resume_path is None
                     and run.agent_cfg.init_at_random_ep_len)
    except KeyboardInterrupt:
        return 130
    except TrainingStopped:
        return 1  # the runner printed the cause and the checkpoint to resume from
    finally:
        env.close()
    if run.run_dir is not None:
        print(f"[st_rl] done: {run.run_dir}")
    return 0


if __name__ == "__main__":
    from legged_robots.tasks.utils.errors import run_main

    sys.exit(run_main(main))
