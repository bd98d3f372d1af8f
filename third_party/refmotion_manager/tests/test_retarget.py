"""Retargeting onto lus2 (mink IK on our MJCF) with mocap the tests make: a round trip of lus2's own walk, a walking
human BVH through the command, scores that can fail (a standing result of a walking source, a sliding clip)."""

import numpy as np
import pytest
from test_mocap import SKELETON, write_bvh

from refmotion_manager import fields as F
from refmotion_manager.errors import MotionDataError
from refmotion_manager.mocap import Mocap
from refmotion_manager.retarget import ORDER, fidelity_scores, main, motion_scores, retarget, robot_bodies


@pytest.fixture(scope="module")
def lus2():
    import mujoco

    from refmotion_manager.robots import robot_mjcf

    mjcf = robot_mjcf("lus2_27dof")
    model = mujoco.MjModel.from_xml_path(str(mjcf))
    return mjcf, model, robot_bodies(model)


def _qpos(model, clip):
    joints = [model.joint(j).name for j in range(1, model.njnt)]
    qs = np.zeros((clip.num_frames, model.nq))
    qs[:, :3], qs[:, 3:7] = clip.get(F.ROOT_POS), clip.get(F.ROOT_ROT)
    qs[:, [model.jnt_qposadr[model.joint(j).id] for j in joints]] = clip.get(F.dof_pos(joints))
    return qs, joints


def _keypoints(model, qs, bodies):
    import mujoco

    data = mujoco.MjData(model)
    kps = [k for k in ORDER if k in bodies]
    out = np.empty((len(qs), len(kps), 3))
    for f, q in enumerate(qs):
        data.qpos[:] = q
        mujoco.mj_kinematics(model, data)
        out[f] = [data.xpos[model.body(bodies[k]).id] for k in kps]
    return kps, out


def test_lus2s_own_walk_as_joint_positions_comes_back_as_its_joints(lus2):
    """lus2's walk_slow clip -> the world positions of the bodies the retarget tracks -> retarget onto lus2 at
    scale 1: legs within 0.03 rad (the ankle is pinned in stance, moving it a few mm), the root within 2 cm
    (the tracked bodies' origins fix it), elbows within 0.1 rad (only the wrist body, ~0.2 m away, sees them)."""
    from refmotion_manager.formats import read
    from refmotion_manager.robots import robot_mjcf

    mjcf, model, bodies = lus2
    clip = read(robot_mjcf("lus2_27dof").parent / "motions" / "lus2_27dof" / "walk_slow.pkl")[0]
    qs, joints = _qpos(model, clip)
    kps, pos = _keypoints(model, qs, bodies)
    mocap = Mocap(kps, [-1] * len(kps), pos, clip.fps, source="walk_slow")
    first, _ = retarget(mocap, mjcf, skeleton={k: k for k in kps}, clean_up=False)
    result, name = retarget(mocap, mjcf, skeleton={k: k for k in kps},
                            human_height=first.scale["robot_height_m"])  # the same body: scale 1
    assert name == "custom" and result.scale["height_ratio"] == pytest.approx(1.0)
    assert all(r == pytest.approx(1.0, abs=1e-3) for r in result.scale["segments"].values())
    idx = [result.joint_names.index(j) for j in joints]
    err = np.abs(result.joint_pos[:, idx] - qs[:, 7:][:, [j - 7 for j in
                                                          [model.jnt_qposadr[model.joint(n).id] for n in joints]]])
    legs = [i for i, j in enumerate(joints) if any(k in j for k in ("hip", "knee", "ankle"))]
    elbows = [i for i, j in enumerate(joints) if "elbow" in j]
    assert err[:, legs].max() < 0.03 and err[:, elbows].max() < 0.1, err.max(axis=0)
    assert np.abs(result.root_pos - clip.get(F.ROOT_POS)).max() < 0.02
    assert result.fidelity["mean_keypoint_error_mm"] < 5.0 and result.fidelity["root_path_error_m"] < 0.01
    assert result.num_frames if hasattr(result, "num_frames") else len(result.root_pos) == clip.num_frames


