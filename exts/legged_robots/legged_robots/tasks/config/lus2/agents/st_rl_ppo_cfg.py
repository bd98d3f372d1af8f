"""PPO for lus2 with st_rl (design sections 3.8-3.10, docs/design.md)."""

from dataclasses import dataclass, field

from st_rl.config import AmpPpoCfg, PolicyCfg, PpoCfg, RunnerCfg, SymmetryCfg

from ..amp_mimic_cfg import INIT_NOISE_STD, STYLE_REWARD_COEF, TASK_REWARD_LERP


@dataclass
class Lus2FlatPPORunnerCfg(RunnerCfg):
    experiment_name: str = "lus2_flat"
    num_steps_per_env: int = 24
    max_iterations: int = 20000
    save_interval: int = 500
    policy: PolicyCfg = field(default_factory=lambda: PolicyCfg(
        actor_hidden_dims=[512, 256, 128], critic_hidden_dims=[512, 256, 128], activation="elu",
        init_noise_std=INIT_NOISE_STD))
    algorithm: PpoCfg = field(default_factory=lambda: PpoCfg(
        clip_param=0.2, entropy_coef=0.01, value_loss_coef=1.0, num_learning_epochs=5, num_mini_batches=4,
        learning_rate=1.0e-3, gamma=0.99, lam=0.95, desired_kl=0.01, max_grad_norm=1.0,
        # off by default; agent.algorithm.symmetry_cfg.use_data_augmentation=true trains on mirror images too
        symmetry_cfg=SymmetryCfg(data_augmentation_func="legged_robots.tasks.config.lus2.symmetry:augment")))


@dataclass
class Lus2FlatLSTMPPORunnerCfg(Lus2FlatPPORunnerCfg):
    """The same with a recurrent (LSTM) actor and critic."""

    experiment_name: str = "lus2_flat_lstm"
    policy_name: str = "ActorCriticRecurrent"
    policy: PolicyCfg = field(default_factory=lambda: PolicyCfg(
        actor_hidden_dims=[256, 128], critic_hidden_dims=[256, 128], init_noise_std=INIT_NOISE_STD, rnn_type="lstm",
        rnn_hidden_dim=256))


@dataclass
class Lus2_21dofFlatPPORunnerCfg(Lus2FlatPPORunnerCfg):
    experiment_name: str = "lus2_21dof_flat"


@dataclass
class Lus2_21dofFlatLSTMPPORunnerCfg(Lus2FlatLSTMPPORunnerCfg):
    experiment_name: str = "lus2_21dof_flat_lstm"


@dataclass
class Lus2RoughPPORunnerCfg(Lus2FlatPPORunnerCfg):
    experiment_name: str = "lus2_rough"


@dataclass
class Lus2RoughLSTMPPORunnerCfg(Lus2FlatLSTMPPORunnerCfg):
    experiment_name: str = "lus2_rough_lstm"


@dataclass
class Lus2_21dofRoughPPORunnerCfg(Lus2FlatPPORunnerCfg):
    experiment_name: str = "lus2_21dof_rough"


@dataclass
class Lus2_21dofRoughLSTMPPORunnerCfg(Lus2FlatLSTMPPORunnerCfg):
    experiment_name: str = "lus2_21dof_rough_lstm"


def _amp_algorithm() -> AmpPpoCfg:
    ppo = Lus2FlatPPORunnerCfg().algorithm
    return AmpPpoCfg(**vars(ppo), style_reward_coef=STYLE_REWARD_COEF, task_reward_lerp=TASK_REWARD_LERP)


@dataclass
class Lus2AmpFlatPPORunnerCfg(Lus2FlatPPORunnerCfg):
    """AMP (design 3.8: runner_name AmpPolicyRunner): PPO with the flat task's numbers plus a discriminator."""

    experiment_name: str = "lus2_amp_flat"
    runner_name: str = "AmpPolicyRunner"
    algorithm: AmpPpoCfg = field(default_factory=_amp_algorithm)


@dataclass
class Lus2_21dofAmpFlatPPORunnerCfg(Lus2AmpFlatPPORunnerCfg):
    experiment_name: str = "lus2_21dof_amp_flat"


@dataclass
class Lus2MimicFlatPPORunnerCfg(Lus2FlatPPORunnerCfg):
    """Motion imitation: PPO with the flat task's numbers."""

    experiment_name: str = "lus2_mimic_flat"


@dataclass
class Lus2_21dofMimicFlatPPORunnerCfg(Lus2MimicFlatPPORunnerCfg):
    experiment_name: str = "lus2_21dof_mimic_flat"
