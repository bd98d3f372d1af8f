"""PPO for biped12 with st_rl: the numbers lus2's flat task trains with (``config/lus2/agents``), a smaller noise."""

from dataclasses import dataclass, field

from st_rl.config import PolicyCfg, PpoCfg, RunnerCfg, SymmetryCfg


@dataclass
class Biped12FlatPPORunnerCfg(RunnerCfg):
    experiment_name: str = "biped12_flat"
    num_steps_per_env: int = 24
    max_iterations: int = 5000
    save_interval: int = 250
    policy: PolicyCfg = field(default_factory=lambda: PolicyCfg(
        actor_hidden_dims=[256, 128, 128], critic_hidden_dims=[256, 128, 128], activation="elu", init_noise_std=0.8))
    algorithm: PpoCfg = field(default_factory=lambda: PpoCfg(
        clip_param=0.2, entropy_coef=0.005, value_loss_coef=1.0, num_learning_epochs=5, num_mini_batches=4,
        learning_rate=1.0e-3, gamma=0.99, lam=0.95, desired_kl=0.01, max_grad_norm=1.0,
        symmetry_cfg=SymmetryCfg(data_augmentation_func="legged_robots.tasks.config.biped12.symmetry:augment")))