def walking_bvh(path, seconds=2.0, speed=1.0):
    """A human walking forward at ``speed`` (m/s): legs swing +-25 deg at 1 Hz, knees bend in swing, arms swing
    against the legs (LAFAN1 names, cm, Y-up: as LAFAN1 ships)."""
    fps = 30
    t = np.arange(int(seconds * fps)) / fps
    names = [s[0] for s in SKELETON]
    angles = np.zeros((len(t), len(SKELETON), 3))  # Z, X, Y columns (channel order ZXY)
    phase = 2 * np.pi * 1.0 * t
    for side, sign in (("Left", 1.0), ("Right", -1.0)):
        swing = sign * np.sin(phase)
        angles[:, names.index(f"{side}UpLeg"), 2] = -25 * swing  # about y: hip flexion
        angles[:, names.index(f"{side}Leg"), 2] = 30 * np.clip(swing, 0, None)  # knee bends forward in swing
        angles[:, names.index(f"{side}Arm"), 2] = 20 * swing
    root = np.stack([speed * t, np.zeros_like(t), 0.02 * np.abs(np.sin(phase))], axis=1)
    return write_bvh(path, root, angles, "ZXY", scale=100.0, up="y")


def test_a_walking_bvh_through_the_command_and_scores_that_can_fail(tmp_path, lus2, capsys):
    from refmotion_manager.formats import read

    mjcf, model, bodies = lus2
    bvh = walking_bvh(tmp_path / "walk.bvh")
    out = tmp_path / "walk_lus2.pkl"
    assert main([str(bvh), "--robot", "lus2_27dof", "-o", str(out), "--fps", "50", "--licence", "CC-BY test"]) == 0
    printed = capsys.readouterr().out
    assert "skeleton lafan1" in printed and "fidelity: mean keypoint error" in printed
    (clip,) = read(out)
    assert clip.fps == 50 and clip.num_frames == pytest.approx(2.0 * 50 - 1, abs=2)
    assert clip.has(*F.dof_pos(["left_knee_joint"]), *F.root_vel("b"))
    prov, fid, sc = clip.extra["Provenance"], clip.extra["Fidelity"], clip.extra["Scores"]
    assert prov["licence"] == "CC-BY test" and prov["skeleton"] == "lafan1" and prov["source"] == str(bvh)
    travelled = clip.get(F.ROOT_POS)[-1, 0] - clip.get(F.ROOT_POS)[0, 0]
    assert travelled == pytest.approx(fid["source_path_m"], abs=0.1) and travelled > 1.0  # it walks the path
    assert fid["root_path_error_m"] < 0.05 and fid["heading_error_deg"] < 5
    assert sc["sliding_max_cm"] <= sc["before_clean_up"]["sliding_max_cm"] and sc["penetration_max_mm"] <= 5.0
    from refmotion_manager import RefMotionCfg, RefMotionManager

    served = RefMotionManager(RefMotionCfg(motion_files=str(out), ref_length_s=None), num_envs=2)
    assert served.provenance["walk"]["licence"] == "CC-BY test"  # exported with a policy trained on it
    from refmotion_manager.view import main as view

    assert view([str(out), "--png", str(tmp_path / "walk.png")]) == 0  # the source skeleton beside the robot
    assert (tmp_path / "walk_source.png").stat().st_size > 10_000 and "beside the robot" in capsys.readouterr().out

    # the same source against a robot that stands where it started: the fidelity says so
    human = Mocap.__new__(Mocap)
    from refmotion_manager.mocap import read_bvh

    human = read_bvh(bvh)
    result, _ = retarget(human, mjcf)
    standing = np.repeat(np.concatenate([result.root_pos[:1], result.root_quat[:1],
                                         result.joint_pos[:1]], axis=1), len(result.root_pos), axis=0)
    order = [0, 1, 2, 3, 4, 5, 6] + [model.jnt_qposadr[model.joint(j).id] for j in result.joint_names]
    qs = np.zeros_like(standing)
    qs[:, order] = standing
    bad = fidelity_scores(model, qs, result.bodies, result.targets, result.pelvis_rot)
    assert bad["root_path_error_m"] > 0.5 > 0.05 > result.fidelity["root_path_error_m"]


