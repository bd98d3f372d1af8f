"""Motion-tracking evaluation (``./run.sh eval <mimic task>``), as motion-tracking work reports it.

Protocol: one episode per env, each from frame 0 of its clip (env i plays clip i mod #clips), the play variant
(no pushes, no randomization, observation noise as in play). An episode succeeds when it reaches the clip's last
frame without a termination. Per clip and overall: success rate, global MPKPE (mean distance of the tracked
bodies to the reference's, mm), root-relative MPKPE (bodies relative to the root, in the base frame, mm), joint
position and velocity RMSE (rad, rad/s) and root position error (m), averaged over the steps each episode lived.
"""

from __future__ import annotations

import torch


def configure_eval(env_cfg, episodes: int) -> None:
    """The play env set up for the protocol: ``episodes`` envs, every clip from its first frame, whole clips."""
    env_cfg.scene.num_envs = episodes
    env_cfg.ref_motion.random_start = False
    env_cfg.ref_motion.ref_length_s = None  # whole clips (looping ones count one loop)
    env_cfg.commands.expressive_goal_commands.clip_per_env = True
    env_cfg.episode_length_s = 3600.0  # an episode ends at its clip's end or a termination, never by time


def tracking_errors(env) -> dict[str, torch.Tensor]:
    """Per env, this step: body position errors (global and root-relative, m), joint RMSE, root position error."""
    from isaaclab.utils import math as math_utils
    from refmotion_manager import fields as F

    from legged_robots.tasks.mdp.amp import as_torch as t
    from legged_robots.tasks.mdp.amp import reference_motion
    from legged_robots.tasks.mdp.mimic import reference_root_pos

    u = env.unwrapped
    motion = reference_motion(u)
    robot = u.scene["robot"]
    if not hasattr(u, "_st_eval_links"):
        links = [l for l in F.links_in(motion.fields) if l in robot.body_names]
        u._st_eval_links = (links, [robot.body_names.index(l) for l in links],
                            [f for l in links for f in F.link_pos(l)])
    links, body_ids, pos_fields = u._st_eval_links
    n, k = u.num_envs, len(links)
    data = robot.data
    root_pos, root_q = t(data.root_pos_w), t(data.root_quat_w)
    ref_root = reference_root_pos(u)
    ref_q = motion.get(["root_rot_x", "root_rot_y", "root_rot_z", "root_rot_w"])
    ref_rel = motion.get(pos_fields).view(n, k, 3)  # bodies relative to the root, base frame
    ref_world = ref_root[:, None, :] + math_utils.quat_apply(ref_q[:, None, :].expand(n, k, 4), ref_rel)
    body = t(data.body_pos_w)[:, body_ids]
    rel = math_utils.quat_apply_inverse(root_q[:, None, :].expand(n, k, 4), body - root_pos[:, None, :])
    joints = list(motion.init_joint_names)
    jid = [robot.joint_names.index(j) for j in joints]
    q_err = t(data.joint_pos)[:, jid] - motion.get(list(F.dof_pos(joints)))
    qd_err = t(data.joint_vel)[:, jid] - motion.get(list(F.dof_vel(joints)))
    return {"mpkpe_m": (body - ref_world).norm(dim=-1).mean(-1), "mpkpe_rel_m": (rel - ref_rel).norm(dim=-1).mean(-1),
            "joint_pos_se": q_err.square().mean(-1), "joint_vel_se": qd_err.square().mean(-1),
            "root_pos_m": (root_pos - ref_root).norm(dim=-1)}


def evaluate(env, policy, max_steps: int | None = None, after_step=None) -> dict:
    """Run the protocol (env built with :func:`configure_eval`, freshly reset). ``policy(obs) -> actions``;
    ``after_step(env)`` runs after every step (a test's kinematic replay). Returns per-clip and overall figures."""
    from legged_robots.tasks.mdp.amp import reference_motion

    u = env.unwrapped
    motion = reference_motion(u)
    n = u.num_envs
    clip = motion.clip_id.clone()
    last = motion.clip_length[clip] - 1
    active = torch.ones(n, dtype=torch.bool)
    success = torch.zeros(n, dtype=torch.bool)
    sums = {k: torch.zeros(n) for k in ("mpkpe_m", "mpkpe_rel_m", "joint_pos_se", "joint_vel_se", "root_pos_m")}
    count = torch.zeros(n)
    obs = env.get_observations()
    max_steps = max_steps or int(last.max()) + 5
    with torch.inference_mode():
        for _ in range(max_steps):
            obs, _, dones, _ = env.step(policy(obs))
            if after_step is not None:
                after_step(env)
            done = dones.cpu().bool()
            alive = active & ~done
            errors = tracking_errors(env)
            for key in sums:
                sums[key][alive] += errors[key].cpu()[alive]
            count[alive] += 1
            reached = alive & (motion.steps.cpu() >= last.cpu())
            success |= reached
            active &= ~(done | reached)
            if not active.any():
                break
    def figures(mask) -> dict:
        c = count[mask].clamp(min=1)
        mean = {k: (v[mask] / c) for k, v in sums.items()}
        return {"episodes": int(mask.sum()), "success_rate": float(success[mask].float().mean()),
                "mpkpe_mm": float(1e3 * mean["mpkpe_m"].mean()), "mpkpe_root_relative_mm": float(1e3 * mean["mpkpe_rel_m"].mean()),
                "joint_pos_rmse_rad": float(mean["joint_pos_se"].sqrt().mean()),
                "joint_vel_rmse_rad_s": float(mean["joint_vel_se"].sqrt().mean()),
                "root_pos_error_m": float(mean["root_pos_m"].mean())}
    clip_cpu = clip.cpu()
    per_clip = {name: figures(clip_cpu == i) for i, name in enumerate(motion.clip_names) if bool((clip_cpu == i).any())}
    return {"clips": per_clip, "overall": figures(torch.ones(n, dtype=torch.bool))}


def format_table(result: dict) -> str:
    head = f"{'clip':<14}{'episodes':>9}{'success':>9}{'MPKPE mm':>10}{'root-rel mm':>12}{'q RMSE':>8}{'qd RMSE':>9}{'root m':>8}"
    rows = [head]
    for name, f in [*result["clips"].items(), ("overall", result["overall"])]:
        rows.append(f"{name:<14}{f['episodes']:>9}{100 * f['success_rate']:>8.0f}%{f['mpkpe_mm']:>10.1f}"
                    f"{f['mpkpe_root_relative_mm']:>12.1f}{f['joint_pos_rmse_rad']:>8.3f}{f['joint_vel_rmse_rad_s']:>9.3f}"
                    f"{f['root_pos_error_m']:>8.3f}")
    return "\n".join(rows)
