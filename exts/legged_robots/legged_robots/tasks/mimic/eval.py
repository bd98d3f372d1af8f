"""Motion-tracking evaluation (``./run.sh eval <mimic task>``), as motion-tracking work reports it.

Protocol: one episode per env, each from frame 0 of its clip (env i plays clip i mod #clips), the play variant
(no pushes, no randomization, observation noise as in play). An episode succeeds when it reaches the clip's last
frame without a termination. Per clip and overall: success rate, global MPKPE (mean distance of the tracked
bodies to the reference's, mm), root-relative MPKPE (bodies relative to the root, in the base frame, mm), joint
position and velocity RMSE (rad, rad/s) and root position error (m), averaged over the steps each episode lived.
"""

from __future__ import annotations

import torch

from legged_robots.tasks.amp.mdp.events import reference_joint_ids
from legged_robots.tasks.amp.mdp.reference import as_torch as t
from legged_robots.tasks.amp.mdp.reference import reference_motion
from legged_robots.tasks.mimic.mdp.tracking import reference_root_pos
from refmotion_manager.tracking import TrackingSummary, tracked_links
from refmotion_manager.tracking import tracking_errors as errors


def configure_eval(env_cfg, episodes: int) -> None:
    """The play env set up for the protocol: ``episodes`` envs, every clip from its first frame, whole clips."""
    env_cfg.scene.num_envs = episodes
    env_cfg.ref_motion.random_start = False
    env_cfg.ref_motion.ref_length_s = None  # whole clips (looping ones count one loop)
    env_cfg.commands.expressive_goal_commands.clip_per_env = True
    env_cfg.episode_length_s = 3600.0  # an episode ends at its clip's end or a termination, never by time


def tracking_errors(env) -> dict[str, torch.Tensor]:
    """Per env, this step: refmotion's tracking errors of the robot against its current reference frame."""
    u = env.unwrapped
    motion = reference_motion(u)
    robot = u.scene["robot"]
    if not hasattr(u, "_st_eval_links"):
        links = tracked_links(motion, robot.body_names)
        u._st_eval_links = (links, [robot.body_names.index(link) for link in links])
    links, body_ids = u._st_eval_links
    data = robot.data
    jid = reference_joint_ids(u, motion, robot)
    return errors(motion, links, t(data.root_pos_w), t(data.root_quat_w), t(data.body_pos_w)[:, body_ids],
                  t(data.joint_pos)[:, jid], t(data.joint_vel)[:, jid], reference_root_pos(u))


def evaluate(env, policy, max_steps: int | None = None, after_step=None) -> dict:
    """Run the protocol (env built with :func:`configure_eval`, freshly reset). ``policy(obs) -> actions``;
    ``after_step(env)`` runs after every step (a test's kinematic replay). Returns per-clip and overall figures."""
    u = env.unwrapped
    motion = reference_motion(u)
    n = u.num_envs
    clip = motion.clip_id.clone()
    last = (motion.clip_length[clip] - 1).cpu()
    active = torch.ones(n, dtype=torch.bool)
    success = torch.zeros(n, dtype=torch.bool)
    summary = TrackingSummary(n, u.step_dt)
    ended_by = [None] * n
    terms = u.termination_manager
    obs = env.get_observations()
    max_steps = max_steps or int(last.max()) + 5
    with torch.inference_mode():
        for _ in range(max_steps):
            obs, _, dones, _ = env.step(policy(obs))
            if after_step is not None:
                after_step(env)
            done = dones.cpu().bool()
            for i in (active & done).nonzero().flatten().tolist():  # which term ended it (first that fired)
                ended_by[i] = next((t for t in terms.active_terms if bool(terms.get_term(t)[i])), "unknown")
            alive = active & ~done
            summary.add(tracking_errors(env), alive)
            reached = alive & (motion.steps.cpu() >= last)
            success |= reached
            active &= ~(done | reached)
            if not active.any():
                break
    return summary.result(clip, motion.clip_names, success, ended_by)
