"""A motion-tracking (mimic) policy in plain MuJoCo: the reference served by refmotion_manager frame by frame, as
Isaac Lab served it in training, judged by the metrics of ``./run.sh eval`` (``refmotion_manager.tracking``).

The exported metadata's ``reference`` section says what to serve: the goal columns in order, the clips, their
files and the frame time. Each clip is one episode from its first frame (the eval protocol; MuJoCo has no noise,
so one is enough): the robot starts in the clip's first state, the policy sees the current frame's goal, and the
reference advances one frame per policy step until the clip's last frame or a termination -- a fall (base height,
tilt: the training rule) or a tracking error beyond the adaptive threshold the policy was exported with.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

from st_runtime.errors import PolicyMetadataError
from st_runtime.metadata import PolicyMetadata
from st_runtime.observations import ObservationBuilder

GOAL = "expressive_goal"


def reference_section(metadata: PolicyMetadata) -> dict | None:
    return metadata.reference


def motion_paths(metadata: PolicyMetadata, motions_dir: str | Path | None = None) -> list[Path]:
    """The policy's clip files: in ``motions_dir``, else in our shipped folder of the policy's robot."""
    from legged_robots.assets.robots import robot_named

    ref = metadata.reference
    folder = Path(motions_dir) if motions_dir else robot_named(ref.get("robot") or "").motions
    paths = [folder / name for name in ref["motion_files"]]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"the policy's reference clip file(s) not found: {', '.join(missing)} "
                                "(pass the folder that holds them with --motions)")
    return paths


def load_reference(metadata: PolicyMetadata, motions_dir: str | Path | None = None):
    """A one-env RefMotionManager serving the policy's clips with its goal columns (whole clips, frame 0)."""
    from legged_robots.assets.robots import ROBOTS
    from refmotion_manager import RefMotionCfg, RefMotionManager

    ref = metadata.reference
    robot_mjcf = ROBOTS[ref["robot"]].mjcf if ref.get("robot") in ROBOTS else None
    cfg = RefMotionCfg(motion_files=[str(p) for p in motion_paths(metadata, motions_dir)],
                       robot_mjcf=str(robot_mjcf) if robot_mjcf is not None and robot_mjcf.is_file() else None,
                       init_state_fields=tuple(ref["init_state_fields"]),
                       expressive_goal_fields=tuple(ref["goal_fields"]),
                       time_between_frames=float(ref["frame_time"]), ref_length_s=None, random_start=False)
    motion = RefMotionManager(cfg, num_envs=1, device="cpu", seed=0)
    if list(motion.groups[GOAL]) != list(ref["goal_fields"]):
        raise PolicyMetadataError("the clips serve the goal columns in another order than the policy was trained with")
    if abs(motion.dt - metadata.policy_dt) > 1e-9:
        raise PolicyMetadataError(f"reference frame time {motion.dt} s != the policy step {metadata.policy_dt} s")
    missing = [j for j in motion.init_joint_names if j not in metadata.joint_names]
    if missing:
        raise PolicyMetadataError(f"the clips drive joint(s) the policy does not: {', '.join(missing)}")
    return motion


class TrackingTerminations:
    """The training's tracking-error terminations at the thresholds the policy was exported with: the RMS position
    error of the term's joints against the current reference frame, or the root's distance to the reference root,
    above the threshold ends the episode."""

    def __init__(self, metadata: PolicyMetadata):
        names = metadata.joint_names
        self.terms = []
        for name, term in metadata.terminations.items():
            if term["func"].endswith("tracking_error_adaptive_termination") and "threshold" in term:
                error = term["params"].get("error", "")
                if error == "root_pos":
                    self.terms.append((name, None, float(term["threshold"])))
                elif error.endswith("joint_pos"):
                    joints = term.get("joint_names") or names
                    self.terms.append((name, [names.index(j) for j in joints], float(term["threshold"])))

    def check(self, robot, motion, ref_root_pos: np.ndarray) -> str | None:
        """The first term that fires, as ``name (error > threshold)``, else None."""
        for name, ids, threshold in self.terms:
            if ids is None:
                error = float(np.linalg.norm(robot.base_pos - ref_root_pos))
            else:
                ref = motion.get([f"{robot.joint_names[i]}_dof_pos" for i in ids])[0].numpy()
                error = float(np.sqrt(np.mean((robot.joint_pos[ids] - ref) ** 2)))
            if error > threshold:
                return f"{name} ({error:.3f} > {threshold:.3f})"
        return None


def reference_root(motion) -> tuple[np.ndarray, np.ndarray]:
    """World position and w-x-y-z orientation of the reference root (the robot started at the clip's own pose, so
    no re-anchoring)."""
    from refmotion_manager import fields as F

    return motion.get(list(F.ROOT_POS))[0].numpy(), motion.get(list(F.ROOT_ROT))[0].numpy()


