"""The gait clock's rate, one formula for training (torch) and the robot side (numpy).

A fixed clock runs at ``1 / period``. A speed-dependent one (``fast_period`` set) runs faster as the commanded
planar speed rises: its frequency goes linearly from ``1 / period`` at ``fast_speed[0]`` m/s to
``1 / fast_period`` at ``fast_speed[1]`` and stays there above (a fixed cadence makes long strides at speed:
at 0.8 s, 1.0 m/s takes 0.8 m a stride, and the pelvis twists for them). Its phase is integrated step by step
(``phase += dt * frequency``), so a speed change bends the clock without a jump.
"""

from __future__ import annotations


def gait_frequency(speed, period: float, fast_period: float | None = None, fast_speed=(0.5, 1.0)):
    """Clock frequency [Hz] at the commanded planar ``speed`` [m/s] (a numpy array or a torch tensor)."""
    if fast_period is None:
        return speed * 0.0 + 1.0 / period
    lo, hi = float(fast_speed[0]), float(fast_speed[1])
    t = ((speed - lo) / max(hi - lo, 1e-6)).clip(0.0, 1.0)
    return (1.0 - t) / period + t / fast_period


def check_gait_params(period: float, fast_period: float | None, fast_speed) -> None:
    """ValueError naming the parameter for a clock that cannot run."""
    if not period > 0:
        raise ValueError(f"gait clock: period must be > 0 s, got {period}")
    if fast_period is not None and not 0 < fast_period <= period:
        raise ValueError(f"gait clock: fast_period must be in (0, period={period}] s, got {fast_period}")
    if fast_period is not None and not (len(fast_speed) == 2 and 0 <= fast_speed[0] < fast_speed[1]):
        raise ValueError(f"gait clock: fast_speed must be [start, end] m/s with 0 <= start < end, got {fast_speed}")
