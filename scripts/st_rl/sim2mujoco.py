"""Validate an exported policy in plain MuJoCo and give a verdict with numbers.

    ./run.sh sim2mujoco lus2                          # latest run's exported policy, default scenarios
    ./run.sh sim2mujoco lus2 --load_run RUN --scenarios my.json --thresholds strict.json --video
    ./run.sh sim2mujoco --policy path/to/policy.onnx   # any exported policy
    ./run.sh sim2mujoco lus2 --sim2sim                 # also run Isaac Lab on the same commands: the gap
    ./run.sh sim2mujoco St-Mimic-Flat-Lus2 [--clips stand walk_slow]   # a mimic policy: its clips


Loads <run>/exported/policy.onnx (made by ./run.sh play) and the metadata inside it, our MJCF of the
robot variant with those joints, sets MuJoCo's timestep to the training integration step, applies the
training PD law every step and the policy every `decimation` steps, rebuilds the observation term by
term. Writes report.md with plots under --out (default <run>/sim2mujoco/); exits 1 on FAIL, 2 on bad input.

The default scenarios are the walking verdict (10 s each): stand; forward 0.5 and 1.0 m/s; backward 0.3;
lateral +-0.3; yaw +-0.5 rad/s in place; 0.5 m/s with 0.3 rad/s yaw; stop-and-go (0 <-> 0.6 m/s every 2.5 s,
judged on the moving halves); 0.5 m/s with a 0.5 m/s sideways push at 3 s and a forward one at 6 s. A scenario
PASSes when the robot survives all of it and, over the steady window (after the first 2 s), per axis (forward,
lateral in the heading frame; yaw rate): mean |v - v_cmd| <= 0.10 m/s (0.15 rad/s), RMSE <= 0.25 m/s (0.30
rad/s); torque saturation <= 5 %, action rate <= 1.0; no joint past the ROS 2 bridge's joint fault (its safety
limit: the soft limit half way on to the hard one) at any step. A robot standing still fails every moving scenario.
--thresholds FILE changes these (the report names the file and every value it changed). A scenario command
outside the policy's trained ranges is a warning (the run goes on). With --sim2sim also the joint-position gap
to Isaac Lab, and both simulators' base velocities side by side.

A mimic (motion-tracking) policy runs its reference clips instead of scenarios: each clip from its first
frame, the reference served by refmotion_manager from the files its metadata names, judged by ./run.sh eval's
metrics (success, global / root-relative MPKPE, joint RMSE, root error); the verdict needs the whole clip
survived, MPKPE <= max_mpkpe_mm and, where ./run.sh eval wrote Isaac Lab's figures for the run
(<run>/eval/mimic_eval.json), MPKPE <= max_mpkpe_vs_isaac x Isaac Lab's; both figures are printed side by side.
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def parse_args(argv=None):
    from legged_robots.sim2mujoco.cli import add_policy_args
    from legged_robots.utils.args import NON_NEGATIVE, POSITIVE_INT, existing_file, float_in

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_policy_args(p)
    p.add_argument("--scenarios", type=existing_file, help="JSON/YAML list of scenarios (default: the built-in list)")
    p.add_argument("--thresholds", type=existing_file,
                   help="JSON/YAML mapping of thresholds replacing the pinned defaults (e.g. "
                        "{max_lin_vel_mean_error: 0.15}); the report says it was used")
    p.add_argument("--out", help="report folder (default: <run>/sim2mujoco; logs/sim2mujoco/<folder> for a --policy "
                                 "outside a run)")
    p.add_argument("--video", action="store_true", help="an mp4 per scenario (MuJoCo offscreen renderer)")
    p.add_argument("--latency_ms", nargs="+", type=NON_NEGATIVE, metavar="MS",
                   help="state latency of the IMU and joint readings [ms], at physics-step resolution; several "
                        "values sweep it: every scenario at each, the largest latency each survives and passes, a "
                        "plot (default: 0)")
    p.add_argument("--actuator_delay_ms", type=NON_NEGATIVE, default=0.0, metavar="MS",
                   help="a policy trained with the real-actuator model (presets=real_actuators): the command delay to "
                        "run its motors with, rounded to physics steps (default 0; the metadata: the trained range)")
    p.add_argument("--imu_mount_deg", nargs=3, type=float_in(-45.0, 45.0), metavar=("ROLL", "PITCH", "YAW"),
                   help="the IMU board mounted turned by these angles [deg]: gyro and gravity read in its frame "
                        "(training's presets=real_sensors draws up to 2 deg per episode)")
    p.add_argument("--encoder_counts", type=POSITIVE_INT, metavar="N",
                   help="joint encoders of N counts per turn: angles rounded to counts, velocities their difference "
                        "over one physics step (training's presets=real_sensors: 16384)")
    p.add_argument("--sim2sim", action="store_true", help="also run Isaac Lab (Newton) and report the joint gap")
    p.add_argument("--clips", nargs="+", help="mimic policy: the clips to run (default: all it was trained on)")
    p.add_argument("--motions", help="mimic policy: folder of its clip files (default: our shipped clips)")
    p.add_argument("--isaac_eval", type=existing_file,
                   help="mimic policy: Isaac Lab's eval JSON to compare with (default: "
                        "<run>/eval/mimic_eval.json when ./run.sh eval wrote one)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.video:  # before mujoco is first imported
        os.environ.setdefault("MUJOCO_GL", "egl")

    from legged_robots.sim2mujoco import evaluate, report
    from legged_robots.sim2mujoco.cli import find_policy, output_dir, robot_mjcf
    from legged_robots.sim2mujoco.scenarios import DEFAULT_SCENARIOS, load_scenarios, outside_trained_ranges
    from st_runtime.mujoco_robot import MujocoRobot
    from st_runtime.policy import OnnxPolicy

    thresholds, thresholds_used = load_thresholds(args.thresholds)  # bad files fail before anything runs
    scenarios = load_scenarios(args.scenarios) if args.scenarios else DEFAULT_SCENARIOS
    path = find_policy(args)
    policy = OnnxPolicy(path)
    md = policy.metadata
    mjcf = Path(args.mjcf) if args.mjcf else robot_mjcf(md)
    robot = MujocoRobot(mjcf, md)
    out = Path(args.out) if args.out else output_dir(path, "sim2mujoco")
    if md.reference is not None:
        return run_mimic(args, path, policy, robot, mjcf, thresholds, out)
    latencies = sorted(set(args.latency_ms or [0.0]))
    if md.actuators is not None:
        lo, hi = md.actuators.delay_steps
        delay = int(round(args.actuator_delay_ms / 1000.0 / md.sim_dt))
        robot.set_actuator(delay_steps=delay)
        print(f"[sim2mujoco] actuators: {md.actuators.model}, command delay {delay * md.sim_dt * 1000:g} ms "
              f"(trained {lo * md.sim_dt * 1000:g}-{hi * md.sim_dt * 1000:g} ms), strength 1 (trained "
              f"{md.actuators.strength_range[0]:g}-{md.actuators.strength_range[1]:g})")
    elif args.actuator_delay_ms:
        raise ValueError("--actuator_delay_ms: this policy was trained with ideal actuators (no delay model)")
    else:
        print("[sim2mujoco] actuators: ideal PD (the metadata carries no actuator model: trained without one, or "
              "exported before it existed)")
    if args.imu_mount_deg or args.encoder_counts:
        import numpy as np

        rpy = np.radians(args.imu_mount_deg or (0.0, 0.0, 0.0))
        robot.set_sensor_errors(rpy, 2.0 * np.pi / args.encoder_counts if args.encoder_counts else 0.0)
        print(f"[sim2mujoco] sensors: IMU mounted at {np.degrees(rpy).round(3).tolist()} deg (roll, pitch, yaw), "
              f"encoders {args.encoder_counts or 'exact'}" + (" counts per turn" if args.encoder_counts else ""))
    if args.clips or args.motions or args.isaac_eval:
        raise ValueError("--clips, --motions and --isaac_eval are for mimic policies; this one follows velocity "
                         "commands")
    out.mkdir(parents=True, exist_ok=True)
    print(f"[sim2mujoco] {path} | task {md.task} | {mjcf.name} | timestep {robot.model.opt.timestep:g} s, "
          f"policy every {robot.steps_per_action} steps ({robot.policy_dt:g} s) | {len(scenarios)} scenarios | "
          f"thresholds: {thresholds_used}")
    for sc in scenarios:
        beyond = outside_trained_ranges(sc, robot.policy_dt, md)
        if beyond:
            print(f"[sim2mujoco] warning: scenario {sc.name}: {'; '.join(beyond)} (the policy's trained ranges); "
                  "running it anyway", flush=True)
    isaac = None
    if args.sim2sim:
        from legged_robots.sim2mujoco.isaac import IsaacLabRobot

        isaac = IsaacLabRobot(md.task, md.joint_names, metadata=md)
        isaac.set_actuator(robot.delay_steps)
    limits = None
    if md.joint_pos_limits is not None and md.soft_joint_pos_limits is not None:
        import numpy as np

        from st_runtime.safety import safety_limits  # where the ROS 2 bridge faults a joint

        limits = safety_limits(np.asarray(md.joint_pos_limits, float), np.asarray(md.soft_joint_pos_limits, float))
    rows = []
    try:
        for latency, sc in ((lat, sc) for lat in latencies for sc in scenarios):
            robot.set_latency(latency / 1000.0, latency / 1000.0)
            log, wall = evaluate.run_scenario(policy, robot, sc, thresholds)
            m = evaluate.metrics(log, sc, robot.policy_dt, thresholds, robot.joint_names, limits)
            if isaac is not None:
                from legged_robots.sim2mujoco.compare import closed_loop

                gap = closed_loop(lambda: OnnxPolicy(path, md), robot, isaac, sc)
                m["sim2sim_joint_rmse"] = gap["joint_rmse"]
                m["isaac"] = gap["tracking"]  # Isaac Lab's figures on the same commands, beside MuJoCo's
            passed, failed = evaluate.verdict(m, thresholds)
            rtf = len(log["time"]) * robot.policy_dt / max(wall, 1e-9)
            name = sc.name if latencies == [0.0] else f"{sc.name}@{latency:g}ms"
            m["latency_ms"] = latency
            row = {"name": name, "scenario": sc.name, "metrics": m, "passed": passed, "failed": failed, "rtf": rtf,
                   "plot": report.plot_scenario(name, log, robot.joint_names, robot.effort_limit, out,
                                                startup_s=sc.startup_s)}
            if args.video:
                row["video"] = report.render_mp4(robot, log["frames"], 1.0 / robot.policy_dt, out / f"{name}.mp4")
            rows.append(row)
            gap_txt = (f" | sim2sim joint RMSE {m['sim2sim_joint_rmse']:.3f} rad | Isaac Lab "
                       f"{evaluate.tracking_line(m['isaac'])}" if "isaac" in m else "")
            if "touchdowns_per_s" in m:  # is it stepping? (figures, not checks)
                gap_txt += (f" | feet all down {100 * m['all_feet_down_share']:.0f} %, "
                            f"{m['touchdowns_per_s']:.1f} touchdowns/s")
            if "yaw_rate_jitter" in m:  # shake above 3 Hz, apart from drift and gait sway (figures)
                gap_txt += (f" | jitter x {m['lin_vel_x_jitter']:.3f} wz {m['yaw_rate_jitter']:.3f}")
            if "target_jitter" in m:  # the joint targets' own shake, and the joint that shakes most (figures)
                gap_txt += (f" | target jitter {m['target_jitter']:.3f} rad (most: {m['target_jitter_joint']} "
                            f"{m['target_jitter_max']:.3f})")
            if "safety_limit_margin" in m:  # the closest joint to the ROS 2 bridge's joint fault
                gap_txt += f" | safety margin {m['safety_limit_margin']:+.3f} rad ({m['safety_limit_joint']})"
            print(f"[sim2mujoco] {name:18s} {'PASS' if passed else 'FAIL'} | survived {m['survival_s']:5.2f} s | "
                  f"{evaluate.tracking_line(m)} | torque sat {m['torque_saturation']:.3f} | action rate "
                  f"{m['action_rate']:.3f}{gap_txt} | {rtf:.0f}x real time"
                  + (f" | {'; '.join(failed)}" if failed else ""), flush=True)
    finally:
        if isaac is not None:
            isaac.close()
    header = {"policy": str(path), "task": md.task, "mjcf": str(mjcf), "timestep": robot.model.opt.timestep,
              "policy_dt": robot.policy_dt, "thresholds": thresholds_used,
              "trained command ranges": md.command_ranges("base_velocity") or "not in the metadata",
              "state latency [ms]": ", ".join(f"{v:g}" for v in latencies)}
    if len(latencies) > 1:
        header["latency sweep"] = report.latency_sweep(rows, latencies, out)
    return _finish(out, header, rows, thresholds, "scenarios")


def load_thresholds(path):
    """(thresholds, how the report names them): the pinned defaults, or a file's values on top of them."""
    from legged_robots.sim2mujoco import evaluate
    from legged_robots.sim2mujoco.cli import read_config_file

    if not path:
        return evaluate.Thresholds(), "pinned defaults"
    data = read_config_file(path)
    thresholds = evaluate.Thresholds.from_dict({} if data is None else data, source=str(path))
    changed = thresholds.changed()
    what = ", ".join(f"{k} {a:g} -> {b:g}" for k, (a, b) in changed.items()) or "no value changed"
    return thresholds, f"from {path} ({what})"


