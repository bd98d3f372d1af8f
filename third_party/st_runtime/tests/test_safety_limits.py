"""The bridge's joint-limit fault: between the training's soft limit and the joint's hard limit."""

import numpy as np
import pytest

from st_runtime.ros2.bridge import BridgeConfig, safety_limits

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
