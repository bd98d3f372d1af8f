"""Human mocap readers on files the tests write themselves: a synthetic human skeleton (LAFAN1 joint names) with
known joint angles, written as BVH with several Euler channel orders, in cm and m, Y-up and Z-up. Positions are
checked against an independent forward kinematics (scipy's intrinsic Euler rotations)."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from refmotion_manager.errors import MotionDataError
from refmotion_manager.mocap import SKELETONS, read_bvh, read_mocap, read_positions, resolve_skeleton

# name, parent, offset [m] in a Z-up frame (x forward, y left), T-pose-ish human ~1.7 m tall
SKELETON = [
    ("Hips", None, (0.0, 0.0, 0.95)),
    ("LeftUpLeg", "Hips", (0.0, 0.09, -0.05)), ("LeftLeg", "LeftUpLeg", (0.0, 0.0, -0.42)),
    ("LeftFoot", "LeftLeg", (0.0, 0.0, -0.42)), ("LeftToe", "LeftFoot", (0.12, 0.0, -0.06)),
    ("RightUpLeg", "Hips", (0.0, -0.09, -0.05)), ("RightLeg", "RightUpLeg", (0.0, 0.0, -0.42)),
    ("RightFoot", "RightLeg", (0.0, 0.0, -0.42)), ("RightToe", "RightFoot", (0.12, 0.0, -0.06)),
    ("Spine", "Hips", (0.0, 0.0, 0.1)), ("Spine1", "Spine", (0.0, 0.0, 0.12)), ("Spine2", "Spine1", (0.0, 0.0, 0.12)),
    ("Neck", "Spine2", (0.0, 0.0, 0.15)), ("Head", "Neck", (0.0, 0.0, 0.1)),
    ("LeftArm", "Spine2", (0.0, 0.18, 0.1)), ("LeftForeArm", "LeftArm", (0.0, 0.0, -0.28)),
    ("LeftHand", "LeftForeArm", (0.0, 0.0, -0.25)),
    ("RightArm", "Spine2", (0.0, -0.18, 0.1)), ("RightForeArm", "RightArm", (0.0, 0.0, -0.28)),
    ("RightHand", "RightForeArm", (0.0, 0.0, -0.25)),
]
Y_UP = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])  # Z-up (x, y, z) -> Y-up (y, z, x)


def motion(frames: int = 12, seed: int = 0):
    """Root path and per-joint Euler angles [deg] (intrinsic, the channel order given at writing)."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / 30.0
    root = np.stack([0.8 * t, 0.05 * np.sin(6 * t), 0.02 * np.cos(6 * t)], axis=1)
    angles = rng.uniform(-40, 40, size=(frames, len(SKELETON), 3))
    return root, angles


def expected_positions(root, angles, order: str):
    """World positions (Z-up, m) by scipy: R_local = R_axis1 R_axis2 R_axis3 in the channel order."""
    names = [s[0] for s in SKELETON]
    frames = len(root)
    pos = np.zeros((frames, len(SKELETON), 3))
    rot = np.zeros((frames, len(SKELETON), 3, 3))
    for k, (name, parent, offset) in enumerate(SKELETON):
        local = Rotation.from_euler(order.upper(), angles[:, k], degrees=True).as_matrix()
        if parent is None:
            pos[:, k], rot[:, k] = root + np.array(offset), local
        else:
            p = names.index(parent)
            rot[:, k] = rot[:, p] @ local
            pos[:, k] = pos[:, p] + np.einsum("tij,j->ti", rot[:, p], offset)
    return pos


def write_bvh(path, root, angles, order="ZXY", scale=1.0, up="z", root_position_only=True, frame_time=1 / 30):
    """A BVH of the skeleton: ``order`` the rotation channels' order, lengths x ``scale``, ``up`` the file's up
    axis (for Y-up, offsets and angles are expressed in the rotated frame)."""
    conv = Y_UP if up == "y" else np.eye(3)
    children = {}
    for name, parent, _ in SKELETON:
        children.setdefault(parent, []).append(name)
    offsets = {name: conv @ np.array(offset) * scale for name, _, offset in SKELETON}
    # a Z-up rotation R is, seen in the Y-up frame, C R C^T: same angles about the renamed axes
    rename = {"X": "XYZ"[int(np.argmax(np.abs(conv[:, 0])))], "Y": "XYZ"[int(np.argmax(np.abs(conv[:, 1])))],
              "Z": "XYZ"[int(np.argmax(np.abs(conv[:, 2])))]}
    file_order = "".join(rename[a] for a in order.upper())
    lines = ["HIERARCHY"]

    def emit(name, depth):
        pad = "  " * depth
        lines.append(f"{pad}{'ROOT' if depth == 0 else 'JOINT'} {name}")
        lines.append(pad + "{")
        lines.append(f"{pad}  OFFSET {' '.join(f'{v:.6f}' for v in offsets[name])}")
        rot = " ".join(f"{a}rotation" for a in file_order)
        if depth == 0 or not root_position_only:
            lines.append(f"{pad}  CHANNELS 6 Xposition Yposition Zposition {rot}")
        else:
            lines.append(f"{pad}  CHANNELS 3 {rot}")
        for child in children.get(name, []):
            emit(child, depth + 1)
        if name not in children:
            lines.extend([f"{pad}  End Site", pad + "  {", f"{pad}    OFFSET 0 0 0.05", pad + "  }"])
        lines.append(pad + "}")

    emit("Hips", 0)
    lines += ["MOTION", f"Frames: {len(root)}", f"Frame Time: {frame_time:.6f}"]
    names = [s[0] for s in SKELETON]
    for f in range(len(root)):
        row = []
        for k, name in enumerate(names):
            if k == 0 or not root_position_only:
                p = (root[f] + np.array(SKELETON[0][2])) if k == 0 else np.array(SKELETON[k][2])
                row += list(conv @ p * scale)
            row += list(angles[f, k])
        lines.append(" ".join(f"{v:.6f}" for v in row))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("order, scale, units, up", [("ZXY", 1.0, "m", "z"), ("XYZ", 100.0, "cm", "z"),
                                                     ("YZX", 100.0, "cm", "y"), ("ZYX", 1 / 0.0254, "inch", "y")])
