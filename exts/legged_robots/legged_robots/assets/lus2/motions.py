"""lus2 reference clips we generate ourselves: standing and straight walking at two speeds.

Kinematic only, and consistent by construction: each foot is either planted (flat, sole on z = 0, not
moving) or swinging along a smooth arc to its next footstep; the pelvis moves forward at the walking
speed with a small sway toward the stance foot; leg joints come from damped-least-squares IK of each
foot's pose on the lus2 MJCF (MuJoCo); arms swing opposite to the legs. Derived columns (velocities,
link states) are added by refmotion_manager's forward kinematics.

    python -m legged_robots.assets.lus2.motions            # rewrite data/lus2/motions/<variant>/*.pkl
    python -m legged_robots.assets.lus2.motions --check    # exit 1 if the committed clips are stale
"""

# MuJoCo and refmotion_manager are imported where clips are made: `generate --check` of the other assets needs
# neither.

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from refmotion_manager import quat

from ..kinematics import quat_from_matrix
from ..paths import DATA_DIR, lus2_mjcf, lus2_motions
from . import description

FPS = 50.0  # the policy rate: 50 Hz
# Links whose base-frame states the clips carry (the expressive / style links a humanoid task uses).
LINKS = ("torso_link", "head_link", "left_knee_link", "right_knee_link", "left_ankle_roll_link",
         "right_ankle_roll_link", "left_elbow_link", "right_elbow_link", "left_wrist_roll_link",
         "right_wrist_roll_link")
LEGS = {side: tuple(f"{side}_{j}_joint" for j in ("hip_pitch", "hip_roll", "hip_yaw", "knee", "ankle_pitch",
                                                  "ankle_roll")) for side in ("left", "right")}


@dataclass(frozen=True)
class Gait:
    name: str
    speed: float  # forward speed [m/s]; 0 = standing in place
    duration: float  # [s]
    period: float = 0.8  # one full cycle: a left and a right step [s]
    swing_fraction: float = 0.4  # of the cycle each foot is in the air; 1 - 2 * 0.4 = 20 % double support
    step_height: float = 0.06  # swing apex above the ground [m]
    pelvis_drop: float = 0.02  # pelvis below the standing height, so the knees stay bent [m]
    sway: float = 0.025  # lateral pelvis sway amplitude [m]
    arm_swing: float = 0.25  # shoulder pitch amplitude [rad]


GAITS = (Gait("stand", 0.0, 2.0, period=2.0, sway=0.01, step_height=0.0, arm_swing=0.0),
         Gait("walk_slow", 0.3, 4.0),
         Gait("walk_fast", 0.6, 4.0, period=0.7, pelvis_drop=0.04))


def _foot_track(t: np.ndarray, g: Gait, phase0: float, x_mid: float) -> tuple[np.ndarray, np.ndarray]:
    """World x and height of one foot's sole over time; ``phase0`` is where its swing starts in the cycle."""
    stride = g.speed * g.period  # a foot moves this far per swing
    if stride == 0.0:
        return np.full_like(t, x_mid), np.zeros_like(t)
    phase = t / g.period - phase0
    k, s = np.floor(phase), phase - np.floor(phase)
    in_swing = s < g.swing_fraction
    u = np.clip(s / g.swing_fraction, 0.0, 1.0)
    blend = np.where(in_swing, 0.5 * (1.0 - np.cos(math.pi * u)), 1.0)  # zero velocity at lift-off and touch-down
    # planted at mid-stance right under the pelvis: x0 + stride = speed * t_mid_stance
    x0 = stride * (phase0 + g.swing_fraction + 0.5 * (1.0 - g.swing_fraction) - 1.0) + x_mid
    x = x0 + stride * (k + blend)
    z = np.where(in_swing, g.step_height * np.sin(math.pi * u) ** 2, 0.0)
    return x, z


class _LegIK:
    """Damped least squares on one leg's six joints for the pose of its foot site (sole centre)."""

    def __init__(self, model, data, side: str):
        import mujoco

        self.mj, self.m, self.d = mujoco, model, data
        self.site = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_SITE, f"{side}_foot")
        joints = [model.joint(j) for j in LEGS[side]]
        self.qadr = np.array([j.qposadr[0] for j in joints])
        self.vadr = np.array([j.dofadr[0] for j in joints])

    def solve(self, target_pos: np.ndarray, target_rot: np.ndarray, iters: int = 100, tol: float = 1e-10) -> float:
        mj, m, d = self.mj, self.m, self.d
        jacp, jacr = np.zeros((3, m.nv)), np.zeros((3, m.nv))
        err = np.inf
        for _ in range(iters):
            mj.mj_kinematics(m, d)
            mj.mj_comPos(m, d)
            pos, rot = d.site_xpos[self.site], d.site_xmat[self.site].reshape(3, 3)
            e_rot = quat.log(np.asarray(quat_from_matrix(target_rot @ rot.T)))
            e = np.concatenate([target_pos - pos, e_rot])
            err = float(np.linalg.norm(e))
            if err < tol:
                break
            mj.mj_jacSite(m, d, jacp, jacr, self.site)
            J = np.vstack([jacp[:, self.vadr], jacr[:, self.vadr]])
            d.qpos[self.qadr] += np.linalg.solve(J.T @ J + 1e-8 * np.eye(6), J.T @ e)
        return err


