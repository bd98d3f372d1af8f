"""Robot assets: lus2's description, generated MJCF/USD, and its Isaac Lab ``ArticulationCfg``.

The configs import Isaac Lab, so they load lazily: ``legged_robots.assets.generate`` and the
description stay importable without it.
"""

from __future__ import annotations

_LAZY = {"LUS2_27DOF_CFG", "LUS2_21DOF_CFG", "lus2_articulation_cfg"}


def __getattr__(name: str):
    if name in _LAZY:
        from . import lus2_cfg

        return getattr(lus2_cfg, name)
    raise AttributeError(name)
