"""What the play scripts of both frameworks (``scripts/st_rl/play.py``, ``scripts/skrl/play.py``) share: the
command line, running a policy on the play variant with episode statistics, the export parity report, the
MuJoCo replay video, and running an exported ``policy.onnx`` (``--policy``) without any checkpoint.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

PARITY_TOLERANCE = 1e-5


def play_arg_parser(doc: str, framework: str) -> argparse.ArgumentParser:
    from legged_robots.utils.args import POSITIVE_INT, existing_file, float_in

    from .training import FRAMEWORKS

    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", help="task id or robot name; its -Play variant is used when there is one")
    parser.add_argument("--framework", choices=FRAMEWORKS, default=framework,
                        help=f"framework the run was trained with (default here: {framework})")
    parser.add_argument("--load_run", help="run directory name or regex (default: the latest)")
    parser.add_argument("--checkpoint", help="model_<N>.pt or N (default: the latest of the run)")
    parser.add_argument("--num_envs", type=POSITIVE_INT, help="default: the play variant's")
    parser.add_argument("--steps", type=POSITIVE_INT, default=500, help="env steps to run (default 500 = 10 s)")
    parser.add_argument("--command", nargs=3, type=float_in(), metavar=("VX", "VY", "WZ"),
                        help="hold this velocity command in every env (forward, lateral [m/s], yaw rate [rad/s]) "
                             "instead of sampling commands; the tracking figures are then the walking verdict's")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda[:N]")
    parser.add_argument("--agent", default="st_rl", help="agent config the run was trained with")
    parser.add_argument("--video", action="store_true", help="record an mp4 of env 0 (MuJoCo offscreen renderer)")
    parser.add_argument("--policy", type=existing_file,
                        help="an exported policy.onnx to run instead of a checkpoint (exports nothing)")
    parser.add_argument("--out", help="with --policy: folder of the video (default: logs/play/<the policy's folder>)")
    parser.add_argument("--style-report", dest="style_report", action="store_true",
                        help="compare the rollout's joint-position distributions with the reference clips' (mean "
                             "per-joint Wasserstein-1, rad; the task's clips, else our lus2 clips); also saved as "
                             "style_report.json beside the export")
    if framework == "st_rl":
        parser.add_argument("--stochastic", action="store_true",
                            help="sample actions from the policy's action noise, as training does (default: the "
                                 "noise-free mean, which is what gets exported); a policy that moves only under its "
                                 "noise walks with this flag and stands without it")
    parser.add_argument("--headless", action="store_true",
                        help="accepted for Isaac Lab compatibility; play never opens a window here")
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="config overrides, as for train.py")
    return parser


def prepare_play(args):
    """(task id, env cfg, agent cfg) of the task's play variant, with the overrides; torch on one thread."""
    if args.video:  # MuJoCo picks its GL backend at first import (Isaac Lab's stack imports it early)
        os.environ.setdefault("MUJOCO_GL", "egl")
    import torch

    from .launch import load_cfgs

    torch.set_num_threads(1)
    task_id, env_cfg, agent_cfg = load_cfgs(args.task, args.overrides, play=True, agent=args.agent)
    if args.command is not None:
        cmd = getattr(env_cfg.commands, "base_velocity", None)
        args.configured_command_ranges = None if cmd is None else {
            k: list(v) for k, v in vars(cmd.ranges).items() if isinstance(v, (tuple, list))}
        hold_command(env_cfg, args.command, task_id)
    return task_id, env_cfg, agent_cfg


def run_env_params(checkpoint) -> dict:
    """The env config a checkpoint's run trained with (its ``params/env.yaml``, overrides included); {} without."""
    import yaml

    from .config_files import _ParamsLoader

    env_yaml = Path(checkpoint).parent / "params" / "env.yaml"
    return (yaml.load(env_yaml.read_text(), Loader=_ParamsLoader) or {}) if env_yaml.is_file() else {}


def trained_command_ranges(metadata: dict, args, checkpoint) -> dict:
    """``metadata`` with the command ranges the policy was trained with, which play's env does not know (it runs
    the task's configured ranges, or the one command ``--command`` holds): the ranges the checkpoint's command
    curriculum reached, else the training run's (its ``params/env.yaml``, overrides included), else the configured
    ones. The ROS 2 bridge clamps /cmd_vel to these, so they must be the trained ones."""
    exported = (metadata.get("commands") or {}).get("base_velocity")
    ranges = getattr(args, "configured_command_ranges", None) if args.command is not None else exported
    if ranges is None:  # no velocity command
        return metadata
    import torch

    run_ranges = ((run_env_params(checkpoint).get("commands") or {}).get("base_velocity") or {}).get("ranges") or {}
    ranges = {**ranges, **{k: list(v) for k, v in run_ranges.items() if isinstance(v, (list, tuple))}}

    ckpt = torch.load(checkpoint, map_location="cpu", weights_only=False)
    state = (ckpt.get("infos") or {}).get("env_state", {}) if isinstance(ckpt, dict) else {}
    reached = state.get("curriculum/command_levels") or {}
    return {**metadata, "commands": {**metadata.get("commands", {}), "base_velocity": {**ranges, **reached}}}


