"""Replay a trained policy on the task's play variant, print episode statistics and export it.

    ./run.sh play lus2                                   # latest run, latest checkpoint
    ./run.sh play lus2 --load_run 2026-11-21_10-00-00 --checkpoint 500 --steps 1000
    ./run.sh play lus2 --video                            # mp4 via MuJoCo's offscreen renderer, if any
    ./run.sh play lus2 --policy policies/lus2_flat/policy.onnx --video   # an exported policy, no checkpoint
    ./run.sh play lus2 --command 0.5 0 0                 # hold one velocity command in every env
    ./run.sh play lus2 --command 0.5 0 0 --stochastic    # with training's action noise (the export stays the mean)

Prints episode statistics and the velocity tracking: per axis (forward and lateral in the heading frame, yaw
rate) the mean |v - v_cmd| and RMSE over every env-step past each episode's first 2 s, per bin of the commanded
value when commands are sampled, and against the walking verdict's thresholds with --command.

Exports to <run>/exported/: policy.onnx and policy.pt (TorchScript), and policy.json — joint names in
policy order, default joint positions, action scale/offset, kp/kd/armature/effort limits per joint, the
observation terms (order, dims, scale, clip, history), sim dt, decimation, command ranges. The same
metadata is embedded in the ONNX file (key "st_gym"). Afterwards the recorded observations go through
TorchScript and ONNX and the largest action difference is printed; above 1e-5 the command fails.

--style-report prints how far the rollout's joint-position distributions are from the reference clips'
(mean per-joint Wasserstein-1 distance, rad): a style figure that trusts no discriminator (AMP tasks).

With --policy, an exported policy.onnx runs instead of a checkpoint (through onnxruntime, as sim2mujoco and a
robot run it): statistics and --video only, nothing is exported; its joints and observation size must match
the task's.
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import sys


def main(argv=None) -> int:
    from legged_robots.tasks.utils.playback import play_arg_parser, play_exported, prepare_play

    args = play_arg_parser(__doc__, "st_rl").parse_intermixed_args(argv)
    from legged_robots.tasks.utils.training import check_framework

    check_framework(args, "st_rl", "play")
    if args.stochastic and args.policy:
        from legged_robots.tasks.utils.errors import UsageError

        raise UsageError("--stochastic samples a training checkpoint's action noise; an exported policy.onnx has "
                         "none: give --load_run/--checkpoint instead of --policy")
    task_id, env_cfg, agent_cfg = prepare_play(args)
    if args.policy:
        return play_exported(args, task_id, env_cfg, agent_cfg)

    from legged_robots.tasks.utils.launch import (
        LOG_ROOT,
        checkpoint_infos,
        make_vec_env,
        resolve_device,
        with_run_presets,
    )
    from legged_robots.tasks.utils.playback import (
        print_stats,
        report_export,
        report_style,
        rollout,
        trained_command_ranges,
        trained_observation_history,
        video,
    )
    from legged_robots.tasks.utils.policy_metadata import policy_metadata
    from st_rl.checkpoints import find_checkpoint, find_run
    from st_rl.export import export_policy
    from st_rl.runner import OnPolicyRunner

    checkpoint = find_checkpoint(find_run(LOG_ROOT / agent_cfg.experiment_name, args.load_run), args.checkpoint)
    overrides = with_run_presets(args.overrides, checkpoint, "play")
    if overrides != list(args.overrides):  # the robot model the policy was trained with
        args.overrides = overrides
        task_id, env_cfg, agent_cfg = prepare_play(args)
    trained_observation_history(env_cfg, checkpoint)
    if args.stochastic:
        agent_cfg.policy.max_noise_std = trained_noise_cap(agent_cfg, checkpoint, args.overrides)
    env_cfg.sim.device = agent_cfg.device = args.device = resolve_device(args.device)
    if args.num_envs is not None:
        env_cfg.scene.num_envs = args.num_envs
    print(f"[play] {task_id} | {env_cfg.scene.num_envs} envs | checkpoint {checkpoint}", flush=True)
    env = make_vec_env(task_id, env_cfg, clip_actions=agent_cfg.clip_actions)
    agent_cfg.compile_update = False  # no update here
    try:
        train_task = task_id.removesuffix("-Play")
        runner = OnPolicyRunner(env, agent_cfg.to_rsl_rl(), log_dir=None, device=args.device,
                                checkpoint_infos=checkpoint_infos(env, train_task))
        runner.load(str(checkpoint))
        policy = runner.get_inference_policy(device=args.device)
        if args.stochastic:
            mean_policy = policy

            def policy(obs):
                return mean_policy(obs, stochastic_output=True)

        stats, recorded, frames = rollout(env, policy, args.steps, record_qpos=args.video,
                                           record_joint_pos=args.style_report)
        if args.stochastic:
            print(f"[play] --stochastic: actions sampled with the checkpoint's noise (std "
                  f"{mean_policy.output_std.mean().item():.3f}, mean over joints); the export is the mean", flush=True)
        print_stats(stats, args.steps, env.num_envs, args.command)
        out_dir = checkpoint.parent / "exported"
        report_style(args, env, stats, out_dir)
        metadata = {**policy_metadata(env, train_task), "checkpoint": str(checkpoint),
                    "recurrent": agent_cfg.policy.rnn_type is not None}
        metadata = trained_command_ranges(metadata, args, checkpoint)  # the trained ones, not play's
        ok = report_export(export_policy(runner, out_dir, metadata), out_dir, recorded)
        if args.video:
            video(frames, env.unwrapped, out_dir / "play.mp4")
    finally:
        env.close()
    return 0 if ok else 1


def trained_noise_cap(agent_cfg, checkpoint, overrides) -> float | None:
    """The action-noise cap the run trained with (its params/agent.yaml), unless the command line sets one: the
    checkpoint stores the uncapped std parameter, so --stochastic would otherwise sample more noise than training."""
    import yaml

    path = checkpoint.parent / "params" / "agent.yaml"
    if any(o.startswith("agent.policy.max_noise_std=") for o in overrides) or not path.is_file():
        return agent_cfg.policy.max_noise_std
    return (yaml.safe_load(path.read_text()).get("policy") or {}).get("max_noise_std")


if __name__ == "__main__":
    from legged_robots.tasks.utils.errors import run_main

    sys.exit(run_main(main))
