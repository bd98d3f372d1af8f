"""Human motion (``mocap.Mocap``) onto a robot: the human scaled segment by segment to the robot, then mink
differential IK on the robot's MJCF frame by frame (warm started), then our clip format with every derived column.

    python -m refmotion_manager.retarget walk.bvh --robot lus2 -o walk.pkl [--fps 50] [--skeleton auto|NAME|MAP.yaml]
        [--height M] [--licence TEXT]

Scaling: the root path by the height ratio (robot standing height / human height, ``--height`` or measured), each
limb segment (pelvis->hip->knee->ankle->toe, pelvis->shoulder->elbow->wrist, pelvis->torso, pelvis->head) by the
ratio of the robot's segment length to the human's, directions kept. IK (as GMR does it, with mink): position tasks per
mapped body, orientation tasks for the pelvis (heading from the hips), the torso (from the shoulders) and the feet
(flat, heading from the toes), a posture task towards the robot's standing pose, joint-position limits and a
3 pi rad/s velocity limit as constraints, solved with daqp.

Fidelity, printed and stored in the clip: after scaling, the mean and max position error per mapped body, the
root-path error and the heading error against the (scaled) source: a retarget that walks another path, or
stands, scores badly there. Scores: stance phases, foot sliding and penetration (before and after the second
pass that pins stance feet), joint-limit margins, peak joint speeds, and motor feasibility (``feasibility``:
contact forces at the stance soles, the root wrench no contact could supply, joint torques against the motors).
"""

# Heavy or optional dependencies (MuJoCo, mink, matplotlib, imageio, joblib, yaml) are imported where they are used:
# reading clips needs none of them.

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import fields as F
from .convert import _positive
from .errors import MotionDataError
from .mocap import Mocap, read_mocap, resolve_skeleton

SIDES = ("left", "right")
# keypoint -> its parent keypoint: the segments the human is scaled along
# (shoulders and head hang from the pelvis, not the torso keypoint: a human's "torso" joint is mid-chest, a robot's
# torso body often its waist joint, so torso->shoulder would point another way on each)
PARENT = {"torso": "pelvis", "head": "pelvis",
          **{f"{s}_{k}": f"{s}_{p}" if p != "pelvis" else p for s in SIDES for k, p in
             (("hip", "pelvis"), ("knee", "hip"), ("ankle", "knee"), ("toe", "ankle"), ("shoulder", "pelvis"),
              ("elbow", "shoulder"), ("wrist", "elbow"))}}
ORDER = ("pelvis", "torso", "head", *(f"{s}_{k}" for s in SIDES for k in ("hip", "knee", "ankle", "toe", "shoulder",
                                                                          "elbow", "wrist")))
# robot body for each keypoint: the first name the MJCF has (lus2 and Unitree-style names); ``robot_map`` overrides
ROBOT_BODIES = {
    "pelvis": ("pelvis", "base_link", "base"),
    "torso": ("torso_link", "torso", "waist_link", "chest_link"),
    "head": ("head_link", "head"),
    "hip": ("{s}_hip_roll_link", "{s}_hip_pitch_link", "{s}_thigh_link", "{s}_hip_link"),
    "knee": ("{s}_knee_link", "{s}_shin_link", "{s}_calf_link"),
    "ankle": ("{s}_ankle_roll_link", "{s}_ankle_link", "{s}_foot_link"),
    "shoulder": ("{s}_shoulder_roll_link", "{s}_shoulder_pitch_link", "{s}_upper_arm_link"),
    "elbow": ("{s}_elbow_link", "{s}_elbow_roll_link", "{s}_forearm_link"),
    "wrist": ("{s}_wrist_pitch_link", "{s}_wrist_roll_link", "{s}_wrist_link", "{s}_hand_link"),
}
# IK weights: (position cost, orientation cost) per keypoint kind; feet and pelvis carry the motion
WEIGHTS = {"pelvis": (5.0, 5.0), "torso": (0.5, 2.0), "head": (0.2, 0.0), "hip": (0.5, 0.0), "knee": (2.0, 0.0),
           "ankle": (10.0, 2.0), "shoulder": (0.5, 0.0), "elbow": (1.0, 0.0), "wrist": (2.0, 0.0)}
VELOCITY_LIMIT = 3.0 * math.pi  # rad/s per joint (GMR's)
DAMPING = 0.5


def _kind(keypoint: str) -> str:
    return keypoint.split("_", 1)[1] if keypoint.startswith(SIDES) else keypoint


