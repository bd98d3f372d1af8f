"""A style figure that does not trust any discriminator: how far a rollout's joint-position distributions are
from the reference clips', as the mean over joints of the 1-D Wasserstein-1 distance (rad) between the rollout's
samples and the clips' frames. 0: the same distribution per joint; it does not see timing or coordination, only
where each joint spends its time -- enough to tell a gait in the clips' style from one that is not.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load."""

from __future__ import annotations

import numpy as np


def wasserstein1(a: np.ndarray, b: np.ndarray, quantiles: int = 1000) -> float:
    """W1 between two 1-D samples: the mean absolute difference of their quantile functions."""
    u = (np.arange(quantiles) + 0.5) / quantiles
    return float(np.mean(np.abs(np.quantile(a, u) - np.quantile(b, u))))


def reference_joint_positions(motion_files, joint_names) -> np.ndarray:
    """(frames, joints) joint positions of every frame of the clips, joints in ``joint_names`` order."""
    from refmotion_manager import fields as F
    from refmotion_manager.loading import load_clips

    clips = load_clips(list(motion_files), None)
    return np.concatenate([c.get(F.dof_pos(joint_names)) for c in clips], axis=0)


def default_motion_files(env_cfg, joint_names) -> list[str]:
    """The task's own clips (an AMP or mimic task), else the clips of our robot with these joints."""
    ref = getattr(env_cfg, "ref_motion", None)
    if ref is not None and ref.motion_files:
        return list(ref.motion_files)
    from legged_robots.assets.robots import robot_with_joints

    robot = robot_with_joints(joint_names)
    return [str(robot.motions / f) for f in robot.motion_files]


def style_report(joint_pos: np.ndarray, joint_names, motion_files) -> dict:
    """``joint_pos``: (samples, joints) from a rollout. Returns the mean W1 and the per-joint figures."""
    ref = reference_joint_positions(motion_files, joint_names)
    per_joint = {name: wasserstein1(joint_pos[:, j], ref[:, j]) for j, name in enumerate(joint_names)}
    return {"mean_w1": float(np.mean(list(per_joint.values()))), "per_joint": per_joint,
            "samples": int(joint_pos.shape[0]), "reference_frames": int(ref.shape[0]),
            "motion_files": [str(f) for f in motion_files]}


def print_style_report(report: dict) -> None:
    worst = sorted(report["per_joint"].items(), key=lambda kv: -kv[1])[:3]
    print(f"[play] style: mean per-joint W1 to the clips' joint positions = {report['mean_w1']:.4f} rad "
          f"({report['samples']} samples vs {report['reference_frames']} clip frames; farthest: "
          + ", ".join(f"{n} {v:.3f}" for n, v in worst) + ")", flush=True)
