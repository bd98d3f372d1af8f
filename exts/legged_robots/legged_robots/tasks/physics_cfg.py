"""Physics presets of the velocity tasks, chosen per run with ``physics=<name>``:

- ``newton_mjwarp``: Newton with MuJoCo-Warp, kit-less, CPU or GPU (thousands of envs on a GPU);
- ``newton_mujoco_c``: Newton with MuJoCo C, one world per thread step (``legged_robots.physics``), CPU only,
  several times faster than MuJoCo-Warp on a CPU (``./run.sh bench env``);
- ``physx``: PhysX through Isaac Sim (needs Isaac Sim; not run here).

The default is ``newton_mujoco_c`` on a CPU and ``newton_mjwarp`` on a GPU, picked when the env is built.
Rough terrain needs larger contact buffers than flat ground. A robot's substeps and contact stiffness come from its
description (``set_robot_physics``), so its MJCF integrates alike.
"""

from __future__ import annotations

from isaaclab.physics import PhysxAutoCfg
from isaaclab.utils import configclass
from isaaclab_newton.physics import MJWarpSolverCfg, NewtonCfg, NewtonCollisionPipelineCfg, NewtonShapeCfg
from isaaclab_ov.physics import OvPhysxCfg
from isaaclab_physx.physics import PhysxCfg
from isaaclab_tasks.utils import PresetCfg

from legged_robots.physics import MujocoCSolverCfg, PhysicsByDeviceCfg

_SOLVER = dict(cone="pyramidal", impratio=1.0, integrator="implicitfast")


def _newton(solver_cfg, triangle_pairs: int | None = None) -> NewtonCfg:
    return NewtonCfg(
        solver_cfg=solver_cfg,
        **({"collision_cfg": NewtonCollisionPipelineCfg(max_triangle_pairs=triangle_pairs)} if triangle_pairs else {}),
        debug_mode=False,
        default_shape_cfg=NewtonShapeCfg(margin=0.0),
    )


def set_robot_physics(physics: PresetCfg, desc) -> None:
    """The robot's solver substeps and contact stiffness/damping (its description: ``SOLVER_SUBSTEPS``,
    ``CONTACT_KE``, ``CONTACT_KD``) on every Newton preset of ``physics``."""
    newtons = [getattr(physics, name) for name in ("newton_mjwarp", "newton_mujoco_c")]
    newtons += [physics.default.cpu, physics.default.gpu]
    for cfg in newtons:
        cfg.num_substeps = desc.SOLVER_SUBSTEPS
        cfg.default_shape_cfg.ke = desc.CONTACT_KE
        cfg.default_shape_cfg.kd = desc.CONTACT_KD


@configclass
class FlatPhysicsCfg(PresetCfg):
    """Flat ground: per env two foot boxes on the plane (<= 8 contacts), plus knees/hands/torso after a fall."""

    newton_mjwarp = _newton(MJWarpSolverCfg(njmax=200, nconmax=40, use_mujoco_contacts=False, **_SOLVER))
    newton_mujoco_c = _newton(MujocoCSolverCfg(njmax=200, nconmax=40, **_SOLVER))
    isaacsim_physx = PhysxCfg()
    ovphysx = OvPhysxCfg()
    physx = PhysxAutoCfg(isaacsim_physx=isaacsim_physx, ovphysx=ovphysx)
    default = PhysicsByDeviceCfg(cpu=newton_mujoco_c, gpu=newton_mjwarp)


@configclass
class RoughPhysicsCfg(PresetCfg):
    """Rough terrain: triangle-mesh ground, so more contacts per env. Sized from measurement: random
    actions with falls on all sub-terrains peaked at 103 constraint rows and ~14 contacts per env; Isaac
    Lab's stock 1000 / 300 cost 20 % more physics time on CPU for nothing (benchmarks/mdp_managers.py).
    MuJoCo C collides the terrain as a heightfield (its 0.1 m grid, as Isaac Lab's height-field terrains)."""

    newton_mjwarp = _newton(MJWarpSolverCfg(njmax=300, nconmax=100, use_mujoco_contacts=False, **_SOLVER),
                            triangle_pairs=2_500_000)
    newton_mujoco_c = _newton(MujocoCSolverCfg(njmax=300, nconmax=100, **_SOLVER))
    isaacsim_physx = PhysxCfg(gpu_max_rigid_patch_count=10 * 2**15)
    ovphysx = OvPhysxCfg(gpu_max_rigid_patch_count=10 * 2**15)
    physx = PhysxAutoCfg(isaacsim_physx=isaacsim_physx, ovphysx=ovphysx)
    default = PhysicsByDeviceCfg(cpu=newton_mujoco_c, gpu=newton_mjwarp)