def robot_bodies(model, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """keypoint -> robot body name, for the keypoints this robot has a body for."""
    names = {model.body(b).name for b in range(model.nbody)}
    out = {}
    for kp in ORDER:
        if overrides and kp in overrides:
            if overrides[kp] not in names:
                raise MotionDataError(f"robot map: {kp} -> {overrides[kp]!r} is not a body of the robot")
            out[kp] = overrides[kp]
            continue
        side = kp.split("_", 1)[0] if kp.startswith(SIDES) else ""
        for candidate in ROBOT_BODIES.get(_kind(kp), ()):
            name = candidate.format(s=side)
            if name in names:
                out[kp] = name
                break
    return out


@dataclass
class Retarget:
    """The result: the robot's root and joints per frame, and how far it is from the scaled source."""

    fps: float
    root_pos: np.ndarray  # (T, 3)
    root_quat: np.ndarray  # (T, 4) w, x, y, z
    joint_pos: np.ndarray  # (T, J)
    joint_names: tuple[str, ...]
    fidelity: dict = field(default_factory=dict)
    scale: dict = field(default_factory=dict)
    seconds: float = 0.0
    scores: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict, repr=False)  # the scaled source, keypoint -> (T, 3)
    bodies: dict = field(default_factory=dict)  # keypoint -> robot body
    pelvis_rot: np.ndarray | None = field(default=None, repr=False)


def _yaw_frame(forward: np.ndarray, up=np.array([0.0, 0.0, 1.0])) -> np.ndarray:
    """(T, 3, 3) rotations with x along ``forward`` projected on the ground, z up."""
    f = forward.copy()
    f[:, 2] = 0.0
    f /= np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-9)
    z = np.broadcast_to(up, f.shape)
    y = np.cross(z, f)
    return np.stack([f, y, z], axis=-1)


def _frame(z_axis: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """(T, 3, 3) rotations with z along ``z_axis`` and y as close to ``lateral`` as orthogonality allows."""
    z = z_axis / np.maximum(np.linalg.norm(z_axis, axis=1, keepdims=True), 1e-9)
    x = np.cross(lateral, z)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=-1)


def scaled_targets(mocap: Mocap, keys: dict[str, int], robot_rest: dict[str, np.ndarray], robot_height: float,
                   human_height: float | None = None) -> tuple[dict[str, np.ndarray], dict]:
    """Keypoint positions (T, 3) of the human scaled onto the robot (module docstring), the ground at z = 0."""
    p = {k: mocap.positions[:, i] for k, i in keys.items()}
    feet = [k for k in ("left_ankle", "right_ankle", "left_toe", "right_toe") if k in p]
    ground = min(float(p[k][:, 2].min()) for k in feet)
    height = human_height or (float(np.max(mocap.positions[0, :, 2])) - ground)
    if not height > 0:
        raise MotionDataError(f"human height {height}: must be > 0", file=mocap.source)
    ratio = robot_height / height
    out = {"pelvis": np.column_stack([p["pelvis"][:, :2] * ratio, (p["pelvis"][:, 2] - ground) * ratio])}
    seg = {}
    for kp in ORDER[1:]:
        parent = PARENT[kp]
        if kp not in p or parent not in out or kp not in robot_rest or parent not in robot_rest:
            continue
        human = np.median(np.linalg.norm(p[kp] - p[parent], axis=1))
        robot = float(np.linalg.norm(robot_rest[kp] - robot_rest[parent]))
        seg[kp] = robot / max(human, 1e-6)
        out[kp] = out[parent] + seg[kp] * (p[kp] - p[parent])
    return out, {"height_ratio": ratio, "human_height_m": height, "robot_height_m": robot_height, "segments": seg}


