"""Retargeting speed: frames/s of ``refmotion_manager.retarget`` (mink IK, both passes: tracking, then stance feet
pinned) on one core. The input is lus2's own walk_slow clip (4 s at 50 fps) as world positions of the bodies the
retarget tracks, so nothing third-party is needed.

    ./run.sh bench retarget [--repeats 3]

Target (retargeting issue): >= 60 frames/s on one core of this machine (GMR reports 35-70 on desktop CPUs).
"""

# A benchmark imports what it measures inside the function that measures it: `--help` is instant and one benchmark
# does not pay for another's imports.

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=3, help="runs; the best is reported (default 3)")
    args = p.parse_args(argv)
    import mujoco
    import numpy as np

    from refmotion_manager import fields as F
    from refmotion_manager.formats import read
    from refmotion_manager.mocap import Mocap
    from refmotion_manager.retarget import ORDER, retarget, robot_bodies
    from refmotion_manager.robots import robot_mjcf

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}) if hasattr(os, "sched_setaffinity") else None
    mjcf = robot_mjcf("lus2_27dof")
    clip = read(mjcf.parent / "motions" / "lus2_27dof" / "walk_slow.pkl")[0]
    model = mujoco.MjModel.from_xml_path(str(mjcf))
    data = mujoco.MjData(model)
    bodies = robot_bodies(model)
    joints = [model.joint(j).name for j in range(1, model.njnt)]
    kps = [k for k in ORDER if k in bodies]
    q = clip.get(F.dof_pos(joints))
    pos = np.empty((clip.num_frames, len(kps), 3))
    for f in range(clip.num_frames):
        data.qpos[:3], data.qpos[3:7] = clip.get(F.ROOT_POS)[f], clip.get(F.ROOT_ROT)[f]
        data.qpos[[model.jnt_qposadr[model.joint(j).id] for j in joints]] = q[f]
        mujoco.mj_kinematics(model, data)
        pos[f] = [data.xpos[model.body(bodies[k]).id] for k in kps]
    mocap = Mocap(kps, [-1] * len(kps), pos, clip.fps, source="walk_slow")
    best = min(retarget(mocap, mjcf, skeleton={k: k for k in kps})[0].seconds for _ in range(args.repeats))
    rate = clip.num_frames / best
    print(f"[bench retarget] {clip.num_frames} frames, {len(kps)} tracked bodies, one core: {best:.2f} s, "
          f"{rate:.0f} frames/s (target >= 60: {'met' if rate >= 60 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
