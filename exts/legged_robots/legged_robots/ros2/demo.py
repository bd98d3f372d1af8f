"""The operator side of ``./run.sh ros2 demo``: wait for the bridge and the robot, start the bridge
(start -> HOLD -> policy), stream a sim2mujoco scenario's commands on /cmd_vel (and its pushes), watch the
robot's ground truth on /odom, and judge the run with sim2mujoco's metrics."""

from __future__ import annotations

import threading
import time

import numpy as np

from st_runtime.ros2 import msgs
from st_runtime.ros2.dds import LATCHED, SENSOR, Node

from ..sim2mujoco import evaluate
from ..sim2mujoco.scenarios import Scenario


class Operator:
    def __init__(self, node: Node, log=print):
        self.log = log
        self.node = node  # the participant lives as long as we do
        self._lock = threading.Lock()
        self.state = ""  # the bridge's /st_gym/state, e.g. "HOLD: soft start done (2 s)"
        self.states: list[str] = []
        self.state_times: list[float] = []  # time.monotonic() of each /st_gym/state receipt
        self.odom: msgs.Odometry | None = None
        self.commands = 0
        self.non_finite_commands = 0
        self.pub_mode = node.publisher("/st_gym/mode", msgs.String)
        self.pub_estop = node.publisher("/st_gym/estop", msgs.Bool)
        self.pub_cmd = node.publisher("/cmd_vel", msgs.Twist)
        self.pub_push = node.publisher("/st_gym/sim/push", msgs.Vector3)
        node.subscribe("/st_gym/state", msgs.String, self._on_state, kind=LATCHED)
        node.subscribe("/odom", msgs.Odometry, self._on_odom, kind=SENSOR)
        node.subscribe("/joint_command", msgs.JointState, self._on_command, kind=SENSOR)

    def _on_state(self, msg):
        with self._lock:
            self.state = msg.data
            self.states.append(msg.data)
            self.state_times.append(time.monotonic())

    def _on_odom(self, msg):
        with self._lock:
            self.odom = msg

    def _on_command(self, msg):
        with self._lock:
            self.commands += 1
            self.non_finite_commands += int(not np.all(np.isfinite(msg.position)))

    def mode(self) -> str:
        with self._lock:
            return self.state.split(":", 1)[0]

    def wait_for(self, what, timeout: float, desc: str) -> None:
        t_end = time.monotonic() + timeout
        while not what():
            if time.monotonic() > t_end:
                raise TimeoutError(f"no {desc} within {timeout:g} s (bridge state: {self.state or 'none'})")
            time.sleep(0.01)

    def request(self, name: str, until_mode: str, timeout: float = 10.0) -> None:
        """Send the request until the bridge reports ``until_mode`` (a volatile topic: resend past discovery)."""
        t_end = time.monotonic() + timeout
        while self.mode() != until_mode:
            if time.monotonic() > t_end:
                raise TimeoutError(f"the bridge did not go to {until_mode} after '{name}' (state: {self.state})")
            self.pub_mode.write(msgs.String(data=name))
            time.sleep(0.1)

    def ground_truth(self):
        """(lin vel xy in the heading frame, world yaw rate, base height, tilt) from the latest /odom."""
        with self._lock:
            o = self.odom
        q = o.pose.pose.orientation
        x, y, z, w = q.x, q.y, q.z, q.w
        rot = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])
        tw = o.twist.twist
        v_world = rot @ np.array([tw.linear.x, tw.linear.y, tw.linear.z])
        yaw = np.arctan2(rot[1, 0], rot[0, 0])
        c, s = np.cos(yaw), np.sin(yaw)
        lin = np.array([c * v_world[0] + s * v_world[1], -s * v_world[0] + c * v_world[1]])
        yaw_rate = float((rot @ np.array([tw.angular.x, tw.angular.y, tw.angular.z]))[2])
        tilt = float(np.arccos(np.clip(rot[2, 2], -1.0, 1.0)))
        return lin, yaw_rate, float(o.pose.pose.position.z), tilt

    def run_scenario(self, scenario: Scenario, policy_dt: float, thresholds: evaluate.Thresholds,
                     seconds: float | None = None) -> dict:
        """Stream the scenario in real time (``seconds`` cuts it short); metrics as sim2mujoco computes them."""
        steps = scenario.num_timesteps if seconds is None else min(scenario.num_timesteps,
                                                                   int(round(seconds / policy_dt)))
        scenario = Scenario(**{**vars(scenario), "num_timesteps": steps})
        commands = scenario.commands(policy_dt)
        pushes = {p.step: p.velocity for p in scenario.pushes}
        log = {k: [] for k in ("time", "command", "lin_vel_yaw", "yaw_rate", "base_height", "tilt")}
        t0 = time.monotonic()
        for k in range(steps):
            vx, vy, wz = commands[k]
            self.pub_cmd.write(msgs.Twist(msgs.Vector3(vx, vy, 0.0), msgs.Vector3(0.0, 0.0, wz)))
            if k in pushes:
                self.pub_push.write(msgs.Vector3(*pushes[k], 0.0))
            sleep = t0 + (k + 1) * policy_dt - time.monotonic()
            if sleep > 0:
                time.sleep(sleep)
            lin, yaw_rate, height, tilt = self.ground_truth()
            for key, v in (("time", (k + 1) * policy_dt), ("command", commands[k]), ("lin_vel_yaw", lin),
                           ("yaw_rate", yaw_rate), ("base_height", height), ("tilt", tilt)):
                log[key].append(v)
            if height < thresholds.min_base_height or tilt > thresholds.max_tilt:
                break
        arrays = {k: np.asarray(v) for k, v in log.items()}
        n = len(arrays["time"])
        arrays["action"] = np.zeros((n, 1))  # not observed here: the metrics below drop what they derive from it
        arrays["saturation"] = np.zeros(n)
        m = evaluate.metrics(arrays, scenario, policy_dt, thresholds)
        for key in ("torque_saturation", "action_rate"):
            m.pop(key)
        return m
