"""Our observation terms: the critic's privileged information (design 3.5). Isaac Lab supplies the rest.

Each term reports a physical parameter relative to its nominal value (captured when the observation
manager is built, before the startup randomization runs), so an unrandomized robot reads zeros."""

from __future__ import annotations

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


def gait_phase(env: ManagerBasedEnv, period: float = 0.8) -> torch.Tensor:
    """A gait clock: ``[sin 2 pi phi, cos 2 pi phi]``, ``phi = (t / period) mod 1``, t the time since the episode
    began (steps x step dt). With it a policy need not discover a stepping rhythm from standing: the clock says
    which foot should be down (``rewards.feet_gait``). On a robot the same clock counts control steps from start."""
    t = env.episode_length_buf.to(torch.float32) * env.step_dt if hasattr(env, "episode_length_buf") \
        else torch.zeros(env.num_envs, device=env.device)
    angle = 2.0 * torch.pi * torch.remainder(t / period, 1.0)
    return torch.stack([torch.sin(angle), torch.cos(angle)], dim=1)