def run_mimic(args, path, policy, robot, mjcf, thresholds, out) -> int:
    """Each clip of a mimic policy, from its first frame, against Isaac Lab's eval figures where they exist."""
    from legged_robots.sim2mujoco import evaluate, mimic, report
    from refmotion_manager.tracking import format_table

    if args.scenarios or args.sim2sim or args.latency_ms:
        raise ValueError("a mimic policy follows its reference clips: use --clips (not --scenarios); Isaac Lab's "
                         "figures come from ./run.sh eval (not --sim2sim); --latency_ms is for velocity policies")
    md = policy.metadata
    motion = mimic.load_reference(md, args.motions)
    names = list(motion.clip_names)
    clips = args.clips or names
    unknown = [c for c in clips if c not in names]
    if unknown:
        raise ValueError(f"clip(s) {', '.join(unknown)} not among the policy's: {', '.join(names)}")
    isaac, isaac_path = mimic.isaac_figures(path, args.isaac_eval)
    if isaac and md.checkpoint and Path(isaac.get("checkpoint", "")).name != Path(md.checkpoint).name:
        print(f"[sim2mujoco] note: Isaac Lab's figures are of {isaac.get('checkpoint')}, the policy was exported from "
              f"{md.checkpoint}; run ./run.sh eval for the same checkpoint to compare like with like")
    out.mkdir(parents=True, exist_ok=True)
    print(f"[sim2mujoco] {path} | task {md.task} | {mjcf.name} | timestep {robot.model.opt.timestep:g} s, "
          f"policy every {robot.steps_per_action} steps ({robot.policy_dt:g} s) | mimic: {len(clips)} clips, "
          f"frame time {motion.dt:g} s" + (f" | Isaac Lab figures: {isaac_path}" if isaac else
                                            " | no Isaac Lab figures (./run.sh eval writes them)"))
    rows = []
    for name in clips:
        m, log = mimic.run_clip(policy, robot, motion, names.index(name), thresholds)
        theirs = (isaac or {}).get("clips", {}).get(name)
        if theirs:
            m["isaac_mpkpe_mm"], m["isaac_success_rate"] = theirs["mpkpe_mm"], theirs["success_rate"]
            m["mpkpe_vs_isaac"] = m["mpkpe_mm"] / max(theirs["mpkpe_mm"], 1e-9)
        passed, failed = evaluate.verdict(m, thresholds)
        if m["terminated_by"]:
            failed.insert(0, f"ended at {m['survival_s']:.2f} s: {m['terminated_by']}")
        row = {"name": name, "metrics": m, "passed": passed, "failed": failed, "rtf": m.pop("rtf"),
               "plot": report.plot_clip(name, log, robot.joint_names, list(motion.init_joint_names),
                                        robot.effort_limit, out)}
        if args.video:
            row["video"] = report.render_mp4(robot, log["frames"], 1.0 / robot.policy_dt, out / f"{name}.mp4")
        rows.append(row)
        vs = (f" | Isaac Lab {theirs['mpkpe_mm']:.1f} mm, success {100 * theirs['success_rate']:.0f} % "
              f"(x{m['mpkpe_vs_isaac']:.2f})" if theirs else "")
        print(f"[sim2mujoco] {name:16s} {'PASS' if passed else 'FAIL'} | survived {m['survival_s']:5.2f} s | "
              f"MPKPE {m['mpkpe_mm']:.1f} mm (root-rel {m['mpkpe_root_relative_mm']:.1f}) | q RMSE "
              f"{m['joint_pos_rmse_rad']:.3f} rad | root {m['root_pos_error_m']:.3f} m{vs} | "
              f"{row['rtf']:.0f}x real time"
              + (f" | {'; '.join(failed)}" if failed else ""), flush=True)
    mujoco_result = {"clips": {r["name"]: {k: r["metrics"][k] for k in (
        "episodes", "success_rate", "mpkpe_mm", "mpkpe_root_relative_mm", "joint_pos_rmse_rad", "joint_vel_rmse_rad_s",
        "root_pos_error_m", "ended_by", "survival_s")} for r in rows}}
    print("MuJoCo:\n" + format_table({**mujoco_result, "overall": _overall(mujoco_result["clips"])}))
    if isaac:
        print("Isaac Lab (./run.sh eval):\n" + format_table(isaac))
    header = {"policy": str(path), "task": md.task, "mjcf": str(mjcf), "timestep": robot.model.opt.timestep,
              "policy_dt": robot.policy_dt, "Isaac Lab figures": str(isaac_path) if isaac else "none (./run.sh eval)"}
    return _finish(out, header, rows, thresholds, "clips", columns=report.MIMIC_COLUMNS)


