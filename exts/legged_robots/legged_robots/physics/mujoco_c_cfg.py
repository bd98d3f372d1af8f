"""Config of the MuJoCo-C solver (``mujoco_c.py``): MuJoCo-Warp's settings, stepped by MuJoCo C on CPU threads."""

from __future__ import annotations

from isaaclab.utils import configclass
from isaaclab_newton.physics import MJWarpSolverCfg


@configclass
class MujocoCSolverCfg(MJWarpSolverCfg):
    """Every ``MJWarpSolverCfg`` field means what it means there (``njmax``/``nconmax`` are per world);
    MuJoCo always collides the geometry itself."""

    class_type: type | str = "legged_robots.physics.mujoco_c:NewtonMujocoCManager"
    solver_type: str = "mujoco_c"
    use_mujoco_contacts: bool = True
    num_threads: int | None = None
    """Worker threads stepping worlds; None: the CPUs this process may run on."""
    terrain_heightfield_resolution: float = 0.1
    """Grid spacing [m] of the heightfield a static triangle-mesh collider (rough terrain) becomes; Isaac Lab's
    terrain generator uses 0.1 m for its height-field sub-terrains."""
