"""How far a robot is from the reference frame it should be at: the motion-tracking metrics, one definition.

Isaac Lab's evaluation (``./run.sh eval``) and plain MuJoCo's (``./run.sh sim2mujoco`` on a mimic policy) both
call :func:`tracking_errors` and :class:`TrackingSummary`, so their figures mean the same thing.

Per env and step: global MPKPE (mean distance of the tracked bodies to the reference's bodies placed at the
reference root, m), root-relative MPKPE (bodies relative to the root, in the base frame, m), the joint position
and velocity squared errors (mean over joints) and the root position error (m). Summaries average each over the
steps an episode lived, then over episodes; joint errors become RMSE.
"""

from __future__ import annotations

import torch

from . import fields as F

QUAT_XYZW = ("root_rot_x", "root_rot_y", "root_rot_z", "root_rot_w")
KEYS = ("mpkpe_m", "mpkpe_rel_m", "joint_pos_se", "joint_vel_se", "root_pos_m")


def _rotate(q_xyzw: torch.Tensor, v: torch.Tensor, inverse: bool = False) -> torch.Tensor:
    u, w = q_xyzw[..., :3], q_xyzw[..., 3:]
    if inverse:
        u = -u
    t = 2.0 * torch.cross(u, v, dim=-1)
    return v + w * t + torch.cross(u, t, dim=-1)


def tracked_links(motion, body_names) -> tuple[str, ...]:
    """The clips' links (``<link>_pos_*_b`` columns) that the robot has as bodies, in column order."""
    return tuple(link for link in F.links_in(motion.fields) if link in body_names)


def reference_body_positions(motion, links, ref_root_pos) -> tuple[torch.Tensor, torch.Tensor]:
    """(world, root-relative in the base frame) positions, each (n, len(links), 3), of ``links`` in the current
    reference frame, with the reference root at ``ref_root_pos``."""
    n, k = ref_root_pos.shape[0], len(links)
    ref_q = motion.get(list(QUAT_XYZW))
    ref_rel = motion.get([f for link in links for f in F.link_pos(link)]).view(n, k, 3)
    return ref_root_pos[:, None, :] + _rotate(ref_q[:, None, :].expand(n, k, 4), ref_rel), ref_rel


def tracking_errors(motion, links, root_pos, root_quat_xyzw, body_pos_w, joint_pos, joint_vel, ref_root_pos) -> dict:
    """Per env (n) errors against ``motion``'s current frame. ``body_pos_w``: (n, len(links), 3) world positions
    of ``links``; ``joint_pos`` / ``joint_vel``: (n, j) in ``motion.init_joint_names`` order; ``ref_root_pos``:
    (n, 3) where the reference root is in the robot's world (the clip's position, re-anchored if the robot was
    reset elsewhere)."""
    n, k = root_pos.shape[0], len(links)
    ref_world, ref_rel = reference_body_positions(motion, links, ref_root_pos)
    rel = _rotate(root_quat_xyzw[:, None, :].expand(n, k, 4), body_pos_w - root_pos[:, None, :], inverse=True)
    joints = list(motion.init_joint_names)
    q_err = joint_pos - motion.get(list(F.dof_pos(joints)))
    qd_err = joint_vel - motion.get(list(F.dof_vel(joints)))
    return {"mpkpe_m": (body_pos_w - ref_world).norm(dim=-1).mean(-1),
            "mpkpe_rel_m": (rel - ref_rel).norm(dim=-1).mean(-1),
            "joint_pos_se": q_err.square().mean(-1), "joint_vel_se": qd_err.square().mean(-1),
            "root_pos_m": (root_pos - ref_root_pos).norm(dim=-1)}


class TrackingSummary:
    """Sums of the per-step errors of ``n`` episodes (CPU), then the figures per clip and overall; ``dt``: the
    step, for the mean time the episodes lived (``survival_s``)."""

    def __init__(self, n: int, dt: float):
        self.dt = float(dt)
        self.sums = {key: torch.zeros(n, dtype=torch.float64) for key in KEYS}
        self.count = torch.zeros(n, dtype=torch.float64)

    def add(self, errors: dict, alive: torch.Tensor) -> None:
        """Count this step's ``errors`` for the episodes still running (``alive``: bool, per env)."""
        alive = alive.cpu()
        for key in KEYS:
            self.sums[key][alive] += errors[key].detach().cpu().double()[alive]
        self.count[alive] += 1

    def figures(self, mask: torch.Tensor, success: torch.Tensor, ended_by=None) -> dict:
        """The figures of the episodes in ``mask``; ``ended_by``: per episode, the termination that ended it (None:
        it reached the clip's end), counted per name."""
        c = self.count[mask].clamp(min=1)
        mean = {key: self.sums[key][mask] / c for key in KEYS}
        ended = {}
        for i in mask.nonzero().flatten().tolist() if ended_by is not None else ():
            if ended_by[i] is not None:
                ended[ended_by[i]] = ended.get(ended_by[i], 0) + 1
        return {"episodes": int(mask.sum()), "success_rate": float(success[mask].float().mean()), "ended_by": ended,
                "survival_s": float(self.count[mask].mean() * self.dt),
                "mpkpe_mm": float(1e3 * mean["mpkpe_m"].mean()),
                "mpkpe_root_relative_mm": float(1e3 * mean["mpkpe_rel_m"].mean()),
                "joint_pos_rmse_rad": float(mean["joint_pos_se"].sqrt().mean()),
                "joint_vel_rmse_rad_s": float(mean["joint_vel_se"].sqrt().mean()),
                "root_pos_error_m": float(mean["root_pos_m"].mean())}

    def result(self, clip_ids: torch.Tensor, clip_names, success: torch.Tensor, ended_by=None) -> dict:
        """``{"clips": {name: figures}, "overall": figures}`` (clips that no episode played are left out)."""
        clip_ids, success = clip_ids.cpu(), success.cpu()
        per_clip = {name: self.figures(clip_ids == i, success, ended_by) for i, name in enumerate(clip_names)
                    if bool((clip_ids == i).any())}
        return {"clips": per_clip,
                "overall": self.figures(torch.ones_like(success, dtype=torch.bool), success, ended_by)}


def format_table(result: dict, title: str = "clip") -> str:
    """The figures as a text table: one row per clip and the overall row."""
    head = (f"{title:<14}{'episodes':>9}{'success':>9}{'alive s':>8}{'MPKPE mm':>10}{'root-rel mm':>12}{'q RMSE':>8}"
            f"{'qd RMSE':>9}{'root m':>8}")
    rows = [head]
    for name, f in [*result["clips"].items(), ("overall", result["overall"])]:
        rows.append(f"{name:<14}{f['episodes']:>9}{100 * f['success_rate']:>8.0f}%{f['survival_s']:>8.2f}"
                    f"{f['mpkpe_mm']:>10.1f}"
                    f"{f['mpkpe_root_relative_mm']:>12.1f}{f['joint_pos_rmse_rad']:>8.3f}"
                    f"{f['joint_vel_rmse_rad_s']:>9.3f}{f['root_pos_error_m']:>8.3f}"
                    + (f"  ended by: {', '.join(f'{k} {v}' for k, v in f['ended_by'].items())}"
                       if f.get("ended_by") else ""))
    return "\n".join(rows)
