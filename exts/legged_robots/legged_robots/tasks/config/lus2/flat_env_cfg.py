"""lus2 velocity tracking on flat ground: the rough-terrain MDP (``rough_env_cfg.py``) on our own ground
plane, without the height scanner (nothing to scan) and the terrain curriculum (nothing to climb)."""

from __future__ import annotations

from isaaclab.sim import SimulationCfg
from isaaclab.terrains import TerrainImporterCfg
from isaaclab.utils import configclass

from legged_robots.assets.paths import GROUND_USD

from .physics_cfg import Lus2PhysicsCfg
from .rough_env_cfg import Lus2RoughEnvCfg


@configclass
class Lus2FlatEnvCfg(Lus2RoughEnvCfg):
    """lus2 (27 joints) walking on flat ground."""

    sim: SimulationCfg = SimulationCfg(physics=Lus2PhysicsCfg(), use_newton_actuators=False)  # see rough_env_cfg

    def __post_init__(self):
        self.scene.terrain = TerrainImporterCfg(
            prim_path="/World/ground", terrain_type="usd", usd_path=str(GROUND_USD), collision_group=-1,
            physics_material=self.scene.terrain.physics_material)
        self.scene.height_scanner = None
        self.observations.policy.height_scan = None
        self.observations.critic.height_scan = None
        self.curriculum.terrain_levels = None
        super().__post_init__()


@configclass
class Lus2FlatPlayEnvCfg(Lus2FlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()


@configclass
class Lus2_21dofFlatEnvCfg(Lus2FlatEnvCfg):
    """lus2 with 21 joints (no wrists)."""

    def __post_init__(self):
        super().__post_init__()
        self.use_21_joints()


@configclass
class Lus2_21dofFlatPlayEnvCfg(Lus2_21dofFlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()
