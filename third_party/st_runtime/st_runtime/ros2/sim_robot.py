"""A simulated robot on ROS 2 topics: plain MuJoCo at the physics rate, the commanded PD law with effort
limits, joint states and IMU out (with configurable latency, drops and noise), so the bridge can be run
and tested end to end on one machine.

In:  /joint_command, /joint_gains (the bridge's), /st_gym/sim/push (geometry_msgs/Vector3: a base
     velocity kick [m/s], world frame).
Out: /joint_states, /imu/data (orientation, body-frame angular velocity; linear_acceleration is gravity
     only), /odom (nav_msgs/Odometry: ground-truth base pose and body-frame twist, for evaluation).

Physics waits until the first command arrives, then runs in real time; state is published from the start.
The base hangs in a gantry (held in place, joints free) until the bridge reports POLICY on /st_gym/state,
as a humanoid is lowered to the ground when its policy starts: holding the default pose does not balance
lus2 (it tips over in ~1.5 s), so SOFT_START and HOLD happen in the air. ``gantry=False`` drops it at once.

Optional dependencies (the runtime's extras: onnx/onnxruntime, mujoco, rosbags) are imported where they are used, so
the core installs with numpy alone.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..metadata import ActionSpec, RobotSpec
from ..mujoco_robot import MujocoRobot
from . import msgs
from .dds import LATCHED, SENSOR, Node

JOINT_ORDERS = ("mjcf", "reversed", "sorted")


@dataclass
class Impairments:
    latency_ms: float = 0.0  # added before each state message leaves
    drop: float = 0.0  # probability that a state message is not sent
    joint_pos_noise: float = 0.0  # [rad], Gaussian std
    joint_vel_noise: float = 0.0  # [rad/s]
    gyro_noise: float = 0.0  # [rad/s]
    imu_mount_deg: tuple[float, float, float] = (0.0, 0.0, 0.0)  # the IMU board turned by roll, pitch, yaw
    encoder_counts: int = 0  # joint encoders' counts per turn (0: exact); velocity by differentiation


def mjcf_robot_spec(mjcf: str | Path, armature: Callable[[str], float], effort_limit: Callable[[str], float],
                    sim_dt: float, solver_substeps: int = 1) -> RobotSpec:
    """A simulated robot's settings from its MJCF and its facts (not from any policy): the joints in MJCF order,
    the 'stand' keyframe pose (else qpos0), ``armature(joint)`` and ``effort_limit(joint)``, physics timing.
    Gains stay zero until commanded."""
    import mujoco

    model = mujoco.MjModel.from_xml_path(str(mjcf))
    names = [model.joint(j).name for j in range(model.njnt) if model.jnt_type[j] != int(mujoco.mjtJoint.mjJNT_FREE)]
    key = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_KEY, "stand")
    qpos = model.key_qpos[key] if key >= 0 else model.qpos0
    n = len(names)
    return RobotSpec(joint_names=names,
                     default_joint_pos=[float(qpos[model.jnt_qposadr[model.joint(nm).id]]) for nm in names],
                     stiffness=[0.0] * n, damping=[0.0] * n, armature=[float(armature(nm)) for nm in names],
                     effort_limit=[float(effort_limit(nm)) for nm in names],
                     action=ActionSpec(scale=1.0, offset=[0.0] * n), sim_dt=sim_dt, decimation=1,
                     solver_substeps=solver_substeps)


class SimRobot:
    def __init__(self, mjcf: str | Path, spec: RobotSpec, node: Node, impairments: Impairments | None = None,
                 joint_order: str = "mjcf", seed: int = 0, gantry: bool = True, log=print):
        if joint_order not in JOINT_ORDERS:
            raise ValueError(f"joint_order must be one of {', '.join(JOINT_ORDERS)}, got {joint_order!r}")
        self.spec = spec
        self.robot = MujocoRobot(mjcf, spec)
        self.robot.reset()
        self.imp = impairments or Impairments()
        self.robot.set_sensor_errors(np.radians(self.imp.imu_mount_deg),
                                     2.0 * np.pi / self.imp.encoder_counts if self.imp.encoder_counts else 0.0)
        self.rng = np.random.default_rng(seed)
        self.log = log
        self.node = node  # the participant lives as long as we do
        names = self.robot.joint_names
        order = {"mjcf": list(range(len(names))), "reversed": list(range(len(names)))[::-1],
                 "sorted": sorted(range(len(names)), key=lambda i: names[i])}[joint_order]
        self.order = np.array(order)  # published position -> MJCF joint index
        self._index = {n: i for i, n in enumerate(names)}
        self._lock = threading.Lock()
        self._target = self.robot.default_q.copy()
        self._kp = np.zeros(len(names))
        self._kd = np.zeros(len(names))
        self._push = np.zeros(2)
        self.started = False
        self.gantry = gantry
        self._base0 = (self.robot.data.qpos[0:7].copy())
        self.commands_received = 0
        self.bad_commands = 0
        self._outbox: deque = deque()
        self.pub_joints = node.publisher("/joint_states", msgs.JointState)
        self.pub_imu = node.publisher("/imu/data", msgs.Imu)
        self.pub_odom = node.publisher("/odom", msgs.Odometry)
        node.subscribe("/joint_command", msgs.JointState, self._on_command, kind=SENSOR)
        node.subscribe("/joint_gains", msgs.JointState, self._on_gains, kind=SENSOR)
        node.subscribe("/st_gym/sim/push", msgs.Vector3, self._on_push)
        node.subscribe("/st_gym/state", msgs.String, self._on_bridge_state, kind=LATCHED)

    def _on_bridge_state(self, msg: msgs.String) -> None:
        if self.gantry and msg.data.startswith("POLICY"):
            self.gantry = False
            self.log("[ros2 sim] the bridge runs its policy: gantry released")

    def _mjcf_order(self, msg: msgs.JointState, field: str) -> np.ndarray | None:
        values = getattr(msg, field)
        if len(values) != len(msg.name) or any(n not in self._index for n in msg.name):
            self.bad_commands += 1
            if self.bad_commands == 1:
                unknown = [n for n in msg.name if n not in self._index]
                self.log(f"[ros2 sim] ignoring a command: unknown joints {unknown} or {len(values)} {field} values "
                         f"for {len(msg.name)} names")
            return None
        out = np.full(len(self._index), np.nan)
        out[[self._index[n] for n in msg.name]] = values
        return out

    def _on_command(self, msg: msgs.JointState) -> None:
        target = self._mjcf_order(msg, "position")
        if target is None:
            return
        with self._lock:
            known = np.isfinite(target)  # joints not in the command keep their last target
            self._target[known] = target[known]
            self.commands_received += 1
            self.started = True

    def _on_gains(self, msg: msgs.JointState) -> None:
        kp, kd = self._mjcf_order(msg, "position"), self._mjcf_order(msg, "velocity")
        if kp is None or kd is None:
            return
        with self._lock:
            self._kp[np.isfinite(kp)] = kp[np.isfinite(kp)]
            self._kd[np.isfinite(kd)] = kd[np.isfinite(kd)]

    def _on_push(self, msg: msgs.Vector3) -> None:
        with self._lock:
            self._push += (msg.x, msg.y)

    def _state_messages(self) -> list:
        r, imp = self.robot, self.imp
        s = r.sensed()  # through the IMU mounting and the encoders (the latency is this class's outbox)
        stamp = msgs.Time.now()
        q = s.joint_pos + self.rng.normal(0.0, imp.joint_pos_noise, len(r.joint_pos)) * (imp.joint_pos_noise > 0)
        dq = s.joint_vel + self.rng.normal(0.0, imp.joint_vel_noise, len(r.joint_vel)) * (imp.joint_vel_noise > 0)
        o = self.order
        joints = msgs.JointState(header=msgs.Header(stamp=stamp), name=[r.joint_names[i] for i in o],
                                 position=q[o].tolist(), velocity=dq[o].tolist(), effort=r.torque[o].tolist())
        w, x, y, z = r.base_quat
        imu_rot = r.base_rot if r.imu_mount is None else r.base_rot @ r.imu_mount
        qi = r.base_quat if r.imu_mount is None else _quat_wxyz(imu_rot)
        gyro = s.base_ang_vel_b + self.rng.normal(0.0, imp.gyro_noise, 3) * (imp.gyro_noise > 0)
        acc = imu_rot.T @ np.array([0.0, 0.0, 9.81])
        imu = msgs.Imu(header=msgs.Header(stamp=stamp, frame_id="base_link"),
                       orientation=msgs.Quaternion(qi[1], qi[2], qi[3], qi[0]), angular_velocity=msgs.Vector3(*gyro),
                       linear_acceleration=msgs.Vector3(*acc))
        p = r.base_pos
        odom = msgs.Odometry(header=msgs.Header(stamp=stamp, frame_id="world"), child_frame_id="base_link",
                             pose=msgs.PoseWithCovariance(pose=msgs.Pose(msgs.Point(*p), msgs.Quaternion(x, y, z, w))),
                             twist=msgs.TwistWithCovariance(twist=msgs.Twist(msgs.Vector3(*r.base_lin_vel_b),
                                                                             msgs.Vector3(*r.base_ang_vel_b))))
        out = [(self.pub_odom, odom)]  # ground truth is never impaired
        for writer, msg in ((self.pub_joints, joints), (self.pub_imu, imu)):
            if imp.drop <= 0 or self.rng.random() >= imp.drop:
                out.append((writer, msg))
        return out

    def run(self, seconds: float | None = None, stop: threading.Event | None = None) -> dict:
        """Step and publish in real time until ``seconds`` (of wall time) pass or ``stop`` is set."""
        stop = stop or threading.Event()
        dt = self.robot.policy_dt  # one physics step (decimation 1)
        t0 = time.monotonic()
        k, overruns, sim_steps = 0, 0, 0
        while not stop.is_set() and (seconds is None or time.monotonic() - t0 < seconds):
            with self._lock:
                started = self.started
                self.robot.target, self.robot.kp, self.robot.kd = self._target.copy(), self._kp.copy(), self._kd.copy()
                push, self._push = self._push, np.zeros(2)
            if started:
                self.robot.step(push if np.any(push) else None)
                sim_steps += 1
                if self.gantry:
                    d = self.robot.data
                    d.qpos[0:7], d.qvel[0:6] = self._base0, 0.0
                    self.robot._mj.mj_kinematics(self.robot.model, d)
            now = time.monotonic()
            self._outbox.append((now + 1e-3 * self.imp.latency_ms, self._state_messages()))
            while self._outbox and self._outbox[0][0] <= now + 1e-4:
                for writer, msg in self._outbox.popleft()[1]:
                    writer.write(msg)
            k += 1
            sleep = t0 + k * dt - time.monotonic()
            if sleep > 0:
                time.sleep(sleep)
            else:
                overruns += 1
        return {"steps": k, "sim_steps": sim_steps, "overruns": overruns, "commands": self.commands_received,
                "bad_commands": self.bad_commands}


def _quat_wxyz(rot: np.ndarray) -> np.ndarray:
    import mujoco

    q = np.zeros(4)
    mujoco.mju_mat2Quat(q, np.ascontiguousarray(rot, dtype=float).reshape(9))
    return q
