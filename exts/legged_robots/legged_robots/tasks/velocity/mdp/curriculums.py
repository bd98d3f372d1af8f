"""Our curriculum terms (design 3.3). Isaac Lab supplies ``terrain_levels_vel`` and the step-wise
``modify_reward_weight``; these add a linear weight ramp and a widening velocity-command range."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch
from isaaclab.managers import ManagerTermBase

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedRLEnv
    from isaaclab.managers import CurriculumTermCfg


class ramp_reward_weight(ManagerTermBase):
    """Reward weight moving linearly from its configured value to ``weight`` over env steps
    [``num_steps - ramp_steps``, ``num_steps``]; with ``ramp_steps = 0`` it is Isaac Lab's
    ``modify_reward_weight`` (weight W once N steps have passed)."""

    def __init__(self, cfg: CurriculumTermCfg, env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        self._term_cfg = env.reward_manager.get_term_cfg(cfg.params["term_name"])
        self._initial = float(self._term_cfg.weight)

    def __call__(self, env: ManagerBasedRLEnv, env_ids: Sequence[int], term_name: str, weight: float,
                 num_steps: int, ramp_steps: int = 0) -> float:
        start = num_steps - ramp_steps
        if ramp_steps <= 0:
            frac = 1.0 if env.common_step_counter > num_steps else 0.0
        else:
            frac = min(max((env.common_step_counter - start) / ramp_steps, 0.0), 1.0)
        new = weight if frac >= 1.0 else self._initial + frac * (weight - self._initial)
        if new != self._term_cfg.weight:
            self._term_cfg.weight = new
            env.reward_manager.set_term_cfg(term_name, self._term_cfg)
        return new


class command_velocity_levels(ManagerTermBase):
    """Widen the velocity command ranges as tracking improves.

    Once per episode length, if the resetting envs' mean ``reward_term_name`` episode return per second
    exceeds ``threshold`` x its weight (tracking is good at the current ranges), every range in ``limits``
    grows by ``delta`` on both sides, up to its limit. Returns the current ``lin_vel_x`` upper bound. The ranges
    reached go into each checkpoint (``state_dict``): a resumed run continues from them, and play exports them as
    the ranges the policy was trained with."""

    def __init__(self, cfg: CurriculumTermCfg, env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        self._ranges = env.command_manager.get_term(cfg.params.get("command_name", "base_velocity")).cfg.ranges
        for name, (lo, hi) in cfg.params["limits"].items():
            if lo > hi:
                raise ValueError(f"command_velocity_levels: limits[{name!r}] = ({lo}, {hi}) has min > max")
            if not hasattr(self._ranges, name):
                raise KeyError(f"command_velocity_levels: the command has no range {name!r}")
        self._last_update = 0

    def __call__(self, env: ManagerBasedRLEnv, env_ids: Sequence[int], limits: dict[str, tuple[float, float]],
                 command_name: str = "base_velocity", reward_term_name: str = "track_lin_vel_xy_exp",
                 threshold: float = 0.8, delta: float = 0.1) -> float:
        if isinstance(env_ids, slice):
            env_ids = torch.arange(env.num_envs, device=env.device)[env_ids]
        if len(env_ids) > 0 and env.common_step_counter - self._last_update >= env.max_episode_length:
            self._last_update = env.common_step_counter
            weight = env.reward_manager.get_term_cfg(reward_term_name).weight
            episode_sums = env.reward_manager._episode_sums[reward_term_name][env_ids]
            per_second = torch.mean(episode_sums) / env.max_episode_length_s
            if per_second > threshold * weight:
                for name, (lo_limit, hi_limit) in limits.items():
                    lo, hi = getattr(self._ranges, name)
                    setattr(self._ranges, name, (max(lo - delta, lo_limit), min(hi + delta, hi_limit)))
        return float(self._ranges.lin_vel_x[1])

    def state_dict(self) -> dict:
        return {name: list(getattr(self._ranges, name)) for name in self.cfg.params["limits"]}

    def load_state_dict(self, state: dict) -> None:
        for name, (lo, hi) in state.items():
            if hasattr(self._ranges, name):
                setattr(self._ranges, name, (float(lo), float(hi)))
