"""Drive a robot with an exported policy over ROS 2, or try it all on one machine against a simulated robot.

    ./run.sh ros2 bridge --policy policies/lus2_flat/policy.onnx      # or: bridge lus2 --load_run RUN
    ./run.sh ros2 sim lus2 [--latency_ms 5 --drop 0.1]                  # plain MuJoCo robot on the same topics
    ./run.sh ros2 demo lus2 --seconds 10 [--scenario forward_0.5]     # both + an operator: verdict line

Topics (ROS 2 names; DDS "rt/<name>", types "<pkg>::msg::dds_::<Type>_", ROS_DOMAIN_ID honoured):
  bridge in : /joint_states (sensor_msgs/JointState)  /imu/data (sensor_msgs/Imu)  /cmd_vel (geometry_msgs/Twist)
              /st_gym/estop (std_msgs/Bool)  /st_gym/mode (std_msgs/String: start|policy|hold|damp|reset)
  bridge out: /joint_command (sensor_msgs/JointState: position = target)  /joint_gains (sensor_msgs/JointState:
              position = kp, velocity = kd, effort = effort limit)  /diagnostics  /st_gym/state (latched)
States: PASSIVE -start-> SOFT_START -> HOLD -policy-> POLICY; e-stop, damp or a fault -> DAMPING; reset -> PASSIVE.
Each bridge run writes a ROS 2 bag (MCAP) and a summary under --out. Exit: 0 ok / PASS, 1 FAIL, 2 bad input.
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from legged_robots.utils.args import NON_NEGATIVE, NON_NEGATIVE_INT, POSITIVE, existing_file, float_in, int_in

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "policies" / "lus2_flat" / "policy.onnx"
# DDS domain ids go to 232 (the port formula's limit); ROS 2 advises 0-101 so ports stay below the OS's ephemeral range
DOMAIN_ID = int_in(0, 232, note=" (DDS domain ids; ROS 2 advises <= 101)")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--domain_id", type=DOMAIN_ID, help="DDS domain 0-232 (default: $ROS_DOMAIN_ID, else 0)")
    p.add_argument("--remap", action="append", default=[], metavar="FROM:=TO",
                   help="rename a topic, e.g. /imu/data:=/imu (repeatable)")
    p.add_argument("--seconds", type=POSITIVE, help="stop after this many seconds (default: until Ctrl-C)")
    p.add_argument("--headless", action="store_true", help=argparse.SUPPRESS)  # accepted everywhere, no viewer here


def _sim_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--latency_ms", type=NON_NEGATIVE, default=0.0, help="delay of every state message [ms]")
    p.add_argument("--drop", type=float_in(0.0, 1.0, hi_open=True), default=0.0,
                   help="probability that a state message is dropped, in [0, 1)")
    p.add_argument("--joint_pos_noise", type=NON_NEGATIVE, default=0.0, help="Gaussian std on joint positions [rad]")
    p.add_argument("--joint_vel_noise", type=NON_NEGATIVE, default=0.0,
                   help="Gaussian std on joint velocities [rad/s]")
    p.add_argument("--gyro_noise", type=NON_NEGATIVE, default=0.0,
                   help="Gaussian std on the IMU's angular velocity [rad/s]")
    p.add_argument("--imu_mount_deg", nargs=3, type=float_in(-45.0, 45.0), default=(0.0, 0.0, 0.0),
                   metavar=("ROLL", "PITCH", "YAW"), help="the IMU board mounted turned by these angles [deg]: "
                   "orientation, gyro and acceleration in its frame")
    p.add_argument("--encoder_counts", type=NON_NEGATIVE_INT, default=0, metavar="N",
                   help="joint encoders of N counts per turn: positions rounded to counts, velocities their "
                        "difference over one physics step (default 0: exact)")
    p.add_argument("--joint_order", default="mjcf", choices=("mjcf", "reversed", "sorted"),
                   help="order of the joints in /joint_states (the bridge maps by name)")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("bridge", help="run an exported policy on ROS 2 topics")
    b.add_argument("task", nargs="?", help="task id or robot whose runs to look in (not needed with --policy)")
    b.add_argument("--load_run", help="run directory name or regex (default: the latest)")
    b.add_argument("--agent", default="st_rl", help="agent config the run was trained with")
    b.add_argument("--policy", type=existing_file, help="an exported policy.onnx (instead of a run)")
    b.add_argument("--out", help="folder for the bag and summary (default: <run>/ros2/<time>, or "
                                 "logs/ros2/<policy folder>/<time>)")
    b.add_argument("--no_bag", action="store_true", help="do not record a bag")
    b.add_argument("--autostart", action="store_true",
                   help="start the soft start on the first complete state and the policy when HOLD is reached "
                        "(for simulation; on a robot send start/policy on /st_gym/mode)")
    b.add_argument("--soft_start_s", type=POSITIVE, default=2.0, help="ramp to the default pose [s]")
    b.add_argument("--stale_periods", type=POSITIVE, default=2.0,
                   help="DAMPING when no complete joint/IMU update came for this many control periods")
    b.add_argument("--max_joint_vel", type=POSITIVE, default=30.0, help="joint speed treated as bad input [rad/s]")
    b.add_argument("--damping_scale", type=NON_NEGATIVE, default=1.0,
                   help="DAMPING's kd as a multiple of the policy's kd")
    b.add_argument("--limit_slack", type=float_in(0.0, 1.0), default=0.5,
                   help="a joint faults (DAMPING) past its training soft limit plus this share of the way on to its "
                        "hard limit (0: at the soft limit, 1: at the hard limit)")
    b.add_argument("--allow_extra_joints", action="store_true",
                   help="accept /joint_states with joints the policy does not drive (ignored)")
    _common(b)

    s = sub.add_parser("sim", help="a simulated robot (plain MuJoCo) on the bridge's topics")
    s.add_argument("robot", nargs="?", default="lus2",
                   help="robot or robot variant (lus2, lus2_21dof, biped12, ...; default lus2, its first variant)")
    s.add_argument("--variant", help="the robot's variant, e.g. 21dof for lus2 (default: the policy's, else the first)")
    s.add_argument("--policy", type=existing_file, help="pick the robot whose joints this policy drives")
    s.add_argument("--seed", type=NON_NEGATIVE_INT, default=0, help="seed of drops and noise")
    s.add_argument("--no_gantry", action="store_true",
                   help="stand on the ground from the start (default: the base hangs until the bridge runs POLICY)")
    s.add_argument("--real_actuators", action="store_true",
                   help="the real-actuator model for the motors (DC-motor torque-speed limit, --actuator_delay_ms); "
                        "on by itself when --policy was trained with it")
    s.add_argument("--actuator_delay_ms", type=NON_NEGATIVE, default=0.0,
                   help="with the real-actuator model: the motors' command delay, in 5 ms physics steps (default 0)")
    _sim_args(s)
    _common(s)

    d = sub.add_parser("demo", help="sim robot + bridge + an operator walking a scenario; prints a verdict")
    d.add_argument("robot", nargs="?", default="lus2",
                   help="robot (lus2, biped12, ...): the simulated one is the robot whose joints the policy drives")
    d.add_argument("--policy", type=existing_file,
                   help="exported policy (default: the shipped lus2 policy, for lus2 only)")
    d.add_argument("--scenario", default="forward_0.5",
                   help="a sim2mujoco scenario name (default: forward_0.5); judged with sim2mujoco's thresholds")
    d.add_argument("--scenarios", type=existing_file,
                   help="JSON/YAML scenario file to take --scenario from (default: the built-in list)")
    d.add_argument("--compare", action="store_true", help="also run the scenario in-process in MuJoCo (sim2mujoco) "
                                                          "and print both")
    d.add_argument("--out", help="folder for logs and the bag (default: logs/ros2/<policy folder>/<time>)")
    _sim_args(d)
    _common(d)
    return p.parse_args(argv)


def _remaps(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        if ":=" not in item:
            raise ValueError(f"--remap expects FROM:=TO, got {item!r}")
        a, b = item.split(":=", 1)
        out[a] = b
    return out


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _stamp() -> str:
    return time.strftime("%Y-%m-%d_%H-%M-%S")


def run_bridge(args) -> int:
    import numpy as np

    from legged_robots.sim2mujoco.cli import find_policy, output_dir
    from st_runtime.policy import OnnxPolicy
    from st_runtime.ros2.bag import BagRecorder
    from st_runtime.ros2.bridge import Bridge, BridgeConfig
    from st_runtime.ros2.dds import Node, domain_id

    path = find_policy(args)
    policy = OnnxPolicy(path)
    out = Path(args.out) if args.out else output_dir(path, "ros2") / _stamp()
    cfg = BridgeConfig(soft_start_s=args.soft_start_s, stale_periods=args.stale_periods, autostart=args.autostart,
                       max_joint_vel=args.max_joint_vel, damping_scale=args.damping_scale,
                       allow_extra_joints=args.allow_extra_joints, limit_slack=args.limit_slack)
    node = Node(args.domain_id, _remaps(args.remap))
    stop = _stop_on_signals()
    recorder = None if args.no_bag else BagRecorder(out / "bag")
    bridge = Bridge(policy, node, cfg, recorder=recorder, log=lambda m: print(m, flush=True))
    print(f"[ros2 bridge] {path} | {bridge.n} joints | {1 / bridge.period:g} Hz | domain {domain_id(args.domain_id)} | "
          f"tilt limit {bridge.tilt_limit:.2f} rad | {'bag ' + str(out / 'bag') if recorder else 'no bag'} | "
          f"waiting for /joint_states and /imu/data", flush=True)
    try:
        bridge.run(args.seconds, stop)
    finally:
        bridge.shutdown()
        if recorder is not None:
            time.sleep(0.05)  # let Cyclone's receive thread hand over its last samples
            recorder.close()
        lat = np.asarray(bridge.latency) * 1e3
        periods = np.diff(bridge.publish_times) * 1e3 if len(bridge.publish_times) > 2 else np.zeros(0)
        summary = {
            "policy": str(path), "ticks": bridge.stats["ticks"], "policy_commands": len(bridge.publish_times),
            "latency_ms": {k: float(f(lat)) for k, f in (("p50", lambda a: np.percentile(a, 50)),
                                                          ("p99", lambda a: np.percentile(a, 99)),
                                                          ("max", np.max))} if len(lat) else {},
            "period_ms": {"mean": float(periods.mean()), "std": float(periods.std()),
                          "max_abs_error": float(np.max(np.abs(periods - 1e3 * bridge.period)))}
            if len(periods) else {},
            "transitions": [{"t": tr.time, "from": tr.source.value, "to": tr.target.value, "reason": tr.reason}
                            for tr in bridge.sm.history],
            "stats": bridge.stats,
            "bag": str(out / "bag") if recorder else None, "bag_messages": recorder.count if recorder else 0,
        }
        out.mkdir(parents=True, exist_ok=True)
        (out / "bridge_summary.json").write_text(json.dumps(summary, indent=2))
        if len(lat):
            print(f"[ros2 bridge] {summary['policy_commands']} commands in POLICY | state -> command latency p50 "
                  f"{summary['latency_ms']['p50']:.3f} ms, p99 {summary['latency_ms']['p99']:.3f} ms, max "
                  f"{summary['latency_ms']['max']:.3f} ms | summary {out / 'bridge_summary.json'}", flush=True)
    return 0


def _sim_mjcf(args) -> Path:
    from legged_robots.assets.paths import require
    from legged_robots.assets.robots import DESCRIPTIONS, robot_named

    if args.variant is None and getattr(args, "policy", None):
        from legged_robots.sim2mujoco.cli import robot_mjcf
        from st_runtime.metadata import read_metadata

        return robot_mjcf(read_metadata(args.policy))
    first_variant = {desc.NAME: next(iter(desc.VARIANTS)) for desc in DESCRIPTIONS}
    name = f"{args.robot}_{args.variant}" if args.variant else first_variant.get(args.robot, args.robot)
    return require(robot_named(name).scene_mjcf)


def run_sim(args) -> int:
    from legged_robots.ros2 import robot_sim_spec
    from st_runtime.ros2.dds import Node, domain_id
    from st_runtime.ros2.sim_robot import Impairments, SimRobot

    if not 0.0 <= args.drop < 1.0:
        raise ValueError(f"--drop is a probability in [0, 1), got {args.drop}")
    mjcf = _sim_mjcf(args)
    node = Node(args.domain_id, _remaps(args.remap))
    imp = Impairments(args.latency_ms, args.drop, args.joint_pos_noise, args.joint_vel_noise, args.gyro_noise,
                      tuple(args.imu_mount_deg), args.encoder_counts)
    real = args.real_actuators
    if not real and args.policy:
        from st_runtime.metadata import read_metadata

        real = read_metadata(args.policy).actuators is not None  # the motors the policy was trained with
    if args.actuator_delay_ms and not real:
        raise ValueError("--actuator_delay_ms needs the real-actuator model (--real_actuators)")
    spec = robot_sim_spec(mjcf, real_actuators=real)
    sim = SimRobot(mjcf, spec, node, imp, joint_order=args.joint_order, seed=args.seed,
                   gantry=not args.no_gantry, log=lambda m: print(m, flush=True))
    if real:
        sim.robot.set_actuator(delay_steps=int(round(args.actuator_delay_ms / 1000.0 / spec.sim_dt)))
    print(f"[ros2 sim] {mjcf.name} | {len(sim.robot.joint_names)} joints | physics {1 / sim.robot.policy_dt:g} Hz | "
          f"domain {domain_id(args.domain_id)} | latency {args.latency_ms:g} ms, drop {args.drop:g}"
          + (f", IMU mounted at {list(args.imu_mount_deg)} deg" if any(args.imu_mount_deg) else "")
          + (f", encoders {args.encoder_counts} counts/turn" if args.encoder_counts else "") + " | motors "
          + (f"delayed DC ({args.actuator_delay_ms:g} ms)" if real else "ideal PD")
          + " | waiting for the first command", flush=True)
    stats = sim.run(args.seconds, _stop_on_signals())
    print(f"[ros2 sim] stopped: {stats['sim_steps']} physics steps, {stats['commands']} commands, "
          f"{stats['overruns']} late steps", flush=True)
    return 0


def run_demo(args) -> int:
    from legged_robots.ros2.demo import Operator
    from legged_robots.sim2mujoco import evaluate
    from legged_robots.sim2mujoco.cli import output_dir
    from legged_robots.sim2mujoco.scenarios import DEFAULT_SCENARIOS, load_scenarios
    from st_runtime.metadata import read_metadata
    from st_runtime.ros2.dds import Node

    if args.policy is None and args.robot != "lus2":
        raise ValueError(f"no shipped policy for {args.robot!r}: pass --policy path/to/policy.onnx")
    policy = Path(args.policy or SHIPPED)
    md = read_metadata(policy)
    scenarios = {s.name: s for s in (load_scenarios(args.scenarios) if args.scenarios else DEFAULT_SCENARIOS)}
    if args.scenario not in scenarios:
        raise ValueError(f"unknown scenario {args.scenario!r}; known: {', '.join(scenarios)}")
    scenario = scenarios[args.scenario]
    out = Path(args.out) if args.out else output_dir(policy, "ros2") / f"{_stamp()}_demo_{scenario.name}"
    out.mkdir(parents=True, exist_ok=True)
    domain = args.domain_id if args.domain_id is not None else int(os.environ.get("ROS_DOMAIN_ID", "0") or 0)
    script = [sys.executable, str(Path(__file__).resolve())]
    common = ["--domain_id", str(domain)] + [a for r in args.remap for a in ("--remap", r)]
    sim_cmd = script + ["sim", args.robot, "--policy", str(policy), "--latency_ms", str(args.latency_ms),
                        "--drop", str(args.drop), "--joint_pos_noise", str(args.joint_pos_noise),
                        "--joint_vel_noise", str(args.joint_vel_noise), "--gyro_noise", str(args.gyro_noise),
                        "--imu_mount_deg", *map(str, args.imu_mount_deg), "--encoder_counts", str(args.encoder_counts),
                        "--joint_order", args.joint_order] + common
    bridge_cmd = script + ["bridge", "--policy", str(policy), "--out", str(out / "bridge")] + common
    procs = {}
    thresholds = evaluate.Thresholds()
    try:
        for name, cmd in (("sim", sim_cmd), ("bridge", bridge_cmd)):
            procs[name] = subprocess.Popen(cmd, stdout=open(out / f"{name}.log", "w"), stderr=subprocess.STDOUT)
        op = Operator(Node(domain, _remaps(args.remap)))

        def alive():
            for name, p in procs.items():
                if p.poll() is not None:
                    raise RuntimeError(f"the {name} process exited ({p.returncode}): "
                                       + (out / f"{name}.log").read_text()[-1500:])
            return True

        op.wait_for(lambda: alive() and op.odom is not None and op.mode() == "PASSIVE", 120, "robot state and bridge")
        print(f"[ros2 demo] sim robot and bridge up (domain {domain}); logs and bag in {out}", flush=True)
        op.request("start", "SOFT_START")
        op.wait_for(lambda: alive() and op.mode() in ("HOLD", "DAMPING"), 10, "HOLD")
        if op.mode() != "HOLD":
            raise RuntimeError(f"the bridge went to {op.state} during the soft start")
        op.request("policy", "POLICY")
        m = op.run_scenario(scenario, md.policy_dt, thresholds, args.seconds)
        op.request("damp", "DAMPING")
        transitions = list(op.states)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    checked = evaluate.Thresholds(**{**vars(thresholds), "min_survival_fraction": 1.0})
    passed, failed = evaluate.verdict(m, checked)
    result = {"scenario": scenario.name, "policy": str(policy), "metrics": m, "passed": passed, "failed": failed,
              "transitions": transitions, "non_finite_commands": op.non_finite_commands}
    line = (f"[ros2 demo] {scenario.name}: {'PASS' if passed else 'FAIL'} | survived {m['survival_s']:.1f} s | "
            f"{evaluate.tracking_line(m)}" + (f" | {'; '.join(failed)}" if failed else ""))
    if args.compare:
        from legged_robots.sim2mujoco.cli import robot_mjcf
        from legged_robots.sim2mujoco.scenarios import Scenario
        from st_runtime.mujoco_robot import MujocoRobot
        from st_runtime.policy import OnnxPolicy

        steps = int(round(args.seconds / md.policy_dt)) if args.seconds else scenario.num_timesteps
        short = Scenario(**{**vars(scenario), "num_timesteps": min(steps, scenario.num_timesteps)})
        ref_log, _ = evaluate.run_scenario(OnnxPolicy(policy), MujocoRobot(robot_mjcf(md), md), short, thresholds)
        ref = evaluate.metrics(ref_log, short, md.policy_dt, thresholds)
        result["in_process"] = {k: ref[k] for k in m}
        result["in_process_passed"] = evaluate.verdict(result["in_process"], checked)[0]
        line += f" | in-process MuJoCo: survived {ref['survival_s']:.1f} s, {evaluate.tracking_line(ref)}"
    summary = out / "bridge" / "bridge_summary.json"
    if summary.is_file():
        result["bridge"] = json.loads(summary.read_text())
        clamped = result["bridge"].get("stats", {}).get("cmd_vel_clamped", 0)
        if clamped:  # the in-process comparison is not clamped: say why the two may differ
            line += (f" | the bridge clamped {clamped} /cmd_vel to the policy's trained ranges (policy.json "
                     f"'commands'; bridge.log)")
    (out / "demo.json").write_text(json.dumps(result, indent=2))
    print(line, flush=True)
    return 0 if passed else 1


def main(argv=None) -> int:
    args = parse_args(argv)
    return {"bridge": run_bridge, "sim": run_sim, "demo": run_demo}[args.command](args)


if __name__ == "__main__":
    from legged_robots.sim2mujoco.cli import run_cli

    # TimeoutError: the demo's robot or bridge never came up (their logs are named in the message)
    sys.exit(run_cli(main, user_errors=(TimeoutError,)))
