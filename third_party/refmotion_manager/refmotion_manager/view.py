"""Look at a clip: joint curves, root path and foot heights as a PNG; a kinematic replay on the robot's
MJCF as an mp4 where an offscreen GL renderer exists (EGL or OSMesa; otherwise it says so).

    python -m refmotion_manager.view walk.pkl [--clip NAME] [--png walk.png] [--robot lus2_27dof --mp4 walk.mp4]

A clip retargeted from human mocap (``motion retarget``) also gets ``<png stem>_source.png``: the source skeleton,
scaled as the retarget scaled it, beside the robot's tracked bodies at six instants; its mp4 shows the source
skeleton as sticks one metre to the robot's left. The source is the file the clip's provenance names, or
``--source``.
"""

# Heavy or optional dependencies (MuJoCo, mink, matplotlib, imageio, joblib, yaml) are imported where they are used:
# reading clips needs none of them.

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from . import fields as F
from . import formats
from .clip import MotionClip, check_clip
from .errors import MotionDataError


def plot_png(clip: MotionClip, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = np.arange(clip.num_frames) / clip.fps
    joints = clip.joint_names
    fig, axes = plt.subplots(2, 2, figsize=(14, 9))
    ax = axes[0, 0]
    for j in joints:
        ax.plot(t, clip.get([f"{j}_dof_pos"])[:, 0], lw=1, label=j.removesuffix("_joint"))
    ax.set(title=f"{clip.name}: joint positions", xlabel="time [s]", ylabel="rad")
    ax.legend(fontsize=6, ncol=3)
    ax = axes[0, 1]
    pos = clip.get(F.ROOT_POS)
    ax.plot(pos[:, 0], pos[:, 1], "k-", lw=1.5, label="root")
    feet = [link for link in clip.link_names if "ankle_roll" in link or "foot" in link]
    from . import quat

    rot = clip.get(F.ROOT_ROT)
    for link in feet:
        w = pos + quat.rotate(rot, clip.get(F.link_pos(link)))
        ax.plot(w[:, 0], w[:, 1], ".", ms=2, label=link)
    ax.set(title="path seen from above", xlabel="x [m]", ylabel="y [m]", aspect="equal")
    ax.legend(fontsize=7)
    ax = axes[1, 0]
    ax.plot(t, pos[:, 2], "k-", label="root height")
    for link in feet:
        ax.plot(t, (pos + quat.rotate(rot, clip.get(F.link_pos(link))))[:, 2], label=f"{link} height")
    ax.set(title="heights", xlabel="time [s]", ylabel="m")
    ax.legend(fontsize=7)
    ax = axes[1, 1]
    if clip.has(*F.root_vel("b")):
        for name in F.root_vel("b") + (F.root_ang_vel("b")[2],):
            ax.plot(t, clip.get([name])[:, 0], label=name)
        ax.legend(fontsize=7)
    ax.set(title="root velocity (base frame)", xlabel="time [s]")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def load_source(clip: MotionClip, source: str | None = None):
    """(mocap, keypoint -> joint index, keypoint -> robot body, height ratio) of a retargeted clip's human source,
    or None when the clip is not a retarget or its source is not at hand."""
    prov = clip.extra.get("Provenance")
    path = source or (prov or {}).get("source")
    if not prov or not path or not Path(path).is_file():
        return None
    from .mocap import read_mocap, resolve_skeleton

    mocap = read_mocap(path)
    _, keys = resolve_skeleton(mocap, prov.get("skeleton", "auto"))
    bodies = {kp: v["body"] for kp, v in clip.extra.get("Fidelity", {}).get("keypoints", {}).items()}
    return mocap, keys, bodies, float(prov.get("scale", {}).get("height_ratio", 1.0))


def _source_frame(mocap, t: float) -> int:
    return min(int(round(t * mocap.fps)), mocap.num_frames - 1)


def _body_world(clip: MotionClip, body: str, frame: int) -> np.ndarray:
    from . import quat

    pos, rot = clip.get(F.ROOT_POS)[frame], clip.get(F.ROOT_ROT)[frame]
    if not clip.has(*F.link_pos(body)):
        return pos
    return pos + quat.rotate(rot, clip.get(F.link_pos(body))[frame])


def plot_source_png(clip: MotionClip, source, path: Path, instants: int = 6) -> Path:
    """The scaled source skeleton and the robot's tracked bodies at ``instants`` times: side view (x-z) above,
    front view (y-z) below (sideways arm or leg motion shows only there)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mocap, keys, bodies, ratio = source
    frames = np.linspace(0, clip.num_frames - 1, instants).astype(int)
    fig, axes = plt.subplots(2, instants, figsize=(3 * instants, 9), sharey=True, squeeze=False)
    ground = mocap.positions[:, :, 2].min()
    for col, f in enumerate(frames):
        t = f / clip.fps
        human = (mocap.positions[_source_frame(mocap, t)] - [0, 0, ground]) * ratio
        robot = {kp: _body_world(clip, b, f) for kp, b in bodies.items() if kp in keys}
        for row, (h, name) in enumerate(((0, "x"), (1, "y"))):
            ax = axes[row, col]
            for j, p in enumerate(mocap.parents):
                if p >= 0:
                    ax.plot(human[[p, j], h], human[[p, j], 2], "-", color="C1", lw=2)
            ax.plot([v[h] for v in robot.values()], [v[2] for v in robot.values()], "o", color="C0", ms=5)
            for kp, v in robot.items():
                ax.plot([v[h], human[keys[kp], h]], [v[2], human[keys[kp], 2]], ":", color="0.6", lw=0.8)
            ax.set(title=f"t = {t:.2f} s, {'side' if row == 0 else 'front'}", xlabel=f"{name} [m]", aspect="equal")
    for row in range(2):
        axes[row, 0].set_ylabel("z [m]")
    fig.suptitle(f"{clip.name}: source skeleton x{ratio:.2f} (orange) and the robot's tracked bodies (blue)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def render_mp4(clip: MotionClip, mjcf: Path, path: Path, width: int = 640, height: int = 480,
               source=None) -> Path | None:
    """Kinematic replay (qpos set per frame, no dynamics); with ``source`` (``load_source``) the scaled human
    skeleton as sticks one metre to the robot's left. None, with a message, where no GL context exists."""
    import mujoco

    spec = mujoco.MjSpec.from_file(str(mjcf))
    spec.worldbody.add_geom(type=mujoco.mjtGeom.mjGEOM_PLANE, size=[0, 0, 0.05], rgba=[0.45, 0.5, 0.55, 1])
    spec.worldbody.add_light(pos=[0, 0, 4], dir=[0, 0, -1], diffuse=[0.8, 0.8, 0.8])
    model = spec.compile()
    data = mujoco.MjData(model)
    try:
        renderer = mujoco.Renderer(model, height, width)
    except Exception as e:  # noqa: BLE001 - no GL context is the expected failure here
        print(f"[view] no offscreen renderer ({type(e).__name__}: {e}); skipping the mp4 "
              "(set MUJOCO_GL=egl or osmesa where available)")
        return None
    from .kinematics import RobotModel

    robot = RobotModel(mjcf)
    cam = mujoco.MjvCamera()
    cam.type, cam.trackbodyid = mujoco.mjtCamera.mjCAMERA_TRACKING, robot.root_body_id
    cam.distance, cam.azimuth, cam.elevation = 3.0, 120.0, -15.0
    joints = clip.joint_names
    qpos_adr = [model.joint(j).qposadr[0] for j in joints]
    q = clip.get(F.dof_pos(joints))
    root = np.concatenate([clip.get(F.ROOT_POS), clip.get(F.ROOT_ROT)], axis=1)
    import imageio.v2 as imageio

    path.parent.mkdir(parents=True, exist_ok=True)
    with imageio.get_writer(path, fps=clip.fps, macro_block_size=1) as writer:
        for t in range(clip.num_frames):
            data.qpos[:7], data.qpos[qpos_adr] = root[t], q[t]
            mujoco.mj_forward(model, data)
            renderer.update_scene(data, cam)
            if source is not None:
                _draw_source(renderer.scene, source, t / clip.fps)
            writer.append_data(renderer.render())
    renderer.close()
    return path


def _draw_source(scene, source, t: float) -> None:
    import mujoco

    mocap, _, _, ratio = source
    ground = mocap.positions[:, :, 2].min()
    p = (mocap.positions[_source_frame(mocap, t)] - [0, 0, ground]) * ratio + [0.0, 1.0, 0.0]
    for j, parent in enumerate(mocap.parents):
        if parent < 0 or scene.ngeom >= scene.maxgeom:
            continue
        geom = scene.geoms[scene.ngeom]
        mujoco.mjv_initGeom(geom, mujoco.mjtGeom.mjGEOM_CAPSULE, np.zeros(3), np.zeros(3), np.eye(3).ravel(),
                            np.array([1.0, 0.55, 0.1, 1.0], np.float32))
        mujoco.mjv_connector(geom, mujoco.mjtGeom.mjGEOM_CAPSULE, 0.02, p[parent], p[j])
        scene.ngeom += 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m refmotion_manager.view", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", help="motion file (pkl, npz, npy; convert a csv first)")
    p.add_argument("--clip", help="clip name inside the file (default: every clip)")
    p.add_argument("--png", help="PNG path (default: <file stem>[_<clip>].png beside the file)")
    p.add_argument("--robot", help="registered robot name or MJCF, for --mp4")
    p.add_argument("--mp4", help="mp4 path: replay the clip on the robot (needs --robot)")
    p.add_argument("--source", help="a retargeted clip's human source (default: the file its provenance names)")
    args = p.parse_args(argv)
    if args.mp4:
        if not args.robot:
            p.error("--mp4 needs --robot")
        os.environ.setdefault("MUJOCO_GL", "egl")  # before mujoco is first imported
    try:
        clips = [check_clip(c) for c in formats.read(args.file)]
        if args.clip:
            chosen = [c for c in clips if c.name == args.clip]
            if not chosen:
                raise MotionDataError(f"no clip named {args.clip!r}; clips: {', '.join(c.name for c in clips)}",
                                      file=args.file)
            clips = chosen
        src = Path(args.file)
        for clip in clips:
            suffix = "" if len(clips) == 1 else f"_{clip.name}"
            png = Path(args.png) if args.png and len(clips) == 1 else src.with_name(f"{src.stem}{suffix}.png")
            print(f"[view] {clip.name}: {clip.num_frames} frames at {clip.fps:g} fps -> {plot_png(clip, png)}")
            source = load_source(clip, args.source)
            if source is not None:
                side = plot_source_png(clip, source, png.with_name(f"{png.stem}_source.png"))
                print(f"[view] {clip.name}: source {source[0].source} beside the robot -> {side}")
            elif args.source:
                raise MotionDataError("the clip has no retarget provenance (keypoints) to set its source beside",
                                      file=args.file, clip=clip.name)
            if args.mp4:
                from .robots import robot_mjcf

                many = Path(args.mp4).with_name(f"{Path(args.mp4).stem}{suffix}.mp4")
                mp4 = Path(args.mp4) if len(clips) == 1 else many
                if render_mp4(clip, robot_mjcf(args.robot), mp4, source=source):
                    print(f"[view] {clip.name}: replay -> {mp4}")
    except (MotionDataError, KeyError, FileNotFoundError, ValueError) as e:
        print(f"error: {e.args[0] if isinstance(e, KeyError) and e.args else e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
