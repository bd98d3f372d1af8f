"""Replay an skrl-trained policy on the task's play variant, print episode statistics and export it: the same
command line and the same exported files (policy.onnx + policy.pt + policy.json, metadata embedded in the ONNX)
as scripts/st_rl/play.py, so sim2mujoco and the ROS 2 bridge take an skrl policy unchanged.

    ./run.sh play lus2 --framework skrl                       # latest skrl run, latest checkpoint
    ./run.sh play lus2 --framework skrl --load_run RUN --checkpoint 500 --steps 1000 --video
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import sys


def main(argv=None) -> int:
    from legged_robots.tasks.utils.playback import play_arg_parser, play_exported, prepare_play

    args = play_arg_parser(__doc__, "skrl").parse_intermixed_args(argv)
    from legged_robots.tasks.utils.training import check_framework

    check_framework(args, "skrl", "play")
    task_id, env_cfg, agent_cfg = prepare_play(args)
    if args.policy:
        return play_exported(args, task_id, env_cfg, agent_cfg)

    import torch

    from legged_robots.tasks.utils.agent_cfgs import skrl_cfg
    from legged_robots.tasks.utils.launch import log_root, make_skrl_env, resolve_device, with_run_presets
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
    from legged_robots.tasks.utils.skrl_runner import SkrlTraining, checkpoint_infos, export_actor
    from st_rl.checkpoints import find_checkpoint, find_run

    checkpoint = find_checkpoint(find_run(log_root("skrl") / agent_cfg.experiment_name, args.load_run),
                                 args.checkpoint)
    overrides = with_run_presets(args.overrides, checkpoint, "play")
    if overrides != list(args.overrides):  # the robot model the policy was trained with
        args.overrides = overrides
        task_id, env_cfg, agent_cfg = prepare_play(args)
    trained_observation_history(env_cfg, checkpoint)
    env_cfg.sim.device = agent_cfg.device = args.device = resolve_device(args.device)
    if args.num_envs is not None:
        env_cfg.scene.num_envs = args.num_envs
    print(f"[play] {task_id} | {env_cfg.scene.num_envs} envs | checkpoint {checkpoint}", flush=True)
    env = make_skrl_env(task_id, env_cfg)
    try:
        train_task = task_id.removesuffix("-Play")
        u = env.unwrapped
        infos = checkpoint_infos(env, train_task)
        training = SkrlTraining(env, skrl_cfg(agent_cfg, env_cfg), run_dir=None, checkpoint_infos=infos)
        training.load(checkpoint)
        actor = training.actor()

        def policy(obs):
            with torch.no_grad():
                return actor(obs["policy"])

        stats, recorded, frames = rollout(_Obs(env), policy, args.steps, record_qpos=args.video,
                                           record_joint_pos=args.style_report)
        print_stats(stats, args.steps, u.num_envs, args.command)
        out_dir = checkpoint.parent / "exported"
        report_style(args, _Obs(env), stats, out_dir)
        metadata = {**policy_metadata(u, train_task), "checkpoint": str(checkpoint), "recurrent": False,
                    "framework": "skrl"}
        metadata = trained_command_ranges(metadata, args, checkpoint)  # the trained ones, not play's
        paths = export_actor(actor, infos["obs_dims"]["policy"], out_dir, metadata)
        ok = report_export(paths, out_dir, recorded)
        if args.video:
            video(frames, u, out_dir / "play.mp4")
    finally:
        env.close()
    return 0 if ok else 1


class _Obs:
    """The skrl-wrapped env seen as the rollout helper sees an rsl-rl one: observation groups by name,
    ``(obs, rewards, dones, extras)`` steps."""

    def __init__(self, env):
        self.env, self.unwrapped, self.num_envs = env, env.unwrapped, env.num_envs

    def get_observations(self):
        self.env.reset()  # skrl's wrapper steps only after a reset
        return self.unwrapped.obs_buf

    def step(self, actions):
        _, rewards, terminated, truncated, extras = self.env.step(actions)
        dones = (terminated | truncated).flatten()
        return (self.unwrapped.obs_buf, rewards.flatten(), dones,
                {**extras, "time_outs": truncated.flatten()})


if __name__ == "__main__":
    from legged_robots.tasks.utils.errors import run_main

    sys.exit(run_main(main))