def hold_command(env_cfg, command, task_id: str) -> None:
    """Every env follows ``command`` (vx, vy, wz) for the whole run: no resampling, no heading control, no
    standing envs, no command curriculum."""
    from .errors import UsageError

    cmd = getattr(env_cfg.commands, "base_velocity", None)
    if cmd is None:
        raise UsageError(f"--command: {task_id} has no velocity command (base_velocity) to hold")
    vx, vy, wz = (float(v) for v in command)
    cmd.ranges.lin_vel_x, cmd.ranges.lin_vel_y, cmd.ranges.ang_vel_z = (vx, vx), (vy, vy), (wz, wz)
    cmd.heading_command, cmd.rel_heading_envs, cmd.rel_standing_envs = False, 0.0, 0.0
    cmd.resampling_time_range = (1.0e9, 1.0e9)
    if getattr(env_cfg.curriculum, "command_levels", None) is not None:
        env_cfg.curriculum.command_levels = None


STARTUP_STEPS = 100  # the first 2 s of each episode are not judged (sim2mujoco's start-up window)


class VelocityTracking:
    """Commanded vs achieved base velocity of every env at every step (forward and lateral in the heading frame,
    world yaw rate: what training and sim2mujoco track), past each episode's first ``STARTUP_STEPS``."""

    def __init__(self, env):
        u = env.unwrapped
        self.u, self.robot = u, u.scene["robot"]
        self.term = u.command_manager.get_term("base_velocity") if "base_velocity" in \
            u.command_manager.active_terms else None
        self.commands, self.achieved = [], []
        self.q_min = self.q_max = None  # each joint's extremes over the run, for the ROS 2 bridge's joint fault

    def record(self) -> None:
        if self.term is None:
            return
        import torch
        from isaaclab.utils.math import quat_apply_inverse, yaw_quat

        d = self.robot.data  # as track_lin_vel_xy_yaw_frame_exp and track_ang_vel_z_world_exp read them
        vel_yaw = quat_apply_inverse(yaw_quat(d.root_quat_w.torch), d.root_lin_vel_w.torch[:, :3])
        achieved = torch.cat([vel_yaw[:, :2], d.root_ang_vel_w.torch[:, 2:3]], dim=1)
        judged = self.u.episode_length_buf >= STARTUP_STEPS
        self.commands.append(self.term.command[judged].cpu().clone())
        self.achieved.append(achieved[judged].cpu().clone())
        q = d.joint_pos.torch
        q_min, q_max = q.min(dim=0).values.cpu(), q.max(dim=0).values.cpu()
        self.q_min = q_min if self.q_min is None else torch.minimum(self.q_min, q_min)
        self.q_max = q_max if self.q_max is None else torch.maximum(self.q_max, q_max)

    def summary(self, bin_width: float = 0.25) -> dict | None:
        """Per axis mean |v - v_cmd| and RMSE over every judged env-step, and the same per bin of the commanded
        value on that axis."""
        if self.term is None or not self.commands:
            return None
        import numpy as np

        from legged_robots.sim2mujoco.evaluate import AXES, safety_margin, tracking_errors
        from st_runtime.safety import safety_limits

        cmd = np.concatenate([c.numpy() for c in self.commands]).astype(float)
        ach = np.concatenate([a.numpy() for a in self.achieved]).astype(float)
        if not len(cmd):
            return {"samples": 0}
        out = {"samples": len(cmd), "overall": tracking_errors(ach, cmd, np.ones(len(cmd), bool)), "bins": []}
        d = self.robot.data
        limits = safety_limits(d.joint_pos_limits.torch, d.soft_joint_pos_limits.torch).cpu()  # (envs, joints, 2)
        tightest = np.stack([limits[..., 0].max(dim=0).values.numpy(), limits[..., 1].min(dim=0).values.numpy()], 1)
        out["overall"].update(safety_margin(np.stack([self.q_min.numpy(), self.q_max.numpy()]), tightest,
                                            self.robot.joint_names))
        for i, axis in enumerate(AXES):
            edges = np.floor(cmd[:, i] / bin_width + 0.5)  # bins centred on multiples of bin_width
            for b in np.unique(edges):
                mask = edges == b
                e = ach[mask, i] - cmd[mask, i]
                out["bins"].append({"axis": axis, "command": float(b * bin_width), "samples": int(mask.sum()),
                                    "mean_error": float(np.abs(e).mean()), "rmse": float(np.sqrt(np.mean(e**2)))})
        return out


