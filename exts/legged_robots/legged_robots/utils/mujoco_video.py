"""Replay recorded robot states on the lus2 MJCF in plain MuJoCo and write an mp4 (offscreen rendering).

Needs an OpenGL context for MuJoCo (``MUJOCO_GL=egl`` or ``osmesa``) and ``imageio`` with ffmpeg; where
either is missing it raises ``RuntimeError`` saying which, and the caller carries on without a video.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from legged_robots.assets.lus2 import description as d
from legged_robots.assets.paths import lus2_scene_mjcf


def variant_for(joint_names) -> str:
    names = set(joint_names)
    for name, variant in d.VARIANTS.items():
        if set(variant.joints) == names:
            return name
    raise ValueError(f"no lus2 variant has exactly these joints: {sorted(names)}")


def render_states_mp4(frames, joint_names, fps: float, path: Path, size=(480, 640)) -> None:
    """``frames``: (root position, root quaternion xyzw as Isaac Lab 3 gives it, joint positions) per step."""
    os.environ.setdefault("MUJOCO_GL", "egl")
    import mujoco

    try:
        import imageio.v2 as imageio
    except ImportError:
        raise RuntimeError("imageio is not installed (pip install imageio imageio-ffmpeg)") from None
    model = mujoco.MjModel.from_xml_path(str(lus2_scene_mjcf(variant_for(joint_names))))
    data = mujoco.MjData(model)
    try:
        renderer = mujoco.Renderer(model, *size)
    except Exception as err:  # no EGL/OSMesa context on this machine
        raise RuntimeError(f"no offscreen OpenGL renderer (MUJOCO_GL={os.environ['MUJOCO_GL']}: "
                           f"{type(err).__name__})") from None
    qpos_adr = [model.joint(n).qposadr[0] for n in joint_names]  # by name: Isaac Lab and MJCF orders differ
    camera = mujoco.MjvCamera()
    camera.type = mujoco.mjtCamera.mjCAMERA_TRACKING
    camera.trackbodyid = model.body("pelvis").id
    camera.distance, camera.elevation, camera.azimuth = 3.0, -15.0, 135.0
    origin = np.asarray(frames[0][0]) * np.array([1.0, 1.0, 0.0])
    images = []
    for pos, quat_xyzw, q in frames:
        data.qpos[:3] = np.asarray(pos) - origin
        data.qpos[3:7] = np.roll(quat_xyzw, 1)  # xyzw -> MuJoCo's wxyz
        data.qpos[qpos_adr] = q
        mujoco.mj_forward(model, data)
        renderer.update_scene(data, camera)
        images.append(renderer.render())
    imageio.mimwrite(str(path), images, fps=fps)
