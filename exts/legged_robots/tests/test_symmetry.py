"""Symmetry augmentation is the physical mirror image: put env 0 in a random state and env 1 in its mirror image
(reflected about the x-z plane: y, roll and yaw negated, left and right joints swapped, the gait clock half a
period on), and the mirror function
applied to env 0's observations gives env 1's, term by term, for the policy and the critic."""

import pytest
import torch

pytestmark = pytest.mark.sim


@pytest.fixture(scope="module")
def env():
    from legged_robots.tasks import make_env

    torch.set_num_threads(1)
    env = make_env("St-Velocity-Flat-Lus2-Play", num_envs=2, device="cpu")
    yield env
    env.close()


def _mirror_state(u, gen):
    from legged_robots.assets.lus2.description import mirror_of, mirror_sign

    robot = u.scene["robot"]
    names = list(robot.joint_names)
    perm = torch.tensor([names.index(mirror_of(n)) for n in names])
    sign = torch.tensor([mirror_sign(mirror_of(n)) for n in names])
    default = robot.data.default_joint_pos.torch[:1].clone()
    q_rel = 0.2 * torch.randn(1, len(names), generator=gen)
    qd = torch.randn(1, len(names), generator=gen)
    q = torch.cat([default + q_rel, default + q_rel[:, perm] * sign])
    qd = torch.cat([qd, qd[:, perm] * sign])
    origins = u.scene.env_origins
    pos = torch.tensor([0.1, 0.3, 1.5])
    quat = torch.nn.functional.normalize(torch.tensor([0.1, -0.05, 0.3, 1.0]), dim=0)  # x, y, z, w
    lin, ang = torch.tensor([0.4, -0.3, 0.1]), torch.tensor([0.5, -0.2, 0.7])
    m = torch.tensor([1.0, -1.0, 1.0])
    pose = torch.stack([torch.cat([origins[0] + pos, quat]),
                        torch.cat([origins[1] + pos * m, quat * torch.tensor([-1.0, 1.0, -1.0, 1.0])])])
    vel = torch.stack([torch.cat([lin, ang]), torch.cat([lin * m, -ang * m])])
    robot.write_root_pose_to_sim_index(root_pose=pose)
    robot.write_root_velocity_to_sim_index(root_velocity=vel)
    robot.write_joint_state_to_sim_index(position=q, velocity=qd)
    action_names = list(u.action_manager.get_term("joint_pos")._joint_names)
    a_perm = torch.tensor([action_names.index(mirror_of(n)) for n in action_names])
    a_sign = torch.tensor([mirror_sign(mirror_of(n)) for n in action_names])
    a = torch.randn(1, len(action_names), generator=gen)
    u.action_manager._action[:] = torch.cat([a, a[:, a_perm] * a_sign])
    cmd = u.command_manager.get_term("base_velocity")
    cmd.vel_command_b[:] = torch.tensor([[0.6, 0.2, -0.4], [0.6, -0.2, 0.4]])
    # the gait clock: the mirror image's feet swap roles, i.e. its clock runs half a period ahead
    from legged_robots.tasks.velocity.velocity_env_cfg import GAIT_PERIOD_S

    u.episode_length_buf[:] = torch.tensor([7, 7 + round(GAIT_PERIOD_S / 2 / u.step_dt)])
    u.sim.forward()
    u.scene.update(0.0)


def test_the_mirror_function_gives_the_mirror_images_observations(env):
    from tensordict import TensorDict

    from legged_robots.tasks.config.lus2.symmetry import augment

    u = env.unwrapped
    env.reset()
    _mirror_state(u, torch.Generator().manual_seed(0))
    obs = TensorDict(u.observation_manager.compute(), batch_size=[2])
    aug, _ = augment(env, obs=obs[:1], actions=None)
    assert aug.batch_size[0] == 2  # the batch, then its mirror image
    for group in ("policy", "critic"):
        mirrored, actual = aug[group][1], obs[group][1]
        start = 0
        for name, dim in zip(u.observation_manager.active_terms[group],
                             u.observation_manager.group_obs_term_dim[group]):
            size = int(torch.tensor(dim).prod())
            torch.testing.assert_close(mirrored[start:start + size], actual[start:start + size], atol=1e-4, rtol=1e-4,
                                       msg=f"{group}/{name}")
            start += size
        assert not torch.allclose(obs[group][0], obs[group][1], atol=1e-3)  # the two states do differ
    actions = torch.randn(3, u.action_manager.total_action_dim)
    _, twice = augment(env, obs=None, actions=augment(env, obs=None, actions=actions)[1][3:])
    torch.testing.assert_close(twice[3:], actions)  # mirroring twice is the identity
    assert torch.equal(u.action_manager.action[1], augment(env, None, u.action_manager.action[:1])[1][1])


def test_symmetry_is_off_by_default_and_named_when_on():
    from legged_robots.tasks.config.lus2.agents.st_rl_ppo_cfg import Lus2FlatPPORunnerCfg
    from st_rl.config import SymmetryCfg

    cfg = Lus2FlatPPORunnerCfg()
    assert cfg.to_rsl_rl()["algorithm"]["symmetry_cfg"] is None
    cfg.algorithm.symmetry_cfg.use_data_augmentation = True
    assert cfg.to_rsl_rl()["algorithm"]["symmetry_cfg"]["data_augmentation_func"] == \
        "legged_robots.tasks.config.lus2.symmetry:augment"
    with pytest.raises(ValueError, match="names no data_augmentation_func"):
        SymmetryCfg(use_mirror_loss=True).to_rsl_rl()


def test_training_with_symmetry_augmentation_logs_the_mirror_loss(tmp_path):
    import glob
    import subprocess
    from pathlib import Path

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([str(root / "run.sh"), "train", "lus2", "--num_envs", "4", "--max_iterations", "1",
                          "agent.num_steps_per_env=8", "agent.algorithm.symmetry_cfg.use_data_augmentation=true"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (events,) = glob.glob(str(tmp_path / "logs" / "st_rl" / "lus2_flat" / "*" / "events.out.tfevents.*"))
    acc = EventAccumulator(events)
    acc.Reload()
    assert "Loss/symmetry" in acc.Tags()["scalars"]