def retarget(mocap: Mocap, robot_mjcf: str | Path, skeleton="auto", human_height: float | None = None,
             robot_map: dict[str, str] | None = None,
             iterations: int = 4, clean_up: bool = True) -> tuple[Retarget, str]:
    """Retarget ``mocap`` onto the robot; returns the result and the skeleton map used."""
    import mink
    import mujoco

    if human_height is not None and not human_height > 0:
        raise MotionDataError(f"--height {human_height}: must be > 0", file=mocap.source)
    skeleton_name, keys = resolve_skeleton(mocap, skeleton)
    model = mujoco.MjModel.from_xml_path(str(robot_mjcf))
    bodies = robot_bodies(model, robot_map)
    cfg = mink.Configuration(model)
    key = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_KEY, "stand")
    if key >= 0:
        cfg.update_from_keyframe("stand")
    else:
        cfg.update(model.qpos0)
    stand = cfg.q.copy()
    rest = {kp: cfg.data.xpos[model.body(b).id].copy() for kp, b in bodies.items()}
    feet_z = min(rest[k][2] for k in ("left_ankle", "right_ankle") if k in rest)
    geom_bottom = _lowest_point(model, cfg.data)
    robot_height = float(max(v[2] for v in rest.values()) - geom_bottom)
    targets, scale = scaled_targets(mocap, keys, rest, robot_height, human_height)
    # the lowest the human's ankles come is where the robot's ankles are when its soles are on the ground
    lift = (feet_z - geom_bottom) - min(float(targets[k][:, 2].min()) for k in ("left_ankle", "right_ankle"))
    for kp in targets:
        targets[kp] = targets[kp] + np.array([0.0, 0.0, lift])
    scale["ground_lift_m"] = lift
    used = [kp for kp in ORDER if kp in targets and kp in bodies]
    missing = [kp for kp in ("pelvis", "left_ankle", "right_ankle") if kp not in used]
    if missing:
        raise MotionDataError(f"the robot has no body for keypoint(s) {', '.join(missing)}; give a robot map")
    # orientation targets
    left_right = targets["left_hip"] - targets["right_hip"]
    up = np.array([0.0, 0.0, 1.0])
    pelvis_rot = _yaw_frame(np.cross(left_right, up))
    rots = {"pelvis": pelvis_rot}
    if "torso" in used and "left_shoulder" in targets and "right_shoulder" in targets:
        chest = 0.5 * (targets["left_shoulder"] + targets["right_shoulder"])
        rots["torso"] = _frame(chest - targets["pelvis"], targets["left_shoulder"] - targets["right_shoulder"])
    for side in SIDES:
        toe, ankle = targets.get(f"{side}_toe"), targets[f"{side}_ankle"]
        rots[f"{side}_ankle"] = _yaw_frame(toe - ankle) if toe is not None else pelvis_rot
    tasks = {}
    for kp in used:
        pos_cost, rot_cost = WEIGHTS[_kind(kp)]
        if rot_cost and kp not in rots:
            rot_cost = 0.0
        tasks[kp] = mink.FrameTask(bodies[kp], "body", position_cost=pos_cost, orientation_cost=rot_cost)
    posture = mink.PostureTask(model, cost=0.05)
    posture.set_target(stand)
    hinge = [model.joint(j).name for j in range(model.njnt) if model.jnt_type[j] != mujoco.mjtJoint.mjJNT_FREE]
    limits = [mink.ConfigurationLimit(model), mink.VelocityLimit(model, {j: VELOCITY_LIMIT for j in hinge})]
    dt = 1.0 / mocap.fps
    num = mocap.num_frames
    t0 = time.perf_counter()

    def solve(targets_now):
        qs = np.empty((num, model.nq))
        for f in range(num):
            for kp, task in tasks.items():
                rot = rots.get(kp)
                r = mink.SO3.from_matrix(rot[f]) if rot is not None else mink.SO3.identity()
                task.set_target(mink.SE3.from_rotation_and_translation(r, targets_now[kp][f]))
            if f == 0:  # start from the standing pose moved under the first frame's pelvis
                q = stand.copy()
                q[:3] = targets_now["pelvis"][0]
                cfg.update(q)
            step = 10 * dt if f == 0 else dt
            for _ in range(40 if f == 0 else iterations):
                vel = mink.solve_ik(cfg, [*tasks.values(), posture], step, "daqp", DAMPING,
                                    limits=limits if f else limits[:1])
                cfg.integrate_inplace(vel, step)
            qs[f] = cfg.q
        return qs

    qs = solve(targets)
    raw_scores = motion_scores(model, qs, bodies, dt)
    if clean_up:  # second pass: each stance foot's ankle held where the stance began, at standing height
        pinned = {k: v.copy() for k, v in targets.items()}
        data = mujoco.MjData(model)
        for side in SIDES:
            kp = f"{side}_ankle"
            stance = raw_scores["feet"][side]["stance"]
            for a, b in _phases(stance):
                data.qpos[:] = qs[a]
                mujoco.mj_kinematics(model, data)
                pinned[kp][a:b, :2] = data.xpos[model.body(bodies[kp]).id][:2]
                pinned[kp][a:b, 2] = feet_z - geom_bottom
        qs = solve(pinned)
    seconds = time.perf_counter() - t0
    fidelity = fidelity_scores(model, qs, {kp: bodies[kp] for kp in used}, targets, pelvis_rot)
    jadr = [model.jnt_qposadr[model.joint(j).id] for j in hinge]
    scores = motion_scores(model, qs, bodies, dt)
    scores["feasibility"] = feasibility(model, qs, dt, {s: scores["feet"][s]["stance"] for s in SIDES},
                                        {s: bodies[f"{s}_ankle"] for s in SIDES})
    scores["before_clean_up"] = {"sliding_max_cm": raw_scores["sliding_max_cm"],
                                 "penetration_max_mm": raw_scores["penetration_max_mm"]}
    for side in SIDES:
        scores["feet"][side].pop("stance")
    result = Retarget(mocap.fps, qs[:, :3].copy(), qs[:, 3:7].copy(), qs[:, jadr].copy(), tuple(hinge), fidelity,
                      scale, seconds, scores, targets, {kp: bodies[kp] for kp in used}, pelvis_rot)
    return result, skeleton_name


