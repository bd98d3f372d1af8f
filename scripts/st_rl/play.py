"""Replay a trained policy on the task's play variant, print episode statistics and export it.

    ./run.sh play lus2                                   # latest run, latest checkpoint
    ./run.sh play lus2 --load_run 2026-11-21_10-00-00 --checkpoint 500 --steps 1000
    ./run.sh play lus2 --video                            # mp4 via MuJoCo's offscreen renderer, if any
    ./run.sh play lus2 --policy policies/lus2_flat/policy.onnx --video   # an exported policy, no checkpoint

Exports to <run>/exported/: policy.onnx and policy.pt (TorchScript), and policy.json — joint names in
policy order, default joint positions, action scale/offset, kp/kd/armature/effort limits per joint, the
observation terms (order, dims, scale, clip, history), sim dt, decimation, command ranges. The same
metadata is embedded in the ONNX file (key "st_gym"). Afterwards the recorded observations go through
TorchScript and ONNX and the largest action difference is printed; above 1e-5 the command fails.

With --policy, an exported policy.onnx runs instead of a checkpoint (through onnxruntime, as sim2mujoco and a
robot run it): statistics and --video only, nothing is exported; its joints and observation size must match
the task's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PARITY_TOLERANCE = 1e-5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", help="task id or robot name; its -Play variant is used when there is one")
    parser.add_argument("--load_run", help="run directory name or regex (default: the latest)")
    parser.add_argument("--checkpoint", help="model_<N>.pt or N (default: the latest of the run)")
    parser.add_argument("--num_envs", type=int, help="default: the play variant's")
    parser.add_argument("--steps", type=int, default=500, help="env steps to run (default 500 = 10 s)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda[:N]")
    parser.add_argument("--agent", default="st_rl", help="agent config the run was trained with")
    parser.add_argument("--video", action="store_true", help="record an mp4 of env 0 (MuJoCo offscreen renderer)")
    parser.add_argument("--policy", help="an exported policy.onnx to run instead of a checkpoint (exports nothing)")
    parser.add_argument("--out", help="with --policy: folder of the video (default: logs/play/<the policy's folder>)")
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="config overrides, as for train.py")
    return parser.parse_intermixed_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.video:  # MuJoCo picks its GL backend at first import (Isaac Lab's stack imports it early)
        os.environ.setdefault("MUJOCO_GL", "egl")
    import numpy as np
    import torch

    from legged_robots.tasks.utils.launch import LOG_ROOT, checkpoint_infos, load_cfgs, make_vec_env, resolve_device
    from legged_robots.tasks.utils.policy_metadata import policy_metadata
    from st_rl.checkpoints import find_checkpoint, find_run
    from st_rl.export import export_policy, parity
    from st_rl.runner import OnPolicyRunner

    torch.set_num_threads(1)
    task_id, env_cfg, agent_cfg = load_cfgs(args.task, args.overrides, play=True, agent=args.agent)
    if args.policy:
        return _play_exported(args, task_id, env_cfg, agent_cfg)
    checkpoint = find_checkpoint(find_run(LOG_ROOT / agent_cfg.experiment_name, args.load_run), args.checkpoint)
    env_cfg.sim.device = agent_cfg.device = args.device = resolve_device(args.device)
    if args.num_envs is not None:
        env_cfg.scene.num_envs = args.num_envs
    print(f"[play] {task_id} | {env_cfg.scene.num_envs} envs | checkpoint {checkpoint}", flush=True)
    env = make_vec_env(task_id, env_cfg, clip_actions=agent_cfg.clip_actions)
    try:
        train_task = task_id.removesuffix("-Play")
        runner = OnPolicyRunner(env, agent_cfg.to_rsl_rl(), log_dir=None, device=args.device,
                                checkpoint_infos=checkpoint_infos(env, train_task))
        runner.load(str(checkpoint))
        policy = runner.get_inference_policy(device=args.device)
        stats, recorded, frames = _rollout(env, policy, args.steps, record_qpos=args.video)
        print(f"[play] {stats['episodes']} episodes ended in {args.steps} steps x {env.num_envs} envs | "
              f"mean return {stats['mean_return']:.2f} | mean length {stats['mean_length']:.1f} steps | "
              f"time-outs {stats['time_outs']} | falls {stats['falls']}")
        out_dir = checkpoint.parent / "exported"
        metadata = {**policy_metadata(env, train_task), "checkpoint": str(checkpoint),
                    "recurrent": agent_cfg.policy.rnn_type is not None}
        paths = export_policy(runner, out_dir, metadata)
        diff = parity(paths, np.asarray(recorded))
        print(f"[play] exported {', '.join(p.name for p in paths.values())} to {out_dir}")
        print(f"[play] TorchScript vs ONNX on {len(recorded)} recorded observations: max |diff| = {diff:.2e} "
              f"({'ok' if diff < PARITY_TOLERANCE else 'FAIL'}, tolerance {PARITY_TOLERANCE:g})")
        if args.video:
            _video(frames, env.unwrapped, out_dir / "play.mp4")
    finally:
        env.close()
    return 0 if diff < PARITY_TOLERANCE else 1


def _play_exported(args, task_id: str, env_cfg, agent_cfg) -> int:
    """Run an exported ONNX policy (its metadata checked against the env) and report; export nothing."""
    from legged_robots.sim2mujoco.cli import output_dir
    from legged_robots.sim2mujoco.policy import OnnxPolicy
    from legged_robots.tasks.utils.errors import UsageError
    from legged_robots.tasks.utils.launch import make_vec_env, resolve_device

    if args.load_run or args.checkpoint:
        raise UsageError("--policy runs an exported policy.onnx, --load_run/--checkpoint a training checkpoint: "
                         "give one or the other")
    path = Path(args.policy)
    first = OnnxPolicy(path)  # checks the file, its graph and its metadata
    env_cfg.sim.device = args.device = resolve_device(args.device)
    if args.num_envs is not None:
        env_cfg.scene.num_envs = args.num_envs
    print(f"[play] {task_id} | {env_cfg.scene.num_envs} envs | policy {path}", flush=True)
    env = make_vec_env(task_id, env_cfg, clip_actions=agent_cfg.clip_actions)
    try:
        joints = list(env.unwrapped.action_manager.get_term("joint_pos")._joint_names)
        if joints != list(first.metadata["joint_names"]):
            raise UsageError(f"{path} drives {len(first.metadata['joint_names'])} joints "
                             f"({', '.join(first.metadata['joint_names'][:3])}, ...), {task_id} has {len(joints)} "
                             f"({', '.join(joints[:3])}, ...) in another order or set: it was trained on "
                             f"{first.metadata.get('task', 'another task')}")
        obs_dim = int(env.get_observations()["policy"].shape[-1])
        if obs_dim != first.obs_dim:
            raise UsageError(f"{path} takes {first.obs_dim} observations, {task_id} gives {obs_dim}: it was trained "
                             f"on {first.metadata.get('task', 'another task')}")
        policy = _OnnxPolicies([first] + [OnnxPolicy(path, first.metadata) for _ in range(env.num_envs - 1)])
        stats, _, frames = _rollout(env, policy, args.steps, record_qpos=args.video)
        print(f"[play] {stats['episodes']} episodes ended in {args.steps} steps x {env.num_envs} envs | "
              f"mean return {stats['mean_return']:.2f} | mean length {stats['mean_length']:.1f} steps | "
              f"time-outs {stats['time_outs']} | falls {stats['falls']}")
        if args.video:
            out = Path(args.out) if args.out else output_dir(path, "play")
            out.mkdir(parents=True, exist_ok=True)
            _video(frames, env.unwrapped, out / "play.mp4")
    finally:
        env.close()
    return 0


class _OnnxPolicies:
    """One ``OnnxPolicy`` per env (each carries its own recurrent state), called on the batch of observations."""

    def __init__(self, policies):
        self.policies = policies

    def __call__(self, obs):
        import numpy as np
        import torch

        batch = obs["policy"].detach().cpu().numpy()
        return torch.as_tensor(np.stack([p(o) for p, o in zip(self.policies, batch)]), dtype=torch.float32)

    def reset(self, done) -> None:
        for i in done.nonzero().flatten().tolist():
            self.policies[i].reset()


def _rollout(env, policy, steps: int, record_qpos: bool):
    """Run the policy; return episode statistics, env 0's policy observations (for the export parity check)
    and, for a video, env 0's states."""
    import torch

    obs = env.get_observations()
    robot = env.unwrapped.scene["robot"]
    returns = torch.zeros(env.num_envs)
    lengths = torch.zeros(env.num_envs)
    finished_returns, finished_lengths, time_outs, falls = [], [], 0, 0
    recorded, frames = [], []
    policy_reset = getattr(policy, "reset", None)
    with torch.inference_mode():
        for _ in range(steps):
            recorded.append(obs["policy"][0].cpu().numpy().copy())
            actions = policy(obs)
            obs, rewards, dones, extras = env.step(actions)
            returns += rewards.cpu()
            lengths += 1
            if record_qpos:
                frames.append(tuple(x.torch[0].cpu().numpy().copy() for x in
                                    (robot.data.root_pos_w, robot.data.root_quat_w, robot.data.joint_pos)))
            done = dones.cpu().bool()
            if done.any():
                timeout = extras.get("time_outs", torch.zeros_like(done)).cpu().bool()
                time_outs += int((done & timeout).sum())
                falls += int((done & ~timeout).sum())
                finished_returns += returns[done].tolist()
                finished_lengths += lengths[done].tolist()
                returns[done] = 0
                lengths[done] = 0
                if policy_reset is not None:
                    policy_reset(done)
    all_returns = finished_returns or returns.tolist()
    all_lengths = finished_lengths or lengths.tolist()
    stats = {"episodes": len(finished_returns), "mean_return": sum(all_returns) / len(all_returns),
             "mean_length": sum(all_lengths) / len(all_lengths), "time_outs": time_outs, "falls": falls}
    return stats, recorded, frames


def _video(frames, env, path: Path) -> None:
    """Replay env 0's states in plain MuJoCo on the same model and write an mp4, where a renderer exists."""
    try:
        from legged_robots.utils.mujoco_video import render_states_mp4
    except ImportError as err:
        print(f"[play] no video: {err}")
        return
    try:
        render_states_mp4(frames, env.scene["robot"].joint_names, 1.0 / env.step_dt, path)
        print(f"[play] video: {path}")
    except RuntimeError as err:
        print(f"[play] no video: {err}; carrying on without it")


if __name__ == "__main__":
    from legged_robots.tasks.utils.errors import run_main

    sys.exit(run_main(main))
