"""The bridge's joint-limit fault: between the training's soft limit and the joint's hard limit."""

import numpy as np
import pytest

from st_runtime.ros2.bridge import BridgeConfig
from st_runtime.safety import safety_limits

HIP_ROLL = np.array([[-2.8, 0.25]])  # lus2's right hip roll: a lopsided range
SOFT = np.array([[-2.6475, 0.0975]])  # Isaac Lab's soft limits at factor 0.9 (about the middle)


def test_the_fault_sits_between_the_soft_and_the_hard_limit():
    safe = safety_limits(HIP_ROLL, SOFT, BridgeConfig().limit_slack)
    np.testing.assert_allclose(safe, [[-2.72375, 0.17375]])
    assert safe[0, 1] > 0.11  # a walking policy's 0.11 rad roll is not a fault (it was, at the soft limit)
    np.testing.assert_allclose(safety_limits(HIP_ROLL, SOFT, 0.0), SOFT)
    np.testing.assert_allclose(safety_limits(HIP_ROLL, SOFT, 1.0), HIP_ROLL)
    with pytest.raises(ValueError, match="limit_slack 1.5: expected a share in"):
        safety_limits(HIP_ROLL, SOFT, 1.5)


def test_a_bridge_faults_a_joint_past_its_safety_limit_and_not_before():
    """A real bridge (real DDS node) on the walker's policy: the hip roll at 0.11 rad, where the walker goes, is no
    fault; past the safety limit it is, named with its limit and range."""
    import math
    import random
    import time
    from pathlib import Path

    from st_runtime import OnnxPolicy
    from st_runtime.ros2.bridge import Bridge, _State
    from st_runtime.ros2.dds import Node

    policy = Path(__file__).resolve().parents[3] / "policies" / "wip_lus2_walk" / "policy.onnx"
    bridge = Bridge(OnnxPolicy(policy), Node(random.Random(time.time_ns()).randrange(100, 230)), log=lambda m: None)
    hip = bridge.joint_names.index("right_hip_roll_joint")
    now = time.monotonic()

    def faults(q_hip):
        q = bridge.default_q.copy()
        q[hip] = q_hip
        return bridge.faults(_State(q=q, dq=np.zeros(bridge.n), t_joint=now, quat_xyzw=np.array([0.0, 0.0, 0.0, 1.0]),
                                    gyro=np.zeros(3), t_imu=now), now)

    assert faults(0.11) == []
    limit = bridge.safety_limits[hip, 1]
    assert 0.11 < limit < bridge.limits[hip, 1] and not math.isclose(limit, bridge.limits[hip, 1])
    (fault,) = faults(limit + 0.01)
    assert "right_hip_roll_joint" in fault and "past its safety limit" in fault and "range" in fault
