"""Runner, PPO and policy settings under the design's names (sections 3.8-3.10), as plain dataclasses.

``RunnerCfg.to_rsl_rl()`` turns them into the dict rsl-rl's ``OnPolicyRunner`` reads. ``runner_name``,
``algorithm_name`` and ``policy_name`` are class names that rsl-rl resolves (``"PPO"``,
``"st_rl.algorithms:AmpPPO"``, ...), so a new algorithm plugs in by name without a new runner.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass
class PolicyCfg:
    """Actor and critic networks (design 3.10)."""

    actor_hidden_dims: list[int] = field(default_factory=lambda: [512, 256, 128])
    critic_hidden_dims: list[int] = field(default_factory=lambda: [512, 256, 128])
    activation: str = "elu"
    init_noise_std: float = 1.2
    # cap on the action noise (rsl-rl's std_range; None: uncapped). The entropy bonus grows the std, and a
    # deterministic policy then never learns what its own small jitter costs: set it for a fine-tune (lus2's
    # walker: docs/training.md). A resumed checkpoint's larger std is cut to it.
    max_noise_std: float | None = None
    rnn_type: str | None = None  # None: MLP; "lstm" or "gru": a recurrent actor and critic
    rnn_hidden_dim: int = 256
    rnn_num_layers: int = 1
    actor_obs_normalization: bool = True
    critic_obs_normalization: bool = True


@dataclass
class SymmetryCfg:
    """rsl-rl's symmetry extension: every mini-batch also trains on its mirror image (``use_data_augmentation``)
    and/or a mirror loss. ``data_augmentation_func`` ("module:function") mirrors the robot's observations and
    actions; the robot config names it. Off unless one of the two uses is on."""

    use_data_augmentation: bool = False
    use_mirror_loss: bool = False
    mirror_loss_coeff: float = 0.0
    data_augmentation_func: str = ""

    def to_rsl_rl(self) -> dict | None:
        if not (self.use_data_augmentation or self.use_mirror_loss):
            return None
        if not self.data_augmentation_func:
            raise ValueError("symmetry_cfg is on but names no data_augmentation_func ('module:function')")
        return dataclasses.asdict(self)


@dataclass
class PpoCfg:
    """PPO (design 3.9)."""

    clip_param: float = 0.2
    entropy_coef: float = 0.01
    value_loss_coef: float = 1.0
    use_clipped_value_loss: bool = True
    num_learning_epochs: int = 5
    num_mini_batches: int = 4
    learning_rate: float = 1.0e-3
    schedule: str = "adaptive"
    gamma: float = 0.99
    lam: float = 0.95
    desired_kl: float = 0.01
    max_grad_norm: float = 1.0
    symmetry_cfg: SymmetryCfg = field(default_factory=SymmetryCfg)


@dataclass
class AmpPpoCfg(PpoCfg):
    """PPO plus adversarial motion priors (st_rl.amp.AmpPPO); ``runner_name = "AmpPolicyRunner"`` selects it."""

    style_reward_coef: float = 10.0  # design 3.8
    task_reward_lerp: float = 0.3  # reward = (1 - lerp) * style + lerp * task
    # the anchors use [1024, 512] and 5 passes (GPU); on a CPU that was 36 % of an iteration at 64 envs, this
    # size with one pass ~4 % (benchmarks/train_throughput.py --task St-Velocity-Flat-Lus2 St-Amp-Flat-Lus2)
    discriminator_hidden_dims: list[int] = field(default_factory=lambda: [512, 256])
    discriminator_learning_rate: float = 1.0e-4
    discriminator_grad_penalty: float = 10.0  # on expert windows
    discriminator_weight_decay: float = 1.0e-4  # hidden layers
    discriminator_head_weight_decay: float = 1.0e-2  # output layer
    replay_buffer_size: int = 100_000  # policy windows kept for the discriminator
    discriminator_epochs: int | None = 1  # passes over the rollout per update (None: PPO's num_learning_epochs)


# The design's runner names (section 3.8). rsl-rl's OnPolicyRunner runs them all (Isaac Lab's CLI accepts no
# other runner); the name picks the algorithm.
RUNNERS = {"OnPolicyRunner": "PPO", "AmpPolicyRunner": "st_rl.amp:AmpPPO"}


@dataclass
class RunnerCfg:
    """A training run (design 3.8)."""

    experiment_name: str = "default"
    run_name: str = ""
    runner_name: str = "OnPolicyRunner"  # design 3.8: "OnPolicyRunner" (PPO) or "AmpPolicyRunner" (AmpPPO)
    algorithm_name: str = "PPO"  # used with "OnPolicyRunner"; AmpPolicyRunner implies st_rl.amp:AmpPPO
    policy_name: str = "ActorCritic"  # "ActorCritic" (MLP) or "ActorCriticRecurrent" (policy.rnn_type set)
    seed: int = 42
    device: str = "cpu"
    num_steps_per_env: int = 24
    max_iterations: int = 1500
    save_interval: int = 50
    obs_groups: dict[str, list[str]] = field(default_factory=lambda: {"actor": ["policy"], "critic": ["critic"]})
    clip_actions: float | None = None
    init_at_random_ep_len: bool = True
    max_nonfinite_updates: int = 10  # updates in a row whose every minibatch had a non-finite gradient: stop
    compile_update: bool | None = None  # torch.compile the update; None: where it pays (runner.py)
    logger: str = "tensorboard"
    policy: PolicyCfg = field(default_factory=PolicyCfg)
    algorithm: PpoCfg = field(default_factory=PpoCfg)

    def validate(self) -> None:
        if self.runner_name not in RUNNERS and ":" not in self.runner_name:
            raise ValueError(f"runner_name {self.runner_name!r}: expected one of {', '.join(RUNNERS)} "
                             "(or a 'module:Class' runner)")
        if self.runner_name == "AmpPolicyRunner" and not isinstance(self.algorithm, AmpPpoCfg):
            raise ValueError("runner_name 'AmpPolicyRunner' needs an AmpPpoCfg algorithm (AMP settings)")
        if self.policy_name not in ("ActorCritic", "ActorCriticRecurrent"):
            raise ValueError(f"policy_name {self.policy_name!r}: expected 'ActorCritic' or 'ActorCriticRecurrent'")
        if self.policy.max_noise_std is not None and not self.policy.max_noise_std > 0:
            raise ValueError(f"policy.max_noise_std {self.policy.max_noise_std!r}: expected a number > 0 (or null: "
                             "uncapped)")
        if (self.policy_name == "ActorCriticRecurrent") != (self.policy.rnn_type is not None):
            raise ValueError("policy_name 'ActorCriticRecurrent' goes with policy.rnn_type ('lstm' or 'gru'), "
                             f"'ActorCritic' with rnn_type None; got {self.policy_name!r} and {self.policy.rnn_type!r}")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_rsl_rl(self) -> dict:
        """The configuration dict of rsl-rl 5's ``OnPolicyRunner``."""
        self.validate()
        p = self.policy
        recurrent = p.rnn_type is not None

        def model(hidden: list[int], normalize: bool, stochastic: bool) -> dict:
            cfg = {"class_name": "RNNModel" if recurrent else "MLPModel", "hidden_dims": list(hidden),
                   "activation": p.activation, "obs_normalization": normalize}
            if recurrent:
                cfg.update(rnn_type=p.rnn_type, rnn_hidden_dim=p.rnn_hidden_dim, rnn_num_layers=p.rnn_num_layers)
            if stochastic:
                cfg["distribution_cfg"] = {"class_name": "GaussianDistribution", "init_std": p.init_noise_std}
                if p.max_noise_std is not None:
                    cfg["distribution_cfg"]["std_range"] = (1e-6, p.max_noise_std)
            return cfg

        amp = self.runner_name == "AmpPolicyRunner"
        return {
            "class_name": self.runner_name if ":" in self.runner_name else "st_rl.runner:OnPolicyRunner",
            "seed": self.seed,
            "device": self.device,
            "num_steps_per_env": self.num_steps_per_env,
            "max_iterations": self.max_iterations,
            "save_interval": self.save_interval,
            "experiment_name": self.experiment_name,
            "run_name": self.run_name,
            "obs_groups": {k: list(v) for k, v in self.obs_groups.items()},
            "clip_actions": self.clip_actions,
            "max_nonfinite_updates": self.max_nonfinite_updates,
            "compile_update": self.compile_update,
            "logger": self.logger,
            "actor": model(p.actor_hidden_dims, p.actor_obs_normalization, stochastic=True),
            "critic": model(p.critic_hidden_dims, p.critic_obs_normalization, stochastic=False),
            "algorithm": {"class_name": RUNNERS["AmpPolicyRunner"] if amp else self.algorithm_name,
                          **dataclasses.asdict(self.algorithm),
                          "symmetry_cfg": self.algorithm.symmetry_cfg.to_rsl_rl()},
        }
