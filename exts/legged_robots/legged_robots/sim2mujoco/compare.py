"""Isaac Lab (Newton) and MuJoCo side by side.

Closed loop: the same policy, initial state, commands and pushes in both; per step, each observation
term is compared and the first step and term where they differ beyond tolerance is reported.
Open loop: the same initial state and the same action sequence in both, no policy; the states are
compared step by step, which separates gain/armature/contact mismatches from the policy's reaction.
"""

from __future__ import annotations

import numpy as np

from st_runtime.observations import ObservationBuilder

from .evaluate import judged_steps, tracking_errors


def split_terms(builder: ObservationBuilder, obs: np.ndarray) -> dict[str, np.ndarray]:
    """An observation vector cut into its terms (history included), in the metadata's order."""
    out, i = {}, 0
    for name, _, dim, _, _, hist in builder.terms:
        n = dim * max(hist, 1)
        out[name] = obs[i:i + n]
        i += n
    return out


def _start(mj, isaac, base_pos=None):
    mj.reset()
    if base_pos is not None:
        mj.reset(base_pos=base_pos)
    return isaac.reset(mj.base_pos, mj.base_quat, mj.joint_pos)


def closed_loop(make_policy, mj, isaac, scenario, tolerance: float = 0.05, fall_height: float = 0.4) -> dict:
    """``make_policy()`` gives a fresh policy (one per simulator: recurrent states stay apart)."""
    p_mj, p_is = make_policy(), make_policy()
    builder = ObservationBuilder(p_mj.metadata)
    commands = scenario.commands(mj.policy_dt)
    pushes = {p.step: p.velocity for p in scenario.pushes}
    _start(mj, isaac)
    last = np.zeros(p_mj.action_dim)
    first, worst = None, {n: 0.0 for n in builder.names}
    q_mj, q_is, a_mj_log, a_is_log, obs_mj, obs_is, v_mj, v_is = [], [], [], [], [], [], [], []
    for k in range(scenario.num_timesteps):
        isaac.set_command(commands[k])
        o_mj = builder.build(mj, last, commands[k])
        o_is = isaac.observe()
        diffs = {n: float(np.abs(a - b).max()) for (n, a), b in
                 zip(split_terms(builder, o_mj).items(), split_terms(builder, o_is).values())}
        for n, v in diffs.items():
            worst[n] = max(worst[n], v)
        if first is None:
            bad = [(n, v) for n, v in diffs.items() if v > tolerance]
            if bad:
                name, value = max(bad, key=lambda nv: nv[1])
                first = {"step": k, "time_s": k * mj.policy_dt, "term": name, "max_abs_diff": value}
        a_mj, a_is = p_mj(o_mj), p_is(o_is)
        obs_mj.append(o_mj)
        obs_is.append(o_is)
        mj.apply_action(a_mj)
        if k in pushes:
            isaac.push(pushes[k])
        mj.step(pushes.get(k))
        isaac.step(a_is)
        last = a_mj
        q_mj.append(mj.joint_pos)
        q_is.append(isaac.joint_pos)
        v_mj.append([*mj.lin_vel_heading, mj.yaw_rate])
        v_is.append([*isaac.lin_vel_heading, isaac.yaw_rate])
        a_mj_log.append(a_mj)
        a_is_log.append(a_is)
        if mj.base_pos[2] < fall_height or isaac.base_pos[2] < fall_height:
            break
    q_mj, q_is, v_mj, v_is = np.asarray(q_mj), np.asarray(q_is), np.asarray(v_mj), np.asarray(v_is)
    cmd = commands[:len(q_mj)]
    mask = judged_steps(cmd, scenario, mj.policy_dt)
    return {"steps": len(q_mj), "first_divergence": first, "max_term_diff": worst,
            # velocity tracking of each simulator over the scenario's judged steps (the verdict's figures)
            "tracking": tracking_errors(v_is, cmd, mask), "tracking_mujoco": tracking_errors(v_mj, cmd, mask),
            "judged": mask,
            "joint_rmse": float(np.sqrt(np.mean((q_mj - q_is) ** 2))),
            "joint_rmse_per_step": np.sqrt(np.mean((q_mj - q_is) ** 2, axis=1)),
            "action_rmse": float(np.sqrt(np.mean((np.asarray(a_mj_log) - np.asarray(a_is_log)) ** 2))),
            "log": {"obs_mujoco": np.asarray(obs_mj), "obs_isaac": np.asarray(obs_is),
                    "action_mujoco": np.asarray(a_mj_log),
                    "action_isaac": np.asarray(a_is_log), "joint_pos_mujoco": q_mj, "joint_pos_isaac": q_is,
                    "base_vel_mujoco": v_mj, "base_vel_isaac": v_is, "command": cmd}}


def open_loop(mj, isaac, actions: np.ndarray) -> dict:
    """Apply the same actions in both from the same state; joint and base differences per step."""
    _start(mj, isaac)
    rows = []
    for a in actions:
        mj.apply_action(a)
        mj.step()
        isaac.step(a)
        rows.append((float(np.sqrt(np.mean((mj.joint_pos - isaac.joint_pos) ** 2))),
                     float(np.max(np.abs(mj.joint_pos - isaac.joint_pos))),
                     float(np.linalg.norm(mj.base_pos - isaac.base_pos))))
    rows = np.asarray(rows)
    return {"steps": len(rows), "joint_rmse_per_step": rows[:, 0], "joint_max_per_step": rows[:, 1],
            "base_pos_diff_per_step": rows[:, 2]}
