"""Adversarial motion priors as a PPO subclass (``algorithm.class_name = "st_rl.amp:AmpPPO"``), so rsl-rl's
OnPolicyRunner -- and therefore ``isaaclab train`` -- runs it unchanged.

A discriminator D scores windows of ``amp_obs_frame_num`` style frames (the env's ``amp`` observation group).
It learns least squares (AMP_for_hardware): expert windows -> +1, policy windows -> -1, plus a gradient penalty
on expert inputs and weight decay. Policy windows come from a replay buffer of past rollouts; expert windows
from the env's ``collect_reference_motions(n)`` (refmotion_manager's ``sample_amp_windows``). The style reward
``coef * step_dt * max(0, 1 - 0.25 (D - 1)^2)`` is mixed into the task reward:
``r = (1 - task_reward_lerp) * r_style + task_reward_lerp * r_task``.
"""

from __future__ import annotations

import torch
import torch.nn as nn
from rsl_rl.algorithms import PPO
from rsl_rl.modules.normalization import EmpiricalNormalization
from rsl_rl.utils.utils import reduce_gradients_in_buckets


class Discriminator(nn.Module):
    """MLP on a normalized window; the normalizer (running mean/std of expert and policy windows) is part of it,
    so a checkpoint carries it."""

    def __init__(self, input_dim: int, hidden_dims: list[int]):
        super().__init__()
        self.normalizer = EmpiricalNormalization(input_dim)
        layers, last = [], input_dim
        for h in hidden_dims:
            layers += [nn.Linear(last, h), nn.ReLU()]
            last = h
        self.trunk = nn.Sequential(*layers)
        self.head = nn.Linear(last, 1)

    def forward(self, x: torch.Tensor, normalized: bool = False) -> torch.Tensor:
        if not normalized:
            x = self.normalizer(x)
        return self.head(self.trunk(x)).squeeze(-1)


def style_reward(d: torch.Tensor) -> torch.Tensor:
    """AMP's least-squares style reward in [0, 1]: 1 at D = 1 (looks expert), 0 at D <= -1."""
    return (1.0 - 0.25 * (d - 1.0).square()).clamp(min=0.0)


class ReplayBuffer:
    """The newest ``size`` policy windows (a ring)."""

    def __init__(self, size: int, dim: int, device):
        self.data = torch.zeros(size, dim, device=device)
        self.size, self.count, self.head = size, 0, 0

    def insert(self, x: torch.Tensor) -> None:
        x = x[-self.size:]
        n = x.shape[0]
        idx = (self.head + torch.arange(n, device=x.device)) % self.size
        self.data[idx] = x
        self.head = (self.head + n) % self.size
        self.count = min(self.count + n, self.size)

    def sample(self, n: int) -> torch.Tensor:
        return self.data[torch.randint(0, self.count, (n,), device=self.data.device)]


