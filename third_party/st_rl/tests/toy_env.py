"""A small real environment for testing the RL package without a simulator: a batch of 1-D points that
must move to a target (reward -|x - target|), episodes of 50 steps."""

import torch
from rsl_rl.env import VecEnv
from tensordict import TensorDict


class PointTargetEnv(VecEnv):
    def __init__(self, num_envs: int = 16, obs_extra: int = 0, num_actions: int = 1, seed: int = 0):
        self.num_envs, self.num_actions, self.device = num_envs, num_actions, "cpu"
        self.max_episode_length = 50
        self.cfg = {"toy": True}
        self.obs_extra = obs_extra
        self.gen = torch.Generator().manual_seed(seed)
        self.episode_length_buf = torch.zeros(num_envs, dtype=torch.long)
        self.common_step_counter = 0  # as Isaac Lab's envs: step-based curricula read it
        self.x = torch.zeros(num_envs, num_actions)
        self.target = torch.rand(num_envs, num_actions, generator=self.gen) * 2 - 1

    def get_observations(self) -> TensorDict:
        policy = torch.cat([self.x, self.target, torch.zeros(self.num_envs, self.obs_extra)], dim=-1)
        return TensorDict({"policy": policy, "critic": policy.clone()}, batch_size=[self.num_envs])

    def step(self, actions):
        self.x = (self.x + 0.1 * actions.clamp(-1, 1)).clamp(-2, 2)
        reward = -(self.x - self.target).abs().sum(-1)
        self.episode_length_buf += 1
        self.common_step_counter += 1
        done = self.episode_length_buf >= self.max_episode_length
        if done.any():
            n = int(done.sum())
            self.x[done] = 0.0
            self.target[done] = torch.rand(n, self.num_actions, generator=self.gen) * 2 - 1
            self.episode_length_buf[done] = 0
        return self.get_observations(), reward, done.long(), {"time_outs": done.clone()}


def mirror(env, obs=None, actions=None):
    """The toy task's symmetry (x -> -x, target -> -target, action -> -action), in rsl-rl's augmentation form:
    each given batch followed by its mirror image."""
    if obs is not None:
        obs = torch.cat([obs, obs.apply(lambda t: -t)], dim=0)
    if actions is not None:
        actions = torch.cat([actions, -actions], dim=0)
    return obs, actions
