"""Evaluate a motion-tracking (mimic) policy the way tracking work reports it.

    ./run.sh eval St-Mimic-Flat-Lus2                       # latest run, latest checkpoint, 30 episodes
    ./run.sh eval St-Mimic-Flat-Lus2 --load_run RUN --checkpoint 500 --episodes 60

One episode per env from frame 0 of its clip (env i plays clip i mod #clips) on the play variant: no pushes, no
randomization, observation noise as in play. Success: the episode reached its clip's last frame without a
termination. Per clip and overall: success rate, global and root-relative MPKPE (mm), joint position/velocity
RMSE, root position error. Prints a table; writes <run>/eval/mimic_eval.json (or --out).
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv=None) -> int:
    from legged_robots.utils.args import POSITIVE_INT

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("task", help="a mimic task id (St-Mimic-...)")
    p.add_argument("--load_run", help="run directory name or regex (default: the latest)")
    p.add_argument("--checkpoint", help="model_<N>.pt or N (default: the latest of the run)")
    p.add_argument("--episodes", type=POSITIVE_INT, default=30,
                   help="episodes = envs, spread over the clips (default 30)")
    p.add_argument("--device", default="cpu", help="cpu (default) or cuda[:N]")
    p.add_argument("--agent", default="st_rl", help="agent config the run was trained with")
    p.add_argument("--out", help="JSON file (default: <run>/eval/mimic_eval.json)")
    p.add_argument("--headless", action="store_true", help="accepted for Isaac Lab compatibility")
    p.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="config overrides, as for train.py")
    args = p.parse_intermixed_args(argv)
    import torch

    from legged_robots.tasks.mimic.eval import configure_eval, evaluate
    from legged_robots.tasks.utils.errors import UsageError
    from legged_robots.tasks.utils.launch import LOG_ROOT, checkpoint_infos, load_cfgs, make_vec_env, resolve_device
    from refmotion_manager.tracking import format_table
    from st_rl.checkpoints import find_checkpoint, find_run
    from st_rl.runner import OnPolicyRunner

    torch.set_num_threads(1)
    task_id, env_cfg, agent_cfg = load_cfgs(args.task, args.overrides, play=True, agent=args.agent)
    if getattr(env_cfg.commands, "expressive_goal_commands", None) is None:
        raise UsageError(f"{task_id} is not a mimic task (no expressive_goal_commands); eval runs St-Mimic-... tasks")
    if args.episodes < 1:
        raise UsageError(f"--episodes must be >= 1, got {args.episodes}")
    checkpoint = find_checkpoint(find_run(LOG_ROOT / agent_cfg.experiment_name, args.load_run), args.checkpoint)
    env_cfg.sim.device = agent_cfg.device = args.device = resolve_device(args.device)
    configure_eval(env_cfg, args.episodes)
    print(f"[eval] {task_id} | {args.episodes} episodes | checkpoint {checkpoint}", flush=True)
    env = make_vec_env(task_id, env_cfg, clip_actions=agent_cfg.clip_actions)
    agent_cfg.compile_update = False  # no update here
    try:
        runner = OnPolicyRunner(env, agent_cfg.to_rsl_rl(), log_dir=None, device=args.device,
                                checkpoint_infos=checkpoint_infos(env, task_id.removesuffix("-Play")))
        runner.load(str(checkpoint))
        result = evaluate(env, runner.get_inference_policy(device=args.device))
    finally:
        env.close()
    print(format_table(result))
    out = Path(args.out) if args.out else checkpoint.parent / "eval" / "mimic_eval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"task": task_id, "checkpoint": str(checkpoint), **result}, indent=2))
    print(f"[eval] {out}")
    return 0


if __name__ == "__main__":
    from legged_robots.tasks.utils.errors import run_main

    sys.exit(run_main(main))
