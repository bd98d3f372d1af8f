"""The ROS 2 bridge as a user runs it: real processes talking DDS over loopback.

The test's side speaks ROS 2 with message types written here from the .msg definitions (it imports
none of the bridge's), so the wire format is checked by an independent decoder. Each test uses its own
DDS domain so parallel runs never hear each other.
"""

import json
import math
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.sim
ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "lus2_flat" / "policy.onnx"
SCRIPT = ROOT / "scripts" / "st_rl" / "ros2interface.py"

from cyclonedds.core import Listener  # noqa: E402
from cyclonedds.domain import DomainParticipant  # noqa: E402
from cyclonedds.idl import IdlStruct  # noqa: E402
from cyclonedds.idl import types as t  # noqa: E402
from cyclonedds.pub import DataWriter  # noqa: E402
from cyclonedds.qos import Policy, Qos  # noqa: E402
from cyclonedds.sub import DataReader  # noqa: E402
from cyclonedds.topic import Topic  # noqa: E402


# ---- ROS 2 types as any ROS 2 user would declare them for Cyclone DDS (std_msgs, sensor_msgs, geometry_msgs)
@dataclass
class Stamp(IdlStruct, typename="builtin_interfaces::msg::dds_::Time_"):
    sec: t.int32 = 0
    nanosec: t.uint32 = 0


@dataclass
class Hdr(IdlStruct, typename="std_msgs::msg::dds_::Header_"):
    stamp: Stamp = field(default_factory=Stamp)
    frame_id: str = ""


@dataclass
class RosJointState(IdlStruct, typename="sensor_msgs::msg::dds_::JointState_"):
    header: Hdr = field(default_factory=Hdr)
    name: t.sequence[str] = field(default_factory=list)
    position: t.sequence[t.float64] = field(default_factory=list)
    velocity: t.sequence[t.float64] = field(default_factory=list)
    effort: t.sequence[t.float64] = field(default_factory=list)


@dataclass
class Vec3(IdlStruct, typename="geometry_msgs::msg::dds_::Vector3_"):
    x: t.float64 = 0.0
    y: t.float64 = 0.0
    z: t.float64 = 0.0


@dataclass
class Quat(IdlStruct, typename="geometry_msgs::msg::dds_::Quaternion_"):
    x: t.float64 = 0.0
    y: t.float64 = 0.0
    z: t.float64 = 0.0
    w: t.float64 = 1.0


@dataclass
class RosImu(IdlStruct, typename="sensor_msgs::msg::dds_::Imu_"):
    header: Hdr = field(default_factory=Hdr)
    orientation: Quat = field(default_factory=Quat)
    orientation_covariance: t.array[t.float64, 9] = field(default_factory=lambda: [0.0] * 9)
    angular_velocity: Vec3 = field(default_factory=Vec3)
    angular_velocity_covariance: t.array[t.float64, 9] = field(default_factory=lambda: [0.0] * 9)
    linear_acceleration: Vec3 = field(default_factory=Vec3)
    linear_acceleration_covariance: t.array[t.float64, 9] = field(default_factory=lambda: [0.0] * 9)


@dataclass
class RosTwist(IdlStruct, typename="geometry_msgs::msg::dds_::Twist_"):
    linear: Vec3 = field(default_factory=Vec3)
    angular: Vec3 = field(default_factory=Vec3)


@dataclass
class RosBool(IdlStruct, typename="std_msgs::msg::dds_::Bool_"):
    data: bool = False


@dataclass
class RosString(IdlStruct, typename="std_msgs::msg::dds_::String_"):
    data: str = ""


RELIABLE = Qos(Policy.Reliability.Reliable(1_000_000_000), Policy.History.KeepLast(10))
LATCHED = Qos(Policy.Reliability.Reliable(1_000_000_000), Policy.History.KeepLast(1), Policy.Durability.TransientLocal)
METADATA = json.loads((POLICY.parent / "policy.json").read_text())
JOINTS = METADATA["joint_names"]


