"""Every input format: write a complete clip, read it back, compare (and the converter CLI end to end)."""

import numpy as np
import pytest
from motion_fixtures import JOINTS, toy_clip

from refmotion_manager import MotionDataError, check_clip, formats
from refmotion_manager import fields as F
from refmotion_manager.convert import main as convert_main
from refmotion_manager.derive import complete


@pytest.fixture
def full_clip(toy_robot):
    return complete(check_clip(toy_clip()), toy_robot)


def _same(a, b, names, atol=1e-6):
    assert set(names) <= set(b.fields), sorted(set(names) - set(b.fields))
    np.testing.assert_allclose(b.get(names), a.get(names), atol=atol, rtol=0)


def test_refmotion_pkl_round_trip_keeps_every_column_and_clip_setting(full_clip, tmp_path):
    import dataclasses

    clips = [dataclasses.replace(full_clip, loop=True, weight=2.5), dataclasses.replace(full_clip, name="b")]
    formats.write(clips, tmp_path / "m.pkl")
    back = formats.read(tmp_path / "m.pkl")
    assert [c.name for c in back] == ["toy", "b"]
    assert back[0].loop and not back[1].loop and back[0].weight == 2.5
    assert back[0].fields == full_clip.fields and back[0].fps == pytest.approx(full_clip.fps)
    _same(full_clip, back[0], full_clip.fields)


def test_refmotion_pkl_written_by_joblib_reads_too(full_clip, tmp_path):
    import joblib

    entry = {"LoopMode": "Wrap", "FrameDuration": 0.02, "EnableCycleOffsetPosition": True,
             "EnableCycleOffsetRotation": False, "MotionWeight": 1.0, "Fields": list(full_clip.fields),
             "Frames": full_clip.frames}
    joblib.dump({"clip_a": entry}, tmp_path / "j.pkl")
    (back,) = formats.read(tmp_path / "j.pkl")
    assert back.name == "clip_a" and back.fps == pytest.approx(50.0) and back.loop
    assert back.extra == {"EnableCycleOffsetPosition": True, "EnableCycleOffsetRotation": False}
    _same(full_clip, back, full_clip.fields)


def test_humanoid_amp_npz_round_trip_through_world_frame_bodies(full_clip, tmp_path):
    formats.write([full_clip], tmp_path / "m.npz", root_body="base")
    z = np.load(tmp_path / "m.npz")
    assert list(z["body_names"]) == ["base", "thigh", "shin", "foot"] and list(z["dof_names"]) == list(JOINTS)
    assert z["body_rotations"].shape == (full_clip.num_frames, 4, 4)
    (back,) = formats.read(tmp_path / "m.npz")
    assert back.extra["root_body"] == "base"
    _same(full_clip, complete(check_clip(back)), full_clip.fields)  # base-frame root velocities are derived


def test_csv_round_trip_without_and_with_header(full_clip, tmp_path):
    names = F.ROOT_POS + F.ROOT_ROT + F.dof_pos(JOINTS)
    formats.write([full_clip], tmp_path / "a.csv")
    (a,) = formats.read(tmp_path / "a.csv", fps=50, joint_names=list(JOINTS))
    _same(full_clip, a, names, atol=1e-12)
    first = (tmp_path / "a.csv").read_text().splitlines()[0].split(",")
    # BeyondMimic layout: x y z qx qy qz qw, then joints
    np.testing.assert_allclose([float(v) for v in first[3:7]], full_clip.get(F.ROOT_ROT)[0, [1, 2, 3, 0]])
    formats.write([full_clip], tmp_path / "b.csv", header=True, quat_order="wxyz")
    (b,) = formats.read(tmp_path / "b.csv", fps=50)
    _same(full_clip, b, names, atol=1e-12)