def test_sliding_and_penetration_scores_are_zero_when_planted_and_the_known_value_when_not(lus2):
    """lus2's stand clip scores no sliding; the same clip dragged 10 cm sideways over its length slides 10 cm in
    its one stance per foot; sunk 1 cm it penetrates 1 cm."""
    from refmotion_manager.formats import read
    from refmotion_manager.robots import robot_mjcf

    mjcf, model, bodies = lus2
    clip = read(robot_mjcf("lus2_27dof").parent / "motions" / "lus2_27dof" / "stand.pkl")[0]
    qs, _ = _qpos(model, clip)
    planted = motion_scores(model, qs, bodies, clip.dt)
    assert planted["sliding_max_cm"] < 0.1 and planted["penetration_max_mm"] < 1.0
    assert all(f["stance_phases"] == 1 and f["stance_share"] == 1.0 for f in planted["feet"].values())
    dragged = qs.copy()
    dragged[:, 1] += np.linspace(0.0, 0.10, len(qs))
    assert motion_scores(model, dragged, bodies, clip.dt)["sliding_max_cm"] == pytest.approx(10.0, abs=0.1)
    sunk = qs.copy()
    sunk[:, 2] -= 0.01
    assert motion_scores(model, sunk, bodies, clip.dt)["penetration_max_mm"] == pytest.approx(
        10.0 + planted["penetration_max_mm"], abs=0.5)


def test_bad_input_is_one_error_line(tmp_path, capsys):
    bvh = walking_bvh(tmp_path / "walk.bvh", seconds=0.5)
    for argv, message in (([str(bvh), "--robot", "lus2_27dof", "--height", "0"], "argument --height: must be > 0"),
                          ([str(tmp_path / "none.bvh"), "--robot", "lus2_27dof"], "file not found"),
                          ([str(bvh), "--robot", "lus9"], "unknown robot 'lus9'"),
                          ([str(bvh), "--robot", "lus2_27dof", "--skeleton", "cmu_mb"], "misses keypoint(s)")):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len([e for e in err if "error:" in e]) == 1 and message in err[-1], (argv, err)
    with pytest.raises(MotionDataError, match="walk.bvh: --height -1.0: must be > 0"):
        from refmotion_manager.mocap import read_bvh

        retarget(read_bvh(bvh), str(tmp_path / "x.xml"), human_height=-1.0)


def test_feasibility_flags_a_clip_sped_up_beyond_the_motors(lus2):
    """lus2's walk_slow at its speed: every torque under the motors' limits, almost all the root's wrench supplied
    by the stance feet. Played three times as fast, the feet cannot supply it (residual over 10 % of the weight)."""
    from refmotion_manager.formats import read
    from refmotion_manager.retarget import SIDES, feasibility
    from refmotion_manager.robots import robot_mjcf

    mjcf, model, bodies = lus2
    clip = read(robot_mjcf("lus2_27dof").parent / "motions" / "lus2_27dof" / "walk_slow.pkl")[0]
    qs, _ = _qpos(model, clip)
    feet = {s: bodies[f"{s}_ankle"] for s in SIDES}
    results = {}
    for speed in (1, 3):
        stance = {s: f["stance"] for s, f in motion_scores(model, qs, bodies, clip.dt / speed)["feet"].items()}
        results[speed] = feasibility(model, qs, clip.dt / speed, stance, feet)
    ok, fast = results[1], results[3]
    assert ok["feasible"] and ok["frames_over_effort_limit_share"] == 0.0, ok
    assert ok["residual_root_force_n"]["mean"] < 0.02 * ok["residual_root_force_n"]["robot_weight"]
    residual = fast["residual_root_force_n"]
    assert not fast["feasible"] and residual["mean"] > 0.1 * residual["robot_weight"]
    assert fast["peak_torque_ratio"]["value"] > ok["peak_torque_ratio"]["value"]


