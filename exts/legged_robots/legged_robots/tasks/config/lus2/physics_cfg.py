"""Physics presets for lus2, chosen per run with ``physics=<name>``:

- ``newton_mjwarp``: Newton with MuJoCo-Warp, kit-less, CPU or GPU (thousands of envs on a GPU);
- ``newton_mujoco_c``: Newton with MuJoCo C, one world per thread step (``legged_robots.physics``), CPU only,
  several times faster than MuJoCo-Warp on a CPU (``./run.sh bench env``);
- ``physx``: PhysX through Isaac Sim (needs Isaac Sim; not run here).

The default is ``newton_mujoco_c`` on a CPU and ``newton_mjwarp`` on a GPU, picked when the env is built.
Rough terrain needs larger contact buffers than flat ground.
"""

from __future__ import annotations

from isaaclab.physics import PhysxAutoCfg
from isaaclab.utils import configclass
from isaaclab_newton.physics import MJWarpSolverCfg, NewtonCfg, NewtonCollisionPipelineCfg, NewtonShapeCfg
from isaaclab_ov.physics import OvPhysxCfg
from isaaclab_physx.physics import PhysxCfg
from isaaclab_tasks.utils import PresetCfg

from legged_robots.assets.lus2 import description as d
from legged_robots.physics import MujocoCSolverCfg, PhysicsByDeviceCfg

_SOLVER = dict(cone="pyramidal", impratio=1.0, integrator="implicitfast")


def _newton(solver_cfg, triangle_pairs: int | None = None) -> NewtonCfg:
    return NewtonCfg(
        solver_cfg=solver_cfg,
        **({"collision_cfg": NewtonCollisionPipelineCfg(max_triangle_pairs=triangle_pairs)} if triangle_pairs else {}),
        num_substeps=d.SOLVER_SUBSTEPS,
        debug_mode=False,
        default_shape_cfg=NewtonShapeCfg(margin=0.0, ke=d.CONTACT_KE, kd=d.CONTACT_KD),
    )


@configclass
class Lus2PhysicsCfg(PresetCfg):
    """Flat ground: per env two foot boxes on the plane (<= 8 contacts), plus knees/hands/torso after a fall."""

    newton_mjwarp = _newton(MJWarpSolverCfg(njmax=200, nconmax=40, use_mujoco_contacts=False, **_SOLVER))
    newton_mujoco_c = _newton(MujocoCSolverCfg(njmax=200, nconmax=40, **_SOLVER))
    isaacsim_physx = PhysxCfg()
    ovphysx = OvPhysxCfg()
    physx = PhysxAutoCfg(isaacsim_physx=isaacsim_physx, ovphysx=ovphysx)
    default = PhysicsByDeviceCfg(cpu=newton_mujoco_c, gpu=newton_mjwarp)


@configclass
class Lus2RoughPhysicsCfg(PresetCfg):
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
