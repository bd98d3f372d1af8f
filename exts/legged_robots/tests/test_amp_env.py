"""AMP on the env side, on the real lus2 AMP env: the robot put exactly at clip frames produces the expert
window refmotion serves for them (one definition of a style frame), resets start from reference frames, and
the env offers skrl's AMP contract. Bad motion settings fail before the simulator is built, naming the problem."""

import pytest
import torch

from legged_robots.tasks import make_env

pytestmark = pytest.mark.sim
TASK = "St-Amp-Flat-Lus2"


def _put_at_frame(env, manager, clip: int, frame: int) -> None:
    """Write clip ``clip``'s frame ``frame`` into every env's robot (root pose and velocity, joints)."""
    u = env.unwrapped
    robot = u.scene["robot"]
    ids = torch.arange(u.num_envs)
    manager.reset(ids, clip_ids=clip, start_frames=0)
    manager.steps[:] = frame
    manager._index = manager.frame_index(0)
    init = manager.init_state(ids)
    pos = init["root_pos"] + u.scene.env_origins
    robot.write_root_pose_to_sim_index(root_pose=torch.cat([pos, init["root_quat"][:, [1, 2, 3, 0]]], -1), env_ids=ids)
    root_velocity = torch.cat([init["root_lin_vel_w"], init["root_ang_vel_w"]], -1)
    robot.write_root_velocity_to_sim_index(root_velocity=root_velocity,
                                           env_ids=ids)
    jid = [robot.joint_names.index(j) for j in manager.init_joint_names]
    robot.write_joint_position_to_sim_index(position=init["joint_pos"], joint_ids=jid, env_ids=ids)
    robot.write_joint_velocity_to_sim_index(velocity=init["joint_vel"], joint_ids=jid, env_ids=ids)


# every kind of column refmotion serves: world orientation (w first), base-frame root velocities, joints, and a
# link's position, orientation, linear and angular velocity relative to the base
ALL_KINDS = ("root_pos_z", "root_rot_*", "root_vel_*_b", "root_ang_vel_*_b", "root_vel_*_w", "joint_dof_pos",
             "joint_dof_vel", "left_ankle_roll_link_*_b")


@pytest.fixture(scope="module", params=["default_style_fields", "all_kinds"])
def env(request):
    """One env at a time (Isaac Lab has one simulation context per process)."""
    torch.set_num_threads(1)
    overrides = [f"env.ref_motion.style_fields=[{','.join(ALL_KINDS)}]"] if request.param == "all_kinds" else []
    e = make_env(TASK, num_envs=2, overrides=overrides)
    yield e
    e.close()


def test_the_robot_at_clip_frames_gives_the_expert_window(env):
    """Positions and velocities are written, not simulated, so both sides must agree to float32 rounding
    (1e-4): a frame, sign, order or quaternion convention mismatch shows up as an O(0.1-1) difference."""
    from legged_robots.tasks.amp.mdp.reference import reference_motion

    u = env.unwrapped
    env.reset()
    manager = reference_motion(u)
    style = u.observation_manager._group_obs_term_cfgs["amp"][0].func
    for clip, name in enumerate(manager.clip_names):
        for frame in (3, 40):
            window = []
            for k in range(manager.cfg.amp_obs_frame_num):
                _put_at_frame(env, manager, clip, frame + k)
                u.scene.update(0.0)  # body poses from the written joint state (forward kinematics)
                window.append(style(u))
            ours = torch.cat(window, dim=-1)
            row = manager.clip_offset[clip] + frame
            expert = manager._blocks["style"][row:row + manager.cfg.amp_obs_frame_num].reshape(-1)
            err = (ours - expert).abs().max().item()
            assert err < 1e-4, (name, frame, err, manager.groups["style"])


def test_resets_start_from_reference_frames_and_skrl_contract(env):
    from legged_robots.tasks.amp.mdp.reference import reference_motion

    u = env.unwrapped
    env.reset()
    manager = reference_motion(u)
    obs, *_ = env.step(torch.zeros(u.num_envs, u.action_manager.total_action_dim))
    window = u.amp_observation_space.shape[0]
    assert obs["amp"].shape == (u.num_envs, window) == (u.num_envs, 2 * len(manager.groups["style"]))
    expert = u.collect_reference_motions(5)
    assert expert.shape == (5, window) and torch.isfinite(expert).all()
    _, _, _, _, extras = env.step(torch.zeros(u.num_envs, u.action_manager.total_action_dim))
    assert torch.equal(extras["amp_obs"], env.unwrapped.obs_buf["amp"])
    # with no default-pose share every reset is a reference frame: the joints are the clip's
    u.cfg.events.reset_from_reference.params["default_pose_share"] = 0.0
    u.event_manager._mode_term_cfgs["reset"][-1].params["default_pose_share"] = 0.0
    u._reset_idx(torch.arange(u.num_envs))
    robot = u.scene["robot"]
    jid = [robot.joint_names.index(j) for j in manager.init_joint_names]
    ref = manager.init_state(torch.arange(u.num_envs))["joint_pos"]
    limits = robot.data.soft_joint_pos_limits.torch[:, jid]
    assert torch.allclose(robot.data.joint_pos.torch[:, jid], ref.clamp(limits[..., 0], limits[..., 1]), atol=1e-5)
