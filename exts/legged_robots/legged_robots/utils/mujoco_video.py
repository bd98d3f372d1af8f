"""Replay recorded robot states on the robot's MJCF in plain MuJoCo and write an mp4 (offscreen rendering).

Needs an OpenGL context for MuJoCo (``MUJOCO_GL=egl`` or ``osmesa``) and ``imageio`` with ffmpeg; where
either is missing it raises ``RuntimeError`` saying which, and the caller carries on without a video.

MuJoCo's renderer and imageio are imported when a video is written (they pick an OpenGL backend on import).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from legged_robots.assets.robots import robot_with_joints


def render_qpos_mp4(model, qpos_frames, fps: float, path: Path, track_body: int, size=(480, 640)) -> None:
    """Set each ``qpos`` on ``model`` (kinematics only) and write the frames as an mp4, a camera tracking
    ``track_body``. RuntimeError naming what is missing where there is no renderer or no imageio."""
    os.environ.setdefault("MUJOCO_GL", "egl")
    import mujoco

    try:
        import imageio.v2 as imageio
    except ImportError:
        raise RuntimeError("imageio is not installed (pip install imageio imageio-ffmpeg)") from None
    data = mujoco.MjData(model)
    try:
        renderer = mujoco.Renderer(model, *size)
    except Exception as err:  # no EGL/OSMesa context on this machine
        raise RuntimeError(f"no offscreen OpenGL renderer (MUJOCO_GL={os.environ['MUJOCO_GL']}: "
                           f"{type(err).__name__})") from None
    camera = mujoco.MjvCamera()
    camera.type = mujoco.mjtCamera.mjCAMERA_TRACKING
    camera.trackbodyid = track_body
    camera.distance, camera.elevation, camera.azimuth = 3.0, -15.0, 135.0
    images = []
    for qpos in qpos_frames:
        data.qpos[:] = qpos
        mujoco.mj_forward(model, data)
        renderer.update_scene(data, camera)
        images.append(renderer.render())
    renderer.close()
    imageio.mimwrite(str(path), images, fps=fps)


def render_states_mp4(frames, joint_names, fps: float, path: Path, size=(480, 640)) -> None:
    """``frames``: (root position, root quaternion xyzw as Isaac Lab 3 gives it, joint positions) per step."""
    os.environ.setdefault("MUJOCO_GL", "egl")  # before MuJoCo's first import picks a GL backend
    import mujoco

    robot = robot_with_joints(joint_names)
    model = mujoco.MjModel.from_xml_path(str(robot.scene_mjcf))
    qpos_adr = [model.joint(n).qposadr[0] for n in joint_names]  # by name: Isaac Lab and MJCF orders differ
    origin = np.asarray(frames[0][0]) * np.array([1.0, 1.0, 0.0])
    qpos_frames = []
    for pos, quat_xyzw, q in frames:
        qpos = model.qpos0.copy()
        qpos[:3] = np.asarray(pos) - origin
        qpos[3:7] = np.roll(quat_xyzw, 1)  # xyzw -> MuJoCo's wxyz
        qpos[qpos_adr] = q
        qpos_frames.append(qpos)
    render_qpos_mp4(model, qpos_frames, fps, path, model.body(robot.root_body).id, size)
