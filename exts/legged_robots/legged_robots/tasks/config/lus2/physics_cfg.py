"""Physics presets for lus2. ``newton_mjwarp`` (kit-less, CPU or GPU) is the default; PhysX needs Isaac Sim.

Select one per run with ``physics=<name>``. Rough terrain needs larger contact buffers than flat ground.
"""

from __future__ import annotations

from isaaclab_newton.physics import MJWarpSolverCfg, NewtonCfg, NewtonCollisionPipelineCfg, NewtonShapeCfg
from isaaclab_ov.physics import OvPhysxCfg
from isaaclab_physx.physics import PhysxCfg

from isaaclab.physics import PhysxAutoCfg
from isaaclab.utils import configclass
from isaaclab_tasks.utils import PresetCfg

from legged_robots.assets.lus2 import description as d


def _newton(njmax: int, nconmax: int, triangle_pairs: int | None = None) -> NewtonCfg:
    return NewtonCfg(
        solver_cfg=MJWarpSolverCfg(njmax=njmax, nconmax=nconmax, cone="pyramidal", impratio=1.0,
                                   integrator="implicitfast", use_mujoco_contacts=False),
        **({"collision_cfg": NewtonCollisionPipelineCfg(max_triangle_pairs=triangle_pairs)} if triangle_pairs else {}),
        num_substeps=d.SOLVER_SUBSTEPS,
        debug_mode=False,
        default_shape_cfg=NewtonShapeCfg(margin=0.0, ke=160000.0, kd=1100.0),
    )


@configclass
class Lus2PhysicsCfg(PresetCfg):
    """Flat ground: per env two foot boxes on the plane (<= 8 contacts), plus knees/hands/torso after a fall."""

    newton_mjwarp = _newton(njmax=200, nconmax=40)
    isaacsim_physx = PhysxCfg()
    ovphysx = OvPhysxCfg()
    physx = PhysxAutoCfg(isaacsim_physx=isaacsim_physx, ovphysx=ovphysx)
    default = newton_mjwarp


@configclass
class Lus2RoughPhysicsCfg(PresetCfg):
    """Rough terrain: triangle-mesh ground, so more contacts per env. Sized from measurement: random
    actions with falls on all sub-terrains peaked at 103 constraint rows and ~14 contacts per env; Isaac
    Lab's stock 1000 / 300 cost 20 % more physics time on CPU for nothing (benchmarks/mdp_managers.py)."""

    newton_mjwarp = _newton(njmax=300, nconmax=100, triangle_pairs=2_500_000)
    isaacsim_physx = PhysxCfg(gpu_max_rigid_patch_count=10 * 2**15)
    ovphysx = OvPhysxCfg(gpu_max_rigid_patch_count=10 * 2**15)
    physx = PhysxAutoCfg(isaacsim_physx=isaacsim_physx, ovphysx=ovphysx)
    default = newton_mjwarp
