"""st_runtime.gait: the speed-dependent clock's rate, the same in numpy (robot side) and torch (training)."""

import numpy as np
import pytest
import torch

from st_runtime.gait import check_gait_params, gait_frequency

pytestmark = pytest.mark.unit


def test_the_rate_goes_from_the_slow_to_the_fast_period_over_the_speed_range_in_numpy_and_torch():
    speed = np.array([0.0, 0.5, 0.75, 1.0, 1.5])
    expected = [1.25, 1.25, (1.25 + 2.0) / 2, 2.0, 2.0]
    np.testing.assert_allclose(gait_frequency(speed, 0.8, 0.5, (0.5, 1.0)), expected)
    np.testing.assert_allclose(gait_frequency(torch.tensor(speed), 0.8, 0.5, (0.5, 1.0)).numpy(), expected)
    np.testing.assert_allclose(gait_frequency(np.float64(0.9), 0.8, 0.5, [0.5, 1.0]), 1.25 + 0.8 * 0.75)
    np.testing.assert_allclose(gait_frequency(speed, 0.8), 1.25)  # a fixed clock


@pytest.mark.parametrize("params, key", [((0.0, None, (0.5, 1.0)), "period"), ((0.8, 0.9, (0.5, 1.0)), "fast_period"),
                                         ((0.8, 0.5, (1.0, 0.5)), "fast_speed")])
def test_a_clock_that_cannot_run_names_its_parameter(params, key):
    with pytest.raises(ValueError, match=key):
        check_gait_params(*params)
