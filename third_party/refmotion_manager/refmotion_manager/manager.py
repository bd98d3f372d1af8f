"""RefMotionManager: serves reference frames of many clips to N envs on a torch device.

All clips are resampled to ``time_between_frames`` at load and stacked in one frame table; every
configured field group (style, init state, ...) gets its own contiguous column block, so a read is a
single ``index_select`` of N rows. Nothing on the hot path loops over envs or frames.
"""

from __future__ import annotations

import dataclasses
import fnmatch

import numpy as np
import torch

from . import fields as F
from .clip import MotionClip
from .config import RefMotionCfg
from .errors import MotionDataError
from .kinematics import RobotModel
from .loading import load_clips, prepare_clip
from .resample import resample

_GROUPS = ("init_state", "style", "style_goal", "expressive_goal")
_INIT_PARTS = {"root_pos": F.ROOT_POS, "root_quat": F.ROOT_ROT,
               "root_lin_vel_w": F.root_vel("w"), "root_ang_vel_w": F.root_ang_vel("w")}


class RefMotionManager:
    """Reference motion for ``num_envs`` trajectories (default ``cfg.trajectory_num``).

    Per env: a clip, a start frame and a step count. ``reset(env_ids)`` draws clips (by weight) and
    start frames, ``step()`` advances every env one frame, ``get(group_or_fields, offset)`` reads the
    current (offset 0), next (1) or any other frame. ``sample_amp_windows(B)`` draws expert windows of
    ``amp_obs_frame_num`` consecutive style frames from the whole data set.
    """

    def __init__(self, cfg: RefMotionCfg, num_envs: int | None = None, device: str | None = None,
                 clips: list[MotionClip] | None = None, seed: int | None = None):
        self.cfg = cfg
        self.num_envs = int(num_envs if num_envs is not None else cfg.trajectory_num)
        self.device = torch.device(device or cfg.device)
        self.dt = float(cfg.time_between_frames)
        if self.dt <= 0:
            raise ValueError(f"time_between_frames must be > 0, got {cfg.time_between_frames}")
        if cfg.amp_obs_frame_num < 1:
            raise ValueError(f"amp_obs_frame_num must be >= 1, got {cfg.amp_obs_frame_num}")
        robot = RobotModel(cfg.robot_mjcf) if cfg.robot_mjcf else None
        if clips is None:
            clips = load_clips(cfg.motion_files, robot)
        else:
            clips = [prepare_clip(c, robot) for c in clips]
        if not clips:
            raise MotionDataError(f"no clips to serve: motion_files {cfg.motion_files!r} names no file")
        clips = [resample(self._cut(c), self.dt) for c in clips]
        self.clip_names = tuple(c.name for c in clips)
        # where retargeted clips came from (source file, skeleton, scale, licence): exported with a policy
        self.provenance = {c.name: c.extra["Provenance"] for c in clips if "Provenance" in c.extra}

        # columns every clip has, in the first clip's order; groups resolved against each clip for clear errors
        self.fields = tuple(f for f in clips[0].fields if all(f in c.fields for c in clips))
        self.groups: dict[str, tuple[str, ...]] = {}
        for group in _GROUPS:
            patterns = getattr(cfg, f"{group}_fields")
            if not patterns:
                continue
            for c in clips:
                try:
                    F.expand(patterns, c.fields, what=f"{group}_fields entry")
                except KeyError as e:
                    raise MotionDataError(str(e.args[0]), file=c.source, clip=c.name) from None
            self.groups[group] = F.expand(patterns, self.fields, what=f"{group}_fields entry")
        self.joint_names = F.joints_in(self.fields)

        # the window each env plays, and the clips long enough for it
        self.window = None if cfg.ref_length_s is None else int(round(cfg.ref_length_s / self.dt)) + 1
        need = max(self.window or 1, cfg.amp_obs_frame_num)
        for c in clips:
            if c.num_frames < need:
                raise MotionDataError(
                    f"clip has {c.num_frames} frames at {self.dt} s ({c.duration:.3f} s), fewer than the {need} "
                    f"needed (ref_length_s={cfg.ref_length_s}, amp_obs_frame_num={cfg.amp_obs_frame_num})",
                    file=c.source, clip=c.name)

        dev = self.device
        table = np.concatenate([c.get(self.fields) for c in clips], axis=0)
        self.frames = torch.as_tensor(table, dtype=torch.float32, device=dev)
        lengths = [c.num_frames for c in clips]
        self.clip_length = torch.tensor(lengths, dtype=torch.long, device=dev)
        self.clip_offset = torch.tensor(np.cumsum([0] + lengths[:-1]), dtype=torch.long, device=dev)
        self.clip_loop = torch.tensor([c.loop for c in clips], dtype=torch.bool, device=dev)
        self.clip_weights = torch.tensor(self._weights(clips), dtype=torch.float32, device=dev)
        self._column = {f: i for i, f in enumerate(self.fields)}
        self._blocks = {g: self.frames[:, [self._column[f] for f in names]].contiguous()
                        for g, names in self.groups.items()}
        self._init_override()

        self._gen = torch.Generator(device=dev)
        self._gen.manual_seed(int(seed) if seed is not None else int(torch.seed() % 2**62))
        n = self.num_envs
        self.clip_id = torch.zeros(n, dtype=torch.long, device=dev)
        self.start = torch.zeros(n, dtype=torch.long, device=dev)
        self.steps = torch.zeros(n, dtype=torch.long, device=dev)
        self._all = torch.arange(n, device=dev)
        self._amp_offsets = torch.arange(cfg.amp_obs_frame_num, device=dev)
        # every row an AMP window can start at, with probability clip weight / number of starts in that clip
        k = cfg.amp_obs_frame_num
        self._amp_rows = torch.cat([torch.arange(o, o + length - k + 1)
                                    for o, length in zip(self.clip_offset.tolist(), lengths)]).to(dev)
        p = torch.cat([torch.full((length - k + 1,), w / (length - k + 1))
                       for w, length in zip(self.clip_weights.tolist(), lengths)])
        self._amp_cdf = (torch.cumsum(p.double(), 0) / p.sum()).float().to(dev)
        self.reset()

    # ------------------------------------------------------------------ set-up helpers
    def _cut(self, clip: MotionClip) -> MotionClip:
        b, e = self.cfg.frame_begin, self.cfg.frame_end
        end = clip.num_frames if e is None else e
        if not 0 <= b < end <= clip.num_frames:
            raise MotionDataError(f"frame_begin={b}, frame_end={e} do not select frames of a clip with "
                                  f"{clip.num_frames} frames", file=clip.source, clip=clip.name)
        if b == 0 and end == clip.num_frames:
            return clip
        return dataclasses.replace(clip, frames=clip.frames[b:end])

    def _weights(self, clips) -> list[float]:
        weights = []
        for c in clips:
            w = c.weight
            for pattern, value in self.cfg.clip_weights.items():
                if fnmatch.fnmatchcase(c.name, pattern):
                    w = value
            weights.append(float(w))
        unknown = [p for p in self.cfg.clip_weights if not any(fnmatch.fnmatchcase(c.name, p) for c in clips)]
        if unknown:
            raise KeyError(f"clip_weights names no loaded clip: {', '.join(unknown)}; clips: "
                           f"{', '.join(self.clip_names)}")
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            given = dict(zip(self.clip_names, weights))
            raise ValueError(f"clip weights must be >= 0 with a positive sum, got {given}")
        return weights

    def _init_override(self) -> None:
        names = self.groups.get("init_state", ())
        col = {f: i for i, f in enumerate(names)}
        cols, vals = [], []
        for key, value in (self.cfg.specify_init_values or {}).items():
            name = key if key in col else f"{key}_dof_pos"
            if name not in col:
                raise KeyError(f"specify_init_values: {key!r} is neither an init_state field nor a joint "
                               f"of them; init_state fields: {', '.join(names)}")
            cols.append(col[name])
            vals.append(float(value))
        self._override_cols = torch.tensor(cols, dtype=torch.long, device=self.device)
        self._override_vals = torch.tensor(vals, dtype=torch.float32, device=self.device)
        parts = {k: [col[f] for f in v] for k, v in _INIT_PARTS.items() if all(f in col for f in v)}
        self.init_joint_names = F.joints_in(names)
        for key, suffix in (("joint_pos", "_dof_pos"), ("joint_vel", "_dof_vel")):
            cs = [col[f"{j}{suffix}"] for j in self.init_joint_names if f"{j}{suffix}" in col]
            if len(cs) == len(self.init_joint_names) and cs:
                parts[key] = cs
        # column runs become slices (views, no copy)
        self.init_parts = {k: slice(c[0], c[-1] + 1) if c == list(range(c[0], c[-1] + 1)) else c
                           for k, c in parts.items()}

    # ------------------------------------------------------------------ per-env state
    def _ids(self, env_ids) -> torch.Tensor:
        if env_ids is None:
            return self._all
        return torch.as_tensor(env_ids, dtype=torch.long, device=self.device).reshape(-1)

    def reset(self, env_ids=None, clip_ids=None, start_frames=None) -> None:
        """New clip (drawn by weight unless given) and start frame (random or 0 unless given) for ``env_ids``."""
        ids = self._ids(env_ids)
        n = ids.numel()
        if clip_ids is None:
            clip = torch.multinomial(self.clip_weights, n, replacement=True, generator=self._gen)
        else:
            clip = torch.as_tensor(clip_ids, dtype=torch.long, device=self.device).expand(n)
            if ((clip < 0) | (clip >= len(self.clip_names))).any():
                raise IndexError(f"clip_ids must be in [0, {len(self.clip_names)})")
        span = self.clip_length[clip] - (self.window or 1) + 1  # number of valid start frames
        if start_frames is None:
            if self.cfg.random_start:
                start = (torch.rand(n, generator=self._gen, device=self.device) * span).long()
            else:
                start = torch.zeros(n, dtype=torch.long, device=self.device)
        else:
            start = torch.as_tensor(start_frames, dtype=torch.long, device=self.device).expand(n)
            if ((start < 0) | (start >= span)).any():
                raise IndexError("start_frames must leave a full window inside the clip")
        self.clip_id[ids], self.start[ids], self.steps[ids] = clip, start, 0
        self._index = self.frame_index(0)

    def step(self, env_ids=None) -> None:
        """Advance every env (or ``env_ids``: indices, or a boolean mask over the envs) by one frame."""
        if env_ids is None:
            self.steps += 1
        elif isinstance(env_ids, torch.Tensor) and env_ids.dtype == torch.bool:
            self.steps += env_ids.long()
        else:
            self.steps[self._ids(env_ids)] += 1
        self._index = self.frame_index(0)

    def frame_index(self, offset: int = 0) -> torch.Tensor:
        """Row of the frame table each env reads at ``offset`` frames from its current one.

        Inside a window the index is clamped to the window; with no window, looping clips wrap and the
        others hold their last frame."""
        clip = self.clip_id
        k = self.steps + offset
        if self.window is not None:
            local = self.start + k.clamp(0, self.window - 1)
        else:
            length = self.clip_length[clip]
            local = torch.where(self.clip_loop[clip], torch.remainder(self.start + k, length),
                                (self.start + k).clamp(0, None).minimum(length - 1))
        return self.clip_offset[clip] + local

    @property
    def time(self) -> torch.Tensor:
        """Seconds since each env's window started."""
        return self.steps.float() * self.dt

    @property
    def finished(self) -> torch.Tensor:
        """Envs whose window (or non-looping clip) has reached its last frame."""
        if self.window is not None:
            return self.steps >= self.window - 1
        end = self.start + self.steps >= self.clip_length[self.clip_id] - 1
        return end & ~self.clip_loop[self.clip_id]

    # ------------------------------------------------------------------ reads
    def get(self, what: str | list[str] | tuple[str, ...], offset: int = 0, env_ids=None) -> torch.Tensor:
        """(n, k) values: a configured group (``style``, ``init_state``, ``style_goal``, ``expressive_goal``),
        one field, or a list of fields, at ``offset`` frames from each env's current frame (1 = next)."""
        idx = self._index if offset == 0 else self.frame_index(offset)
        if env_ids is not None:
            idx = idx[self._ids(env_ids)]
        if isinstance(what, str) and what in self._blocks:
            return self._blocks[what].index_select(0, idx)
        names = [what] if isinstance(what, str) else list(what)
        unknown = [n for n in names if n not in self._column]
        if unknown:
            raise KeyError(f"{', '.join(unknown)}: not a group ({', '.join(self._blocks) or 'none configured'}) "
                           f"nor a field served to every clip")
        return self.frames.index_select(0, idx)[:, [self._column[n] for n in names]]

    def current(self, what, env_ids=None) -> torch.Tensor:
        return self.get(what, 0, env_ids)

    def next(self, what, env_ids=None) -> torch.Tensor:
        return self.get(what, 1, env_ids)

    def init_state(self, env_ids=None) -> dict[str, torch.Tensor]:
        """The init_state fields at each env's current frame, ``specify_init_values`` applied: ``fields``
        (n, len(groups['init_state'])) and, where those fields cover them, ``root_pos``, ``root_quat``
        (w, x, y, z), ``root_lin_vel_w``, ``root_ang_vel_w``, ``joint_pos``, ``joint_vel``
        (joints in ``init_joint_names`` order)."""
        if "init_state" not in self._blocks:
            raise KeyError("no init_state_fields configured")
        x = self.get("init_state", 0, env_ids)  # index_select: already a copy
        if self._override_cols.numel():
            x[:, self._override_cols] = self._override_vals
        out = {"fields": x}
        out.update({k: x[:, cols] for k, cols in self.init_parts.items()})
        return out

    def sample_amp_windows(self, batch: int) -> torch.Tensor:
        """(batch, amp_obs_frame_num, num_style_fields) expert windows: clips drawn by weight, start
        frames uniform over the windows that fit, frames consecutive in time."""
        if "style" not in self._blocks:
            raise KeyError("no style_fields configured: AMP windows are made of style fields")
        u = torch.rand(batch, generator=self._gen, device=self.device)
        first = self._amp_rows[torch.searchsorted(self._amp_cdf, u).clamp_(max=self._amp_rows.numel() - 1)]
        rows = (first[:, None] + self._amp_offsets[None, :]).reshape(-1)
        block = self._blocks["style"]
        return block.index_select(0, rows).view(batch, self.cfg.amp_obs_frame_num, block.shape[1])

    @property
    def memory_bytes(self) -> int:
        tensors = [self.frames, *self._blocks.values()]
        return int(sum(t.numel() * t.element_size() for t in tensors))
