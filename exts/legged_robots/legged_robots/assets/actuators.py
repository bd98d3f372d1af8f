"""The real-robot actuator model: an explicit PD motor with a command delay, a DC-motor torque-speed limit and a
per-env strength scale (Isaac Lab's ``DelayedPDActuator`` and ``DCMotor`` semantics in one class).

Per physics step (``sim.dt``; Isaac Lab computes actuators once per physics step and the solver holds the torque
through its substeps): the joint target set ``k`` physics steps ago (``k`` drawn per env at reset from
``[min_delay, max_delay]``; until then, the pose at the reset), PD torque ``kp (q* - q) - kd qd``, clipped to the
DC motor's torque-speed curve (``saturation_effort (+-1 - qd / velocity_limit)``, capped at the effort limit),
times the env's strength (drawn at reset from ``strength_range``). The robot-side twin is
``st_runtime.mujoco_robot.MujocoRobot``'s explicit actuator path; tests drive both with the same inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from isaaclab.actuators import DelayedPDActuator, DelayedPDActuatorCfg, IdealPDActuator
from isaaclab.actuators.actuator_base import resolve_joint_parameter
from isaaclab.utils import configclass


class DelayedDCMotor(DelayedPDActuator):
    cfg: DelayedDCMotorCfg

    def __init__(self, cfg: DelayedDCMotorCfg, *args, **kwargs):
        super().__init__(cfg, *args, **kwargs)
        self._saturation_effort = resolve_joint_parameter(cfg.saturation_effort, None, self._joint_names,
                                                          self._num_envs, self._device)
        if bool((self._saturation_effort <= 0).any()):
            raise ValueError(f"saturation_effort must be > 0 for every joint of {self._joint_names}")
        self._vel_at_effort_lim = self.actuator_velocity_limit * (
            1.0 + self.actuator_effort_limit / self._saturation_effort)
        self.strength = torch.ones(self._num_envs, 1, device=self._device)
        self._fresh = torch.ones(self._num_envs, dtype=torch.bool, device=self._device)

    def reset(self, env_ids: Sequence[int] | None):
        super().reset(env_ids)
        ids = slice(None) if env_ids is None else env_ids
        lo, hi = self.cfg.strength_range
        n = self.strength[ids].shape[0]
        self.strength[ids] = lo + (hi - lo) * torch.rand(n, 1, device=self._device)
        self._fresh[ids] = True

    def compute(self, control_action, joint_pos: torch.Tensor, joint_vel: torch.Tensor):
        # the first command after a reset is the pose the motors hold until a policy target has waited out the
        # delay (else the delay would serve the previous episode's last target, or zeros before the first)
        if bool(self._fresh.any()):
            fresh = self._fresh[:, None]
            control_action.joint_positions = torch.where(fresh, joint_pos, control_action.joint_positions)
            control_action.joint_velocities = torch.where(fresh, 0.0, control_action.joint_velocities)
            self._fresh[:] = False
        # only the position target is delayed: position control leaves velocity and effort targets at zero, and
        # DelayedPDActuator's two other buffers were a third of the actuator's time per physics step
        control_action.joint_positions = self.positions_delay_buffer.compute(control_action.joint_positions)
        out = IdealPDActuator.compute(self, control_action, joint_pos, joint_vel)
        # the torque asked of this env's motor: computed - applied is then the DC curve's clip alone, as in Isaac
        # Lab's DCMotor (rewards.dof_torques_limits reads it). Unscaled, a strength of 0.9 read as 10 % of every
        # torque over its limit: lus2's walker paid ~1 reward/s for it at any speed, more the faster it went.
        self.computed_effort = self.strength * self.computed_effort
        return out

    def _clip_effort(self, effort: torch.Tensor, joint_vel: torch.Tensor) -> torch.Tensor:
        qd = torch.clip(joint_vel, min=-self._vel_at_effort_lim, max=self._vel_at_effort_lim)
        top = torch.clip(self._saturation_effort * (1.0 - qd / self.actuator_velocity_limit),
                         max=self.actuator_effort_limit)
        bottom = torch.clip(self._saturation_effort * (-1.0 - qd / self.actuator_velocity_limit),
                            min=-self.actuator_effort_limit)
        return self.strength * torch.clip(effort, min=bottom, max=top)


@configclass
class DelayedDCMotorCfg(DelayedPDActuatorCfg):
    """``min_delay``/``max_delay``: physics steps (Isaac Lab's); ``saturation_effort``: the DC motor's stall torque
    (a value or joint-pattern -> value); ``actuator_velocity_limit``: its no-load speed; ``strength_range``: the
    per-env output scale."""

    class_type: type = DelayedDCMotor
    saturation_effort: dict[str, float] | float = 0.0  # must be set (> 0)
    strength_range: tuple[float, float] = (1.0, 1.0)

    def __post_init__(self):
        problems = []
        if not (isinstance(self.min_delay, int) and isinstance(self.max_delay, int)):
            problems.append(f"min_delay/max_delay must be whole physics steps, got {self.min_delay}, {self.max_delay}")
        elif self.min_delay < 0 or self.min_delay > self.max_delay:
            problems.append(f"delay range [{self.min_delay}, {self.max_delay}] physics steps: need 0 <= min <= max")
        lo, hi = self.strength_range
        if not 0.0 < lo <= hi:
            problems.append(f"strength_range ({lo}, {hi}): need 0 < min <= max")
        if problems:
            raise ValueError("; ".join(problems))
