"""The env class our tasks register: Isaac Lab's ``ManagerBasedRLEnv``, with the config checked and the
physics chosen for the device first, and the physics guard's lost envs kept out of the rewards."""

from __future__ import annotations

from isaaclab.envs import ManagerBasedRLEnv

from legged_robots.physics import resolve_physics

from .utils import warp_kernel_cache
from .utils.cfg_checks import check_env_cfg

GUARD = "physics_blowup"  # the termination term that flags envs the simulator has lost (mdp/terminations.py)
BLOWUPS_KEY = "Physics/blowups"  # extras["log"]: envs reset by the guard in this step (st_rl sums it per iteration)


class StManagerBasedRLEnv(ManagerBasedRLEnv):
    """Fails before the simulator is built when a range in the config has min > max, resolves the
    device-dependent physics default (``legged_robots.physics.resolve_physics``; also for ``isaaclab train``),
    keeps Newton's per-call ray-cast kernel from being rebuilt every step (``utils/warp_kernel_cache.py``),
    and gives an env that the physics guard flags no reward for that step (see :meth:`load_managers`)."""

    def __init__(self, cfg, render_mode: str | None = None, **kwargs):
        check_env_cfg(cfg)
        resolve_physics(cfg)
        warp_kernel_cache.install()
        super().__init__(cfg, render_mode=render_mode, **kwargs)

    def load_managers(self) -> None:
        super().load_managers()
        if GUARD in self.termination_manager.active_terms:
            self.reward_manager.compute = _without_lost_envs(self, self.reward_manager.compute)

    def _reset_idx(self, env_ids) -> None:
        super()._reset_idx(env_ids)
        if GUARD in self.termination_manager.active_terms:  # how many of these resets the guard caused
            lost = self.termination_manager.get_term(GUARD)[env_ids]
            self.extras["log"][BLOWUPS_KEY] = int(lost.sum())

    @property
    def physics_blowups(self) -> int:
        """Envs the physics guard has ended since the env was built (0 without the guard)."""
        if GUARD not in self.termination_manager.active_terms:
            return 0
        return self.termination_manager.get_term_cfg(GUARD).func.total


def _without_lost_envs(env: StManagerBasedRLEnv, compute):
    """The rewards run after the terminations, on the same state: for an env whose state the simulator has lost
    (non-finite or absurd) they are not rewards. Such an env gets 0 for the step and its episode sums stay as
    they were (Isaac Lab logs them at the reset that follows)."""
    manager = env.reward_manager

    def wrapped(dt: float):
        lost = env.termination_manager.get_term(GUARD)
        if not bool(lost.any()):
            return compute(dt)
        sums = manager._episode_sum_buf[lost].clone()
        reward = compute(dt)
        manager._episode_sum_buf[lost] = sums
        manager._step_reward[lost] = 0.0
        reward[lost] = 0.0
        return reward

    return wrapped
