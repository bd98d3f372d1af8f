"""Resampling a clip to a new frame interval: linear for vectors, slerp for quaternions."""

from __future__ import annotations

import dataclasses

import numpy as np

from . import fields as F
from . import quat
from .clip import MotionClip


def sample_times(clip: MotionClip, times: np.ndarray) -> np.ndarray:
    """Frames at ``times`` (seconds, clamped to the clip): (len(times), num_fields)."""
    times = np.clip(np.asarray(times, dtype=float), 0.0, clip.duration)
    pos = times * clip.fps
    i0 = np.minimum(np.floor(pos).astype(int), clip.num_frames - 1)
    i1 = np.minimum(i0 + 1, clip.num_frames - 1)
    alpha = (pos - i0)[:, None]
    a, b = clip.frames[i0], clip.frames[i1]
    out = a + alpha * (b - a)
    for group in F.quaternion_groups(clip.fields):
        out[:, group] = quat.slerp(a[:, group], b[:, group], alpha[:, 0])
    return out


def resample(clip: MotionClip, dt: float) -> MotionClip:
    """The clip at one frame every ``dt`` seconds, from t = 0 up to its last frame (inclusive when it lands)."""
    if dt <= 0:
        raise ValueError(f"time between frames must be > 0, got {dt}")
    if abs(dt * clip.fps - 1.0) < 1e-9:
        return clip
    n = int(np.floor(clip.duration / dt + 1e-9)) + 1
    return dataclasses.replace(clip, fps=1.0 / dt, frames=sample_times(clip, np.arange(n) * dt))
