"""lus2 velocity tracking on flat ground: the rough-terrain task (``rough_env_cfg.py``) on our own ground plane
(``VelocityRoughEnvCfg.use_flat_ground``)."""

from __future__ import annotations

from isaaclab.utils import configclass

from .rough_env_cfg import Lus2RoughEnvCfg


@configclass
class Lus2FlatEnvCfg(Lus2RoughEnvCfg):
    """lus2 (27 joints) walking on flat ground."""

    def __post_init__(self):
        self.use_flat_ground()
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