def start_at_reference(robot, motion, metadata) -> None:
    """The robot at the reference's current frame (joints clamped to the soft limits, as Isaac Lab resets it)."""
    from refmotion_manager import quat

    init = {k: v[0].numpy().astype(float) for k, v in motion.init_state().items()}
    names = robot.joint_names
    ids = [names.index(j) for j in motion.init_joint_names]
    q = robot.default_q.copy()
    q[ids] = init["joint_pos"]
    limits = np.asarray(metadata.soft_joint_pos_limits or [[-np.inf, np.inf]] * len(names), float)
    q = np.clip(q, limits[:, 0], limits[:, 1])
    qd = np.zeros(len(names))
    if "joint_vel" in init:
        qd[ids] = init["joint_vel"]
    quat_wxyz = init["root_quat"]
    ang_b = quat.rotate_inverse(quat_wxyz, init["root_ang_vel_w"]) if "root_ang_vel_w" in init else None
    robot.reset(base_pos=init["root_pos"], base_quat_wxyz=quat_wxyz, joint_pos=q,
                base_lin_vel_w=init.get("root_lin_vel_w"), base_ang_vel_b=ang_b, joint_vel=qd)


def run_clip(policy, robot, motion, clip: int, thresholds, after_step=None) -> tuple[dict, dict]:
    """One episode of clip ``clip`` from its first frame. Returns (metrics, log arrays). ``after_step(robot,
    motion)`` runs after each step (a test's kinematic replay)."""
    from refmotion_manager import quat
    from refmotion_manager.tracking import TrackingSummary, tracked_links, tracking_errors

    md = policy.metadata
    builder = ObservationBuilder(md)
    terminations = TrackingTerminations(md)
    body_names = [robot.model.body(i).name for i in range(robot.model.nbody)]
    links = tracked_links(motion, body_names)
    body_ids = [body_names.index(link) for link in links]
    jid = [robot.joint_names.index(j) for j in motion.init_joint_names]
    motion.reset(clip_ids=[clip], start_frames=[0])
    start_at_reference(robot, motion, md)
    policy.reset()
    last_frame = int(motion.clip_length[clip]) - 1
    summary = TrackingSummary(1, robot.policy_dt)
    log = {k: [] for k in ("time", "mpkpe", "root_error", "joint_pos", "joint_ref", "torque", "saturation", "action",
                           "frames")}
    last_action = np.zeros(policy.action_dim)
    ended, steps = None, 0
    t0 = time.perf_counter()
    t = lambda x: torch.as_tensor(np.asarray(x, np.float32))[None]  # noqa: E731  one env
    alive = torch.ones(1, dtype=torch.bool)
    for k in range(last_frame):
        goal, root = motion.get(GOAL)[0].numpy(), reference_root(motion)  # the frame this action is for
        action = policy(builder.build(robot, last_action, goal, root))
        robot.apply_action(action)
        robot.step()
        last_action = action
        tilt = float(np.arccos(np.clip(-robot.projected_gravity[2], -1.0, 1.0)))
        if robot.base_pos[2] < thresholds.min_base_height:
            ended = f"base_height ({robot.base_pos[2]:.2f} m < {thresholds.min_base_height} m)"
        elif tilt > thresholds.max_tilt:
            ended = f"bad_orientation ({tilt:.2f} rad > {thresholds.max_tilt} rad)"
        else:  # against the frame the action was meant for, as the training's terminations
            ended = terminations.check(robot, motion, root[0])
        if ended:
            break
        motion.step()
        if after_step is not None:
            after_step(robot, motion)
        steps += 1
        errors = tracking_errors(motion, links, t(robot.base_pos), t(quat.wxyz_to_xyzw(robot.base_quat)),
                                 t(robot.data.xpos[body_ids]), t(robot.joint_pos[jid]), t(robot.joint_vel[jid]),
                                 t(reference_root(motion)[0]))
        summary.add(errors, alive)
        ref_q = motion.get([f"{j}_dof_pos" for j in motion.init_joint_names])[0].numpy()
        for key, value in (("time", (k + 1) * robot.policy_dt), ("mpkpe", float(errors["mpkpe_m"][0])),
                           ("root_error", float(errors["root_pos_m"][0])), ("joint_pos", robot.joint_pos[jid]),
                           ("joint_ref", ref_q), ("torque", robot.torque), ("saturation", robot.saturation),
                           ("action", action), ("frames", robot.data.qpos.copy())):
            log[key].append(value)
    wall = time.perf_counter() - t0
    success = torch.tensor([ended is None])
    figures = summary.figures(torch.ones(1, dtype=torch.bool), success, [ended.split(" ")[0] if ended else None])
    actions = np.asarray(log["action"])
    metrics = {**figures, "terminated_by": ended, "survival_fraction": steps / max(last_frame, 1),
               "torque_saturation": float(np.mean(log["saturation"])) if steps else 0.0,
               "action_rate": float(np.abs(np.diff(actions, axis=0)).mean()) if steps > 1 else 0.0,
               "rtf": steps * robot.policy_dt / max(wall, 1e-9)}
    return metrics, {k: np.asarray(v) for k, v in log.items()}


def isaac_figures(policy_path: Path, explicit: str | None = None) -> tuple[dict | None, Path | None]:
    """Isaac Lab's eval figures for the same run (``./run.sh eval`` wrote ``<run>/eval/mimic_eval.json``)."""
    import json

    path = Path(explicit) if explicit else Path(policy_path).parent.parent / "eval" / "mimic_eval.json"
    if not path.is_file():
        if explicit:
            raise FileNotFoundError(f"Isaac Lab eval file not found: {path}")
        return None, None
    return json.loads(path.read_text()), path