def print_tracking(summary: dict | None, command=None) -> None:
    """The velocity-tracking figures of a rollout; with a held ``command``, also against the walking verdict's
    pinned thresholds (sim2mujoco's)."""
    if summary is None:
        return
    from legged_robots.sim2mujoco.evaluate import Thresholds, tracking_line, verdict

    if not summary["samples"]:
        print(f"[play] velocity tracking: nothing to judge, every episode ended within its first "
              f"{STARTUP_STEPS * 0.02:g} s" + (" (run more --steps)" if command is None else ""))
        return
    o = summary["overall"]
    print(f"[play] velocity tracking over {summary['samples']} env-steps (each episode's first "
          f"{STARTUP_STEPS * 0.02:g} s left out): {tracking_line(o)} | closest to the ROS 2 bridge's joint fault: "
          f"{o['safety_limit_joint']} {o['safety_limit_margin']:+.3f} rad")
    if command is not None:
        _, failed = verdict(o, Thresholds())
        print(f"[play] command {' '.join(f'{v:g}' for v in command)}: "
              + ("within the walking verdict's thresholds" if not failed else "beyond the walking verdict's "
                 "thresholds: " + "; ".join(failed)))
        return
    print("[play]   per command bin (the axis' commanded value, +-0.125): axis, command, env-steps, mean |err|, RMSE")
    for b in summary["bins"]:
        if b["samples"] >= 50:
            print(f"[play]   {b['axis']:9s} {b['command']:+5.2f} {b['samples']:7d} {b['mean_error']:.3f} "
                  f"{b['rmse']:.3f}")


def print_stats(stats: dict, steps: int, num_envs: int, command=None) -> None:
    print(f"[play] {stats['episodes']} episodes ended in {steps} steps x {num_envs} envs | "
          f"mean return {stats['mean_return']:.2f} | mean length {stats['mean_length']:.1f} steps | "
          f"time-outs {stats['time_outs']} | falls {stats['falls']}")
    print_tracking(stats.get("tracking"), command)
    print_gait(stats.get("gait"))


def report_export(paths: dict, out_dir: Path, recorded) -> bool:
    """Print what was exported and the TorchScript-vs-ONNX parity on the recorded observations; True if ok."""
    import numpy as np

    from st_rl.export import parity

    diff = parity(paths, np.asarray(recorded))
    print(f"[play] exported {', '.join(p.name for p in paths.values())} to {out_dir}")
    print(f"[play] TorchScript vs ONNX on {len(recorded)} recorded observations: max |diff| = {diff:.2e} "
          f"({'ok' if diff < PARITY_TOLERANCE else 'FAIL'}, tolerance {PARITY_TOLERANCE:g})")
    return diff < PARITY_TOLERANCE


def policy_terms_as_exported(env_cfg, metadata, path) -> None:
    """The policy observation group as the exported policy reads it: the task's terms the metadata does not list are
    left out (a policy exported before a term joined the task, e.g. the gait clock, still plays); a term it lists that
    the task lacks is an error naming it."""
    from legged_robots.tasks.utils.errors import UsageError

    group = env_cfg.observations.policy
    have = [n for n in group.__dataclass_fields__ if hasattr(getattr(group, n), "func")]
    wanted = [t.name for t in metadata.observation.terms]
    missing = [n for n in wanted if n not in have]
    if missing:
        raise UsageError(f"{path} observes {', '.join(missing)}, which this task does not have: it was trained on "
                         f"{metadata.task or 'another task'}")
    if [n for n in have if n in wanted] != wanted:
        raise UsageError(f"{path} reads its observation terms in another order than this task builds them "
                         f"({', '.join(wanted)}): it was trained on {metadata.task or 'another task'}")
    for name in have:
        if name not in wanted:
            setattr(group, name, None)
    group.history_length = metadata.observation.history_length or None  # the frames it was trained to see
    clock = next((t.params for t in metadata.observation.terms if t.kind == "gait_phase"), None)
    if clock is not None:
        set_gait_clock(env_cfg, clock)
    for term in metadata.observation.terms:
        if term.history_length and not metadata.observation.history_length:
            getattr(group, term.name).history_length = term.history_length


