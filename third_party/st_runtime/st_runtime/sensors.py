"""Sensor error models of the robot side, twins of the training side's
(``legged_robots.tasks.velocity.mdp.observations``: ``rotation_from_rpy``, ``encoder_angle``;
``tests/test_sensors.py`` drives both with the same inputs)."""

from __future__ import annotations

import numpy as np


def rotation_from_rpy(rpy) -> np.ndarray:
    """Roll, pitch, yaw [rad] -> R = Rz(yaw) Ry(pitch) Rx(roll); an IMU board mounted turned by R reads R^T v of a
    base-frame vector v. (..., 3) -> (..., 3, 3)."""
    rpy = np.asarray(rpy, float)
    cr, cp, cy = np.cos(rpy[..., 0]), np.cos(rpy[..., 1]), np.cos(rpy[..., 2])
    sr, sp, sy = np.sin(rpy[..., 0]), np.sin(rpy[..., 1]), np.sin(rpy[..., 2])
    return np.stack([
        np.stack([cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr], -1),
        np.stack([sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr], -1),
        np.stack([-sp, cp * sr, cp * cr], -1)], -2)


def encoder_angle(q, resolution: float) -> np.ndarray:
    """An angle as an absolute encoder of ``resolution`` [rad per count] reports it."""
    return np.round(np.asarray(q, float) / resolution) * resolution


def encoder_velocity(q_now, q_before, resolution: float, dt: float) -> np.ndarray:
    """A joint velocity as a driver differentiates its encoder: counted angles ``dt`` apart."""
    return (encoder_angle(q_now, resolution) - encoder_angle(q_before, resolution)) / dt
