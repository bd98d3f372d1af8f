"""AMP's task reward for the style goal (design 3.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedRLEnv


def track_style_goal_exp(env: ManagerBasedRLEnv, command_name: str = "style_goal_commands",
                         std: float = 0.5) -> torch.Tensor:
    """``exp(-||style goal - robot's style goal fields||^2 / std^2)`` (design 3.4, weight 1.47)."""
    term = env.command_manager.get_term(command_name)
    return torch.exp(-(term.current() - term.command).square().sum(dim=-1) / std**2)