class AmpPPO(PPO):
    def __init__(self, actor, critic, storage, *, style_reward_coef: float = 10.0, task_reward_lerp: float = 0.3,
                 discriminator_hidden_dims=(512, 256), discriminator_learning_rate: float = 1e-4,
                 discriminator_grad_penalty: float = 10.0, discriminator_weight_decay: float = 1e-4,
                 discriminator_head_weight_decay: float = 1e-2, replay_buffer_size: int = 100_000,
                 discriminator_epochs: int | None = 1, **ppo_kwargs):
        super().__init__(actor, critic, storage, **ppo_kwargs)
        if "amp" not in storage.observations.keys():
            raise ValueError("AmpPPO needs the env's 'amp' observation group (an AMP task: St-Amp-...)")
        if not 0.0 <= task_reward_lerp <= 1.0:
            raise ValueError(f"task_reward_lerp must be in [0, 1], got {task_reward_lerp}")
        self.amp_dim = int(storage.observations["amp"].shape[-1])
        self.style_reward_coef = float(style_reward_coef)
        self.task_reward_lerp = float(task_reward_lerp)
        self.grad_penalty = float(discriminator_grad_penalty)
        self.discriminator_epochs = int(discriminator_epochs or self.num_learning_epochs)
        self.discriminator = Discriminator(self.amp_dim, list(discriminator_hidden_dims)).to(self.device)
        self.disc_optimizer = torch.optim.Adam([
            {"params": self.discriminator.trunk.parameters(), "weight_decay": discriminator_weight_decay},
            {"params": self.discriminator.head.parameters(), "weight_decay": discriminator_head_weight_decay},
        ], lr=discriminator_learning_rate)
        self.replay = ReplayBuffer(int(replay_buffer_size), self.amp_dim, self.device)
        self.expert_source = None  # n -> (n, amp_dim) expert windows; set by construct_algorithm
        self.step_dt = 1.0
        self._rollout_amp: list[torch.Tensor] = []
        self._style_sum = torch.zeros((), device=self.device)
        self._style_count = 0

    @staticmethod
    def construct_algorithm(obs, env, cfg: dict, device: str) -> "AmpPPO":
        alg = PPO.construct_algorithm(obs, env, cfg, device)  # builds AmpPPO from cfg["algorithm"]
        base = getattr(env, "unwrapped", env)
        if not hasattr(base, "collect_reference_motions"):
            raise ValueError("AmpPPO needs an env with collect_reference_motions(n) (an AMP task: St-Amp-...)")
        alg.expert_source = lambda n: base.collect_reference_motions(n).to(alg.device)
        alg.step_dt = float(getattr(base, "step_dt", 1.0))
        return alg

    # ------------------------------------------------------------------ rollout
    def style_reward(self, amp_obs: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.style_reward_coef * self.step_dt * style_reward(self.discriminator(amp_obs))

    def process_env_step(self, obs, rewards, dones, extras) -> None:
        amp = obs["amp"]  # the window that ends with this step's state
        self._rollout_amp.append(amp)
        style = self.style_reward(amp)
        self._style_sum = self._style_sum + style.mean()
        self._style_count += 1
        mixed = (1.0 - self.task_reward_lerp) * style + self.task_reward_lerp * rewards
        super().process_env_step(obs, mixed, dones, extras)

    # ------------------------------------------------------------------ update
    def update(self) -> dict[str, float]:
        policy = torch.cat(self._rollout_amp).clone()  # out of inference mode
        self._rollout_amp.clear()
        losses = super().update()
        losses.update(self.update_discriminator(policy))
        losses["amp_style_reward"] = float(self._style_sum) / max(self._style_count, 1)
        self._style_sum = torch.zeros((), device=self.device)
        self._style_count = 0
        return losses

    def update_discriminator(self, policy: torch.Tensor) -> dict[str, float]:
        """One pass of ``discriminator_epochs * num_mini_batches`` minibatches; returns the mean figures."""
        self.replay.insert(policy)
        batch = max(1, policy.shape[0] // self.num_mini_batches)
        self.discriminator.normalizer.update(torch.cat([policy, self.expert_source(policy.shape[0])]))
        sums = {"amp_disc_loss": 0.0, "amp_grad_penalty": 0.0, "amp_d_expert": 0.0, "amp_d_policy": 0.0,
                "amp_disc_accuracy": 0.0}
        n = self.discriminator_epochs * self.num_mini_batches
        for _ in range(n):
            out = self.discriminator_step(self.expert_source(batch), self.replay.sample(batch))
            for k in sums:
                sums[k] += out[k]
        return {k: v / n for k, v in sums.items()}

    def discriminator_step(self, expert: torch.Tensor, policy: torch.Tensor) -> dict[str, float]:
        d = self.discriminator
        expert_n = d.normalizer(expert).detach().requires_grad_(True)
        d_expert = d(expert_n, normalized=True)
        d_policy = d(policy)
        loss = 0.5 * ((d_expert - 1.0).square().mean() + (d_policy + 1.0).square().mean())
        grad = torch.autograd.grad(d_expert.sum(), expert_n, create_graph=True)[0]
        gp = grad.square().sum(dim=-1).mean()
        self.disc_optimizer.zero_grad()
        (loss + self.grad_penalty * gp).backward()
        if self.is_multi_gpu:
            reduce_gradients_in_buckets(d.parameters(), self.gpu_world_size, self.grad_reduce_bucket_mb)
        grads = [p.grad for p in d.parameters() if p.grad is not None]
        if all(bool(torch.isfinite(g).all()) for g in grads):  # a non-finite step is dropped, as PPO's
            self.disc_optimizer.step()
        with torch.no_grad():
            accuracy = 0.5 * ((d_expert > 0).float().mean() + (d_policy < 0).float().mean())
            return {"amp_disc_loss": loss.item(), "amp_grad_penalty": gp.item(), "amp_d_expert": d_expert.mean().item(),
                    "amp_d_policy": d_policy.mean().item(), "amp_disc_accuracy": accuracy.item()}

    # ------------------------------------------------------------------ bookkeeping
    def train_mode(self) -> None:
        super().train_mode()
        self.discriminator.train()

    def eval_mode(self) -> None:
        super().eval_mode()
        self.discriminator.eval()

    def save(self) -> dict:
        saved = super().save()
        saved["discriminator_state_dict"] = self.discriminator.state_dict()  # includes its normalizer
        saved["discriminator_optimizer_state_dict"] = self.disc_optimizer.state_dict()
        return saved

    def load(self, loaded_dict: dict, load_cfg: dict | None, strict: bool) -> bool:
        iteration = super().load(loaded_dict, load_cfg, strict)
        if "discriminator_state_dict" in loaded_dict and (load_cfg is None or load_cfg.get("discriminator", True)):
            self.discriminator.load_state_dict(loaded_dict["discriminator_state_dict"], strict=strict)
            self.disc_optimizer.load_state_dict(loaded_dict["discriminator_optimizer_state_dict"])
        return iteration

    def broadcast_parameters(self) -> None:
        super().broadcast_parameters()
        for tensor in self.discriminator.state_dict().values():
            torch.distributed.broadcast(tensor, src=0)
