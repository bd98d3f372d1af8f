"""AMP on the env side: the reference motion, the style frame, reference state init, the style goal.

One definition of a style frame for both sides: the env's frame is computed from the simulated robot for
exactly the columns refmotion_manager serves as ``style`` (its resolved ``style_fields``, in its order),
under refmotion's conventions (``refmotion_manager.fields``: quaternions w first, ``_b`` = base frame,
links relative to the root). The ``amp`` observation group stacks ``amp_obs_frame_num`` of them with Isaac
Lab's observation history (oldest first), which is how ``sample_amp_windows`` lays out expert windows.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import torch
from isaaclab.managers import CommandTerm, CommandTermCfg, ManagerTermBase, SceneEntityCfg
from isaaclab.utils import configclass
from isaaclab.utils import math as math_utils

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedEnv, ManagerBasedRLEnv

AXES = {"x": 0, "y": 1, "z": 2}
WXYZ = {"w": 0, "x": 1, "y": 2, "z": 3}


def build_reference_motion(env_cfg):
    """A RefMotionManager for ``env_cfg.ref_motion``, one trajectory per env, on the env's device. Our env class
    builds it before the simulator, so bad motion data fails first."""
    from refmotion_manager import RefMotionManager

    cfg = getattr(env_cfg, "ref_motion", None)
    if cfg is None:
        raise ValueError("this task has no ref_motion config; AMP and mimic terms need one")
    cfg.device = str(env_cfg.sim.device)
    return RefMotionManager(cfg, num_envs=env_cfg.scene.num_envs, device=cfg.device, seed=env_cfg.seed)


def reference_motion(env: ManagerBasedEnv):
    """The env's RefMotionManager (built once)."""
    manager = getattr(env, "_st_ref_motion", None)
    if manager is None:
        manager = env._st_ref_motion = build_reference_motion(env.cfg)
    return manager


def as_torch(x) -> torch.Tensor:
    """Isaac Lab 3's asset data are proxy arrays with a ``.torch`` view; plain tensors pass through."""
    return x.torch if hasattr(x, "torch") else x


def _wxyz(quat_xyzw: torch.Tensor) -> torch.Tensor:
    """Isaac Lab 3 quaternions are x, y, z, w; refmotion's are w, x, y, z."""
    return quat_xyzw[..., [3, 0, 1, 2]]


class StyleFrame:
    """Computes refmotion columns from an articulation's state, vectorized: each field is a column of one of a
    few stacked quantities, gathered with one index."""

    _ROOT = re.compile(r"^root_(pos|rot|vel|ang_vel)_([wxyz])(?:_([wb]))?$")
    _LINK = re.compile(r"^(.+?)_(ang_vel|pos|rot|vel)_([wxyz])_b$")  # lazy: "..._ang_vel_x_b" is ang_vel

    def __init__(self, fields, joint_names, body_names):
        self.fields = tuple(fields)
        self._joints = {n: i for i, n in enumerate(joint_names)}
        bodies = {n: i for i, n in enumerate(body_names)}
        # (quantity, column) per field; quantities: root_pos_w, root_rot_w, root_vel_w/b, root_ang_vel_w/b,
        # joint_pos, joint_vel, link_<kind> (per body)
        self.plan: list[tuple[str, int]] = []
        self.links: list[int] = []
        for f in self.fields:
            if f.endswith("_dof_pos") or f.endswith("_dof_vel"):
                joint = f[: -len("_dof_pos")]
                if joint not in self._joints:
                    raise KeyError(f"style field {f!r}: the robot has no joint {joint!r}")
                self.plan.append(("joint_pos" if f.endswith("_dof_pos") else "joint_vel", self._joints[joint]))
                continue
            m = self._ROOT.match(f)
            if m:
                kind, axis, frame = m.groups()
                if kind == "rot":
                    self.plan.append(("root_rot_w", WXYZ[axis]))
                elif kind == "pos":
                    self.plan.append(("root_pos_w", AXES[axis]))
                else:
                    self.plan.append((f"root_{kind}_{frame or 'w'}", AXES[axis]))
                continue
            m = self._LINK.match(f)
            if m:
                link, kind, axis = m.groups()
                if link not in bodies:
                    raise KeyError(f"style field {f!r}: the robot has no body {link!r}")
                if bodies[link] not in self.links:
                    self.links.append(bodies[link])
                k = self.links.index(bodies[link])
                width = 4 if kind == "rot" else 3
                self.plan.append((f"link_{kind}", k * width + (WXYZ if kind == "rot" else AXES)[axis]))
                continue
            raise KeyError(f"style field {f!r} is not a refmotion column the simulator can produce")
        self.quantities = list(dict.fromkeys(q for q, _ in self.plan))

    # quantity -> the articulation data attribute that holds it as is
    _DIRECT = {"root_vel_w": "root_lin_vel_w", "root_vel_b": "root_lin_vel_b", "root_ang_vel_w": "root_ang_vel_w",
               "root_ang_vel_b": "root_ang_vel_b", "joint_pos": "joint_pos", "joint_vel": "joint_vel"}

    def __call__(self, data, env_origins: torch.Tensor) -> torch.Tensor:
        t = as_torch
        quat = t(data.root_quat_w)
        values: dict[str, torch.Tensor] = {}
        for q in self.quantities:
            if q in self._DIRECT:
                values[q] = t(getattr(data, self._DIRECT[q]))
            elif q == "root_pos_w":
                values[q] = t(data.root_pos_w) - env_origins
            elif q == "root_rot_w":
                values[q] = _wxyz(quat)
            else:  # link quantities, relative to the base
                n, k = quat.shape[0], len(self.links)
                qb = quat[:, None, :].expand(n, k, 4)
                if q == "link_pos":
                    rel = t(data.body_pos_w)[:, self.links] - t(data.root_pos_w)[:, None, :]
                    v = math_utils.quat_apply_inverse(qb, rel)
                elif q == "link_rot":
                    v = _wxyz(math_utils.quat_mul(math_utils.quat_conjugate(qb), t(data.body_quat_w)[:, self.links]))
                else:  # link_vel, link_ang_vel: world velocities seen in the base frame
                    attr = "body_lin_vel_w" if q == "link_vel" else "body_ang_vel_w"
                    v = math_utils.quat_apply_inverse(qb, t(getattr(data, attr))[:, self.links])
                values[q] = v.reshape(n, -1)
        return torch.stack([values[q][:, c] for q, c in self.plan], dim=1)


