"""Our termination terms: the physics guard every task carries (``physics_blowup``)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from isaaclab.managers import ManagerTermBase, SceneEntityCfg

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedRLEnv
    from isaaclab.managers import TerminationTermCfg

logger = logging.getLogger(__name__)
_UNSET_LIMIT = 1.0e5  # Newton reports "no limit" as 1e6


class physics_blowup(ManagerTermBase):
    """1 for an env whose robot state the simulator has lost: any root or joint quantity that is not finite,
    or a speed far beyond anything the robot can do,

        |qd_j| > joint_vel_factor * (joint j's velocity limit, or max_joint_vel where it has none),
        |v_base| > max_base_lin_vel [m/s],   |w_base| > max_base_ang_vel [rad/s].

    The env is then ended and reset like any terminated one, and counted under
    ``Episode_Termination/physics_blowup``; our env class keeps that step's reward out of the return and the
    episode sums (see ``StManagerBasedRLEnv``), so nothing non-finite or absurd reaches the learner. The first
    blow-up is reported in one line (env, quantity, joint, value); with ``dump_dir`` set, the state of the
    first ``max_dumps`` blown-up envs (joint/root state, last actions, randomized masses and gains) is written
    there as JSON for debugging.
    """

    def __init__(self, cfg: TerminationTermCfg, env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        self.asset_cfg: SceneEntityCfg = cfg.params.get("asset_cfg", SceneEntityCfg("robot"))
        self.asset = env.scene[self.asset_cfg.name]
        self.total = 0  # blow-ups since the env was built
        self.dumps = 0

    def __call__(self, env: ManagerBasedRLEnv, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot"),
                 joint_vel_factor: float = 10.0, max_joint_vel: float = 100.0, max_base_lin_vel: float = 20.0,
                 max_base_ang_vel: float = 50.0, dump_dir: str | None = None, max_dumps: int = 10) -> torch.Tensor:
        data = self.asset.data
        quantities = {"joint_pos": data.joint_pos.torch, "joint_vel": data.joint_vel.torch,
                      "root_pos": data.root_pos_w.torch, "root_quat": data.root_quat_w.torch,
                      "root_lin_vel": data.root_lin_vel_w.torch, "root_ang_vel": data.root_ang_vel_w.torch}
        not_finite = {k: ~torch.isfinite(v) for k, v in quantities.items()}
        limit = data.soft_joint_vel_limits.torch
        limit = torch.where((limit > 0) & (limit < _UNSET_LIMIT), limit * joint_vel_factor,
                            torch.full_like(limit, max_joint_vel))
        too_fast = {"joint_vel": quantities["joint_vel"].abs() > limit,
                    "root_lin_vel": quantities["root_lin_vel"].norm(dim=-1, keepdim=True) > max_base_lin_vel,
                    "root_ang_vel": quantities["root_ang_vel"].norm(dim=-1, keepdim=True) > max_base_ang_vel}
        flagged = torch.zeros(env.num_envs, dtype=torch.bool, device=env.device)
        for mask in (*not_finite.values(), *too_fast.values()):
            flagged |= mask.any(dim=-1)
        if flagged.any():
            self._report(env, flagged, quantities, not_finite, too_fast, limit, dump_dir, max_dumps)
        return flagged

    def _report(self, env, flagged, quantities, not_finite, too_fast, limit, dump_dir, max_dumps) -> None:
        ids = flagged.nonzero().flatten().tolist()
        if self.total == 0:
            env_id = ids[0]
            print(f"[physics_blowup] env {env_id}: {self._first_cause(env_id, quantities, not_finite, too_fast, limit)}"
                  f" at env step {env.common_step_counter}; it is reset, and every blow-up is counted as "
                  f"Episode_Termination/physics_blowup", flush=True)
        self.total += len(ids)
        if dump_dir is not None:
            for env_id in ids[: max(0, max_dumps - self.dumps)]:
                self._dump(env, env_id, quantities, Path(dump_dir))
                self.dumps += 1

    def _first_cause(self, env_id, quantities, not_finite, too_fast, limit) -> str:
        joints = self.asset.joint_names
        for name, mask in not_finite.items():
            if mask[env_id].any():
                i = int(mask[env_id].nonzero()[0])
                where = f" ({joints[i]})" if name.startswith("joint") else ""
                return f"{name}{where} is {float(quantities[name][env_id, i])}"
        if too_fast["joint_vel"][env_id].any():
            i = int(too_fast["joint_vel"][env_id].nonzero()[0])
            return (f"joint_vel ({joints[i]}) is {float(quantities['joint_vel'][env_id, i]):.4g} rad/s, beyond "
                    f"{float(limit[env_id, i]):.4g}")
        for name, bound in (("root_lin_vel", "m/s"), ("root_ang_vel", "rad/s")):
            if too_fast[name][env_id].any():
                return f"|{name}| is {float(quantities[name][env_id].norm()):.4g} {bound}, beyond the bound"
        return "unknown"

    def _dump(self, env, env_id: int, quantities, folder: Path) -> None:
        """The env's state, last actions and randomized parameters, for a look at what went wrong."""
        data = self.asset.data

        def row(x):
            x = x.torch if hasattr(x, "torch") else x
            return x[env_id].detach().cpu().flatten().tolist()

        state = {"env_id": env_id, "env_step": int(env.common_step_counter),
                 "episode_step": int(env.episode_length_buf[env_id]), "joint_names": list(self.asset.joint_names),
                 **{k: row(v) for k, v in quantities.items()},
                 "last_action": row(env.action_manager.action), "previous_action": row(env.action_manager.prev_action),
                 "body_names": list(self.asset.body_names), "body_mass": row(data.body_mass),
                 "joint_stiffness": row(data.joint_stiffness), "joint_damping": row(data.joint_damping),
                 "joint_armature": row(data.joint_armature), "joint_friction": row(data.joint_friction_coeff)}
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"blowup_step{env.common_step_counter}_env{env_id}.json"
        path.write_text(json.dumps(state, indent=1, default=str))
        if self.dumps == 0:
            print(f"[physics_blowup] state of env {env_id} written to {path}", flush=True)
