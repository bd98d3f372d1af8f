"""The ROS 2 bridge's pieces without processes: the safety state machine (a fake clock), the IMU helpers,
and the wire format of every message type checked against rosbags' independent CDR codec."""

import math

import numpy as np
import pytest

from st_runtime.ros2 import msgs
from st_runtime.ros2.bridge import projected_gravity, tilt
from st_runtime.safety import Mode, SafetyStateMachine


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def machine(soft_start_s=2.0):
    clock = Clock()
    seen = []
    return SafetyStateMachine(soft_start_s, on_transition=seen.append, clock=clock), clock, seen


def test_normal_sequence_and_soft_start_timing():
    sm, clock, seen = machine()
    assert sm.mode == Mode.PASSIVE
    assert sm.request("policy") == (False, "'policy' is not allowed in PASSIVE")
    assert sm.request("start")[0] and sm.mode == Mode.SOFT_START
    clock.t += 1.0
    sm.tick()
    assert sm.mode == Mode.SOFT_START and sm.ramp() == pytest.approx(0.5)
    clock.t += 1.0
    sm.tick()
    assert sm.mode == Mode.HOLD
    assert sm.request("policy")[0] and sm.mode == Mode.POLICY
    assert sm.request("hold")[0] and sm.mode == Mode.HOLD
    assert [str(t) for t in seen] == ["PASSIVE -> SOFT_START (request 'start')",
                                      "SOFT_START -> HOLD (soft start done (2 s))",
                                      "HOLD -> POLICY (request 'policy')", "POLICY -> HOLD (request 'hold')"]


@pytest.mark.parametrize("state", [Mode.SOFT_START, Mode.HOLD, Mode.POLICY])
def test_faults_damp_every_commanding_state_and_nothing_leaves_damping_by_itself(state):
    sm, clock, _ = machine()
    sm.request("start")
    if state != Mode.SOFT_START:
        clock.t += 2.0
        sm.tick()
    if state == Mode.POLICY:
        sm.request("policy")
    assert sm.mode == state
    assert sm.fault("stale state: /imu/data last 45 ms ago") and sm.mode == Mode.DAMPING
    clock.t += 10.0
    sm.tick()
    for name in ("start", "policy", "hold"):
        assert not sm.request(name)[0]
    assert sm.mode == Mode.DAMPING
    assert not sm.request("reset", faults=["stale state"])[0]  # the fault is still there
    assert sm.request("reset")[0] and sm.mode == Mode.PASSIVE


def test_estop_from_any_state_and_reset_only_after_release():
    sm, _, seen = machine()
    assert not sm.fault("stale state")  # nothing is commanded in PASSIVE: no transition
    sm.set_estop(True)
    assert sm.mode == Mode.DAMPING and seen[-1].reason == "e-stop"
    ok, why = sm.request("reset")
    assert not ok and "e-stop engaged" in why
    sm.set_estop(False)
    assert sm.mode == Mode.DAMPING  # releasing the e-stop does not leave DAMPING
    assert sm.request("reset")[0] and sm.mode == Mode.PASSIVE
    assert sm.request("start", faults=[])[0] and sm.mode == Mode.SOFT_START
    assert sm.request("bogus")[1].startswith("unknown request 'bogus'")


def test_projected_gravity_and_tilt_match_a_rotation():
    assert np.allclose(projected_gravity(np.array([0.0, 0.0, 0.0, 1.0])), [0, 0, -1])
    a = 0.7  # pitch about y by a: gravity seen from the body tips toward +x
    q = np.array([0.0, math.sin(a / 2), 0.0, math.cos(a / 2)])
    assert np.allclose(projected_gravity(q), [math.sin(a), 0.0, -math.cos(a)])
    assert tilt(q) == pytest.approx(a)
    assert tilt(2.0 * q) == pytest.approx(a)  # normalized first


def test_messages_are_ros2_cdr():
    """Every type serializes to exactly the bytes rosbags' own ROS 2 (Jazzy) typestore produces."""
    from rosbags.typesys import Stores, get_typestore

    store = get_typestore(Stores.ROS2_JAZZY)
    header = msgs.Header(stamp=msgs.Time(12, 345), frame_id="base_link")
    samples = [
        msgs.JointState(header, ["a_joint", "b_joint"], [0.1, -0.2], [1.0, 2.0], [3.0, 4.0]),
        msgs.Imu(header, msgs.Quaternion(0.1, 0.2, 0.3, 0.9), angular_velocity=msgs.Vector3(1, 2, 3)),
        msgs.Twist(msgs.Vector3(0.5, 0.0, 0.0), msgs.Vector3(0.0, 0.0, -0.3)),
        msgs.Bool(True), msgs.String("HOLD: soft start done"),
        msgs.DiagnosticArray(header,
                             [msgs.DiagnosticStatus(2, "bridge", "DAMPING", "lus2", [msgs.KeyValue("k", "v")])]),
        msgs.Odometry(header, "base_link", msgs.PoseWithCovariance(msgs.Pose(msgs.Point(1, 2, 3)))),
        msgs.Vector3(1.0, 2.0, 3.0),
    ]
    for msg in samples:
        name = msgs.ros_type_name(type(msg))
        raw = msg.serialize()
        assert bytes(store.serialize_cdr(store.deserialize_cdr(raw, name), name)) == raw, name
    decoded = store.deserialize_cdr(samples[0].serialize(), "sensor_msgs/msg/JointState")
    assert decoded.name == ["a_joint", "b_joint"] and decoded.header.stamp.nanosec == 345
    assert msgs.dds_topic("/joint_states") == "rt/joint_states"
    assert msgs.JointState.__idl_typename__ == "sensor_msgs::msg::dds_::JointState_"


def test_a_mimic_policy_is_refused_with_the_reason(tmp_path):
    """The shipped policy's real ONNX with a mimic ``reference`` section in its metadata: the bridge (which serves
    /cmd_vel, not clips) refuses it before opening any DDS entity."""
    import json
    from pathlib import Path

    from st_runtime.policy import OnnxPolicy
    from st_runtime.ros2.bridge import Bridge, BridgeInputError

    shipped = Path(__file__).resolve().parents[3] / "policies" / "lus2_flat"
    md = json.loads((shipped / "policy.json").read_text())
    md["reference"] = {"command": "expressive_goal_commands", "clips": ["walk_slow"]}
    with pytest.raises(BridgeInputError, match="motion-tracking .mimic. policy"):
        Bridge(OnnxPolicy(shipped / "policy.onnx", md), node=None)