def test_self_penetration_is_zero_for_our_walk_and_found_when_the_legs_cross(lus2):
    """lus2's walk keeps its geoms apart; the same clip with the left hip rolled 0.5 rad inward drives the left leg
    into the right one: the score finds it, names the legs and counts the frames."""
    from refmotion_manager.formats import read
    from refmotion_manager.retarget import SELF_PENETRATION_MM, self_penetration
    from refmotion_manager.robots import robot_mjcf

    _, model, _ = lus2
    clip = read(robot_mjcf("lus2_27dof").parent / "motions" / "lus2_27dof" / "walk_slow.pkl")[0]
    qs, _ = _qpos(model, clip)
    clean = self_penetration(model, qs)
    assert clean["max_mm"] < SELF_PENETRATION_MM and clean["frames_share"] == 0.0 and clean["pairs_checked"] > 50
    crossed = qs.copy()
    crossed[:, model.jnt_qposadr[model.joint("left_hip_roll_joint").id]] -= 0.5  # inward (toward the right leg)
    found = self_penetration(model, crossed)
    assert found["max_mm"] > 20 and found["frames_share"] > 0.5, found
    assert all(b.startswith(("left_", "right_")) for b in found["pair"]) and \
        {b.split("_")[0] for b in found["pair"]} == {"left", "right"}, found


def test_a_planted_walk_retargets_feasibly_and_large_arm_motion_meets_the_shoulders_limits(tmp_path, lus2, capsys):
    """The mocap of the retargeting proof (``mocap_fixtures``): a walk whose stance feet stay put retargets onto
    lus2 on its path, with little sliding, no self-penetration and within the motors; arms raised above the head
    reach lus2's shoulder limits, and the arm keypoints say by how much."""
    from mocap_fixtures import arm_motion, planted_walk

    from refmotion_manager.formats import read

    scores = {}
    for name, make in (("walk", planted_walk), ("arms", arm_motion)):
        out = tmp_path / f"{name}.pkl"
        assert main([str(make(tmp_path / f"{name}.bvh")), "--robot", "lus2_27dof", "-o", str(out)]) == 0
        (clip,) = read(out)
        scores[name] = clip.extra["Fidelity"], clip.extra["Scores"]
    fid, sc = scores["walk"]
    assert fid["root_path_error_m"] < 0.02 and fid["source_path_m"] > 1.5 and fid["mean_keypoint_error_mm"] < 30
    assert sc["sliding_max_cm"] < 2.0 and sc["self_penetration"]["frames_share"] == 0.0
    assert sc["feasibility"]["feasible"] and all(f["stance_share"] > 0.5 for f in sc["feet"].values())
    fid, sc = scores["arms"]
    assert fid["keypoints"]["left_elbow"]["max_mm"] > 100 > fid["keypoints"]["left_ankle"]["max_mm"]
    assert "left_shoulder_roll_joint" in sc["joints_within_0.05_rad_of_a_limit"] and sc["feasibility"]["feasible"]


def test_feasibility_leaves_self_contact_out_of_the_torques(lus2):
    """A kinematic clip may overlap geoms that collide in the MJCF (a hand in the hip) or pass a joint's range:
    MuJoCo's contact or limit force there is no torque the motors need (it became ~370 Nm at a 17 Nm wrist
    before constraints were left out of the inverse dynamics). lus2's walk with the elbows pressed into the
    pelvis (the shoulders past their range) stays within the motors."""
    from refmotion_manager.formats import read
    from refmotion_manager.retarget import SIDES, feasibility, self_penetration
    from refmotion_manager.robots import robot_mjcf

    _, model, bodies = lus2
    clip = read(robot_mjcf("lus2_27dof").parent / "motions" / "lus2_27dof" / "walk_slow.pkl")[0]
    qs, _ = _qpos(model, clip)
    pressed = qs.copy()
    for side, sign in (("left", -1.0), ("right", 1.0)):
        pressed[:, model.jnt_qposadr[model.joint(f"{side}_shoulder_roll_joint").id]] = sign * 0.5  # elbow in hip
    assert self_penetration(model, pressed)["frames_share"] > 0.5
    stance = {s: f["stance"] for s, f in motion_scores(model, qs, bodies, clip.dt)["feet"].items()}
    feet = {s: bodies[f"{s}_ankle"] for s in SIDES}
    result = feasibility(model, pressed, clip.dt, stance, feet)
    assert result["feasible"] and result["peak_torque_ratio"]["value"] < 1.0, result
    assert model.opt.disableflags == 0  # the model is left as it was
