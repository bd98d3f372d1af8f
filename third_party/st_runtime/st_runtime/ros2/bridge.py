"""The bridge: an exported policy (ONNX + metadata) driving a robot over ROS 2 topics.

In:  /joint_states (sensor_msgs/JointState, mapped by joint name), /imu/data (sensor_msgs/Imu, on the base
     link), /cmd_vel (geometry_msgs/Twist), /st_gym/estop (std_msgs/Bool), /st_gym/mode (std_msgs/String:
     start | policy | hold | damp | reset).
Out: /joint_command (sensor_msgs/JointState: position = target [rad], velocity = 0, effort = 0 feed-forward),
     /joint_gains (sensor_msgs/JointState: position = kp [N m/rad], velocity = kd [N m s/rad], effort = effort
     limit [N m]), both in the policy's joint order with names, gains first, once per control period;
     /diagnostics (diagnostic_msgs/DiagnosticArray), /st_gym/state (std_msgs/String, latched).

A control period starts on the first complete state (a /joint_states and an /imu/data) after its deadline,
so the command answers the newest state; if none comes, the period still ticks at its deadline and the
watchdog sees the stale state. The observation is built by st_runtime's ObservationBuilder (as in sim2mujoco).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from ..observations import ObservationBuilder
from ..policy import OnnxPolicy
from ..safety import LIMIT_SLACK, Mode, SafetyStateMachine, Transition, safety_limits
from . import msgs
from .dds import LATCHED, RELIABLE, SENSOR, Node

# observation terms a robot's joint encoders + IMU provide, or the bridge itself (the gait clock counts its
# control periods); base linear velocity and height scans need an estimator or a map, which the bridge lacks
ROBOT_OBSERVABLE = {"base_ang_vel", "projected_gravity", "joint_pos_rel", "joint_vel_rel", "last_action",
                    "generated_commands", "gait_phase", "sensed_state"}


class BridgeInputError(ValueError):
    """Input the bridge cannot run with (the policy's metadata, the robot's joints); one line for the user."""


@dataclass
class BridgeConfig:
    soft_start_s: float = 2.0  # SOFT_START ramp from the measured to the default pose
    stale_periods: float = 2.0  # no complete joint/IMU update for longer than this many periods -> DAMPING
    cmd_vel_timeout_s: float = 0.5  # no /cmd_vel for this long -> zero velocity command
    max_joint_vel: float = 30.0  # [rad/s] beyond: out-of-range input -> DAMPING
    max_base_ang_vel: float = 20.0  # [rad/s] IMU gyro beyond: out-of-range input -> DAMPING
    tilt_limit: float | None = None  # [rad]; None: the training's bad_orientation limit
    damping_scale: float = 1.0  # DAMPING's kd = scale * the policy's kd
    limit_slack: float = LIMIT_SLACK  # where a joint faults: see safety_limits
    autostart: bool = False  # 'start' on the first complete state, 'policy' when HOLD is reached
    allow_extra_joints: bool = False  # /joint_states may carry joints the policy does not drive
    diagnostics_hz: float = 5.0


@dataclass
class _State:
    q: np.ndarray | None = None
    dq: np.ndarray | None = None
    t_joint: float = -math.inf  # time.monotonic() of receipt
    quat_xyzw: np.ndarray | None = None
    gyro: np.ndarray | None = None
    t_imu: float = -math.inf
    cmd: np.ndarray = field(default_factory=lambda: np.zeros(3))
    t_cmd: float = -math.inf


class RobotView:
    """What ObservationBuilder reads from a robot (``MujocoRobot``'s names), from the last joint state and IMU."""

    def __init__(self, default_q: np.ndarray):
        self.default_q = default_q
        self.joint_pos = self.joint_vel = None
        self.base_ang_vel_b = self.projected_gravity = None

    def update(self, s: _State) -> None:
        self.joint_pos, self.joint_vel = s.q, s.dq
        self.base_ang_vel_b = s.gyro
        self.projected_gravity = projected_gravity(s.quat_xyzw)


def projected_gravity(quat_xyzw: np.ndarray) -> np.ndarray:
    """Gravity's direction (0, 0, -1) in the body frame of the orientation ``quat_xyzw`` (body -> world)."""
    x, y, z, w = quat_xyzw / np.linalg.norm(quat_xyzw)
    # third row of R(q), negated: R^T (0, 0, -1)
    return -np.array([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)])