def fidelity_scores(model, qs: np.ndarray, bodies: dict[str, str], targets: dict[str, np.ndarray],
                    pelvis_rot: np.ndarray) -> dict:
    """How far the robot's motion ``qs`` is from the scaled source: per keypoint mean/max position error, the root
    path error (horizontal) and the heading error, with the source path's length for scale."""
    import mujoco

    data = mujoco.MjData(model)
    num = len(qs)
    achieved = {kp: np.empty((num, 3)) for kp in bodies}
    yaw_err = np.empty(num)
    for f in range(num):
        data.qpos[:] = qs[f]
        mujoco.mj_kinematics(model, data)
        for kp, body in bodies.items():
            achieved[kp][f] = data.xpos[model.body(body).id]
        rot = data.xmat[model.body(bodies["pelvis"]).id].reshape(3, 3)
        yaw = math.atan2(rot[1, 0], rot[0, 0])
        yaw_t = math.atan2(pelvis_rot[f, 1, 0], pelvis_rot[f, 0, 0])
        yaw_err[f] = abs((yaw - yaw_t + math.pi) % (2 * math.pi) - math.pi)
    errors = {kp: np.linalg.norm(achieved[kp] - targets[kp], axis=1) for kp in bodies}
    return {
        "keypoints": {kp: {"body": bodies[kp], "mean_mm": 1e3 * float(e.mean()), "max_mm": 1e3 * float(e.max())}
                      for kp, e in errors.items()},
        "mean_keypoint_error_mm": 1e3 * float(np.mean([e.mean() for e in errors.values()])),
        "root_path_error_m": float(np.linalg.norm(achieved["pelvis"][:, :2] - targets["pelvis"][:, :2], axis=1).mean()),
        "heading_error_deg": math.degrees(float(yaw_err.mean())),
        "source_path_m": float(np.linalg.norm(targets["pelvis"][-1, :2] - targets["pelvis"][0, :2])),
    }


def _phases(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2]))


STANCE_HEIGHT = 0.02  # [m] a sole this close to the ground (and slow) is in stance
STANCE_SPEED = 0.3  # [m/s]