class FakeRobot:
    """Publishes /joint_states (default pose, reversed order) and an upright /imu/data at 200 Hz until told
    otherwise; records what the bridge sends."""

    def __init__(self, domain: int):
        self.dp = DomainParticipant(domain)
        self.w_js = DataWriter(self.dp, Topic(self.dp, "rt/joint_states", RosJointState), qos=RELIABLE)
        self.w_imu = DataWriter(self.dp, Topic(self.dp, "rt/imu/data", RosImu), qos=RELIABLE)
        self.w_estop = DataWriter(self.dp, Topic(self.dp, "rt/st_gym/estop", RosBool), qos=RELIABLE)
        self.w_mode = DataWriter(self.dp, Topic(self.dp, "rt/st_gym/mode", RosString), qos=RELIABLE)
        self.w_cmd = DataWriter(self.dp, Topic(self.dp, "rt/cmd_vel", RosTwist), qos=RELIABLE)
        self.lock = threading.Lock()
        self.commands, self.gains, self.states = [], [], []  # (receipt time, message)
        self._readers = [
            DataReader(self.dp, Topic(self.dp, "rt/joint_command", RosJointState), qos=RELIABLE,
                       listener=Listener(on_data_available=self._take(self.commands))),
            DataReader(self.dp, Topic(self.dp, "rt/joint_gains", RosJointState), qos=RELIABLE,
                       listener=Listener(on_data_available=self._take(self.gains))),
            DataReader(self.dp, Topic(self.dp, "rt/st_gym/state", RosString), qos=LATCHED,
                       listener=Listener(on_data_available=self._take(self.states))),
        ]
        self._take(self.states)(self._readers[-1])
        self.names = JOINTS[::-1]
        self.q = np.asarray(METADATA["default_joint_pos"])[::-1].copy()
        self.publishing = True
        self.last_sent = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _take(self, into):
        def on_data(reader):
            now = time.monotonic()
            if reader is None:  # latched data before the reader was registered: drained after creation
                return
            for s in reader.take(N=64):
                if s.sample_info.valid_data:
                    with self.lock:
                        into.append((now, s))
        return on_data

    def _loop(self):
        while not self._stop.is_set():
            if self.publishing:
                self.w_js.write(RosJointState(name=list(self.names), position=self.q.tolist(),
                                              velocity=[0.0] * len(self.q), effort=[0.0] * len(self.q)))
                self.w_imu.write(RosImu())
                self.last_sent = time.monotonic()
            time.sleep(0.005)

    def mode(self):
        with self.lock:
            return self.states[-1][1].data.split(":")[0] if self.states else ""

    def wait_mode(self, mode, timeout=60.0, request=None):
        t_end = time.monotonic() + timeout
        while self.mode() != mode:
            assert time.monotonic() < t_end, f"bridge never reached {mode}; states: {[s.data for _, s in self.states]}"
            if request:
                self.w_mode.write(RosString(request))
            time.sleep(0.05)

    def close(self):
        self._stop.set()
        self._thread.join()


def start_bridge(domain, tmp_path, *extra):
    cmd = [sys.executable, str(SCRIPT), "bridge", "--policy", str(POLICY), "--domain_id", str(domain),
           "--out", str(tmp_path / "bridge"), "--soft_start_s", "0.3", *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(proc, timeout=30):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=timeout)
    return out


@pytest.fixture
def domain():
    return random.Random(os.getpid() * 1000 + time.time_ns()).randrange(100, 230)


@pytest.fixture
def robot(domain):
    r = FakeRobot(domain)
    yield r
    r.close()


def in_policy(robot, domain, tmp_path, *extra):
    bridge = start_bridge(domain, tmp_path, *extra)
    robot.wait_mode("PASSIVE")
    robot.wait_mode("SOFT_START", request="start")
    robot.wait_mode("HOLD")
    robot.wait_mode("POLICY", request="policy")
    return bridge


def test_faults_damp_the_robot_and_no_nan_leaves(robot, domain, tmp_path):
    bridge = in_policy(robot, domain, tmp_path)
    try:
        # NaN in one joint's position -> DAMPING at the next period, and nothing non-finite is ever sent
        q = robot.q.copy()
        robot.q[3] = math.nan
        robot.wait_mode("DAMPING", timeout=5)
        reason = robot.states[-1][1].data
        assert "non-finite joint position" in reason and robot.names[3] in reason, reason
        robot.q = q
        time.sleep(0.2)
        with robot.lock:
            kp_after = [g.position for tr, g in robot.gains if tr > robot.states[-1][0] + 0.05]
        assert kp_after and all(max(kp) == 0.0 for kp in kp_after)  # damping only
        # nothing leaves DAMPING by itself; reset -> PASSIVE, start again; then e-stop
        robot.wait_mode("PASSIVE", request="reset")
        robot.wait_mode("SOFT_START", request="start")
        robot.wait_mode("HOLD")
        robot.w_estop.write(RosBool(True))
        robot.wait_mode("DAMPING", timeout=5)
        assert robot.states[-1][1].data == "DAMPING: e-stop"
        robot.w_mode.write(RosString("reset"))
        time.sleep(0.3)
        assert robot.mode() == "DAMPING"  # refused while the e-stop is engaged
        robot.w_estop.write(RosBool(False))
        robot.wait_mode("PASSIVE", request="reset")
        # the robot goes silent -> the watchdog damps
        robot.wait_mode("SOFT_START", request="start")
        robot.wait_mode("HOLD")
        robot.publishing = False
        robot.wait_mode("DAMPING", timeout=5)
        assert "stale state" in robot.states[-1][1].data
    finally:
        out = stop(bridge)
        robot.close()
    assert "request refused: 'reset' refused: e-stop engaged" in out, out
    with robot.lock:
        for _, c in robot.commands:
            assert np.all(np.isfinite(c.position)) and c.name == JOINTS
    summary = json.loads((tmp_path / "bridge" / "bridge_summary.json").read_text())
    assert [tr["to"] for tr in summary["transitions"]] == [
        "SOFT_START", "HOLD", "POLICY", "DAMPING", "PASSIVE", "SOFT_START", "HOLD", "DAMPING", "PASSIVE",
        "SOFT_START", "HOLD", "DAMPING"]


