"""The same exported policy in Isaac Lab (Newton) and plain MuJoCo, side by side: where do they part?

    ./run.sh sim2sim lus2                               # latest run, every default scenario, closed loop
    ./run.sh sim2sim lus2 --scenario forward_0.5 --tolerance 0.02
    ./run.sh sim2sim lus2 --open-loop                   # same actions in both, no policy: the plant alone
    ./run.sh sim2sim --policy path/to/policy.onnx --open-loop --actions actions.npy

Closed loop: same initial state, commands and pushes; every step each observation term is compared and
the first step and term beyond --tolerance is reported, with the worst difference per term, the joint
and action RMSE, and each simulator's base-velocity tracking (mean |v - v_cmd| and RMSE per axis over the
scenario's steady window, as sim2mujoco judges it) with the mean base velocities side by side. Logs
(observations, actions, joint positions, base velocities of both) go to <out>/sim2sim_<scenario>.npz.
Open loop: the same action sequence in both from the same state (default: small sinusoids on every
joint), compared step by step, to tell gain/armature/contact mismatches from the policy's reaction.
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parse_args(argv=None):
    from legged_robots.sim2mujoco.cli import add_policy_args
    from legged_robots.utils.args import POSITIVE, POSITIVE_INT, existing_file

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_policy_args(p)
    p.add_argument("--scenario", action="append", help="default scenario name(s) to run (default: all)")
    p.add_argument("--scenarios", type=existing_file, help="JSON/YAML list of scenarios")
    p.add_argument("--tolerance", type=POSITIVE, default=0.05, help="max |difference| per observation value")
    p.add_argument("--open-loop", action="store_true", help="replay actions instead of running the policy")
    p.add_argument("--actions", default="sine", help="open loop: 'sine', 'zeros' or a .npy of (steps, joints)")
    p.add_argument("--steps", type=POSITIVE_INT, default=100, help="open loop: steps to run (default 100 = 2 s)")
    p.add_argument("--out", help="folder for logs (default: <run>/sim2sim; logs/sim2sim/<folder> for a --policy "
                                 "outside a run)")
    return p.parse_args(argv)


def open_loop_actions(spec: str, steps: int, num_joints: int):
    import numpy as np

    if spec == "zeros":
        return np.zeros((steps, num_joints))
    if spec == "sine":  # 0.4 action units (0.1 rad at scale 0.25), a different frequency per joint
        t = np.arange(steps)[:, None] * 0.02
        freq = 0.5 + 0.1 * np.arange(num_joints)[None, :]
        return 0.4 * np.sin(2 * np.pi * freq * t)
    actions = np.load(spec)
    if actions.ndim != 2 or actions.shape[1] != num_joints:
        raise ValueError(f"{spec}: expected (steps, {num_joints}) actions, got {actions.shape}")
    return actions


def base_velocity_table(r: dict, policy_dt: float) -> str:
    """Commanded and achieved base velocities of both simulators (means over the judged steps) and their
    tracking errors, one row per simulator."""
    from legged_robots.sim2mujoco.evaluate import tracking_line

    log, mask = r["log"], r["judged"]
    lines = [f"[sim2sim]   {'':10s} mean vx, vy [m/s], wz [rad/s] over {mask.sum() * policy_dt:.1f} s judged"]
    for name, v, t in (("command", log["command"], None), ("Isaac Lab", log["base_vel_isaac"], r["tracking"]),
                       ("MuJoCo", log["base_vel_mujoco"], r["tracking_mujoco"])):
        mean = v[mask].mean(axis=0) if mask.any() else [float("nan")] * 3
        lines.append(f"[sim2sim]   {name:10s} {mean[0]:+.3f} {mean[1]:+.3f} {mean[2]:+.3f}"
                     + (f" | {tracking_line(t)}" if t else ""))
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    import numpy as np

    from legged_robots.sim2mujoco.cli import find_policy, output_dir, robot_mjcf
    from legged_robots.sim2mujoco.compare import closed_loop, open_loop
    from legged_robots.sim2mujoco.isaac import IsaacLabRobot
    from legged_robots.sim2mujoco.scenarios import DEFAULT_SCENARIOS, load_scenarios
    from st_runtime.mujoco_robot import MujocoRobot
    from st_runtime.policy import OnnxPolicy

    path = find_policy(args)
    policy = OnnxPolicy(path)
    md = policy.metadata
    mj = MujocoRobot(Path(args.mjcf) if args.mjcf else robot_mjcf(md), md)
    out = Path(args.out) if args.out else output_dir(path, "sim2sim")
    out.mkdir(parents=True, exist_ok=True)
    isaac = IsaacLabRobot(md.task, md.joint_names, metadata=md)  # delay 0 on both
    try:
        if args.open_loop:
            actions = open_loop_actions(args.actions, args.steps, len(md.joint_names))
            r = open_loop(mj, isaac, actions)
            rmse = r["joint_rmse_per_step"]
            beyond = np.flatnonzero(rmse > args.tolerance)
            print(f"[sim2sim] open loop, {r['steps']} steps of '{args.actions}' actions from the same state")
            for sec in (0.1, 0.25, 0.5, 1.0, 2.0):
                k = int(round(sec / mj.policy_dt)) - 1
                if k < r["steps"]:
                    print(f"[sim2sim]   t={sec:4.2f} s: joint RMSE {rmse[k]:.4f} rad, "
                          f"max {r['joint_max_per_step'][k]:.4f} "
                          f"rad, base position gap {r['base_pos_diff_per_step'][k]:.4f} m")
            print(f"[sim2sim] joint RMSE first above {args.tolerance} rad at "
                  + (f"step {beyond[0]} ({(beyond[0] + 1) * mj.policy_dt:.2f} s)" if beyond.size else "no step"))
            np.savez(out / "sim2sim_open_loop.npz", actions=actions, **{k: v for k, v in r.items() if k != "steps"})
            return 0
        scenarios = load_scenarios(args.scenarios) if args.scenarios else DEFAULT_SCENARIOS
        if args.scenario:
            known = {s.name: s for s in scenarios}
            missing = [n for n in args.scenario if n not in known]
            if missing:
                raise ValueError(f"unknown scenario(s) {', '.join(missing)}; known: {', '.join(known)}")
            scenarios = [known[n] for n in args.scenario]
        for sc in scenarios:
            r = closed_loop(lambda: OnnxPolicy(path, md), mj, isaac, sc, tolerance=args.tolerance)
            first = r["first_divergence"]
            where = (f"first beyond {args.tolerance} at step {first['step']} ({first['time_s']:.2f} s) in "
                     f"'{first['term']}' (|diff| {first['max_abs_diff']:.3f})") if first else \
                f"no observation term beyond {args.tolerance}"
            print(f"[sim2sim] {sc.name:16s} {r['steps']} steps | {where} | joint RMSE {r['joint_rmse']:.4f} rad | "
                  f"action RMSE {r['action_rmse']:.4f}")
            worst = ", ".join(f"{n} {v:.3f}" for n, v in r["max_term_diff"].items())
            print(f"[sim2sim]   worst |diff| per term: {worst}")
            print(base_velocity_table(r, mj.policy_dt))
            np.savez(out / f"sim2sim_{sc.name}.npz", **r["log"])
    finally:
        isaac.close()
    print(f"[sim2sim] logs in {out}")
    return 0


if __name__ == "__main__":
    from legged_robots.sim2mujoco.cli import run_cli

    sys.exit(run_cli(main))
