"""Readers and writers for the motion formats users already have. Every reader returns MotionClips
named by the file's own joint names (matched to a robot by name later, never by position).

    refmotion pkl     {clip: {LoopMode, FrameDuration, MotionWeight, Fields, Frames, ...}} (joblib or pickle)
    humanoid_amp npz  Isaac Lab's: fps, dof_names, body_names, dof_*, body_* (rotations w, x, y, z)
    csv               BeyondMimic style: x, y, z, quaternion, joint positions per row, at a given fps;
                      an optional header row names the columns
    amp-rsl-rl npy    dict of joints_list, joint_positions, root_position, root_quaternion (x, y, z, w), fps

Pickle-based files (pkl, npy) can run code when loaded: load only files you trust.

Heavy or optional dependencies (MuJoCo, mink, matplotlib, imageio, joblib, yaml) are imported where they are used:
reading clips needs none of them.
"""

from __future__ import annotations

import csv
import pickle
from pathlib import Path

import numpy as np

from . import fields as F
from . import quat
from .clip import MotionClip
from .errors import MotionDataError

FORMATS = {".pkl": "refmotion_pkl", ".npz": "humanoid_amp_npz", ".csv": "csv", ".npy": "amp_rsl_rl_npy"}


def format_of(path: str | Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMATS.values():
            raise ValueError(f"unknown motion format {fmt!r}; formats: {', '.join(FORMATS.values())}")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise MotionDataError(f"cannot tell the motion format from the suffix {suffix!r}; "
                              f"known: {', '.join(f'{k} ({v})' for k, v in FORMATS.items())}", file=path)
    return FORMATS[suffix]


def read(path: str | Path, fmt: str | None = None, *, fps: float | None = None, joint_names=None,
         quat_order: str = "xyzw", root_body: str | None = None) -> list[MotionClip]:
    """Clips in ``path``. ``fps``, ``joint_names`` (for a csv without header) and ``quat_order`` apply to
    csv; ``root_body`` picks the root among an npz's bodies (default: its first body)."""
    path = Path(path)
    if not path.is_file():
        raise MotionDataError("motion file not found", file=path)
    kind = format_of(path, fmt)
    if kind == "refmotion_pkl":
        return read_refmotion_pkl(path)
    if kind == "humanoid_amp_npz":
        return read_humanoid_amp_npz(path, root_body)
    if kind == "csv":
        return read_csv(path, fps=fps, joint_names=joint_names, quat_order=quat_order)
    return read_amp_rsl_rl_npy(path)


def write(clips: list[MotionClip], path: str | Path, fmt: str | None = None, **kwargs) -> Path:
    """Write ``clips`` to ``path``; formats holding one clip per file (npz, csv, npy) take exactly one."""
    path = Path(path)
    kind = format_of(path, fmt)
    if kind != "refmotion_pkl" and len(clips) != 1:
        raise ValueError(f"{kind} holds one clip per file, got {len(clips)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = {"refmotion_pkl": write_refmotion_pkl, "humanoid_amp_npz": write_humanoid_amp_npz,
              "csv": write_csv, "amp_rsl_rl_npy": write_amp_rsl_rl_npy}[kind]
    writer(clips if kind == "refmotion_pkl" else clips[0], path, **kwargs)
    return path


def _require(d: dict, keys, file, clip=None):
    for k in keys:
        if k not in d:
            raise MotionDataError(f"missing key {k!r} (has: {', '.join(map(str, d))})", file=file, clip=clip, field=k)


# ---------------------------------------------------------------- refmotion pkl
_REFMOTION_KEYS = ("LoopMode", "FrameDuration", "MotionWeight", "Fields", "Frames")


def read_refmotion_pkl(path: Path) -> list[MotionClip]:
    try:
        import joblib  # reads joblib dumps and plain pickles alike
        data = joblib.load(path)
    except ImportError:
        with open(path, "rb") as f:
            data = pickle.load(f)
    except Exception as e:  # noqa: BLE001 - any unpickling failure means the same thing to the user
        raise MotionDataError(f"not a readable pickle ({type(e).__name__}: {e})", file=path) from None
    if isinstance(data, dict) and "Frames" in data:  # a single clip, not a dict of clips
        data = {path.stem: data}
    if not isinstance(data, dict) or not data:
        raise MotionDataError("expected a dict of clips {name: {Fields, Frames, FrameDuration, ...}}", file=path)
    clips = []
    for name, c in data.items():
        if not isinstance(c, dict):
            raise MotionDataError(f"clip is a {type(c).__name__}, expected a dict", file=path, clip=name)
        _require(c, ("Fields", "Frames", "FrameDuration"), path, name)
        try:
            duration = float(c["FrameDuration"])
        except (TypeError, ValueError):
            raise MotionDataError(f"FrameDuration {c['FrameDuration']!r} is not a number", file=path, clip=name,
                                  field="FrameDuration") from None
        if not duration > 0:
            raise MotionDataError(f"FrameDuration must be > 0 (fps = 1 / FrameDuration), got {duration}",
                                  file=path, clip=name, field="FrameDuration")
        loop = str(c.get("LoopMode", "Wrap")).lower() == "wrap"
        extra = {k: v for k, v in c.items() if k not in _REFMOTION_KEYS}
        clips.append(MotionClip(name=str(name), fps=1.0 / duration, fields=tuple(map(str, c["Fields"])),
                                frames=np.asarray(c["Frames"]), loop=loop, weight=float(c.get("MotionWeight", 1.0)),
                                source=str(path), extra=extra))
    return clips


def write_refmotion_pkl(clips: list[MotionClip], path: Path, dtype=np.float32) -> None:
    """Plain pickle (readable by joblib.load and pickle.load) of the refmotion dict of clips."""
    out = {}
    for c in clips:
        entry = {"LoopMode": "Wrap" if c.loop else "Clamp", "FrameDuration": 1.0 / c.fps,
                 "EnableCycleOffsetPosition": True, "EnableCycleOffsetRotation": False,
                 "MotionWeight": float(c.weight), "Fields": list(c.fields),
                 "Frames": np.asarray(c.frames, dtype=dtype)}
        entry.update({k: v for k, v in c.extra.items() if k not in entry})
        out[c.name] = entry
    with open(path, "wb") as f:
        pickle.dump(out, f, protocol=4)


# ---------------------------------------------------------------- Isaac Lab humanoid_amp npz
_NPZ_KEYS = ("fps", "dof_names", "body_names", "dof_positions", "dof_velocities", "body_positions",
             "body_rotations", "body_linear_velocities", "body_angular_velocities")


def read_humanoid_amp_npz(path: Path, root_body: str | None = None) -> list[MotionClip]:
    try:
        z = dict(np.load(path, allow_pickle=False))
    except Exception as e:  # noqa: BLE001
        raise MotionDataError(f"not a readable npz ({type(e).__name__}: {e})", file=path) from None
    _require(z, _NPZ_KEYS, path)
    dofs = [str(n) for n in z["dof_names"]]
    bodies = [str(n) for n in z["body_names"]]
    root = bodies[0] if root_body is None else root_body
    if root not in bodies:
        raise MotionDataError(f"root body {root!r} not among the file's bodies: {', '.join(bodies)}", file=path,
                              field="body_names")
    r = bodies.index(root)
    pos, rot = z["body_positions"].astype(float), z["body_rotations"].astype(float)
    lin, ang = z["body_linear_velocities"].astype(float), z["body_angular_velocities"].astype(float)
    T = pos.shape[0]
    for key in _NPZ_KEYS[3:]:
        if z[key].shape[0] != T:
            raise MotionDataError(f"has {z[key].shape[0]} frames, body_positions has {T}", file=path, field=key)
    q_root = rot[:, r] / np.linalg.norm(rot[:, r], axis=-1, keepdims=True)
    names = list(F.ROOT_POS + F.ROOT_ROT + F.root_vel("w") + F.root_ang_vel("w") + F.dof_pos(dofs) + F.dof_vel(dofs))
    cols = [pos[:, r], rot[:, r], lin[:, r], ang[:, r], z["dof_positions"], z["dof_velocities"]]
    qr = q_root[:, None, :]
    for b, body in enumerate(bodies):
        if b == r:
            continue
        names += F.link_pos(body) + F.link_rot(body) + F.link_vel(body) + F.link_ang_vel(body)
        cols += [quat.rotate_inverse(q_root, pos[:, b] - pos[:, r]), quat.mul(quat.conj(qr[:, 0]), rot[:, b]),
                 quat.rotate_inverse(q_root, lin[:, b]), quat.rotate_inverse(q_root, ang[:, b])]
    frames = np.concatenate([np.asarray(c, float).reshape(T, -1) for c in cols], axis=1)
    return [MotionClip(name=path.stem, fps=float(z["fps"]), fields=tuple(names), frames=frames,
                       source=str(path), extra={"root_body": root})]


def write_humanoid_amp_npz(clip: MotionClip, path: Path, root_body: str | None = None) -> None:
    """Needs the clip's link columns (complete it with a robot model first)."""
    root = root_body or clip.extra.get("root_body", "root")
    links = clip.link_names
    for link in links:
        clip.index(F.link_pos(link) + F.link_rot(link) + F.link_vel(link) + F.link_ang_vel(link))
    clip.index(F.root_vel("w") + F.root_ang_vel("w"))
    joints = clip.joint_names
    q = clip.get(F.ROOT_ROT)
    p0, v0, w0 = clip.get(F.ROOT_POS), clip.get(F.root_vel("w")), clip.get(F.root_ang_vel("w"))
    pos, rot, lin, ang = [p0], [q], [v0], [w0]
    for link in links:
        pos.append(p0 + quat.rotate(q, clip.get(F.link_pos(link))))
        rot.append(quat.mul(q, clip.get(F.link_rot(link))))
        lin.append(quat.rotate(q, clip.get(F.link_vel(link))))
        ang.append(quat.rotate(q, clip.get(F.link_ang_vel(link))))
    np.savez(path, fps=np.float64(clip.fps), dof_names=np.array(joints), body_names=np.array((root,) + links),
             dof_positions=clip.get(F.dof_pos(joints)), dof_velocities=clip.get(F.dof_vel(joints)),
             body_positions=np.stack(pos, 1), body_rotations=np.stack(rot, 1),
             body_linear_velocities=np.stack(lin, 1), body_angular_velocities=np.stack(ang, 1))


# ---------------------------------------------------------------- BeyondMimic-style csv
_CSV_ROOT = {"xyzw": F.ROOT_POS + ("root_rot_x", "root_rot_y", "root_rot_z", "root_rot_w"),
             "wxyz": F.ROOT_POS + F.ROOT_ROT}


def read_csv(path: Path, *, fps: float | None, joint_names=None, quat_order: str = "xyzw") -> list[MotionClip]:
    if fps is None:
        raise MotionDataError("a csv carries no frame rate: pass fps (--fps)", file=path)
    if quat_order not in _CSV_ROOT:
        raise ValueError(f"quat_order must be 'xyzw' or 'wxyz', got {quat_order!r}")
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f) if r and any(c.strip() for c in r)]
    if not rows:
        raise MotionDataError("file is empty", file=path)
    try:
        [float(c) for c in rows[0]]
        header = None
    except ValueError:
        header, rows = [c.strip() for c in rows[0]], rows[1:]
    if header is not None:
        if joint_names is not None:
            raise ValueError("the csv has a header row naming its columns; do not also pass joint_names")
        missing = [n for n in F.ROOT_POS + F.ROOT_ROT if n not in header]
        if missing:
            raise MotionDataError(f"header lacks {', '.join(missing)} (has: {', '.join(header)})", file=path,
                                  field=missing[0])
        names = [h if h.startswith("root_") or h.endswith("_dof_pos") else f"{h}_dof_pos" for h in header]
    else:
        if joint_names is None:
            raise MotionDataError("csv without a header row: pass the joint names of its columns 8.. "
                                  "(--joint-names), in file order", file=path)
        names = list(_CSV_ROOT[quat_order]) + list(F.dof_pos(joint_names))
    frames = []
    for t, row in enumerate(rows):
        if len(row) != len(names):
            raise MotionDataError(f"row has {len(row)} columns, expected {len(names)} "
                                  f"(7 root columns + {len(names) - 7} joints)", file=path, frame=t)
        try:
            frames.append([float(c) for c in row])
        except ValueError as e:
            raise MotionDataError(f"not a number ({e})", file=path, frame=t) from None
    return [MotionClip(name=path.stem, fps=float(fps), fields=tuple(names), frames=np.asarray(frames),
                       source=str(path))]