def _finish(out, header: dict, rows: list[dict], thresholds, what: str, **report_kwargs) -> int:
    """report.md and metrics.json under ``out``, the verdict line; exit code 0 on PASS, 1 on FAIL."""
    from legged_robots.sim2mujoco import report

    path_md = report.write_report(out, header, rows, thresholds, kind=what.removesuffix("s"), **report_kwargs)
    (out / "metrics.json").write_text(json.dumps(
        {r["name"]: {**r["metrics"], "passed": r["passed"], "failed": r["failed"], "rtf": r["rtf"]} for r in rows},
        indent=2, default=float))
    ok = all(r["passed"] for r in rows)
    print(f"[sim2mujoco] {'PASS' if ok else 'FAIL'}: {sum(r['passed'] for r in rows)}/{len(rows)} {what} | "
          f"report {path_md}")
    return 0 if ok else 1


def _overall(clips: dict) -> dict:
    """Means of the per-clip figures over the clips (one episode each), episodes and endings summed."""
    out = {}
    for k in next(iter(clips.values())):
        values = [c[k] for c in clips.values()]
        if k == "ended_by":
            out[k] = {name: sum(v.get(name, 0) for v in values) for name in dict.fromkeys(n for v in values for n in v)}
        else:
            out[k] = sum(values) if k == "episodes" else sum(values) / len(values)
    return out


if __name__ == "__main__":
    from legged_robots.sim2mujoco.cli import run_cli

    sys.exit(run_cli(main))
