"""AMP on the env side: the reference motion (one RefMotionManager per env, built before the simulator) and the
style frame, computed from the simulated robot for exactly the columns refmotion_manager serves as ``style`` (its
resolved ``style_fields``, in its order), under refmotion's conventions (``refmotion_manager.fields``: quaternions
w first, ``_b`` = base frame, links relative to the root). Mimic reads both."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import torch
from isaaclab.utils import math as math_utils

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedEnv


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
