"""Isaac Lab ``ArticulationCfg`` for lus2 (27- and 21-joint variants), from ``lus2.description`` through the
robot-agnostic builders in ``articulation.py``."""

from __future__ import annotations

from isaaclab.assets.articulation import ArticulationCfg

from . import articulation
from .lus2 import description as d
from .paths import lus2_usd


def actuator_presets(variant_name: str) -> dict:
    return articulation.actuator_presets(d, variant_name)


def lus2_articulation_cfg(variant_name: str = "lus2_27dof") -> ArticulationCfg:
    return articulation.articulation_cfg(d, variant_name, lus2_usd(variant_name))


LUS2_27DOF_CFG = lus2_articulation_cfg("lus2_27dof")
LUS2_21DOF_CFG = lus2_articulation_cfg("lus2_21dof")
