"""Our command terms."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from isaaclab.envs.mdp import UniformVelocityCommand, UniformVelocityCommandCfg
from isaaclab.utils import configclass


class TurningVelocityCommand(UniformVelocityCommand):
    """Isaac Lab's uniform velocity command, with a share of the envs (``rel_turning_envs``, drawn at each resample)
    asked to turn in place: their linear velocity zero, the yaw rate (or heading) as sampled. With every axis
    uniform, a turn without walking is rare, and lus2's walkers turned while walking but hardly in place (0.03 of
    0.5 rad/s asked, policies/wip_lus2_walk)."""

    cfg: TurningVelocityCommandCfg

    def _resample_command(self, env_ids: Sequence[int]):
        super()._resample_command(env_ids)
        if self.cfg.rel_turning_envs <= 0.0:
            return
        ids = torch.arange(self.num_envs, device=self.device)[env_ids]
        turning = torch.rand(len(ids), device=self.device) < self.cfg.rel_turning_envs
        self.vel_command_b[ids[turning], :2] = 0.0


@configclass
class TurningVelocityCommandCfg(UniformVelocityCommandCfg):
    class_type: type = TurningVelocityCommand
    rel_turning_envs: float = 0.0  # share of resamples with the linear velocity zero (turn in place)