def generate_clip(variant: str, g: Gait):
    """One clip (root pose + joint positions; derived columns not yet added) and the worst IK error."""
    import mujoco

    from refmotion_manager import MotionClip
    from refmotion_manager import fields as F

    model = mujoco.MjModel.from_xml_path(str(lus2_mjcf(variant)))
    data = mujoco.MjData(model)
    joints = description.get_variant(variant).joints
    qadr = {j: model.joint(j).qposadr[0] for j in joints}
    default = description.default_joint_positions(joints)

    # standing reference: pelvis height and sole positions with the default pose
    z_stand = description.standing_height(default)
    data.qpos[:] = model.qpos0
    data.qpos[2] = z_stand
    for j, v in default.items():
        data.qpos[qadr[j]] = v
    mujoco.mj_kinematics(model, data)
    sole = {s: data.site_xpos[mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_SITE, f"{s}_foot")].copy()
            for s in ("left", "right")}
    legs = {s: _LegIK(model, data, s) for s in ("left", "right")}

    t = np.arange(int(round(g.duration * FPS)) + 1) / FPS
    pelvis_x = g.speed * t
    # +1 while the left foot is mid-swing, -1 while the right one is: the pelvis sways over the stance
    # foot and each arm swings with the opposite leg (positive shoulder pitch moves the hand back)
    cycle = np.cos(2.0 * math.pi * (t / g.period - 0.5 * g.swing_fraction))
    sway = -g.sway * cycle
    feet = {"left": _foot_track(t, g, 0.0, sole["left"][0]), "right": _foot_track(t, g, 0.5, sole["right"][0])}

    rows, worst = [], 0.0
    for i in range(len(t)):
        data.qpos[0:3] = (pelvis_x[i], sway[i], z_stand - g.pelvis_drop)
        data.qpos[3:7] = (1.0, 0.0, 0.0, 0.0)
        if i == 0:
            for j, v in default.items():
                data.qpos[qadr[j]] = v
        for s in ("left", "right"):
            x, z = feet[s][0][i], feet[s][1][i]
            worst = max(worst, legs[s].solve(np.array([x, sole[s][1], z]), np.eye(3)))
        for s, sign in (("left", 1.0), ("right", -1.0)):
            shoulder = f"{s}_shoulder_pitch_joint"
            data.qpos[qadr[shoulder]] = default[shoulder] + sign * g.arm_swing * cycle[i]
        rows.append(np.concatenate([data.qpos[0:7], [data.qpos[qadr[j]] for j in joints]]))
    frames = np.asarray(rows)
    clip = MotionClip(name=g.name, fps=FPS, fields=F.ROOT_POS + F.ROOT_ROT + F.dof_pos(joints), frames=frames,
                      loop=g.speed == 0.0, extra={"Robot": variant, "Generator": "legged_robots.assets.lus2.motions"})
    return clip, worst


def complete_clip(variant: str, clip):
    from refmotion_manager.derive import complete
    from refmotion_manager.kinematics import RobotModel

    return complete(clip, RobotModel(lus2_mjcf(variant)), links=LINKS)


def expected_clips(variant: str) -> dict[Path, object]:
    out = {}
    for g in GAITS:
        clip, err = generate_clip(variant, g)
        if err > 1e-6:
            raise RuntimeError(f"{variant} {g.name}: foot IK did not converge (error {err:.2e})")
        out[lus2_motions(variant) / f"{g.name}.pkl"] = complete_clip(variant, clip)
    return out


def stale(tol: float = 1e-5) -> list[Path]:
    """Committed clips that are missing or differ from a fresh generation by more than ``tol``."""
    from refmotion_manager import formats

    bad = []
    for variant in description.VARIANTS:
        for path, clip in expected_clips(variant).items():
            try:
                (old,) = formats.read(path)
            except Exception:  # noqa: BLE001 - missing or unreadable both mean regenerate
                bad.append(path)
                continue
            if old.fields != clip.fields or old.frames.shape != clip.frames.shape or \
                    not np.allclose(old.frames, clip.frames, atol=tol, rtol=0):
                bad.append(path)
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the committed clips are up to date")
    args = parser.parse_args(argv)
    from refmotion_manager import formats

    if args.check:
        bad = stale()
        for p in bad:
            print(f"stale: {p.relative_to(DATA_DIR)}")
        return 1 if bad else 0
    for variant in description.VARIANTS:
        for path, clip in expected_clips(variant).items():
            formats.write([clip], path)
            print(f"wrote: {path.relative_to(DATA_DIR)} ({clip.num_frames} frames, {len(clip.fields)} fields, "
                  f"{path.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