def motion_scores(model, qs: np.ndarray, bodies: dict[str, str], dt: float) -> dict:
    """Per foot: stance phases (sole within 2 cm of the ground, moving < 0.3 m/s), foot sliding during each (the
    foot's horizontal travel from where the stance began), penetration below the ground; per joint: the closest
    it comes to its limits and its peak speed."""
    import mujoco

    data = mujoco.MjData(model)
    num = len(qs)
    feet = {side: bodies[f"{side}_ankle"] for side in SIDES}
    geoms = {side: [g for g in range(model.ngeom) if model.geom_bodyid[g] == model.body(b).id]
             for side, b in feet.items()}
    low = {side: np.empty(num) for side in SIDES}
    xy = {side: np.empty((num, 2)) for side in SIDES}
    for f in range(num):
        data.qpos[:] = qs[f]
        mujoco.mj_kinematics(model, data)
        for side in SIDES:
            low[side][f] = _lowest_point(model, data, geoms[side])
            xy[side][f] = data.xpos[model.body(feet[side]).id][:2]
    out = {"feet": {}}
    for side in SIDES:
        speed = np.linalg.norm(np.gradient(xy[side], dt, axis=0), axis=1) if num > 1 else np.zeros(num)
        stance = (low[side] < STANCE_HEIGHT) & (speed < STANCE_SPEED)
        slides = [float(np.linalg.norm(xy[side][a:b] - xy[side][a], axis=1).max()) for a, b in _phases(stance)]
        out["feet"][side] = {"stance": stance, "stance_phases": len(slides), "stance_share": float(stance.mean()),
                             "sliding_max_cm": 100 * max(slides, default=0.0),
                             "sliding_mean_cm": 100 * float(np.mean(slides)) if slides else 0.0,
                             "penetration_max_mm": 1000 * max(0.0, float(-low[side].min()))}
    out["sliding_max_cm"] = max(f["sliding_max_cm"] for f in out["feet"].values())
    out["penetration_max_mm"] = max(f["penetration_max_mm"] for f in out["feet"].values())
    hinge = [j for j in range(model.njnt) if model.jnt_type[j] != mujoco.mjtJoint.mjJNT_FREE]
    q = qs[:, [model.jnt_qposadr[j] for j in hinge]]
    lo, hi = model.jnt_range[hinge, 0], model.jnt_range[hinge, 1]
    limited = model.jnt_limited[hinge].astype(bool)
    margin = np.where(limited, np.minimum(q - lo, hi - q).min(axis=0), np.inf)
    speed = np.abs(np.diff(q, axis=0)).max(axis=0) / dt if num > 1 else np.zeros(len(hinge))
    names = [model.joint(j).name for j in hinge]
    worst = int(np.argmin(margin))
    fastest = int(np.argmax(speed))
    out["joint_limit_margin_rad"] = {"min": float(margin[worst]), "joint": names[worst]}
    out["joints_within_0.05_rad_of_a_limit"] = [n for n, m in zip(names, margin) if m < 0.05]
    out["peak_joint_speed_rad_s"] = {"max": float(speed[fastest]), "joint": names[fastest],
                                     "limit": VELOCITY_LIMIT}
    out["self_penetration"] = self_penetration(model, qs)
    return out


SELF_CLEARANCE = 0.01  # m: geom pairs at least this far apart in the rest pose can collide; closer ones are joined
SELF_PENETRATION_MM = 5.0  # a frame whose deepest self-penetration exceeds this counts as penetrating


def self_penetration(model, qs: np.ndarray) -> dict:
    """How deep the robot's collision geoms pass into each other over a clip. Pairs that can touch: geoms of
    different bodies at least ``SELF_CLEARANCE`` apart in the rest pose ('stand' keyframe, else qpos0): the ones
    closer than that there (a hip and its own knee) overlap by construction. Per frame the signed distance of every
    such pair (``mj_geomDistance``); reported: the deepest penetration, the share of frames beyond
    ``SELF_PENETRATION_MM``, and the pair and time of the deepest."""
    import mujoco

    data = mujoco.MjData(model)
    key = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_KEY, "stand")
    mujoco.mj_resetData(model, data)
    if key >= 0:
        mujoco.mj_resetDataKeyframe(model, data, key)
    mujoco.mj_kinematics(model, data)
    geoms = [g for g in range(model.ngeom) if model.geom_bodyid[g] != 0
             and (model.geom_contype[g] or model.geom_conaffinity[g])]
    fromto = np.zeros(6)
    pairs = [(a, b) for i, a in enumerate(geoms) for b in geoms[i + 1:]
             if model.geom_bodyid[a] != model.geom_bodyid[b]
             and mujoco.mj_geomDistance(model, data, a, b, 1.0, fromto) >= SELF_CLEARANCE]
    deepest = np.zeros(len(qs))
    worst_pair = np.zeros(len(qs), dtype=int)
    for f, q in enumerate(qs):
        data.qpos[:] = q
        mujoco.mj_kinematics(model, data)
        dist = np.array([mujoco.mj_geomDistance(model, data, a, b, 0.05, fromto) for a, b in pairs]) \
            if pairs else np.zeros(1)
        worst_pair[f] = int(np.argmin(dist))
        deepest[f] = max(0.0, -float(dist.min()))
    f = int(np.argmax(deepest)) if len(qs) else 0
    pair = pairs[worst_pair[f]] if pairs and deepest[f] > 0 else None
    return {"max_mm": 1000 * float(deepest.max(initial=0.0)),
            "frames_share": float((1000 * deepest > SELF_PENETRATION_MM).mean()) if len(qs) else 0.0,
            "pair": [model.body(model.geom_bodyid[g]).name for g in pair] if pair else None,
            "frame": f if pair else None, "pairs_checked": len(pairs)}


