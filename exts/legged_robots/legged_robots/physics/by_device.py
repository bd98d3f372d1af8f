"""A physics preset chosen by the simulation device when the env is built: MuJoCo C on a CPU, MuJoCo-Warp on
a GPU. Config files cannot know the device (``--device`` is applied after they load), so the choice is
made by :func:`resolve_physics`, which our env class calls before Isaac Lab builds the simulation."""

from __future__ import annotations

from dataclasses import MISSING

from isaaclab.physics import PhysicsCfg
from isaaclab.utils import configclass

from .mujoco_c_cfg import MujocoCSolverCfg


class PhysicsPresetError(ValueError):
    """A physics preset that cannot run this configuration; the message names the alternative."""


@configclass
class PhysicsByDeviceCfg(PhysicsCfg):
    """``cpu`` when the simulation device is the CPU, else ``gpu``."""

    class_type: str = "legged_robots.physics.by_device:unresolved"
    cpu: PhysicsCfg = MISSING
    gpu: PhysicsCfg = MISSING
    cpu_name: str = "newton_mujoco_c"
    gpu_name: str = "newton_mjwarp"


def unresolved(*_args, **_kwargs):
    raise PhysicsPresetError("PhysicsByDeviceCfg reached the simulator unresolved: build the env through "
                             "legged_robots (its env class calls legged_robots.physics.resolve_physics)")


def resolve_physics(env_cfg) -> None:
    """Replace a by-device preset with the one for ``env_cfg.sim.device``; refuse MuJoCo C on a GPU."""
    sim = env_cfg.sim
    device = str(sim.device)
    if isinstance(sim.physics, PhysicsByDeviceCfg):
        sim.physics = sim.physics.cpu if device == "cpu" else sim.physics.gpu
    solver_cfg = getattr(sim.physics, "solver_cfg", None)
    if isinstance(solver_cfg, MujocoCSolverCfg) and device != "cpu":
        raise PhysicsPresetError(f"physics=newton_mujoco_c steps MuJoCo C on CPU threads and cannot run on "
                                 f"{device}: use physics=newton_mjwarp there, or --device cpu")
