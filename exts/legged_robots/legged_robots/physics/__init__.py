"""Physics of our own: the per-world MuJoCo-C stepper behind ``physics=newton_mujoco_c`` (``mujoco_c.py``) and
the device-dependent default (``by_device.py``: MuJoCo C on a CPU, MuJoCo-Warp on a GPU)."""

from .by_device import PhysicsByDeviceCfg, PhysicsPresetError, resolve_physics
from .mujoco_c_cfg import MujocoCSolverCfg

__all__ = ["MujocoCSolverCfg", "PhysicsByDeviceCfg", "PhysicsPresetError", "resolve_physics"]
