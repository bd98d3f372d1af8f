"""Human motion capture in: BVH files and joint-position arrays, as world positions (and, for BVH, orientations)
of named skeleton joints per frame, in metres, Z up. What retargeting onto a robot starts from.

BVH: any hierarchy, every Euler channel order (a joint's local rotation is the product of its rotation channels in
the order listed, e.g. ``Zrotation Xrotation Yrotation`` -> Rz Rx Ry), position channels on any joint (they replace
that joint's OFFSET, as LAFAN1 and Blender write them), units cm / m / inch given or detected from the skeleton's
height, Y-up or Z-up given or detected from its rest pose. Joint positions: an ``.npz`` with ``positions`` (T, J, 3),
``names`` (J) and ``fps``, or an ``.npy`` of a dict with those keys (what SMPL-X / AMASS forward kinematics or a
video pose estimator gives; SMPL body models are not shipped).

Every problem is a ``MotionDataError`` naming the file, the joint and the frame.

Heavy or optional dependencies (MuJoCo, mink, matplotlib, imageio, joblib, yaml) are imported where they are used:
reading clips needs none of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import MotionDataError

UNITS = {"m": 1.0, "cm": 0.01, "inch": 0.0254}
_AXES = {"X": 0, "Y": 1, "Z": 2}
# Y-up (x left-or-right, y up, z forward) to Z-up: a proper rotation (x, y, z) -> (z, x, y)
_Y_UP_TO_Z_UP = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


@dataclass
class Mocap:
    """A human motion: per frame and joint, world positions [m] (T, J, 3), Z up; ``rotations`` (T, J, 3, 3) when
    the source has them (BVH), else None; ``parents`` (J) index of each joint's parent (-1: root)."""

    names: list[str]
    parents: list[int]
    positions: np.ndarray
    fps: float
    rotations: np.ndarray | None = None
    source: str = ""
    units: str = "m"
    up: str = "z"

    @property
    def num_frames(self) -> int:
        return int(self.positions.shape[0])

    def height(self) -> float:
        """Standing height: the first frame's vertical extent of the joints [m]."""
        z = self.positions[0, :, 2]
        return float(z.max() - z.min())


# ----------------------------------------------------------------------------------------------------- BVH


@dataclass
class _Joint:
    name: str
    parent: int
    offset: np.ndarray
    channels: list[str]
    line: int


def _rot(axis: str, angle: np.ndarray) -> np.ndarray:
    """(T, 3, 3) rotations about a principal axis by ``angle`` [rad]."""
    c, s = np.cos(angle), np.sin(angle)
    o, z = np.ones_like(angle), np.zeros_like(angle)
    if axis == "X":
        m = [[o, z, z], [z, c, -s], [z, s, c]]
    elif axis == "Y":
        m = [[c, z, s], [z, o, z], [-s, z, c]]
    else:
        m = [[c, -s, z], [s, c, z], [z, z, o]]
    return np.moveaxis(np.array(m), (0, 1), (-2, -1))