def test_bvh_positions_match_an_independent_forward_kinematics(tmp_path, order, scale, units, up):
    root, angles = motion()
    path = write_bvh(tmp_path / "walk.bvh", root, angles, order, scale, up)
    m = read_bvh(path)  # units and up axis detected
    assert (m.units, m.up, m.num_frames, m.fps) == (units, up, 12, pytest.approx(30.0, rel=1e-4))
    assert m.names == [s[0] for s in SKELETON] and m.parents[:3] == [-1, 0, 1]
    np.testing.assert_allclose(m.positions, expected_positions(root, angles, order), atol=1e-5)
    assert 1.0 < m.height() < 2.0  # a bent pose, ~1.7 m standing


def test_position_channels_on_every_joint_replace_the_offsets(tmp_path):
    root, angles = motion()
    path = write_bvh(tmp_path / "lafan_style.bvh", root, angles, "ZYX", 100.0, "y", root_position_only=False)
    np.testing.assert_allclose(read_bvh(path).positions, expected_positions(root, angles, "ZYX"), atol=1e-5)
    assert read_bvh(path, units="cm", up="y").units == "cm"


def test_joint_positions_and_skeleton_maps(tmp_path):
    root, angles = motion()
    bvh = read_bvh(write_bvh(tmp_path / "walk.bvh", root, angles))
    name, keys = resolve_skeleton(bvh)
    assert name == "lafan1" and bvh.names[keys["left_knee"]] == "LeftLeg" and bvh.names[keys["torso"]] == "Spine2"
    np.savez(tmp_path / "walk.npz", positions=bvh.positions * 100, names=np.array(bvh.names), fps=30.0)
    pos = read_mocap(tmp_path / "walk.npz", units="cm")
    np.testing.assert_allclose(pos.positions, bvh.positions, atol=1e-9)
    assert pos.rotations is None and resolve_skeleton(pos)[0] == "lafan1"
    smpl = ["pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2", "left_ankle",
            "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar", "right_collar", "head",
            "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist"]
    np.save(tmp_path / "smpl.npy", {"positions": np.zeros((3, len(smpl), 3)), "names": smpl, "fps": 30})
    assert resolve_skeleton(read_positions(tmp_path / "smpl.npy"))[0] == "smpl"
    mixamo = read_positions(tmp_path / "walk.npz")
    mixamo.names = ["mixamorig:" + n.replace("LeftToe", "LeftToeBase") for n in mixamo.names]
    assert resolve_skeleton(mixamo, "mixamo")[1]["left_wrist"] == mixamo.names.index("mixamorig:LeftHand")
    custom = tmp_path / "map.yaml"
    custom.write_text("\n".join(f"{k}: {v}" for k, v in SKELETONS["lafan1"].items()))
    assert resolve_skeleton(bvh, str(custom))[0] == str(custom)


def _bad(tmp_path, text, name="bad.bvh"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_bad_mocap_is_one_error_naming_file_joint_and_frame(tmp_path):
    root, angles = motion()
    good = write_bvh(tmp_path / "good.bvh", root, angles).read_text()
    cases = {
        "truncated": (good.rsplit("\n", 4)[0], "Frames says 12, the file has 9 (truncated?)"),
        "channel": (good.replace("Zrotation", "Wrotation", 1), "joint Hips: unknown channel 'Wrotation'"),
        "nan": (good.replace(good.splitlines()[-1].split()[7], "nan", 1),
                "frame 11: joint LeftUpLeg: a value is not finite"),
        "frames": (good.replace("Frames: 12", "Frames: 0"), "Frames: 0: the motion has no frames"),
        "word": (good.replace(good.splitlines()[-2].split()[4], "x", 1), "frame 10: a value is not a number"),
    }
    for name, (text, message) in cases.items():
        path = _bad(tmp_path, text, f"{name}.bvh")
        with pytest.raises(MotionDataError,
                           match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")) as e:
            read_bvh(path)
        assert str(path) in str(e.value), name
    renamed = read_bvh(_bad(tmp_path, good.replace("LeftUpLeg", "thigh_l").replace("RightUpLeg", "thigh_r"), "odd.bvh"))
    with pytest.raises(MotionDataError, match="unknown skeleton: its joints are Hips, thigh_l, "
                                              ".*misses keypoint\\(s\\) "
                                              "left_hip \\(LeftUpLeg\\), right_hip \\(RightUpLeg\\)"):
        resolve_skeleton(renamed)
    np.savez(tmp_path / "short.npz", positions=np.zeros((0, 2, 3)), names=np.array(["a", "b"]), fps=30.0)
    with pytest.raises(MotionDataError, match="positions has no frames"):
        read_positions(tmp_path / "short.npz")
    np.savez(tmp_path / "nan.npz", positions=np.full((2, 2, 3), np.nan), names=np.array(["a", "b"]), fps=30.0)
    with pytest.raises(MotionDataError, match="frame 0: joint a: a position is not finite"):
        read_positions(tmp_path / "nan.npz")