def test_csv_joint_names_are_matched_by_name_not_position(full_clip, tmp_path):
    path = tmp_path / "perm.csv"
    order = ("ankle", "hip", "knee")
    header = ",".join(("root_pos_x", "root_pos_y", "root_pos_z", "root_rot_x", "root_rot_y", "root_rot_z",
                       "root_rot_w") + order)
    data = np.concatenate([full_clip.get(F.ROOT_POS), full_clip.get(F.ROOT_ROT)[:, [1, 2, 3, 0]],
                           full_clip.get(F.dof_pos(order))], axis=1)
    path.write_text(header + "\n" + "\n".join(",".join(repr(float(v)) for v in row) for row in data))
    (back,) = formats.read(path, fps=50)
    _same(full_clip, back, F.dof_pos(JOINTS) + F.ROOT_ROT, atol=1e-12)


def test_amp_rsl_rl_npy_round_trip_converts_xyzw(full_clip, tmp_path):
    formats.write([full_clip], tmp_path / "m.npy")
    d = np.load(tmp_path / "m.npy", allow_pickle=True).item()
    np.testing.assert_allclose(d["root_quaternion"], full_clip.get(F.ROOT_ROT)[:, [1, 2, 3, 0]])
    (back,) = formats.read(tmp_path / "m.npy")
    _same(full_clip, back, F.ROOT_POS + F.ROOT_ROT + F.dof_pos(JOINTS), atol=1e-12)


def test_convert_cli_csv_to_complete_pkl_and_back(full_clip, toy_mjcf, tmp_path, capsys):
    formats.write([full_clip], tmp_path / "in.csv")
    rc = convert_main([str(tmp_path / "in.csv"), "--robot", str(toy_mjcf), "--fps", "50",
                       "--joint-names", "hip,knee,ankle", "-o", str(tmp_path / "out.pkl")])
    assert rc == 0, capsys.readouterr().err
    (back,) = formats.read(tmp_path / "out.pkl")
    assert set(back.fields) == set(full_clip.fields)  # every derived column filled in
    _same(full_clip, back, full_clip.fields, atol=1e-5)
    assert "3 joints, 3 links" in capsys.readouterr().out
    assert convert_main([str(tmp_path / "out.pkl"), "--robot", str(toy_mjcf), "-o", str(tmp_path / "x.npz")]) == 0


def test_convert_cli_errors_name_the_problem(full_clip, toy_mjcf, tmp_path, capsys):
    formats.write([full_clip], tmp_path / "in.csv")
    rc = convert_main([str(tmp_path / "in.csv"), "--robot", str(toy_mjcf), "--joint-names", "hip,knee,ankle",
                       "-o", str(tmp_path / "o.pkl")])
    assert rc == 2 and "pass fps (--fps)" in capsys.readouterr().err
    rc = convert_main([str(tmp_path / "in.csv"), "--robot", str(toy_mjcf), "--fps", "50",
                       "--joint-names", "hip,knee,elbow", "-o", str(tmp_path / "o.pkl")])
    err = capsys.readouterr().err
    assert rc == 2 and "'elbow' is not a joint of the robot" in err and "field elbow_dof_pos" in err
    rc = convert_main([str(tmp_path / "in.csv"), "--robot", str(toy_mjcf), "--fps", "50", "--drop-unknown-joints",
                       "--joint-names", "hip,knee,elbow", "-o", str(tmp_path / "o.pkl")])
    assert rc == 2 and "no data for robot joint(s) ankle" in capsys.readouterr().err
    rc = convert_main([str(tmp_path / "in.csv"), "--robot", str(toy_mjcf), "--fps", "50", "--drop-unknown-joints",
                       "--missing-joint-value", "0", "--joint-names", "hip,knee,elbow", "-o", str(tmp_path / "o.pkl")])
    assert rc == 0
    out = capsys.readouterr().out
    assert "dropping joints not in the robot: elbow" in out
    rc = convert_main([str(tmp_path / "in.csv"), "--robot", "no_such_robot", "-o", str(tmp_path / "o.pkl")])
    assert rc == 2 and "unknown robot 'no_such_robot'" in capsys.readouterr().err


def test_unknown_suffix_and_missing_file_are_clear(tmp_path):
    with pytest.raises(MotionDataError, match="cannot tell the motion format"):
        formats.read(tmp_path.joinpath("m.bvh").__str__() if (tmp_path / "m.bvh").write_text("x") else "")
    with pytest.raises(MotionDataError, match="motion file not found"):
        formats.read(tmp_path / "none.pkl")
