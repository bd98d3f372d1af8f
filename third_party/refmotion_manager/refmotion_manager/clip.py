"""MotionClip: one clip as named columns over frames, and the checks every loaded clip goes through."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from . import fields as F
from .errors import MotionDataError

QUAT_NORM_TOL = 1e-3  # |q| may differ from 1 by this much (float32 / csv rounding); it is then renormalized


@dataclass
class MotionClip:
    """A motion clip: ``frames[t, i]`` is column ``fields[i]`` at time ``t / fps``."""

    name: str
    fps: float
    fields: tuple[str, ...]
    frames: np.ndarray
    loop: bool = False  # refmotion LoopMode "Wrap" (True) or "Clamp"
    weight: float = 1.0  # sampling weight among clips
    source: str | None = None  # file it came from, for error messages
    extra: dict = field(default_factory=dict)  # other per-clip keys of the source format, kept as they were

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def dt(self) -> float:
        return 1.0 / self.fps

    @property
    def duration(self) -> float:
        """Time from the first to the last frame."""
        return (self.num_frames - 1) / self.fps

    @property
    def joint_names(self) -> tuple[str, ...]:
        return F.joints_in(self.fields)

    @property
    def link_names(self) -> tuple[str, ...]:
        return F.links_in(self.fields)

    def has(self, *names: str) -> bool:
        return all(n in self.fields for n in names)

    def index(self, names) -> list[int]:
        lookup = {f: i for i, f in enumerate(self.fields)}
        missing = [n for n in names if n not in lookup]
        if missing:
            raise MotionDataError(f"missing field(s) {', '.join(missing)}", file=self.source, clip=self.name,
                                  field=missing[0])
        return [lookup[n] for n in names]

    def get(self, names) -> np.ndarray:
        """Columns ``names`` as a (T, len(names)) array."""
        return self.frames[:, self.index(names)]

    def with_columns(self, names, values: np.ndarray) -> "MotionClip":
        """A copy with columns added (or replaced where they exist)."""
        values = np.asarray(values, dtype=self.frames.dtype).reshape(self.num_frames, len(names))
        fields, frames = list(self.fields), self.frames.copy()
        new = [n for n in names if n not in fields]
        if new:
            frames = np.concatenate([frames, np.zeros((self.num_frames, len(new)), frames.dtype)], axis=1)
            fields += new
        lookup = {f: i for i, f in enumerate(fields)}
        frames[:, [lookup[n] for n in names]] = values
        return dataclasses.replace(self, fields=tuple(fields), frames=frames)

    def select(self, names) -> "MotionClip":
        return dataclasses.replace(self, fields=tuple(names), frames=self.get(names))


def check_clip(clip: MotionClip, *, joint_names=None, required=(F.ROOT_POS + F.ROOT_ROT),
               min_frames: int = 1) -> MotionClip:
    """Validate a clip; return it with quaternions renormalized (within tolerance) and frames as float64.

    Raises MotionDataError naming file, clip, field and frame for: fps <= 0 or not finite, frames not
    (T, len(fields)), duplicate fields, missing required fields, NaN/inf, non-unit quaternions,
    joints unknown to the robot (``joint_names``), fewer than ``min_frames`` frames.
    """
    where = dict(file=clip.source, clip=clip.name)
    try:
        fps = float(clip.fps)
    except (TypeError, ValueError):
        raise MotionDataError(f"frame rate {clip.fps!r} is not a number", **where) from None
    if not np.isfinite(fps) or fps <= 0:
        raise MotionDataError(f"frame rate must be > 0, got {clip.fps!r}", **where)
    try:
        frames = np.asarray(clip.frames, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise MotionDataError(f"frames are not a numeric array ({e})", **where) from None
    fields = tuple(str(f) for f in clip.fields)
    if frames.ndim != 2 or frames.shape[1] != len(fields):
        raise MotionDataError(f"frames have shape {frames.shape}, expected (num_frames, {len(fields)}) "
                              f"for {len(fields)} fields", **where)
    seen = set()
    for f in fields:
        if f in seen:
            raise MotionDataError("field appears twice", **where, field=f)
        seen.add(f)
    for f in required:
        if f not in seen:
            raise MotionDataError("required field is missing", **where, field=f)
    bad = ~np.isfinite(frames)
    if bad.any():
        t, i = np.argwhere(bad)[0]
        raise MotionDataError(f"value {frames[t, i]} is not finite", **where, field=fields[i], frame=int(t))
    for group in F.quaternion_groups(fields):
        norm = np.linalg.norm(frames[:, group], axis=1)
        off = np.abs(norm - 1.0) > QUAT_NORM_TOL
        if off.any():
            t = int(np.argmax(off))
            raise MotionDataError(f"quaternion norm is {norm[t]:.6f}, expected 1 (tolerance {QUAT_NORM_TOL})",
                                  **where, field=fields[group[0]], frame=t)
        frames[:, group] /= norm[:, None]
    if joint_names is not None:
        known = set(joint_names)
        for f in fields:
            for suffix in ("_dof_pos", "_dof_vel"):
                if f.endswith(suffix) and f[: -len(suffix)] not in known:
                    raise MotionDataError(f"joint {f[: -len(suffix)]!r} is not a joint of the robot "
                                          f"(robot joints: {', '.join(joint_names)})", **where, field=f)
    if frames.shape[0] < min_frames:
        raise MotionDataError(f"clip has {frames.shape[0]} frames, fewer than the {min_frames} needed", **where)
    return dataclasses.replace(clip, fps=fps, fields=fields, frames=frames)