def trained_observation_history(env_cfg, checkpoint) -> None:
    """The policy's observation as the training run had it (its ``params/env.yaml``): the policy group's history
    (e.g. trained with ``env.observations.policy.history_length=5``: the checkpoint's first layer fits no other
    width) and the gait clock's numbers (a checkpoint trained on a speed-dependent clock walks to that clock)."""
    run = (run_env_params(checkpoint).get("observations") or {}).get("policy") or {}
    history = run.get("history_length")
    group = env_cfg.observations.policy
    if isinstance(history, int) and history != (group.history_length or 0):
        print(f"[play] the policy sees {history} frames of history, as its run trained it", flush=True)
        group.history_length = history or None
    clock = (run.get("gait_phase") or {}).get("params")
    if clock:
        set_gait_clock(env_cfg, clock)


def set_gait_clock(env_cfg, params: dict) -> None:
    """Every term that reads the gait clock (``cfg_checks.GAIT_TERMS``) on the clock ``params`` describe (period,
    fast_period, fast_speed; absent: the fixed clock's defaults); said when that changes the task's clock."""
    from .cfg_checks import GAIT_KEYS, GAIT_TERMS, _terms

    wanted = {"period": params.get("period", 0.8), "fast_period": params.get("fast_period"),
              "fast_speed": tuple(params.get("fast_speed") or (0.5, 1.0))}
    changed = False
    for _, term in _terms(env_cfg):
        if getattr(getattr(term, "func", None), "__name__", "") in GAIT_TERMS:
            changed |= any(term.params.get(k) != wanted[k] for k in GAIT_KEYS)
            term.params.update(wanted)
    if changed:
        print(f"[play] the gait clock as the policy was trained: period {wanted['period']} s"
              + (f", {wanted['fast_period']} s at {wanted['fast_speed'][1]} m/s" if wanted["fast_period"] else ""),
              flush=True)


def play_exported(args, task_id: str, env_cfg, agent_cfg) -> int:
    """Run an exported ONNX policy (its metadata checked against the env) and report; export nothing."""
    from legged_robots.sim2mujoco.cli import output_dir
    from legged_robots.tasks.utils.errors import UsageError
    from legged_robots.tasks.utils.launch import make_vec_env, resolve_device
    from st_runtime.policy import OnnxPolicy

    if args.load_run or args.checkpoint:
        raise UsageError("--policy runs an exported policy.onnx, --load_run/--checkpoint a training checkpoint: "
                         "give one or the other")
    path = Path(args.policy)
    first = OnnxPolicy(path)  # checks the file, its graph and its metadata
    policy_terms_as_exported(env_cfg, first.metadata, path)
    env_cfg.sim.device = args.device = resolve_device(args.device)
    if args.num_envs is not None:
        env_cfg.scene.num_envs = args.num_envs
    print(f"[play] {task_id} | {env_cfg.scene.num_envs} envs | policy {path}", flush=True)
    env = make_vec_env(task_id, env_cfg, clip_actions=agent_cfg.clip_actions)
    try:
        joints = list(env.unwrapped.action_manager.get_term("joint_pos")._joint_names)
        if joints != list(first.metadata.joint_names):
            raise UsageError(f"{path} drives {len(first.metadata.joint_names)} joints "
                             f"({', '.join(first.metadata.joint_names[:3])}, ...), {task_id} has {len(joints)} "
                             f"({', '.join(joints[:3])}, ...) in another order or set: it was trained on "
                             f"{first.metadata.task or 'another task'}")
        obs_dim = int(env.get_observations()["policy"].shape[-1])
        if obs_dim != first.obs_dim:
            raise UsageError(f"{path} takes {first.obs_dim} observations, {task_id} gives {obs_dim}: it was trained "
                             f"on {first.metadata.task or 'another task'}")
        policy = OnnxPolicies([first] + [OnnxPolicy(path, first.metadata) for _ in range(env.num_envs - 1)])
        stats, _, frames = rollout(env, policy, args.steps, record_qpos=args.video, record_joint_pos=args.style_report)
        print_stats(stats, args.steps, env.num_envs, args.command)
        out = Path(args.out) if args.out else output_dir(path, "play")
        report_style(args, env, stats, out)
        if args.video:
            out.mkdir(parents=True, exist_ok=True)
            video(frames, env.unwrapped, out / "play.mp4")
    finally:
        env.close()
    return 0


