"""Human mocap the tests (and the retargeting proof) make themselves, on test_mocap's skeleton (LAFAN1 names):

* ``planted_walk``: a walk a body could do -- the stance foot stays put on the ground and flat, the pelvis moves
  at constant speed and height, the legs reach by two-link IK (thigh and shin of the skeleton), 60 % of each
  cycle in stance so one foot is always down (no flight, unlike a walk of swinging angles), arms swinging
  against the legs, a little out from the body;
* ``arm_motion``: standing, the arms raised sideways to above the head, then reaching forward, then down.
Both are written as BVH (cm, Y-up, ZXY channels), as LAFAN1 ships."""

import numpy as np
from test_mocap import SKELETON, write_bvh

NAMES = [s[0] for s in SKELETON]
OFFSET = {name: np.array(offset) for name, _, offset in SKELETON}
THIGH, SHIN = -OFFSET["LeftLeg"][2], -OFFSET["LeftFoot"][2]
ANKLE_HEIGHT = -OFFSET["LeftToe"][2]  # the foot flat: toe on the ground, ankle this high
Y = 2  # the Y-rotation column of a ZXY channel order: pitch (x forward, z up)


def _leg_pitches(hip_xz: np.ndarray, ankle_xz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hip and knee pitch [rad] (about y; positive swings the foot back) that put the ankle at ``ankle_xz``."""
    d = ankle_xz - hip_xz
    reach = np.clip(np.linalg.norm(d, axis=1), 1e-6, THIGH + SHIN - 1e-6)
    to_ankle = np.arctan2(-d[:, 0], -d[:, 1])  # the pitch of a straight leg pointing at the ankle
    bend = np.arccos(np.clip((THIGH**2 + reach**2 - SHIN**2) / (2 * THIGH * reach), -1, 1))
    hip = to_ankle - bend  # thigh forward of the hip-ankle line: the knee bends forward
    knee_dir = np.arctan2(-(d[:, 0] + THIGH * np.sin(hip)), -(d[:, 1] + THIGH * np.cos(hip)))
    return hip, knee_dir - hip


def planted_walk(path, speed: float = 0.5, seconds: float = 4.0, period: float = 1.1, duty: float = 0.6,
                 lift: float = 0.07, fps: float = 30.0):
    """A straight walk at ``speed`` [m/s]: each foot in stance ``duty`` of a ``period`` [s] cycle (the right half
    a cycle after the left), a swing foot raised ``lift`` [m] at mid-swing. Returns the path."""
    t = np.arange(int(seconds * fps)) / fps
    stride = speed * period
    hip_height = 0.97 * (THIGH + SHIN) + ANKLE_HEIGHT  # knees slightly bent at mid-stance
    hips_z = hip_height - OFFSET["LeftUpLeg"][2]
    angles = np.zeros((len(t), len(SKELETON), 3))
    for side, shift in (("Left", 0.0), ("Right", 0.5)):
        cycle = t / period + shift
        k, s = np.floor(cycle), cycle - np.floor(cycle)  # cycle index, phase in it (stance first)
        # stance k: the foot stands where the hip is at mid-stance; swing carries it one stride on
        start = (k + duty / 2) * stride - shift * stride
        swing = np.clip((s - duty) / (1 - duty), 0, 1)
        smooth = swing * swing * (3 - 2 * swing)
        ankle_x = np.where(s < duty, start, start + stride * smooth)
        ankle_z = ANKLE_HEIGHT + lift * np.sin(np.pi * swing) * (s >= duty)
        hip_x = speed * t + OFFSET[f"{side}UpLeg"][0]
        hip, knee = _leg_pitches(np.stack([hip_x, np.full_like(t, hip_height)], 1), np.stack([ankle_x, ankle_z], 1))
        angles[:, NAMES.index(f"{side}UpLeg"), Y] = np.degrees(hip)
        angles[:, NAMES.index(f"{side}Leg"), Y] = np.degrees(knee)
        angles[:, NAMES.index(f"{side}Foot"), Y] = -np.degrees(hip + knee)  # flat
        arm = -15.0 * np.sin(2 * np.pi * cycle)  # against the leg of the same side
        angles[:, NAMES.index(f"{side}Arm"), Y] = arm
        angles[:, NAMES.index(f"{side}ForeArm"), Y] = -10.0
        angles[:, NAMES.index(f"{side}Arm"), 1] = 10.0 if side == "Left" else -10.0  # hands clear of the hips
    root = np.stack([speed * t, np.zeros_like(t), np.full_like(t, hips_z - OFFSET["Hips"][2])], axis=1)
    return write_bvh(path, root, angles, "ZXY", scale=100.0, up="y", frame_time=1 / fps)


def arm_motion(path, seconds: float = 6.0, fps: float = 30.0):
    """Standing; both arms raised sideways to 160 deg (above the head), lowered, raised forward to 90 deg with
    the elbows bending, lowered. Returns the path."""
    t = np.arange(int(seconds * fps)) / fps
    angles = np.zeros((len(t), len(SKELETON), 3))
    half = seconds / 2
    up = np.sin(np.pi * np.clip(t / half, 0, 1)) * (t < half)  # 0 -> 1 -> 0 in the first half
    forward = np.sin(np.pi * np.clip((t - half) / half, 0, 1)) * (t >= half)
    for side, sign in (("Left", 1.0), ("Right", -1.0)):
        angles[:, NAMES.index(f"{side}Arm"), 1] = sign * 160.0 * up  # about x: sideways, out (abduction)
        angles[:, NAMES.index(f"{side}Arm"), Y] = -90.0 * forward  # about y: forward
        angles[:, NAMES.index(f"{side}ForeArm"), Y] = -60.0 * forward
    root = np.zeros((len(t), 3))
    return write_bvh(path, root, angles, "ZXY", scale=100.0, up="y", frame_time=1 / fps)
