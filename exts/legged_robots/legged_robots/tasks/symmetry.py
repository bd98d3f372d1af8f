"""Left/right symmetry augmentation for rsl-rl's ``Symmetry`` extension (Mittal et al., ICRA 2024): each
mini-batch also trains on its mirror image about the robot's sagittal (x-z) plane.

Robot-agnostic: the robot config says how its joints and bodies mirror (``mirror_of``: name -> name on the other
side, ``mirror_sign``: -1 for a joint about x or z). The observation terms are mirrored by what they are (the
function a term calls), so a new term without a rule here is an error naming it, not a silent wrong mirror.
"""

from __future__ import annotations

from typing import Callable

import torch

# Observation functions by how a mirror image changes them (reflection y -> -y)
_VECTOR = {"base_lin_vel", "projected_gravity", "root_lin_vel_w"}  # (x, -y, z)
_PSEUDO_VECTOR = {"base_ang_vel", "root_ang_vel_w"}  # (-x, y, -z): angular velocities
_JOINTS = {"joint_pos_rel", "joint_vel_rel", "joint_pos", "joint_vel", "last_action"}  # per joint, signed
_JOINTS_UNSIGNED = {"joint_gains_rel"}  # per joint, several values per joint in blocks (stiffness, damping)
_BODIES = {"body_mass_rel", "contact_forces_norm"}  # per body, unsigned
_SCALAR = {"base_pos_z", "friction_coeff"}  # friction_coeff: the mean over the (feet's) shapes, kept by a mirror


class _Mirror:
    """Index and sign tensors for one env, built on first use."""

    def __init__(self, env, mirror_of: Callable[[str], str], mirror_sign: Callable[[str], float]):
        u = getattr(env, "unwrapped", env)
        robot = u.scene["robot"]
        self.u, self.mirror_of, self.mirror_sign = u, mirror_of, mirror_sign
        action_joints = list(u.action_manager.get_term("joint_pos")._joint_names)
        self.action_perm, self.action_sign = self._joints(action_joints)
        self.groups = {}
        om = u.observation_manager
        for group, names in om.active_terms.items():
            cfgs = om._group_obs_term_cfgs[group]
            dims = om.group_obs_term_dim[group]
            spec, start = [], 0
            for name, cfg, dim in zip(names, cfgs, dims):
                size = int(torch.tensor(dim).prod())
                hist = max(int(getattr(cfg, "history_length", 0) or 0), 1)
                spec.append((name, start, size, hist, self._term(group, name, cfg, size // hist, robot)))
                start += size
            self.groups[group] = spec

    def _perm(self, names: list[str], what: str) -> torch.Tensor:
        """Index of each name's mirror among ``names``."""
        index = {n: i for i, n in enumerate(names)}
        missing = [n for n in names if self.mirror_of(n) not in index]
        if missing:
            raise ValueError(f"symmetry: no mirror {what} for {', '.join(missing)}")
        return torch.tensor([index[self.mirror_of(n)] for n in names], device=self.u.device)

    def _joints(self, names: list[str]):
        perm = self._perm(names, "joint among the policy's")
        sign = torch.tensor([self.mirror_sign(self.mirror_of(n)) for n in names], device=self.u.device)
        return perm, sign

    def _term(self, group: str, name: str, cfg, dim: int, robot):
        """(permutation, sign) of one frame of the term: mirrored[i] = sign[i] * x[perm[i]]."""
        func = getattr(cfg.func, "__name__", type(cfg.func).__name__)
        dev = self.u.device
        eye = torch.arange(dim, device=dev)
        ones = torch.ones(dim, device=dev)
        params = cfg.params or {}
        if func == "sensed_state":  # a real sensor's reading mirrors as the quantity it reads
            func = params["quantity"]
        if func in _SCALAR:
            return eye, ones
        if func in _VECTOR:
            return eye, torch.tensor([1.0, -1.0, 1.0], device=dev)
        if func in _PSEUDO_VECTOR:
            return eye, torch.tensor([-1.0, 1.0, -1.0], device=dev)
        if func == "gait_phase":  # the feet swap: half a period on, (sin, cos) -> (-sin, -cos)
            return eye, -ones
        if func == "root_quat_w":  # Isaac Lab 3 (x, y, z, w): a reflected orientation is (-x, y, -z, w)
            return eye, torch.tensor([-1.0, 1.0, -1.0, 1.0], device=dev)
        if func == "generated_commands" and params.get("command_name") == "base_velocity":
            return eye, torch.tensor([1.0, -1.0, -1.0], device=dev)  # vx, vy, wz
        if func in _JOINTS | _JOINTS_UNSIGNED:
            asset_cfg = params.get("asset_cfg")
            ids = range(robot.num_joints) if asset_cfg is None or isinstance(asset_cfg.joint_ids, slice) \
                else asset_cfg.joint_ids
            names = list(self.u.action_manager.get_term("joint_pos")._joint_names) if func == "last_action" \
                else [robot.joint_names[i] for i in ids]
            perm, sign = self._joints(names)
            blocks = dim // len(names)
            if func in _JOINTS_UNSIGNED:
                sign = torch.ones_like(sign)
            return (torch.cat([perm + b * len(names) for b in range(blocks)]), sign.repeat(blocks))
        if func in _BODIES:
            entity = params.get("sensor_cfg") or params.get("asset_cfg")
            source = self.u.scene.sensors[entity.name] if func == "contact_forces_norm" else self.u.scene[entity.name]
            body_names = list(source.body_names)
            ids = range(len(body_names)) if isinstance(entity.body_ids, slice) else entity.body_ids
            names = [body_names[i] for i in ids]
            return self._perm(names, f"body in term {group}/{name}"), ones
        if func == "height_scan":
            starts = self.u.scene.sensors[params["sensor_cfg"].name].ray_starts
            starts = (starts.torch if hasattr(starts, "torch") else starts)[0, :, :2]
            mirrored = starts * torch.tensor([1.0, -1.0], device=starts.device)
            perm = torch.cdist(mirrored, starts).argmin(dim=1).to(dev)  # the ray at (x, -y)
            return perm, ones
        raise ValueError(f"symmetry: no mirror rule for observation term {group}/{name} ({func}); add one in "
                         "tasks/symmetry.py")

    def observations(self, obs):
        out = obs.clone()
        for group, spec in self.groups.items():
            if group not in obs.keys():
                continue
            x, y = obs[group], out[group]
            for _, start, size, hist, (perm, sign) in spec:
                frame = size // hist
                for h in range(hist):
                    s = start + h * frame
                    y[:, s:s + frame] = x[:, s:s + frame][:, perm] * sign
        return out

    def actions(self, actions: torch.Tensor) -> torch.Tensor:
        return actions[:, self.action_perm] * self.action_sign


def mirror_augment(env, obs, actions, mirror_of: Callable[[str], str], mirror_sign: Callable[[str], float]):
    """rsl-rl's data augmentation function: the batch followed by its mirror image (obs and/or actions may be
    None, as rsl-rl calls it)."""
    u = getattr(env, "unwrapped", env)
    mirror = getattr(u, "_st_mirror", None)
    if mirror is None:
        mirror = u._st_mirror = _Mirror(u, mirror_of, mirror_sign)
    obs_aug = None if obs is None else torch.cat([obs, mirror.observations(obs)], dim=0)
    act_aug = None if actions is None else torch.cat([actions, mirror.actions(actions)], dim=0)
    return obs_aug, act_aug