def test_cmd_vel_beyond_the_trained_range_is_clamped_and_reported(robot, domain, tmp_path):
    bridge = in_policy(robot, domain, tmp_path)
    try:
        for _ in range(20):
            robot.w_cmd.write(RosTwist(Vec3(3.0, 0.0, 0.0), Vec3(0.0, 0.0, 0.05)))
            time.sleep(0.02)
    finally:
        out = stop(bridge)
    assert "/cmd_vel [3.0, 0.0, 0.05] clamped to [0.2, 0.0, 0.05]" in out, out
    # the bag has it all, readable by rosbags (what ros2 bag / Foxglove read)
    from rosbags.rosbag2 import Reader
    from rosbags.typesys import Stores, get_typestore

    store = get_typestore(Stores.ROS2_JAZZY)
    with Reader(tmp_path / "bridge" / "bag") as bag:
        topics = {c.topic: c.msgtype for c in bag.connections}
        diags = [store.deserialize_cdr(raw, c.msgtype) for c, _, raw in bag.messages()
                 if c.topic == "/diagnostics"]
    assert topics["/joint_command"] == "sensor_msgs/msg/JointState" and "/joint_states" in topics
    assert topics["/diagnostics"] == "diagnostic_msgs/msg/DiagnosticArray" and "/st_gym/state" in topics
    clamped = [kv.value for d in diags for kv in d.status[0].values if kv.key == "cmd_vel_clamped"]
    assert any("clamped to [0.2, 0.0, 0.05]" in v for v in clamped)


@pytest.mark.parametrize("names, expected", [
    (JOINTS[1:], f"missing joint(s) the policy drives: {JOINTS[0]}"),
    (JOINTS + ["tail_joint"], "unknown joint(s): tail_joint"),
])
def test_joint_states_that_do_not_match_the_policy_stop_the_bridge_naming_them(robot, domain, tmp_path, names,
                                                                               expected):
    robot.names = names
    robot.q = np.zeros(len(names))
    bridge = start_bridge(domain, tmp_path)
    out, _ = bridge.communicate(timeout=120)
    assert bridge.returncode == 2, out
    assert expected in out.strip().splitlines()[-1], out


@pytest.mark.parametrize("scenario, extra", [("forward_0.5", ["--joint_order", "reversed"]),
                                             ("stand", ["--drop", "0.1", "--latency_ms", "5"])])
def test_demo_over_dds_matches_sim2mujoco_in_process(domain, tmp_path, scenario, extra):
    """Sim robot + bridge + operator as three processes; the outcome of a policy that stands (test data: FAIL at
    0.5 m/s) matches the same scenario run in-process (no DDS): the same survival, the tracking errors per axis
    within 0.05 (m/s, rad/s), 0.08 with 5 ms latency and 10 % drops (its stand sways, chaotically, at ~0.1 m/s:
    its verdict on stand sits at the threshold, so only the moving one's is asserted)."""
    out = subprocess.run([str(ROOT / "run.sh"), "ros2", "demo", "lus2", "--scenario", scenario, "--seconds", "4",
                          "--policy", str(ROOT / "tests" / "data" / "lus2_standing" / "policy.onnx"), "--compare",
                          "--domain_id", str(domain), "--out", str(tmp_path), *extra],
                         capture_output=True, text=True, timeout=300)
    result = json.loads((tmp_path / "demo.json").read_text())
    assert out.returncode == (0 if result["passed"] else 1), out.stdout[-3000:] + out.stderr[-3000:]
    if scenario != "stand":  # its policy.json says it was trained to 0.2 m/s: the line says the 0.5 was clamped
        assert "the bridge clamped" in out.stdout and result["bridge"]["stats"]["cmd_vel_clamped"] > 0, out.stdout
    m, ref = result["metrics"], result["in_process"]
    lag = result["bridge"]["latency_ms"]["p99"]
    if lag > 5.0 and "--latency_ms" not in extra:  # the in-process twin has no delay: the comparison needs a fast link
        pytest.skip(f"this machine delayed the bridge's commands by {lag:.1f} ms (p99, > one 5 ms physics step): too "
                    "loaded for a comparison with the undelayed in-process run")
    if scenario != "stand":
        assert not result["passed"] and not result["in_process_passed"], (m, ref)
        assert any(f.startswith("lin_vel_x_mean_error") for f in result["failed"]), result["failed"]
    assert m["survival_s"] == pytest.approx(ref["survival_s"])
    tolerance = 0.08 if "--drop" in extra else 0.05
    for axis in ("lin_vel_x", "lin_vel_y", "yaw_rate"):
        assert abs(m[f"{axis}_rmse"] - ref[f"{axis}_rmse"]) < tolerance, (axis, m, ref)
    assert result["non_finite_commands"] == 0
    assert [s.split(":")[0] for s in result["transitions"]] == ["PASSIVE", "SOFT_START", "HOLD", "POLICY", "DAMPING"]
    assert result["bridge"]["bag_messages"] > 0 and (tmp_path / "bridge" / "bag" / "metadata.yaml").is_file()