class OnnxPolicies:
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


class GaitStats:
    """Is it stepping? Per foot (the bodies the ``feet_air_time`` reward's contact sensor watches), past the first
    ``STARTUP_STEPS`` of the run: the share of steps each foot is down (net contact force > 1 N), both down, both
    up, and touchdowns per second. A policy that stands shows ~100 % both down and ~0 touchdowns/s."""

    def __init__(self, env):
        from .policy_metadata import feet_sensor

        u = env.unwrapped
        self.dt, self.down = u.step_dt, []
        self.sensor, self.ids, self.names = feet_sensor(u) or (None, None, None)

    def record(self) -> None:
        if self.sensor is not None:
            forces = self.sensor.data.net_forces_w.torch[:, self.ids]
            self.down.append((forces.norm(dim=-1) > 1.0).cpu().numpy())

    def summary(self) -> dict | None:
        import numpy as np

        if self.sensor is None or len(self.down) <= STARTUP_STEPS + 1:
            return None
        down = np.stack(self.down[STARTUP_STEPS:])  # (steps, envs, feet)
        touchdowns = (down[1:] & ~down[:-1]).sum(axis=0)  # (envs, feet)
        seconds = (len(down) - 1) * self.dt
        return {"startup_s": STARTUP_STEPS * self.dt, "feet": self.names, "down_share": down.mean(axis=(0, 1)).tolist(),
                "all_down_share": float(down.all(axis=2).mean()), "all_up_share": float((~down).all(axis=2).mean()),
                "touchdowns_per_s": (touchdowns.mean(axis=0) / seconds).tolist()}


def print_gait(gait: dict | None) -> None:
    if not gait:
        return
    feet = ", ".join(f"{n} {100 * s:.0f} %" for n, s in zip(gait["feet"], gait["down_share"]))
    steps = ", ".join(f"{r:.2f}" for r in gait["touchdowns_per_s"])
    print(f"[play] gait past the first {gait['startup_s']:g} s: feet down {feet}; all down "
          f"{100 * gait['all_down_share']:.0f} %, all up {100 * gait['all_up_share']:.0f} %; touchdowns/s per foot "
          f"{steps}")


def rollout(env, policy, steps: int, record_qpos: bool, record_joint_pos: bool = False):
    """Run the policy; return episode statistics, env 0's policy observations (for the export parity check)
    and, for a video, env 0's states. ``record_joint_pos``: every env's joint positions per step go into the
    statistics (``joint_pos``, for --style-report). The statistics carry the velocity tracking (``tracking``,
    ``VelocityTracking.summary``) where the task has a velocity command."""
    import torch

    obs = env.get_observations()
    robot = env.unwrapped.scene["robot"]
    returns = torch.zeros(env.num_envs)
    lengths = torch.zeros(env.num_envs)
    finished_returns, finished_lengths, time_outs, falls = [], [], 0, 0
    recorded, frames, joint_pos = [], [], []
    policy_reset = getattr(policy, "reset", None)
    tracking = VelocityTracking(env)
    gait = GaitStats(env)
    with torch.inference_mode():
        for _ in range(steps):
            recorded.append(obs["policy"][0].cpu().numpy().copy())
            actions = policy(obs)
            obs, rewards, dones, extras = env.step(actions)
            returns += rewards.cpu()
            lengths += 1
            tracking.record()
            gait.record()
            if record_joint_pos:
                joint_pos.append(robot.data.joint_pos.torch.cpu().clone())
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
             "mean_length": sum(all_lengths) / len(all_lengths), "time_outs": time_outs, "falls": falls,
             "joint_pos": torch.stack(joint_pos).numpy() if joint_pos else None,  # (steps, envs, joints)
             "tracking": tracking.summary(), "gait": gait.summary()}
    return stats, recorded, frames


def report_style(args, env, stats: dict, out_dir: Path) -> None:
    """With ``--style-report``: the style figure of this rollout (tasks/utils/style_report.py), printed and saved."""
    if not getattr(args, "style_report", False):
        return
    import json

    from .style_report import default_motion_files, print_style_report, style_report

    robot = env.unwrapped.scene["robot"]
    samples = stats["joint_pos"][min(25, len(stats["joint_pos"]) - 1):]  # past the first half second after reset
    report = style_report(samples.reshape(-1, samples.shape[-1]), list(robot.joint_names),
                          default_motion_files(env.unwrapped.cfg, robot.joint_names))
    print_style_report(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "style_report.json").write_text(json.dumps(report, indent=2))


def video(frames, env, path: Path) -> None:
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
