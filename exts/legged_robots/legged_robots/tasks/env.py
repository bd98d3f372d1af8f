"""The env class our tasks register: Isaac Lab's ``ManagerBasedRLEnv``, with the config checked and the
physics chosen for the device first."""

from __future__ import annotations

from isaaclab.envs import ManagerBasedRLEnv

from legged_robots.physics import resolve_physics

from .utils import warp_kernel_cache
from .utils.cfg_checks import check_env_cfg


class StManagerBasedRLEnv(ManagerBasedRLEnv):
    """Fails before the simulator is built when a range in the config has min > max, resolves the
    device-dependent physics default (``legged_robots.physics.resolve_physics``; also for ``isaaclab train``),
    and keeps Newton's per-call ray-cast kernel from being rebuilt every step (``utils/warp_kernel_cache.py``)."""

    def __init__(self, cfg, render_mode: str | None = None, **kwargs):
        check_env_cfg(cfg)
        resolve_physics(cfg)
        warp_kernel_cache.install()
        super().__init__(cfg, render_mode=render_mode, **kwargs)