def _lowest_point(model, data, geoms=None) -> float:
    """The lowest z of the robot's collision geoms (or of ``geoms``) in the current pose."""
    import mujoco

    lowest = math.inf
    for g in (range(model.ngeom) if geoms is None else geoms):
        if model.geom_bodyid[g] == 0:
            continue
        if model.geom_type[g] == mujoco.mjtGeom.mjGEOM_BOX:
            half = model.geom_size[g]
            rot = data.geom_xmat[g].reshape(3, 3)
            corners = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]) * half
            lowest = min(lowest, float((data.geom_xpos[g] + corners @ rot.T)[:, 2].min()))
        else:
            lowest = min(lowest, float(data.geom_xpos[g][2] - model.geom_rbound[g]))
    return lowest


def to_clip(result: Retarget, name: str, source: str, extra: dict):
    """Our MotionClip (root pose and joint positions) of a retarget."""
    from .clip import MotionClip

    frames = np.column_stack([result.root_pos, result.root_quat, result.joint_pos])
    return MotionClip(name, result.fps, F.ROOT_POS + F.ROOT_ROT + F.dof_pos(result.joint_names), frames,
                      source=source, extra=extra)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m refmotion_manager.retarget", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", help="human motion: .bvh, or joint positions .npz/.npy (positions, names, fps)")
    p.add_argument("--robot", required=True, help="registered robot name (lus2, lus2_21dof, ...) or MJCF path")
    p.add_argument("-o", "--output", help="output .pkl (default: <input stem>_<robot>.pkl beside the input)")
    p.add_argument("--fps", type=_positive, help="frame rate of the output (default: the input's)")
    p.add_argument("--skeleton", default="auto", help="auto, a known map (lafan1, cmu, cmu_mb, mixamo, smpl) or a "
                                                    "YAML map {keypoint: joint of the file}")
    p.add_argument("--height", type=_positive, help="the human's height [m] (default: measured from the data)")
    p.add_argument("--units", default="auto", choices=("auto", "m", "cm", "inch"), help="input length unit")
    p.add_argument("--up", default="auto", choices=("auto", "y", "z"), help="input up axis")
    p.add_argument("--licence", default="unknown", help="the source's licence, stored in the clip (and in an "
                                                        "exported policy's metadata)")
    args = p.parse_args(argv)
    try:
        from .convert import _links
        from .derive import complete
        from .formats import write
        from .kinematics import RobotModel
        from .resample import resample
        from .robots import robot_mjcf

        mjcf = robot_mjcf(args.robot)
        mocap = read_mocap(args.input, args.units, args.up)
        result, skeleton = retarget(mocap, mjcf, args.skeleton, human_height=args.height)
        extra = {"Provenance": {"source": str(args.input), "skeleton": skeleton, "licence": args.licence,
                                "scale": {k: v for k, v in result.scale.items() if k != "segments"},
                                "robot": str(args.robot)},
                 "Fidelity": result.fidelity, "Scores": result.scores}
        clip = to_clip(result, Path(args.input).stem, str(args.input), extra)
        if args.fps and abs(args.fps - clip.fps) > 1e-9:
            clip = resample(clip, 1.0 / args.fps)
        robot = RobotModel(mjcf)
        clip = complete(clip, robot, links=_links("all", robot))
        default = Path(args.input).with_name(f"{Path(args.input).stem}_{args.robot}.pkl")
        out = Path(args.output) if args.output else default
        write([clip], out)
    except (MotionDataError, KeyError, FileNotFoundError, ValueError) as e:
        print(f"error: {e.args[0] if isinstance(e, KeyError) and e.args else e}", file=sys.stderr)
        return 2
    fid = result.fidelity
    print(f"[retarget] {args.input}: skeleton {skeleton}, {mocap.num_frames} frames at {mocap.fps:g} fps, human "
          f"{result.scale['human_height_m']:.2f} m -> robot {result.scale['robot_height_m']:.2f} m (x"
          f"{result.scale['height_ratio']:.3f}) | {mocap.num_frames / max(result.seconds, 1e-9):.0f} frames/s")
    for kp, e in fid["keypoints"].items():
        print(f"[retarget]   {kp:15s} -> {e['body']:24s} mean {e['mean_mm']:6.1f} mm, max {e['max_mm']:6.1f} mm")
    print(f"[retarget] fidelity: mean keypoint error {fid['mean_keypoint_error_mm']:.1f} mm | root path error "
          f"{fid['root_path_error_m']:.3f} m over a {fid['source_path_m']:.2f} m path | heading error "
          f"{fid['heading_error_deg']:.1f} deg")
    sc = result.scores
    print(f"[retarget] clean-up: foot sliding {sc['before_clean_up']['sliding_max_cm']:.1f} -> "
          f"{sc['sliding_max_cm']:.1f} cm (max per stance), penetration "
          f"{sc['before_clean_up']['penetration_max_mm']:.1f}"
          f" -> {sc['penetration_max_mm']:.1f} mm; stance phases " + ", ".join(
              f"{side} {f['stance_phases']} ({100 * f['stance_share']:.0f} % of frames)"
              for side, f in sc["feet"].items()))
    lim, spd = sc["joint_limit_margin_rad"], sc["peak_joint_speed_rad_s"]
    print(f"[retarget] joints: closest to a limit {lim['joint']} ({lim['min']:.3f} rad); within 0.05 rad: "
          f"{', '.join(sc['joints_within_0.05_rad_of_a_limit']) or 'none'}; peak speed {spd['max']:.1f} rad/s "
          f"({spd['joint']}, limit {spd['limit']:.1f})")
    sp = sc["self_penetration"]
    print(f"[retarget] self-penetration: deepest {sp['max_mm']:.1f} mm"
          + (f" ({' / '.join(sp['pair'])}, frame {sp['frame']})" if sp["pair"] else "")
          + f", {100 * sp['frames_share']:.1f} % of frames beyond {SELF_PENETRATION_MM:g} mm "
          f"({sp['pairs_checked']} geom pairs that can touch)")
    fe = sc["feasibility"]
    print(f"[retarget] motors: {'feasible' if fe['feasible'] else 'NOT feasible'} | frames over an effort limit "
          f"{100 * fe['frames_over_effort_limit_share']:.1f} % ({', '.join(fe['joints_over_effort_limit']) or 'none'}"
          f"; peak {fe['peak_torque_ratio']['value']:.2f} x the limit at {fe['peak_torque_ratio']['joint']}) | root "
          f"wrench no contact supplies: {fe['residual_root_force_n']['mean']:.0f} N mean, "
          f"{fe['residual_root_force_n']['max']:.0f} N max (weight {fe['residual_root_force_n']['robot_weight']:.0f} N)"
          + (f" | worst {fe['worst_segment_s'][0]:.2f}-{fe['worst_segment_s'][1]:.2f} s"
             if fe["worst_segment_s"] else ""))
    print(f"[retarget] wrote {out} ({clip.num_frames} frames at {clip.fps:g} fps)")
    return 0




