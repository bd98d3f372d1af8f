"""Mimic's tracking rewards (design 3.4): ``exp(-e / std^2)`` of a mean squared error ``e`` against the reference
frame (``tracking.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import SceneEntityCfg

from .tracking import joint_error, link_error, root_error

if TYPE_CHECKING:
    pass


def track_joint_pos_exp(env, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    return torch.exp(-joint_error(env, asset_cfg, "pos") / std**2)


def track_joint_vel_exp(env, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    return torch.exp(-joint_error(env, asset_cfg, "vel") / std**2)


def track_link_pos_exp(env, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    return torch.exp(-link_error(env, "pos", asset_cfg) / std**2)


def track_link_vel_exp(env, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    return torch.exp(-link_error(env, "vel", asset_cfg) / std**2)


def track_root_exp(env, kind: str, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """``kind``: pos, quat, rotation, lin_vel, ang_vel (see :func:`root_error`)."""
    return torch.exp(-root_error(env, kind, asset_cfg) / std**2)