class style_frame(ManagerTermBase):
    """Observation term: the robot's style frame (the reference's ``style`` columns, computed from the simulator).

    Give it ``history_length = amp_obs_frame_num`` in the ``amp`` group: the group is then the (s_{t-k+1}..s_t)
    window the discriminator scores, laid out as refmotion's expert windows."""

    def __init__(self, cfg, env: ManagerBasedEnv):
        super().__init__(cfg, env)
        asset = env.scene[cfg.params.get("asset_cfg", SceneEntityCfg("robot")).name]
        manager = reference_motion(env)
        if "style" not in manager.groups:
            raise ValueError("the amp observation needs ref_motion.style_fields")
        self.frame = StyleFrame(manager.groups["style"], asset.joint_names, asset.body_names)

    def __call__(self, env: ManagerBasedEnv, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
        return self.frame(env.scene[asset_cfg.name].data, env.scene.env_origins)


def reset_from_reference(env: ManagerBasedEnv, env_ids: torch.Tensor, default_pose_share: float = 0.2,
                         asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> None:
    """Reset event: put ``1 - default_pose_share`` of the resetting envs at a reference frame (refmotion's
    ``init_state()``: clip drawn by weight, frame by ``random_start``, ``specify_init_values`` applied); the
    rest keep the reset the events before this one gave them (the default pose). The clip's xy position is
    replaced by the env's origin; its height, orientation and velocities are kept."""
    if env_ids is None or isinstance(env_ids, slice):  # Isaac Lab passes slice(None) for "all envs"
        env_ids = torch.arange(env.num_envs, device=env.device)[env_ids if isinstance(env_ids, slice) else slice(None)]
    env_ids = torch.as_tensor(env_ids, device=env.device)
    if len(env_ids) == 0:
        return
    manager = reference_motion(env)
    pick = torch.rand(len(env_ids), device=env.device) >= default_pose_share
    ids = env_ids[pick]
    if len(ids) == 0:
        return
    manager.reset(ids)
    write_reference_state(env, ids, manager, asset_cfg)


def write_reference_state(env: ManagerBasedEnv, ids: torch.Tensor, manager,
                          asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> None:
    """Put the robots of ``ids`` at their current reference frame (``init_state()``): root pose and velocity,
    joints (clamped to the soft limits). The clip's xy position is replaced by the env's origin; the shift is kept
    in ``env._st_ref_xy_offset`` (reference xy + offset = where the robot should be)."""
    init = manager.init_state(ids)
    asset = env.scene[asset_cfg.name]
    pos = init["root_pos"].clone()
    if not hasattr(env, "_st_ref_xy_offset"):
        env._st_ref_xy_offset = torch.zeros(env.num_envs, 2, device=env.device)
    env._st_ref_xy_offset[ids] = env.scene.env_origins[ids, :2] - pos[:, :2]
    pos[:, :2] = env.scene.env_origins[ids, :2]
    pos[:, 2] += env.scene.env_origins[ids, 2]
    quat = init["root_quat"][:, [1, 2, 3, 0]]  # w, x, y, z -> Isaac Lab's x, y, z, w
    asset.write_root_pose_to_sim_index(root_pose=torch.cat([pos, quat], dim=-1), env_ids=ids)
    asset.write_root_velocity_to_sim_index(
        root_velocity=torch.cat([init["root_lin_vel_w"], init["root_ang_vel_w"]], dim=-1), env_ids=ids)
    jid = reference_joint_ids(env, manager, asset)
    limits = asset.data.soft_joint_pos_limits.torch[ids][:, jid]
    joint_pos = init["joint_pos"].clamp(limits[..., 0], limits[..., 1])
    asset.write_joint_position_to_sim_index(position=joint_pos, joint_ids=jid, env_ids=ids)
    if "joint_vel" in init:
        asset.write_joint_velocity_to_sim_index(velocity=init["joint_vel"], joint_ids=jid, env_ids=ids)


def reference_joint_ids(env: ManagerBasedEnv, manager, asset) -> torch.Tensor:
    """The robot's joint index of each joint the reference's init state carries (in its order)."""
    if not hasattr(env, "_st_ref_joint_ids"):
        missing = [j for j in manager.init_joint_names if j not in asset.joint_names]
        if missing:
            raise KeyError(f"reference clips drive joints the robot lacks: {', '.join(missing)}")
        env._st_ref_joint_ids = torch.tensor([asset.joint_names.index(j) for j in manager.init_joint_names],
                                             device=env.device)
    return env._st_ref_joint_ids


class StyleCommand(CommandTerm):
    """``style_goal_commands`` (design 3.6): one target per ``style_goal_fields`` column, drawn uniformly from the
    range that matches the field (velocities: ``velocity_range``, heading-like fields: ``heading_range``),
    resampled every ``resampling_time_range`` seconds. ``track_style_goal_exp`` rewards following it."""

    cfg: "StyleCommandCfg"

    def __init__(self, cfg: "StyleCommandCfg", env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        manager = reference_motion(env)
        if "style_goal" not in manager.groups:
            raise ValueError("style_goal_commands need ref_motion.style_goal_fields")
        asset = env.scene[cfg.asset_name]
        self.frame = StyleFrame(manager.groups["style_goal"], asset.joint_names, asset.body_names)
        self.asset = asset
        lo, hi = [], []
        for f in self.frame.fields:
            r = cfg.heading_range if ("rot" in f or "heading" in f) else cfg.velocity_range
            lo.append(r[0])
            hi.append(r[1])
        self._lo = torch.tensor(lo, device=self.device)
        self._hi = torch.tensor(hi, device=self.device)
        self._goal = torch.zeros(self.num_envs, len(self.frame.fields), device=self.device)
        self.metrics["error_style_goal"] = torch.zeros(self.num_envs, device=self.device)

    @property
    def command(self) -> torch.Tensor:
        return self._goal

    def current(self) -> torch.Tensor:
        return self.frame(self.asset.data, self._env.scene.env_origins)

    def _update_metrics(self):
        self.metrics["error_style_goal"][:] = (self.current() - self._goal).norm(dim=-1)  # in place (inference mode)

    def _resample_command(self, env_ids):
        n = self._goal[env_ids].shape[0]  # env_ids may be a slice (all envs)
        u = torch.rand(n, self._goal.shape[1], device=self.device)
        self._goal[env_ids] = self._lo + u * (self._hi - self._lo)

    def _update_command(self):
        pass


@configclass
class StyleCommandCfg(CommandTermCfg):
    class_type: type = StyleCommand
    asset_name: str = "robot"
    velocity_range: tuple[float, float] = (-1.0, 1.0)
    heading_range: tuple[float, float] = (-3.141592653589793, 3.141592653589793)
    resampling_time_range: tuple[float, float] = (10.0, 10.0)


def track_style_goal_exp(env: ManagerBasedRLEnv, command_name: str = "style_goal_commands",
                         std: float = 0.5) -> torch.Tensor:
    """``exp(-||style goal - robot's style goal fields||^2 / std^2)`` (design 3.4, weight 1.47)."""
    term = env.command_manager.get_term(command_name)
    return torch.exp(-(term.current() - term.command).square().sum(dim=-1) / std**2)