def tilt(quat_xyzw: np.ndarray) -> float:
    """Angle between the body's z axis and the world's (what training's bad_orientation measures)."""
    return float(np.arccos(np.clip(-projected_gravity(quat_xyzw)[2], -1.0, 1.0)))


class Bridge:
    def __init__(self, policy: OnnxPolicy, node: Node, cfg: BridgeConfig | None = None, recorder=None, log=print):
        self.cfg = cfg or BridgeConfig()
        self.policy, self.node, self.recorder, self.log = policy, node, recorder, log
        md = policy.metadata
        self.md = md
        unobservable = [t.name for t in md.observation.terms if t.kind not in ROBOT_OBSERVABLE]
        if unobservable:
            raise BridgeInputError(f"the policy observes {', '.join(unobservable)}, which joint encoders and an IMU do "
                                   "not measure; deploy a policy trained without them (e.g. a flat-terrain task "
                                   "without base_lin_vel)")
        if md.reference is not None:
            raise BridgeInputError("this is a motion-tracking (mimic) policy: it needs its reference clip served frame "
                                   "by frame, and the bridge serves /cmd_vel; check it in MuJoCo with "
                                   "./run.sh sim2mujoco --policy <policy.onnx>")
        for key in ("joint_pos_limits", "soft_joint_pos_limits", "terminations"):
            if not getattr(md, key):
                raise BridgeInputError(f"the policy's metadata has no '{key}'; re-export it with this version's "
                                       "play.py (./run.sh play <task> --load_run <run>)")
        self.joint_names = list(md.joint_names)
        self.n = len(self.joint_names)
        self.period = md.policy_dt
        self.default_q = np.asarray(md.default_joint_pos, float)
        self.kp = np.asarray(md.stiffness, float)
        self.kd = np.asarray(md.damping, float)
        self.effort_limit = np.asarray(md.effort_limit, float)
        self.limits = np.asarray(md.joint_pos_limits, float)
        self.safety_limits = safety_limits(self.limits, np.asarray(md.soft_joint_pos_limits, float),
                                           self.cfg.limit_slack)
        self.action_scale = np.broadcast_to(np.asarray(md.action.scale, float), (self.n,))
        self.action_offset = np.broadcast_to(np.asarray(md.action.offset, float), (self.n,))
        self.tilt_limit = self.cfg.tilt_limit
        if self.tilt_limit is None:
            term = md.terminations.get("bad_orientation")
            self.tilt_limit = float(term["params"]["limit_angle"]) if term else math.pi / 2
        ranges = md.command_ranges("base_velocity")
        self.cmd_ranges = np.array([ranges.get(k, [0.0, 0.0]) for k in ("lin_vel_x", "lin_vel_y", "ang_vel_z")], float)
        self.builder = ObservationBuilder(md)
        self.view = RobotView(self.default_q)

        self._lock = threading.Condition()
        self._state = _State()
        self._joint_index: np.ndarray | None = None  # message position -> policy index
        self._joint_names_seen: tuple[str, ...] | None = None
        self._startup_error: str | None = None
        self._input_faults: list[str] = []  # found while decoding a message (NaN, missing velocities)
        self._requests: list[str] = []
        self._estop = False
        self._cmd_clamped = ""
        self._t_clamp_log = -math.inf
        self.sm = SafetyStateMachine(self.cfg.soft_start_s, on_transition=self._on_transition)
        self._pending_transitions: list[Transition] = []
        self._start_q: np.ndarray | None = None
        self.last_action = np.zeros(self.n)
        self.latency: list[float] = []  # state received -> command published [s], in POLICY
        self.publish_times: list[float] = []  # in POLICY
        self.stats = {"ticks": 0, "stale_ticks": 0, "targets_clipped": 0, "cmd_vel_clamped": 0}

        self.pub_cmd = node.publisher("/joint_command", msgs.JointState)
        self.pub_gains = node.publisher("/joint_gains", msgs.JointState)
        self.pub_diag = node.publisher("/diagnostics", msgs.DiagnosticArray)
        self.pub_state = node.publisher("/st_gym/state", msgs.String, kind=LATCHED)
        node.subscribe("/joint_states", msgs.JointState, self._on_joint_state, kind=SENSOR)
        node.subscribe("/imu/data", msgs.Imu, self._on_imu, kind=SENSOR)
        node.subscribe("/cmd_vel", msgs.Twist, self._on_cmd_vel, kind=SENSOR)
        node.subscribe("/st_gym/estop", msgs.Bool, self._on_estop, kind=RELIABLE)
        node.subscribe("/st_gym/mode", msgs.String, self._on_mode, kind=RELIABLE)

    # ------------------------------------------------------------------ inputs (Cyclone's receive thread)
    def _record(self, topic: str, msg) -> None:
        if self.recorder is not None:
            self.recorder.write(topic, msg)

    def _map_joints(self, names: list[str]) -> np.ndarray | None:
        index = {n: i for i, n in enumerate(self.joint_names)}
        missing = [n for n in self.joint_names if n not in names]
        unknown = [n for n in names if n not in index]
        if missing or (unknown and not self.cfg.allow_extra_joints):
            parts = []
            if missing:
                parts.append(f"missing joint(s) the policy drives: {', '.join(missing)}")
            if unknown and not self.cfg.allow_extra_joints:
                parts.append(f"unknown joint(s): {', '.join(unknown)} (--allow_extra_joints ignores them)")
            self._startup_error = "/joint_states does not match the policy: " + "; ".join(parts)
            return None
        return np.array([index.get(n, -1) for n in names])

    def _on_joint_state(self, msg: msgs.JointState) -> None:
        now = time.monotonic()
        self._record("/joint_states", msg)
        with self._lock:
            names = tuple(msg.name)
            if names != self._joint_names_seen:  # first message, or the robot changed its order: map by name
                self._joint_index = self._map_joints(list(names))
                self._joint_names_seen = names
            if self._joint_index is None:  # names that do not match the policy: run() reports it
                self._lock.notify_all()
                return
            keep = self._joint_index >= 0
            q, dq = np.full(self.n, np.nan), np.full(self.n, np.nan)
            if len(msg.position) != len(msg.name) or len(msg.velocity) != len(msg.name):
                self._input_faults.append(f"/joint_states with {len(msg.name)} names, {len(msg.position)} positions "
                                          f"and {len(msg.velocity)} velocities")
            else:
                q[self._joint_index[keep]] = np.asarray(msg.position, float)[keep]
                dq[self._joint_index[keep]] = np.asarray(msg.velocity, float)[keep]
            self._state.q, self._state.dq, self._state.t_joint = q, dq, now
            self._lock.notify_all()

    def _on_imu(self, msg: msgs.Imu) -> None:
        now = time.monotonic()
        self._record("/imu/data", msg)
        o, g = msg.orientation, msg.angular_velocity
        with self._lock:
            self._state.quat_xyzw = np.array([o.x, o.y, o.z, o.w], float)
            self._state.gyro = np.array([g.x, g.y, g.z], float)
            self._state.t_imu = now
            self._lock.notify_all()

    def _on_cmd_vel(self, msg: msgs.Twist) -> None:
        self._record("/cmd_vel", msg)
        wanted = np.array([msg.linear.x, msg.linear.y, msg.angular.z], float)
        if not np.all(np.isfinite(wanted)):
            clamped, note = np.zeros(3), "non-finite /cmd_vel replaced by zero"
        else:
            clamped = np.clip(wanted, self.cmd_ranges[:, 0], self.cmd_ranges[:, 1])
            note = "" if np.array_equal(clamped, wanted) else (
                f"/cmd_vel {np.round(wanted, 3).tolist()} clamped to {np.round(clamped, 3).tolist()} "
                f"(trained ranges vx {self.cmd_ranges[0].tolist()}, vy {self.cmd_ranges[1].tolist()}, "
                f"wz {self.cmd_ranges[2].tolist()})")
        now = time.monotonic()
        with self._lock:
            self._state.cmd, self._state.t_cmd = clamped, now
            if note:
                self.stats["cmd_vel_clamped"] += 1
                if not self._cmd_clamped or now - self._t_clamp_log > 1.0:  # at most once a second
                    self.log(f"[ros2 bridge] {note}")
                    self._t_clamp_log = now
            self._cmd_clamped = note

    def _on_estop(self, msg: msgs.Bool) -> None:
        self._record("/st_gym/estop", msg)
        with self._lock:
            self._estop = bool(msg.data)
            self._lock.notify_all()

    def _on_mode(self, msg: msgs.String) -> None:
        self._record("/st_gym/mode", msg)
        with self._lock:
            self._requests.append(msg.data)
            self._lock.notify_all()

    # ------------------------------------------------------------------ checks
    def faults(self, s: _State, now: float, input_faults: list[str] | None = None) -> list[str]:
        """What makes the current state unsafe to command (empty: fine); ``input_faults``: found while decoding."""
        out = list(input_faults or [])
        limit = self.cfg.stale_periods * self.period
        for what, t in (("/joint_states", s.t_joint), ("/imu/data", s.t_imu)):
            if now - t > limit:
                age = "never received" if t == -math.inf else f"last {1e3 * (now - t):.0f} ms ago"
                out.append(f"stale state: {what} {age} (limit {1e3 * limit:.0f} ms)")
        if out:
            return out
        for what, v, labels in (("joint position", s.q, self.joint_names), ("joint velocity", s.dq, self.joint_names),
                                ("IMU orientation", s.quat_xyzw, "xyzw"), ("IMU angular velocity", s.gyro, "xyz")):
            if not np.all(np.isfinite(v)):
                out.append(f"non-finite {what} ({', '.join(labels[i] for i in np.flatnonzero(~np.isfinite(v))[:3])})")
        if out:
            return out
        fast = np.flatnonzero(np.abs(s.dq) > self.cfg.max_joint_vel)
        if len(fast):
            i = fast[0]
            out.append(f"joint {self.joint_names[i]} velocity {s.dq[i]:.1f} rad/s beyond {self.cfg.max_joint_vel:g}")
        if abs(np.linalg.norm(s.quat_xyzw) - 1.0) > 0.1:
            out.append(f"IMU orientation is not a unit quaternion (norm {np.linalg.norm(s.quat_xyzw):.3f})")
        elif (a := tilt(s.quat_xyzw)) > self.tilt_limit:
            out.append(f"tilt {a:.2f} rad beyond the training termination angle {self.tilt_limit:.2f}")
        if np.linalg.norm(s.gyro) > self.cfg.max_base_ang_vel:
            out.append(f"IMU angular velocity {np.linalg.norm(s.gyro):.1f} rad/s beyond {self.cfg.max_base_ang_vel:g}")
        past = np.flatnonzero((s.q < self.safety_limits[:, 0]) | (s.q > self.safety_limits[:, 1]))
        if len(past):
            i = past[0]
            out.append(f"joint {self.joint_names[i]} at {s.q[i]:.3f} rad past its safety limit "
                       f"[{self.safety_limits[i, 0]:.3f}, {self.safety_limits[i, 1]:.3f}] (range "
                       f"[{self.limits[i, 0]:.3f}, {self.limits[i, 1]:.3f}])")
        return out

    # ------------------------------------------------------------------ outputs
    def _on_transition(self, tr: Transition) -> None:
        self._pending_transitions.append(tr)

    def _publish_transitions(self) -> None:
        for tr in self._pending_transitions:
            self.log(f"[ros2 bridge] {tr}")
            msg = msgs.String(data=f"{tr.target.value}: {tr.reason}")
            self.pub_state.write(msg)
            self._record("/st_gym/state", msg)
            self._publish_diagnostics(time.monotonic(), force=True)
        self._pending_transitions.clear()

    def _publish_diagnostics(self, now: float, force: bool = False) -> None:
        if not force and now - getattr(self, "_t_diag", -math.inf) < 1.0 / self.cfg.diagnostics_hz:
            return
        self._t_diag = now
        mode = self.sm.mode
        level = {Mode.POLICY: 0, Mode.HOLD: 0, Mode.SOFT_START: 0, Mode.PASSIVE: 1, Mode.DAMPING: 2}[mode]
        lat = np.asarray(self.latency[-250:]) * 1e3
        values = {"state": mode.value, "reason": self.sm.reason, "estop": str(self._estop),
                  "cmd_vel_clamped": self._cmd_clamped or "no", "ticks": str(self.stats["ticks"]),
                  "latency_p50_ms": f"{np.percentile(lat, 50):.3f}" if len(lat) else "n/a",
                  "latency_p99_ms": f"{np.percentile(lat, 99):.3f}" if len(lat) else "n/a"}
        msg = msgs.DiagnosticArray(header=msgs.Header(stamp=msgs.Time.now()), status=[msgs.DiagnosticStatus(
            level=level, name="st_gym: policy bridge", message=f"{mode.value}: {self.sm.reason}",
            hardware_id=self.md.task, values=[msgs.KeyValue(k, v) for k, v in values.items()])])
        self.pub_diag.write(msg)
        self._record("/diagnostics", msg)

    def _publish_command(self, target: np.ndarray, kp: np.ndarray, kd: np.ndarray) -> None:
        stamp = msgs.Time.now()
        header = msgs.Header(stamp=stamp, frame_id="")
        gains = msgs.JointState(header=header, name=self.joint_names, position=kp.tolist(), velocity=kd.tolist(),
                                effort=self.effort_limit.tolist())
        cmd = msgs.JointState(header=header, name=self.joint_names, position=target.tolist(),
                              velocity=[0.0] * self.n, effort=[0.0] * self.n)
        self.pub_gains.write(gains)
        self.pub_cmd.write(cmd)
        self._record("/joint_gains", gains)
        self._record("/joint_command", cmd)

    def _command(self, s: _State, now: float):
        """(target, kp, kd) for this period's mode, or None (PASSIVE)."""
        mode = self.sm.mode
        measured = s.q if s.q is not None and np.all(np.isfinite(s.q)) else None
        if mode == Mode.PASSIVE:
            return None
        if mode == Mode.DAMPING:
            hold = measured if measured is not None else self.default_q
            return hold, np.zeros(self.n), self.kd * self.cfg.damping_scale
        if mode == Mode.SOFT_START:
            if self._start_q is None:
                self._start_q = measured if measured is not None else self.default_q
            a = self.sm.ramp()
            return (1 - a) * self._start_q + a * self.default_q, self.kp, self.kd
        if mode == Mode.HOLD:
            return self.default_q, self.kp, self.kd
        # POLICY
        cmd = s.cmd if now - s.t_cmd <= self.cfg.cmd_vel_timeout_s else np.zeros(3)
        self.view.update(s)
        obs = self.builder.build(self.view, self.last_action, cmd)
        action = self.policy(obs)
        if not np.all(np.isfinite(action)):
            self.sm.fault("the policy produced a non-finite action")
            return self._command(s, now)
        self.last_action = action
        return self.action_offset + self.action_scale * action, self.kp, self.kd

    # ------------------------------------------------------------------ loop
    def step(self, now: float, event_latency_from: float | None) -> None:
        """One control period: requests, faults, the state machine, then the command."""
        with self._lock:
            s = _State(**vars(self._state))
            requests, self._requests = self._requests, []
            input_faults, self._input_faults = self._input_faults, []
            estop = self._estop
        before = self.sm.mode
        self.sm.set_estop(estop)
        faults = self.faults(s, now, input_faults)
        if faults:
            self.stats["stale_ticks"] += any(f.startswith("stale") for f in faults)
            self.sm.fault("; ".join(faults))
        if self.cfg.autostart and not faults and not self.sm.history and self.sm.mode == Mode.PASSIVE:
            requests.append("start")
        policy_ran = any(t.target == Mode.POLICY for t in self.sm.history)
        if self.cfg.autostart and self.sm.mode == Mode.HOLD and not policy_ran:
            requests.append("policy")
        for r in requests:
            ok, why = self.sm.request(r, faults)
            if not ok:
                self.log(f"[ros2 bridge] request refused: {why}")
        self.sm.tick()
        if self.sm.mode != Mode.SOFT_START:
            self._start_q = None
        if self.sm.mode == Mode.POLICY and before != Mode.POLICY:  # a fresh episode, as after a training reset
            self.policy.reset()
            self.builder.reset()
            self.last_action = np.zeros(self.n)
        out = self._command(s, now)
        if out is not None:
            target, kp, kd = out
            clipped = np.clip(target, self.limits[:, 0], self.limits[:, 1])
            self.stats["targets_clipped"] += int(np.any(clipped != target))
            if not np.all(np.isfinite(clipped)):  # never sent: damp on the default pose instead
                self.sm.fault("non-finite joint target")
                clipped, kp, kd = self.default_q.copy(), np.zeros(self.n), self.kd * self.cfg.damping_scale
            self._publish_command(clipped, kp, kd)
            t_pub = time.monotonic()
            if self.sm.mode == Mode.POLICY:
                self.publish_times.append(t_pub)
                if event_latency_from is not None:
                    self.latency.append(t_pub - event_latency_from)
        self._publish_transitions()
        self._publish_diagnostics(time.monotonic())
        self.stats["ticks"] += 1

    def run(self, seconds: float | None = None, stop: threading.Event | None = None) -> None:
        """Tick until ``seconds`` pass or ``stop`` is set; a bad /joint_states raises BridgeInputError."""
        stop = stop or threading.Event()
        t_end = time.monotonic() + seconds if seconds else math.inf
        deadline = time.monotonic()
        self._publish_command_state_once()
        while not stop.is_set() and time.monotonic() < t_end:
            with self._lock:
                fresh = lambda: (self._state.t_joint >= deadline and self._state.t_imu >= deadline) \
                    or self._startup_error is not None
                self._lock.wait_for(fresh, timeout=max(0.0, deadline + self.period - time.monotonic()))
                if self._startup_error:
                    raise BridgeInputError(self._startup_error)
                got = self._state.t_joint >= deadline and self._state.t_imu >= deadline
                received = max(self._state.t_joint, self._state.t_imu)
            now = time.monotonic()
            if now < deadline:
                continue
            self.step(now, received if got else None)
            deadline += self.period
            if deadline < time.monotonic() - self.period:  # fell behind: skip, never burst
                deadline = time.monotonic()

    def _publish_command_state_once(self) -> None:
        msg = msgs.String(data=f"{self.sm.mode.value}: {self.sm.reason}")
        self.pub_state.write(msg)
        self._record("/st_gym/state", msg)

    def shutdown(self) -> None:
        """Leave the robot damped, not holding a stale target."""
        if self.sm.mode in (Mode.SOFT_START, Mode.HOLD, Mode.POLICY):
            self.sm.fault("bridge stopping")
            with self._lock:
                s = _State(**vars(self._state))
            out = self._command(s, time.monotonic())
            if out is not None:
                self._publish_command(*out)
            self._publish_transitions()