def _parse_hierarchy(path: Path, lines: list[str]) -> tuple[list[_Joint], int]:
    """The joints (parents before children) and the index of the line after MOTION."""
    joints: list[_Joint] = []
    stack: list[int | None] = []  # open braces: a joint's index, or None for an End Site
    pending: _Joint | None | str = None  # a joint waiting for its '{', or "end" for an End Site
    for i, line in enumerate(lines, start=1):
        tokens = line.split()
        if not tokens:
            continue
        head = tokens[0].upper()
        if head == "HIERARCHY":
            continue
        if head == "MOTION":
            if stack or pending is not None:
                raise MotionDataError(f"line {i}: MOTION before the hierarchy's braces close", file=path)
            return joints, i
        if head in ("ROOT", "JOINT"):
            if len(tokens) < 2:
                raise MotionDataError(f"line {i}: {tokens[0]} without a name", file=path)
            name = " ".join(tokens[1:])
            if any(j.name == name for j in joints):
                raise MotionDataError(f"line {i}: joint {name!r} appears twice", file=path)
            if head == "ROOT" and joints:
                raise MotionDataError(f"line {i}: a second ROOT ({name}); one skeleton per file", file=path)
            parents = [k for k in stack if k is not None]
            if head == "JOINT" and (not stack or stack[-1] is None):
                raise MotionDataError(f"line {i}: JOINT {name} outside a joint", file=path)
            pending = _Joint(name, parents[-1] if parents else -1, np.zeros(3), [], i)
        elif head == "END":
            pending = "end"
        elif head == "{":
            if pending is None:
                raise MotionDataError(f"line {i}: '{{' without a ROOT, JOINT or End Site", file=path)
            if pending == "end":
                stack.append(None)
            else:
                joints.append(pending)
                stack.append(len(joints) - 1)
            pending = None
        elif head == "}":
            if not stack:
                raise MotionDataError(f"line {i}: unbalanced '}}'", file=path)
            stack.pop()
        elif head in ("OFFSET", "CHANNELS"):
            if not stack:
                raise MotionDataError(f"line {i}: {tokens[0]} outside a joint", file=path)
            top = stack[-1]
            if head == "OFFSET":
                try:
                    offset = np.array([float(v) for v in tokens[1:]])
                except ValueError:
                    raise MotionDataError(f"line {i}: OFFSET needs 3 numbers, got {' '.join(tokens[1:])}",
                                          file=path) from None
                if offset.shape != (3,):
                    raise MotionDataError(f"line {i}: OFFSET needs 3 numbers, got {len(offset)}", file=path)
                if top is not None:
                    joints[top].offset = offset
                continue
            if top is None:
                raise MotionDataError(f"line {i}: CHANNELS in an End Site", file=path)
            joint = joints[top]
            try:
                count = int(tokens[1])
            except (IndexError, ValueError):
                raise MotionDataError(f"line {i}: joint {joint.name}: CHANNELS needs a count", file=path) from None
            channels = tokens[2:]
            if len(channels) != count:
                raise MotionDataError(f"line {i}: joint {joint.name}: CHANNELS says {count}, lists {len(channels)}",
                                      file=path)
            for c in channels:
                if len(c) != 9 or c[0].upper() not in _AXES or c[1:].lower() not in ("position", "rotation"):
                    raise MotionDataError(f"line {i}: joint {joint.name}: unknown channel {c!r} (expected "
                                          "[XYZ]position or [XYZ]rotation)", file=path)
            joint.channels = [c[0].upper() + c[1:].lower() for c in channels]
        else:
            raise MotionDataError(f"line {i}: unexpected {tokens[0]!r} in the hierarchy", file=path)
    raise MotionDataError("no MOTION section (the file ends inside the hierarchy)", file=path)


def _parse_motion(path: Path, lines: list[str], start: int, num_channels: int) -> tuple[np.ndarray, float]:
    header: dict[str, str] = {}
    i = start
    while i < len(lines) and len(header) < 2:
        text = lines[i].strip()
        i += 1
        if not text:
            continue
        key, _, value = text.partition(":")
        header[key.strip().lower()] = value.strip()
    try:
        frames = int(header["frames"])
        frame_time = float(header["frame time"])
    except (KeyError, ValueError):
        raise MotionDataError("MOTION needs 'Frames: N' and 'Frame Time: seconds'", file=path) from None
    if frames <= 0:
        raise MotionDataError(f"Frames: {frames}: the motion has no frames", file=path)
    if not (frame_time > 0 and math.isfinite(frame_time)):
        raise MotionDataError(f"Frame Time: {frame_time}: must be > 0", file=path)
    rows = [line.split() for line in lines[i:] if line.strip()]
    if len(rows) < frames:
        raise MotionDataError(f"Frames says {frames}, the file has {len(rows)} (truncated?)", file=path,
                              frame=len(rows))
    data = np.empty((frames, num_channels))
    for f, row in enumerate(rows[:frames]):
        if len(row) != num_channels:
            raise MotionDataError(f"{len(row)} values, the hierarchy has {num_channels} channels", file=path, frame=f)
        try:
            data[f] = [float(v) for v in row]
        except ValueError:
            raise MotionDataError("a value is not a number", file=path, frame=f) from None
    return data, frame_time


def _detect_units(height: float, path: Path) -> str:
    """The unit a human's height reads right in: ~1.7 m, ~170 cm, ~67 inch."""
    for unit, (lo, hi) in (("m", (0.5, 2.6)), ("inch", (25.0, 100.0)), ("cm", (100.0, 260.0))):
        if lo <= height <= hi:
            return unit
    raise MotionDataError(f"cannot tell the units from the skeleton's height {height:.3g}; give --units "
                          f"({', '.join(UNITS)})", file=path)