# ------------------------------------------------------------------------------------------- feasibility

FRICTION = 0.8  # ground friction assumed for the contact forces (lus2 trains with 0.4-1.2 around 1.0)
ACC_FILTER_S = 0.1  # velocities averaged over this window before differentiating to accelerations


def effort_limits(model) -> np.ndarray:
    """Per dof (nv): the largest torque its motor can give (|ctrlrange| x gear, or forcerange); inf where no motor."""
    limit = np.full(model.nv, np.inf)
    for a in range(model.nu):
        if model.actuator_trntype[a] != 0:  # joint transmissions only
            continue
        dof = model.jnt_dofadr[model.actuator_trnid[a, 0]]
        gear = abs(model.actuator_gear[a, 0])
        if model.actuator_forcelimited[a]:
            limit[dof] = np.abs(model.actuator_forcerange[a]).max()
        elif model.actuator_ctrllimited[a]:
            limit[dof] = np.abs(model.actuator_ctrlrange[a]).max() * gear
    return limit


def feasibility(model, qs: np.ndarray, dt: float, stance: dict[str, np.ndarray], feet: dict[str, str]) -> dict:
    """Can lus2's motors produce this motion? Per frame: inverse dynamics (``mj_inverse``) for the accelerations of
    the clip (velocities averaged over ``ACC_FILTER_S`` then differentiated), the free root's wrench supplied by
    contact forces at the stance feet's sole corners (each inside a friction pyramid, mu = ``FRICTION``, pushing
    only: non-negative least squares, so the centre of pressure stays inside the sole), what no contact could
    supply left as a residual root wrench, and the joint torques that remain, against each motor's effort limit."""
    import mujoco

    # MuJoCo's own constraints out of the inverse dynamics: a kinematic clip's 5 mm hand-in-hip overlap (a
    # self-collision pair) became hundreds of Nm at the wrist, a joint past its range a limit force; the stance
    # feet's forces are solved for below, the joint ranges scored apart
    flags = model.opt.disableflags
    model.opt.disableflags = flags | mujoco.mjtDisableBit.mjDSBL_CONSTRAINT
    try:
        return _feasibility(model, qs, dt, stance, feet)
    finally:
        model.opt.disableflags = flags


