"""Every validation error names file, clip, field and frame, and nothing is dropped or reordered."""

import dataclasses
import pickle

import numpy as np
import pytest
from motion_fixtures import JOINTS, toy_clip

from refmotion_manager import MotionDataError, RefMotionCfg, RefMotionManager, check_clip, formats
from refmotion_manager import fields as F


def _pkl(tmp_path, clip_dict, name="m.pkl"):
    path = tmp_path / name
    with open(path, "wb") as f:
        pickle.dump(clip_dict, f)
    return path


def _entry(clip):
    return {"LoopMode": "Clamp", "FrameDuration": 1 / clip.fps, "MotionWeight": 1.0, "Fields": list(clip.fields),
            "Frames": clip.frames.copy()}


def test_missing_field_key_in_pkl(tmp_path):
    e = _entry(toy_clip())
    del e["Frames"]
    with pytest.raises(MotionDataError, match=r"m\.pkl, clip walk, field Frames: missing key 'Frames'"):
        formats.read(_pkl(tmp_path, {"walk": e}))


def test_missing_required_field():
    c = toy_clip()
    c = c.select([f for f in c.fields if f != "root_rot_w"])
    with pytest.raises(MotionDataError, match="clip toy, field root_rot_w: required field is missing"):
        check_clip(c)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_value_names_field_and_frame(tmp_path, bad):
    e = _entry(toy_clip())
    e["Frames"][17, e["Fields"].index("knee_dof_pos")] = bad
    (c,) = formats.read(_pkl(tmp_path, {"walk": e}))
    with pytest.raises(MotionDataError, match=r"m\.pkl, clip walk, field knee_dof_pos, frame 17: value .* not finite"):
        check_clip(c)


def test_non_unit_quaternion_names_frame():
    c = toy_clip()
    c.frames[33, c.fields.index("root_rot_x")] += 0.1
    with pytest.raises(MotionDataError, match="field root_rot_w, frame 33: quaternion norm is 1.00"):
        check_clip(c)


def test_quaternion_within_tolerance_is_renormalized_not_rejected():
    c = toy_clip()
    c.frames[:, c.index(F.ROOT_ROT)] *= 1.0004
    out = check_clip(c)
    np.testing.assert_allclose(np.linalg.norm(out.get(F.ROOT_ROT), axis=1), 1.0)


def test_joint_unknown_to_robot(toy_robot):
    c = toy_clip(joints=("hip", "knee", "elbow"))
    with pytest.raises(MotionDataError, match="field elbow_dof_pos: joint 'elbow' is not a joint of the robot"):
        check_clip(c, joint_names=toy_robot.joint_names)


def test_link_unknown_to_robot_names_file_clip_and_field(toy_robot):
    from refmotion_manager.loading import prepare_clip

    c = toy_clip()
    c = dataclasses.replace(c, fields=c.fields + F.link_pos("nose"), frames=np.pad(c.frames, ((0, 0), (0, 3))),
                            source="nose.pkl")
    with pytest.raises(MotionDataError, match="file nose.pkl, clip toy, field nose_pos_x_b: link.s. nose not bodies"):
        prepare_clip(c, toy_robot)


@pytest.mark.parametrize("fps", [0.0, -25.0, float("nan")])
def test_bad_fps(fps):
    with pytest.raises(MotionDataError, match="frame rate"):
        check_clip(dataclasses.replace(toy_clip(), fps=fps))


def test_bad_frame_duration_in_pkl(tmp_path):
    e = _entry(toy_clip())
    e["FrameDuration"] = 0.0
    with pytest.raises(MotionDataError, match="clip walk, field FrameDuration: FrameDuration must be > 0"):
        formats.read(_pkl(tmp_path, {"walk": e}))


def test_inconsistent_lengths(tmp_path):
    e = _entry(toy_clip())
    e["Fields"] = e["Fields"][:-1]
    (c,) = formats.read(_pkl(tmp_path, {"walk": e}))
    with pytest.raises(MotionDataError, match=r"frames have shape \(101, 10\), expected \(num_frames, 9\)"):
        check_clip(c)
    d = {"joints_list": list(JOINTS), "joint_positions": np.zeros((10, 3)), "root_position": np.zeros((9, 3)),
         "root_quaternion": np.tile([0, 0, 0, 1.0], (10, 1)), "fps": 30}
    np.save(tmp_path / "a.npy", d, allow_pickle=True)
    with pytest.raises(MotionDataError, match="a.npy, field root_position: has 9 frames, joint_positions has 10"):
        formats.read(tmp_path / "a.npy")


def test_csv_row_with_wrong_column_count_names_the_row(tmp_path):
    formats.write([toy_clip()], tmp_path / "a.csv")
    lines = (tmp_path / "a.csv").read_text().splitlines()
    lines[5] += ",0.0"
    (tmp_path / "a.csv").write_text("\n".join(lines))
    with pytest.raises(MotionDataError, match="a.csv, frame 5: row has 11 columns, expected 10"):
        formats.read(tmp_path / "a.csv", fps=50, joint_names=list(JOINTS))


def test_clip_shorter_than_window(tmp_path):
    formats.write([toy_clip(seconds=0.5)], tmp_path / "short.pkl")
    cfg = RefMotionCfg(motion_files=str(tmp_path / "short.pkl"), ref_length_s=1.0)
    with pytest.raises(MotionDataError, match=r"short.pkl, clip toy: clip has 26 frames .* fewer than the 51 needed"):
        RefMotionManager(cfg, num_envs=2)


def test_configured_field_missing_from_one_clip_names_that_clip(tmp_path):
    formats.write([toy_clip(name="a")], tmp_path / "a.pkl")
    formats.write([toy_clip(name="b", joints=("hip", "knee"))], tmp_path / "b.pkl")
    cfg = RefMotionCfg(motion_files=str(tmp_path / "*.pkl"), style_fields=("ankle_dof_pos",))
    with pytest.raises(MotionDataError, match=r"b.pkl, clip b: style_fields entry 'ankle_dof_pos' matches no column"):
        RefMotionManager(cfg, num_envs=2)


def test_no_file_matches_glob(tmp_path):
    with pytest.raises(MotionDataError, match="no motion file matches"):
        RefMotionManager(RefMotionCfg(motion_files=str(tmp_path / "*.pkl")), num_envs=1)


def test_loading_keeps_every_column_and_its_order(tmp_path):
    c = check_clip(toy_clip())
    formats.write([c], tmp_path / "a.pkl")
    (back,) = formats.read(tmp_path / "a.pkl")
    assert back.fields == c.fields and back.num_frames == c.num_frames
