"""Train a policy with skrl's PPO on one of our Isaac Lab tasks: the same command line, overrides, logs and
checkpoints as the st_rl runner (scripts/st_rl/train.py), the design's PPO values mapped to skrl's names.

    ./run.sh train lus2 --framework skrl
    ./run.sh train lus2 --framework skrl --num_envs 64 --max_iterations 50 agent.algorithm.learning_rate=5e-4
    ./run.sh train lus2 --framework skrl --resume [--load_run RUN] [--checkpoint N]

Logs go to logs/skrl/<experiment>/<timestamp>/: params/env.yaml and params/agent.yaml (the design's names;
params/skrl.yaml what skrl got), tensorboard scalars and model_<iteration>.pt every save_interval. Ctrl-C (or
SIGTERM) and any error save the last finished iteration first; --resume continues from it. Recurrent agents
(--agent st_rl_lstm) are st_rl's only.
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import sys


def main(argv=None) -> int:
    from legged_robots.tasks.utils.training import train_arg_parser

    args = train_arg_parser(__doc__, "skrl").parse_intermixed_args(argv)
    import yaml

    from legged_robots.tasks.utils.agent_cfgs import skrl_cfg
    from legged_robots.tasks.utils.launch import make_skrl_env
    from legged_robots.tasks.utils.skrl_runner import SkrlTraining, checkpoint_infos, configure_distributed
    from legged_robots.tasks.utils.training import (
        check_framework,
        cpu_update_threads,
        launch_distributed,
        prepare_training,
        stop_on_sigterm,
    )
    from st_rl.runner import TrainingStopped

    check_framework(args, "skrl", "train")
    launched = launch_distributed(args, __file__, argv)
    if launched is not None:
        return launched
    run = prepare_training(args, "skrl")
    configure_distributed(run.device)
    cfg = skrl_cfg(run.agent_cfg, run.env_cfg)  # AMP tasks: skrl's AMP agent
    if run.run_dir is not None:
        (run.run_dir / "params" / "skrl.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    env = make_skrl_env(run.task_id, run.env_cfg)
    stop_on_sigterm()
    try:
        training = SkrlTraining(env, cfg, run.run_dir, checkpoint_infos=checkpoint_infos(env, run.task_id),
                                save_interval=run.agent_cfg.save_interval,
                                update_threads=cpu_update_threads() if run.device == "cpu" else None)
        if run.resume_path is not None:
            training.load(run.resume_path)
            if run.rank == 0:
                print(f"[skrl] resumed from {run.resume_path} at iteration {training.iteration + 1} "
                      f"(env step {env.unwrapped.common_step_counter}: step-based curricula continue)")
        training.learn(run.agent_cfg.max_iterations)
    except KeyboardInterrupt:
        return 130
    except TrainingStopped:
        return 1
    finally:
        env.close()
    if run.run_dir is not None:
        print(f"[skrl] done: {run.run_dir}")
    return 0


if __name__ == "__main__":
    from legged_robots.tasks.utils.errors import run_main

    sys.exit(run_main(main))