def write_csv(clip: MotionClip, path: Path, header: bool = False, quat_order: str = "xyzw") -> None:
    """Root position, root quaternion in ``quat_order`` and joint positions (clip order), one row per frame."""
    joints = clip.joint_names
    names = list(_CSV_ROOT[quat_order]) + list(F.dof_pos(joints))
    data = clip.get(names)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        if header:
            w.writerow(names)
        w.writerows([[repr(float(v)) for v in row] for row in data])


# ---------------------------------------------------------------- amp-rsl-rl npy
_NPY_KEYS = ("joints_list", "joint_positions", "root_position", "root_quaternion", "fps")


def read_amp_rsl_rl_npy(path: Path) -> list[MotionClip]:
    try:
        obj = np.load(path, allow_pickle=True)
        d = obj.item() if obj.dtype == object and obj.shape == () else None
    except Exception as e:  # noqa: BLE001
        raise MotionDataError(f"not a readable npy ({type(e).__name__}: {e})", file=path) from None
    if not isinstance(d, dict):
        raise MotionDataError("expected a saved dict with " + ", ".join(_NPY_KEYS), file=path)
    _require(d, _NPY_KEYS, path)
    joints = [str(j) for j in d["joints_list"]]
    jp = np.asarray(np.stack([np.asarray(r, float) for r in d["joint_positions"]]), float)
    rp, rq = np.asarray(d["root_position"], float), quat.xyzw_to_wxyz(np.asarray(d["root_quaternion"], float))
    T = jp.shape[0]
    for key, arr in (("root_position", rp), ("root_quaternion", rq)):
        if arr.shape[0] != T:
            raise MotionDataError(f"has {arr.shape[0]} frames, joint_positions has {T}", file=path, field=key)
    if jp.shape[1] != len(joints):
        raise MotionDataError(f"joint_positions has {jp.shape[1]} columns, joints_list names {len(joints)}",
                              file=path, field="joint_positions")
    names = F.ROOT_POS + F.ROOT_ROT + F.dof_pos(joints)
    return [MotionClip(name=path.stem, fps=float(d["fps"]), fields=names,
                       frames=np.concatenate([rp, rq, jp], axis=1), source=str(path))]


def write_amp_rsl_rl_npy(clip: MotionClip, path: Path) -> None:
    joints = clip.joint_names
    np.save(path, {"joints_list": list(joints), "joint_positions": clip.get(F.dof_pos(joints)),
                   "root_position": clip.get(F.ROOT_POS), "root_quaternion": quat.wxyz_to_xyzw(clip.get(F.ROOT_ROT)),
                   "fps": float(clip.fps)}, allow_pickle=True)
