"""Our observation terms: the critic's privileged information (design 3.5). Isaac Lab supplies the rest.

Each term reports a physical parameter relative to its nominal value (captured when the observation
manager is built, before the startup randomization runs), so an unrandomized robot reads zeros.

Warp is imported where the sensor model's kernel is built, on the first real_sensors step."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
from isaaclab.managers import ManagerTermBase, SceneEntityCfg

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedEnv
    from isaaclab.managers import ObservationTermCfg


class body_mass_rel(ManagerTermBase):
    """Mass of the selected bodies relative to nominal: ``m / m_nominal - 1``."""

    def __init__(self, cfg: ObservationTermCfg, env: ManagerBasedEnv):
        super().__init__(cfg, env)
        asset_cfg: SceneEntityCfg = cfg.params.get("asset_cfg", SceneEntityCfg("robot"))
        self._nominal = env.scene[asset_cfg.name].data.body_mass.torch.clone()

    def __call__(self, env: ManagerBasedEnv, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
        ids = asset_cfg.body_ids
        return env.scene[asset_cfg.name].data.body_mass.torch[:, ids] / self._nominal[:, ids] - 1.0


class joint_gains_rel(ManagerTermBase):
    """Joint stiffness and damping relative to nominal: ``[kp / kp_nominal - 1, kd / kd_nominal - 1]``."""

    def __init__(self, cfg: ObservationTermCfg, env: ManagerBasedEnv):
        super().__init__(cfg, env)
        asset_cfg: SceneEntityCfg = cfg.params.get("asset_cfg", SceneEntityCfg("robot"))
        data = env.scene[asset_cfg.name].data
        self._kp = data.joint_stiffness.torch.clone().clamp(min=1e-6)
        self._kd = data.joint_damping.torch.clone().clamp(min=1e-6)

    def __call__(self, env: ManagerBasedEnv, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
        data, ids = env.scene[asset_cfg.name].data, asset_cfg.joint_ids
        return torch.cat([data.joint_stiffness.torch[:, ids] / self._kp[:, ids] - 1.0,
                          data.joint_damping.torch[:, ids] / self._kd[:, ids] - 1.0], dim=1)


class friction_coeff(ManagerTermBase):
    """Friction coefficient of the selected bodies' collision shapes, averaged per env (Newton: ``mu``)."""

    def __init__(self, cfg: ObservationTermCfg, env: ManagerBasedEnv):
        super().__init__(cfg, env)
        asset_cfg: SceneEntityCfg = cfg.params.get("asset_cfg", SceneEntityCfg("robot"))
        asset = env.scene[asset_cfg.name]
        physics = type(env.sim.cfg.physics).__module__
        if not physics.startswith("isaaclab_newton"):
            raise NotImplementedError(f"friction_coeff reads Newton's shape materials; physics is {physics}")
        model = env.sim.physics_manager.get_model()
        self._mu = asset._root_view.get_attribute("shape_material_mu", model)[:, 0]  # live binding (envs, shapes)
        body_ids = range(asset.num_bodies) if asset_cfg.body_ids == slice(None) else asset_cfg.body_ids
        shapes = [s for b in asset.map_body_ids_to_backend(list(body_ids)) for s in asset._root_view.body_shapes[b]]
        self._shapes = torch.tensor(shapes, dtype=torch.long, device=env.device)

    def __call__(self, env: ManagerBasedEnv, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
        import warp as wp

        return wp.to_torch(self._mu)[:, self._shapes].mean(dim=1, keepdim=True)


def contact_forces_norm(env: ManagerBasedEnv, sensor_cfg: SceneEntityCfg, scale: float = 1.0 / 600.0) -> torch.Tensor:
    """Net contact force magnitude of the selected bodies, ``|F| * scale`` (scale ~ 1 / body weight [N])."""
    sensor = env.scene.sensors[sensor_cfg.name]
    return torch.linalg.norm(sensor.data.net_forces_w.torch[:, sensor_cfg.body_ids], dim=-1) * scale


def gait_phase(env: ManagerBasedEnv, period: float = 0.8, fast_period: float | None = None,
               fast_speed: tuple[float, float] = (0.5, 1.0), command_name: str = "base_velocity") -> torch.Tensor:
    """A gait clock: ``[sin 2 pi phi, cos 2 pi phi]``, ``phi = (t / period) mod 1``, t the time since the episode
    began (steps x step dt). With it a policy need not discover a stepping rhythm from standing: the clock says
    which foot should be down (``rewards.feet_gait``). On a robot the same clock counts control steps from start.
    ``fast_period`` set: the clock speeds up with the commanded speed (``st_runtime.gait``; ``GaitClock``)."""
    angle = 2.0 * torch.pi * gait_clock(env, period, fast_period, fast_speed, command_name)
    return torch.stack([torch.sin(angle), torch.cos(angle)], dim=1)


def gait_clock(env: ManagerBasedEnv, period: float, fast_period: float | None = None,
               fast_speed: tuple[float, float] = (0.5, 1.0), command_name: str = "base_velocity") -> torch.Tensor:
    """The gait phase in [0, 1) per env (zero for an env without episodes): time since the episode began over
    ``period``, modulo 1; with ``fast_period``, the phase a ``GaitClock`` integrated."""
    if not hasattr(env, "episode_length_buf"):
        return torch.zeros(env.num_envs, device=env.device)
    if fast_period is None:
        return torch.remainder(env.episode_length_buf.to(torch.float32) * env.step_dt / period, 1.0)
    clocks = env.__dict__.setdefault("_st_gait_clocks", {})
    key = (period, fast_period, tuple(fast_speed), command_name)
    if key not in clocks:
        clocks[key] = GaitClock(env, *key)
    return clocks[key].phase(env)


class GaitClock:
    """A speed-dependent clock's phase per env: each env step it advances by ``step_dt * gait_frequency(speed)`` at
    the speed commanded during that step, and it is zero at an episode's start. ``advance`` runs once per step,
    before anything reads the clock (``StManagerBasedRLEnv`` calls ``advance_gait_clocks`` first thing after the
    physics, so rewards and observations read the same phase whatever their order); a read in a step nothing
    advanced does it then. The robot side integrates the same way (``st_runtime.observations``)."""

    def __init__(self, env, period, fast_period, fast_speed, command_name):
        from st_runtime.gait import check_gait_params

        check_gait_params(period, fast_period, fast_speed)
        self.period, self.fast_period, self.fast_speed = period, fast_period, fast_speed
        self.command_name = command_name
        self._phase = torch.zeros(env.num_envs, device=env.device)
        self._counter = env.common_step_counter

    def advance(self, env) -> None:
        from st_runtime.gait import gait_frequency

        if self._counter == env.common_step_counter:
            return
        self._counter = env.common_step_counter
        speed = torch.linalg.norm(env.command_manager.get_command(self.command_name)[:, :2], dim=1)
        rate = gait_frequency(speed, self.period, self.fast_period, self.fast_speed)
        started = env.episode_length_buf <= 1  # reset since the last advance: the phase starts from zero
        self._phase = torch.remainder(torch.where(started, 0.0, self._phase) + env.step_dt * rate, 1.0)

    def phase(self, env) -> torch.Tensor:
        self.advance(env)
        return torch.where(env.episode_length_buf == 0, 0.0, self._phase)


# -- real sensors: latency at physics-step resolution, dropped samples, gyro bias, IMU mounting, encoders
#    (``presets=real_sensors``)

_SENSED = {  # quantity -> how to read it from the robot's data, every physics step
    "base_ang_vel": lambda d: d.root_ang_vel_b.torch,
    "projected_gravity": lambda d: d.projected_gravity_b.torch,
    "joint_pos_rel": lambda d: d.joint_pos.torch - d.default_joint_pos.torch,
    "joint_vel_rel": lambda d: d.joint_vel.torch - d.default_joint_vel.torch,
}
_IMU = ("base_ang_vel", "projected_gravity")
HISTORY_STEPS = 21  # physics steps kept: up to 100 ms of latency at 200 Hz


def rotation_from_rpy(rpy: torch.Tensor) -> torch.Tensor:
    """(n, 3) roll, pitch, yaw [rad] -> (n, 3, 3) rotations R = Rz(yaw) Ry(pitch) Rx(roll) (an IMU board mounted
    turned by R reads R^T v of a vector v in the base frame). st_runtime.sensors.rotation_from_rpy is its twin."""
    cr, cp, cy = torch.cos(rpy).unbind(-1)
    sr, sp, sy = torch.sin(rpy).unbind(-1)
    return torch.stack([
        torch.stack([cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr], -1),
        torch.stack([sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr], -1),
        torch.stack([-sp, cp * sr, cp * cr], -1)], -2)


def encoder_angle(q: torch.Tensor, resolution: float) -> torch.Tensor:
    """An angle as an absolute encoder of ``resolution`` [rad per count] reports it (st_runtime.sensors' twin)."""
    return torch.round(q / resolution) * resolution


class _StateHistory:
    """The robot's sensed quantities recorded after every physics step (Isaac Lab computes observations once per env
    step, so a latency shorter than the policy period needs its own record), in a ring of ``HISTORY_STEPS``. One per
    env, installed by the first ``sensed_state`` term on the scene's per-physics-step update."""

    def __init__(self, env):
        self.data = env.scene["robot"].data
        self.buf = {k: torch.zeros(HISTORY_STEPS, *read(self.data).shape, device=env.device) for k, read in
                    _SENSED.items()}
        self.head = 0
        self.fresh = torch.ones(env.num_envs, dtype=torch.bool, device=env.device)
        # the IMU's mounting per env (both IMU terms read through the same board), redrawn each episode
        self.mount = torch.eye(3, device=env.device).repeat(env.num_envs, 1, 1)
        update = env.scene.update

        def update_and_record(dt: float) -> None:
            update(dt)
            self.record()

        env.scene.update = update_and_record

    def record(self) -> None:
        self.head = (self.head + 1) % HISTORY_STEPS
        fresh = self.fresh.clone() if bool(self.fresh.any()) else None
        for k, read in _SENSED.items():
            now = read(self.data)
            self.buf[k][self.head] = now
            if fresh is not None:  # after a reset, the past is the present (not the previous episode's)
                self.buf[k][:, fresh] = now[fresh]
        self.fresh[:] = False

    def read(self, quantity: str, lag: torch.Tensor) -> torch.Tensor:
        """Each env's ``quantity`` as it was ``lag`` physics steps ago (fresh envs: as it is now)."""
        now = _SENSED[quantity](self.data)
        index = (self.head - lag.clamp(max=HISTORY_STEPS - 1)) % HISTORY_STEPS
        past = self.buf[quantity][index, torch.arange(lag.shape[0], device=lag.device)]
        return torch.where(self.fresh[:, None], now, past)


class sensed_state(ManagerTermBase):
    """A robot sensor as hardware delivers it: ``quantity`` (base_ang_vel, projected_gravity, joint_pos_rel,
    joint_vel_rel) read ``latency_ms`` late (drawn per env at reset from the range, at physics-step resolution, plus
    0-``jitter_steps`` more each step), a sample dropped with ``drop_prob`` (the last delivered value held), for
    the gyro a constant bias per episode (``bias_std`` [rad/s]), for the IMU a board mounted turned by up to
    ``mount_deg`` about each axis (per episode), and for joints an absolute encoder of ``encoder_resolution``
    [rad/count]: angles rounded to counts, velocities the difference of two counted angles one physics step apart
    (the staircase noise of encoder differentiation). The robot side (st_runtime's MujocoRobot.sensed) applies the
    same models, by the twin functions in st_runtime.sensors."""

    def __init__(self, cfg: ObservationTermCfg, env: ManagerBasedEnv):
        super().__init__(cfg, env)
        p = cfg.params
        if p["quantity"] not in _SENSED:  # the ranges are checked before the env is built (utils/cfg_checks.py)
            raise ValueError(f"sensed_state: quantity {p['quantity']!r}, one of {', '.join(_SENSED)}")
        lo, hi = p.get("latency_ms", (0.0, 0.0))
        if getattr(env, "_st_state_history", None) is None:
            env._st_state_history = _StateHistory(env)
        self.history = env._st_state_history
        self.steps = (lo / 1000.0 / env.physics_dt, hi / 1000.0 / env.physics_dt)
        n = env.num_envs
        self.lag = torch.zeros(n, dtype=torch.long, device=env.device)
        self.bias = torch.zeros(n, _SENSED[p["quantity"]](self.history.data).shape[1], device=env.device)
        self.last = None
        self.reset()

    def reset(self, env_ids=None) -> None:
        ids = slice(None) if env_ids is None else env_ids
        n = self.lag[ids].shape[0]
        lo, hi = self.steps
        self.lag[ids] = torch.round(lo + (hi - lo) * torch.rand(n, device=self.lag.device)).long()
        self.bias[ids] = self.cfg.params.get("bias_std", 0.0) * torch.randn_like(self.bias[ids])
        mount = math.radians(self.cfg.params.get("mount_deg", 0.0))
        if mount and self.cfg.params["quantity"] in _IMU:
            rpy = mount * (2.0 * torch.rand(n, 3, device=self.lag.device) - 1.0)
            self.history.mount[ids] = rotation_from_rpy(rpy)
        self.history.fresh[ids] = True  # and a fresh env's first sample is never dropped

    def __call__(self, env: ManagerBasedEnv, quantity: str, latency_ms=(0.0, 0.0), jitter_steps: int = 0,
                 drop_prob: float = 0.0, bias_std: float = 0.0, mount_deg: float = 0.0,
                 encoder_resolution: float = 0.0) -> torch.Tensor:
        lag = self.lag + (torch.randint(0, jitter_steps + 1, self.lag.shape, device=self.lag.device)
                          if jitter_steps else 0)
        if encoder_resolution and quantity == "joint_vel_rel":
            default = self.history.data.default_joint_pos.torch
            now, before = (encoder_angle(self.history.read("joint_pos_rel", k) + default, encoder_resolution)
                           for k in (lag, lag + 1))
            value = (now - before) / env.physics_dt
        else:
            value = self.history.read(quantity, lag)
        if encoder_resolution and quantity == "joint_pos_rel":
            default = self.history.data.default_joint_pos.torch
            value = encoder_angle(value + default, encoder_resolution) - default
        if mount_deg and quantity in _IMU:
            value = torch.einsum("nji,nj->ni", self.history.mount, value)  # R^T v
        value = value + self.bias
        if self.last is None:
            self.last = value.clone()
        if drop_prob:
            dropped = (torch.rand(value.shape[0], device=value.device) < drop_prob) & ~self.history.fresh
            value = torch.where(dropped[:, None], self.last, value)
        self.last = value.clone()
        return value