def _feasibility(model, qs: np.ndarray, dt: float, stance: dict[str, np.ndarray], feet: dict[str, str]) -> dict:
    import mujoco
    from scipy.optimize import nnls

    num = len(qs)
    data = mujoco.MjData(model)
    qvel = np.zeros((num, model.nv))
    for f in range(1, num):
        mujoco.mj_differentiatePos(model, qvel[f], dt, qs[f - 1], qs[f])
    qvel[0] = qvel[1] if num > 1 else 0.0
    window = max(1, int(round(ACC_FILTER_S / dt)))
    kernel = np.ones(window) / window
    smooth = np.stack([np.convolve(np.pad(qvel[:, i], (window // 2, window - 1 - window // 2), mode="edge"), kernel,
                                   mode="valid") for i in range(model.nv)], axis=1)
    qacc = np.gradient(smooth, dt, axis=0) if num > 1 else np.zeros_like(smooth)
    limit = effort_limits(model)
    edges = np.array([[FRICTION, 0, 1], [-FRICTION, 0, 1], [0, FRICTION, 1], [0, -FRICTION, 1]], float)
    edges /= np.linalg.norm(edges, axis=1, keepdims=True)
    geoms = {side: [g for g in range(model.ngeom) if model.geom_bodyid[g] == model.body(b).id
                    and model.geom_type[g] == mujoco.mjtGeom.mjGEOM_BOX] for side, b in feet.items()}
    weight = float(model.body_mass.sum()) * float(np.linalg.norm(model.opt.gravity))
    residual_force, residual_torque = np.zeros(num), np.zeros(num)
    ratio = np.zeros((num, model.nv))
    jacp = np.zeros((3, model.nv))
    for f in range(num):
        data.qpos[:], data.qvel[:], data.qacc[:] = qs[f], smooth[f], qacc[f]
        mujoco.mj_inverse(model, data)
        tau = data.qfrc_inverse.copy()
        columns = []
        for side, g_ids in geoms.items():
            if not stance[side][f]:
                continue
            for g in g_ids:
                half = model.geom_size[g]
                rot = data.geom_xmat[g].reshape(3, 3)
                for sx in (-1, 1):
                    for sy in (-1, 1):
                        point = data.geom_xpos[g] + rot @ (np.array([sx, sy, -1.0]) * half)
                        mujoco.mj_jac(model, data, jacp, None, point, model.geom_bodyid[g])
                        columns += [jacp.T @ e for e in edges]
        supplied = np.zeros(model.nv)
        if columns:
            a = np.array(columns).T  # (nv, contacts x edges)
            lam, _ = nnls(a[:6], tau[:6], maxiter=200)
            supplied = a @ lam
        rest = tau[:6] - supplied[:6]
        residual_force[f], residual_torque[f] = np.linalg.norm(rest[:3]), np.linalg.norm(rest[3:])
        ratio[f, 6:] = np.abs(tau[6:] - supplied[6:]) / limit[6:]
    over = ratio > 1.0
    frames_over = over.any(axis=1)
    names = {model.jnt_dofadr[j]: model.joint(j).name for j in range(model.njnt)}
    joints_over = sorted({names[d] for d in np.flatnonzero(over.any(axis=0)) if d in names})
    worst_frame = int(np.argmax(ratio.max(axis=1)))
    worst_dof = int(np.argmax(ratio[worst_frame]))
    runs = _phases(frames_over)
    a, b = max(runs, key=lambda r: r[1] - r[0]) if runs else (0, 0)
    return {
        # feasible: no frame needs more than a motor gives, and what no contact could supply stays under 10 % of
        # the robot's weight on average (finite-difference accelerations leave a few percent even for our own clips)
        "feasible": bool(not frames_over.any() and residual_force.mean() <= 0.1 * weight),
        "frames_over_effort_limit_share": float(frames_over.mean()),
        "joints_over_effort_limit": joints_over,
        "peak_torque_ratio": {"value": float(ratio[worst_frame, worst_dof]), "joint": names.get(worst_dof, "?"),
                              "frame": worst_frame},
        "worst_segment_s": [a * dt, b * dt] if runs else None,
        "residual_root_force_n": {"mean": float(residual_force.mean()), "max": float(residual_force.max()),
                                  "robot_weight": weight},
        "residual_root_torque_nm": {"mean": float(residual_torque.mean()), "max": float(residual_torque.max())},
        "friction": FRICTION, "acceleration_filter_s": ACC_FILTER_S,
    }


if __name__ == "__main__":
    sys.exit(main())