def read_bvh(path: str | Path, units: str = "auto", up: str = "auto") -> Mocap:
    """A BVH file as world joint positions and orientations [m], Z up (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise MotionDataError("file not found", file=path)
    lines = path.read_text(errors="replace").splitlines()
    if not any(line.strip().upper().startswith("HIERARCHY") for line in lines[:5]):
        raise MotionDataError("not a BVH file (no HIERARCHY at the top)", file=path)
    joints, motion_start = _parse_hierarchy(path, lines)
    if not joints:
        raise MotionDataError("the hierarchy has no joints", file=path)
    num_channels = sum(len(j.channels) for j in joints)
    data, frame_time = _parse_motion(path, lines, motion_start, num_channels)
    bad = np.argwhere(~np.isfinite(data))
    if len(bad):
        f, c = bad[0]
        owner = next(j for j, end in zip(joints, np.cumsum([len(j.channels) for j in joints])) if c < end)
        raise MotionDataError(f"joint {owner.name}: a value is not finite", file=path, frame=int(f))
    num_frames = len(data)
    local_rot = np.empty((num_frames, len(joints), 3, 3))
    local_pos = np.empty((num_frames, len(joints), 3))
    col = 0
    for k, joint in enumerate(joints):
        rot = np.broadcast_to(np.eye(3), (num_frames, 3, 3)).copy()
        pos = np.broadcast_to(joint.offset, (num_frames, 3)).copy()
        for c in joint.channels:
            axis, kind = c[0], c[1:]
            if kind == "position":  # replaces the OFFSET on its axis
                pos[:, _AXES[axis]] = data[:, col]
            else:
                rot = rot @ _rot(axis, np.radians(data[:, col]))
            col += 1
        local_rot[:, k], local_pos[:, k] = rot, pos
    world_rot = np.empty_like(local_rot)
    world_pos = np.empty_like(local_pos)
    for k, joint in enumerate(joints):
        if joint.parent < 0:
            world_rot[:, k], world_pos[:, k] = local_rot[:, k], local_pos[:, k]
        else:
            p = joint.parent
            world_rot[:, k] = world_rot[:, p] @ local_rot[:, k]
            world_pos[:, k] = world_pos[:, p] + np.einsum("tij,tj->ti", world_rot[:, p], local_pos[:, k])
    # rest pose (offsets only) for the unit and up-axis detection: independent of the first frame's pose
    rest = np.zeros((len(joints), 3))
    for k, joint in enumerate(joints):
        rest[k] = joint.offset + (rest[joint.parent] if joint.parent >= 0 else 0.0)
    up_axis = _detect_up(rest, path) if up == "auto" else up.lower()
    if up_axis not in ("y", "z"):
        raise MotionDataError(f"up axis {up!r}: expected y, z or auto", file=path)
    if up_axis == "y":
        world_pos = world_pos @ _Y_UP_TO_Z_UP.T
        world_rot = _Y_UP_TO_Z_UP @ world_rot @ _Y_UP_TO_Z_UP.T
        rest = rest @ _Y_UP_TO_Z_UP.T
    unit = _detect_units(float(np.ptp(rest[:, 2])), path) if units == "auto" else units
    if unit not in UNITS:
        raise MotionDataError(f"units {units!r}: expected one of {', '.join(UNITS)} or auto", file=path)
    world_pos = world_pos * UNITS[unit]
    return Mocap([j.name for j in joints], [j.parent for j in joints], world_pos, 1.0 / frame_time, world_rot,
                 source=str(path), units=unit, up=up_axis)


def _detect_up(rest: np.ndarray, path: Path) -> str:
    """The axis along which the rest pose is tallest (a standing human): y or z."""
    extent = np.ptp(rest, axis=0)
    axis = int(np.argmax(extent))
    if axis == 0:
        raise MotionDataError("the rest pose is widest along x; cannot tell whether y or z is up: give --up", file=path)
    return "yz"[axis - 1]


# ------------------------------------------------------------------------------------------ joint positions


def read_positions(path: str | Path, units: str = "m", up: str = "z") -> Mocap:
    """Joint positions: ``.npz`` (or an ``.npy`` holding a dict) with ``positions`` (T, J, 3), ``names`` (J) and
    ``fps``; optional ``parents`` (J). Units and up axis as given (a pose estimator's are its own)."""
    path = Path(path)
    if not path.is_file():
        raise MotionDataError("file not found", file=path)
    try:
        raw = np.load(path, allow_pickle=path.suffix == ".npy")
        data = raw.item() if path.suffix == ".npy" else dict(raw)
    except Exception as err:  # noqa: BLE001 - numpy raises several types for a file that is not an array file
        raise MotionDataError(f"not a readable .npz/.npy ({type(err).__name__}: {err})", file=path) from None
    if not isinstance(data, dict):
        raise MotionDataError("expected a dict with positions, names and fps", file=path)
    missing = [k for k in ("positions", "names", "fps") if k not in data]
    if missing:
        raise MotionDataError(f"missing field(s) {', '.join(missing)}; has: {', '.join(sorted(data))}", file=path)
    positions = np.asarray(data["positions"], dtype=float)
    names = [str(n) for n in np.asarray(data["names"]).reshape(-1)]
    if positions.ndim != 3 or positions.shape[2] != 3:
        raise MotionDataError(f"positions must be (frames, joints, 3), got {positions.shape}", file=path,
                              field="positions")
    if positions.shape[0] == 0:
        raise MotionDataError("positions has no frames", file=path, field="positions")
    if positions.shape[1] != len(names):
        raise MotionDataError(f"{positions.shape[1]} joints in positions, {len(names)} names", file=path, field="names")
    bad = np.argwhere(~np.isfinite(positions))
    if len(bad):
        f, j = bad[0][:2]
        raise MotionDataError(f"joint {names[j]}: a position is not finite", file=path, field="positions", frame=int(f))
    fps = float(np.asarray(data["fps"]).reshape(-1)[0])
    if not (fps > 0 and math.isfinite(fps)):
        raise MotionDataError(f"fps {fps}: must be > 0", file=path, field="fps")
    if units not in UNITS:
        raise MotionDataError(f"units {units!r}: expected one of {', '.join(UNITS)}", file=path)
    if up not in ("y", "z"):
        raise MotionDataError(f"up axis {up!r}: expected y or z", file=path)
    positions = positions * UNITS[units]
    if up == "y":
        positions = positions @ _Y_UP_TO_Z_UP.T
    parents = [int(p) for p in np.asarray(data["parents"]).reshape(-1)] if "parents" in data else [-1] * len(names)
    return Mocap(names, parents, positions, fps, None, source=str(path), units=units, up=up)


def read_mocap(path: str | Path, units: str = "auto", up: str = "auto") -> Mocap:
    """A BVH (``.bvh``) or joint-position (``.npz`` / ``.npy``) file."""
    suffix = Path(path).suffix.lower()
    if suffix == ".bvh":
        return read_bvh(path, units, up)
    if suffix in (".npz", ".npy"):
        return read_positions(path, "m" if units == "auto" else units, "z" if up == "auto" else up)
    raise MotionDataError(f"unknown mocap suffix {suffix!r}: expected .bvh, .npz or .npy", file=path)


# ------------------------------------------------------------------------------------------- skeleton maps

# Human keypoints a retarget can use; "head" and the toes are optional (not every skeleton has them)
KEYPOINTS = ("pelvis", "torso", "head", "left_hip", "left_knee", "left_ankle", "left_toe", "left_shoulder",
             "left_elbow", "left_wrist", "right_hip", "right_knee", "right_ankle", "right_toe", "right_shoulder",
             "right_elbow", "right_wrist")
OPTIONAL = ("head", "left_toe", "right_toe")


def _sided(left: dict[str, str], centre: dict[str, str], right_of=lambda n: n.replace("Left", "Right")) -> dict:
    out = dict(centre)
    for key, name in left.items():
        out[f"left_{key}"] = name
        out[f"right_{key}"] = right_of(name)
    return out


_LIMBS = {"hip": "LeftUpLeg", "knee": "LeftLeg", "ankle": "LeftFoot", "shoulder": "LeftArm", "elbow": "LeftForeArm",
          "wrist": "LeftHand"}
SKELETONS: dict[str, dict[str, str]] = {
    "lafan1": _sided({**_LIMBS, "toe": "LeftToe"}, {"pelvis": "Hips", "torso": "Spine2", "head": "Head"}),
    "cmu": _sided({**_LIMBS, "toe": "LeftToeBase"}, {"pelvis": "Hips", "torso": "Spine1", "head": "Head"}),
    # MotionBuilder-style CMU (hip, lThigh, ...)
    "cmu_mb": _sided({"hip": "lThigh", "knee": "lShin", "ankle": "lFoot", "shoulder": "lShldr", "elbow": "lForeArm",
                      "wrist": "lHand"}, {"pelvis": "hip", "torso": "chest", "head": "head"},
                     right_of=lambda n: "r" + n[1:]),
    # Mixamo (names carry a "mixamorig:" prefix, which matching ignores)
    "mixamo": _sided({**_LIMBS, "toe": "LeftToeBase"}, {"pelvis": "Hips", "torso": "Spine2", "head": "Head"}),
    # SMPL / SMPL-X joint names (AMASS forward kinematics): its "shoulder" is the shoulder joint, "foot" the toes
    "smpl": _sided({"hip": "left_hip", "knee": "left_knee", "ankle": "left_ankle", "toe": "left_foot",
                    "shoulder": "left_shoulder", "elbow": "left_elbow", "wrist": "left_wrist"},
                   {"pelvis": "pelvis", "torso": "spine3", "head": "head"}, right_of=lambda n: n.replace("left",
                                                                                                         "right")),
}


def _plain(name: str) -> str:
    return name.rsplit(":", 1)[-1]  # mixamorig:Hips -> Hips


def resolve_skeleton(mocap: Mocap, skeleton: str | dict | Path = "auto") -> tuple[str, dict[str, int]]:
    """(map name, keypoint -> joint index) for ``mocap``: a named map, a YAML file's map, or the first known map
    whose required keypoints the file has (``auto``). An unknown skeleton is an error listing the joints found
    and, for the closest map, the keypoints missing."""
    index = {_plain(n): i for i, n in enumerate(mocap.names)}
    if isinstance(skeleton, dict) or (isinstance(skeleton, (str, Path)) and str(skeleton).endswith((".yaml", ".yml"))):
        name = "custom" if isinstance(skeleton, dict) else str(skeleton)
        mapping = skeleton if isinstance(skeleton, dict) else _read_map(Path(skeleton))
        unknown = sorted(set(mapping) - set(KEYPOINTS))
        if unknown:
            raise MotionDataError(f"skeleton map {name}: unknown keypoint(s) {', '.join(unknown)}; keypoints: "
                                  f"{', '.join(KEYPOINTS)}", file=mocap.source)
        maps = {name: {k: str(v) for k, v in mapping.items()}}
    elif skeleton == "auto":
        maps = SKELETONS
    elif skeleton in SKELETONS:
        maps = {skeleton: SKELETONS[skeleton]}
    else:
        raise MotionDataError(f"unknown skeleton {skeleton!r}: known {', '.join(SKELETONS)}, auto, or a YAML map",
                              file=mocap.source)
    best, best_missing = None, None
    for name, mapping in maps.items():
        missing = [k for k in KEYPOINTS if k not in OPTIONAL and _plain(mapping.get(k, "")) not in index]
        if not missing:
            return name, {k: index[_plain(v)] for k, v in mapping.items() if _plain(v) in index}
        if best_missing is None or len(missing) < len(best_missing):
            best, best_missing = name, missing
    wanted = maps[best]
    raise MotionDataError(
        f"unknown skeleton: its joints are {', '.join(mocap.names)}; the closest map, {best}, misses keypoint(s) "
        + ", ".join(f"{k} ({wanted.get(k, '?')})" for k in best_missing)
        + "; pass --skeleton MAP.yaml mapping each keypoint to a joint of the file", file=mocap.source)


def _read_map(path: Path) -> dict:
    import yaml

    if not path.is_file():
        raise MotionDataError("skeleton map not found", file=path)
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise MotionDataError(f"not valid YAML ({str(err).splitlines()[0]})", file=path) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise MotionDataError("a skeleton map is {keypoint: joint name of the file}", file=path)
    return data
