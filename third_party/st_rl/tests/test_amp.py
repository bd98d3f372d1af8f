"""st_rl's AmpPPO on a small real environment: the style reward formula, the discriminator telling expert
windows from perturbed ones, the gradient penalty on expert inputs, checkpoints that carry the discriminator
and resume it exactly, and an export without it."""

import sys
from pathlib import Path

import pytest
import torch
from tensordict import TensorDict

sys.path.insert(0, str(Path(__file__).parent))
from toy_env import PointTargetEnv  # noqa: E402

from st_rl.amp import AmpPPO, style_reward  # noqa: E402
from st_rl.config import AmpPpoCfg, PolicyCfg, RunnerCfg  # noqa: E402
from st_rl.runner import OnPolicyRunner  # noqa: E402


class AmpPointEnv(PointTargetEnv):
    """The point env with AMP's env contract: an ``amp`` group (x before and after the step) and expert windows
    of a point gliding at +0.05 per step."""

    step_dt = 0.02

    def __init__(self, **kw):
        super().__init__(**kw)
        self.prev = self.x.clone()

    def get_observations(self) -> TensorDict:
        obs = super().get_observations()
        obs["amp"] = torch.cat([self.prev, self.x], dim=-1)
        return obs

    def step(self, actions):
        self.prev = self.x.clone()
        return super().step(actions)

    def collect_reference_motions(self, n: int) -> torch.Tensor:
        start = torch.rand(n, self.num_actions, generator=self.gen) * 2 - 1
        return torch.cat([start, start + 0.05], dim=-1)


def amp_runner(log_dir=None, env=None, disc_lr=1e-4):
    torch.manual_seed(0)
    cfg = RunnerCfg(experiment_name="toy_amp", runner_name="AmpPolicyRunner", num_steps_per_env=16, save_interval=1,
                    policy=PolicyCfg(actor_hidden_dims=[32, 32], critic_hidden_dims=[32, 32], init_noise_std=0.8),
                    algorithm=AmpPpoCfg(discriminator_hidden_dims=[32, 32], replay_buffer_size=2048,
                                        discriminator_learning_rate=disc_lr))
    env = env or AmpPointEnv()
    infos = {"task": "toy", "num_actions": env.num_actions,
             "obs_dims": {k: int(v.shape[-1]) for k, v in env.get_observations().items()}}
    return OnPolicyRunner(env, cfg.to_rsl_rl(), log_dir=str(log_dir) if log_dir else None, checkpoint_infos=infos)


def test_style_reward_formula():
    d = torch.tensor([1.0, 0.0, -1.0, 3.0, 2.0])
    assert style_reward(d).tolist() == pytest.approx([1.0, 0.75, 0.0, 0.0, 0.75])


def test_runner_name_selects_amp_inside_rsl_rls_runner():
    d = RunnerCfg(runner_name="AmpPolicyRunner", algorithm=AmpPpoCfg()).to_rsl_rl()
    assert d["class_name"] == "st_rl.runner:OnPolicyRunner" and d["algorithm"]["class_name"] == "st_rl.amp:AmpPPO"
    assert d["algorithm"]["style_reward_coef"] == 10.0
    with pytest.raises(ValueError, match="AmpPpoCfg"):
        RunnerCfg(runner_name="AmpPolicyRunner").to_rsl_rl()
    with pytest.raises(ValueError, match="runner_name 'Amp'"):
        RunnerCfg(runner_name="Amp").to_rsl_rl()


def test_discriminator_separates_expert_from_perturbed_windows_and_penalizes_expert_gradients():
    """8-D points: expert windows glide at +0.05 per step, perturbed ones have N(0, 1) added to their second
    frame. With the default gradient penalty (10) a few hundred steps separate them."""
    runner = amp_runner(disc_lr=1e-3, env=AmpPointEnv(num_actions=8))
    alg: AmpPPO = runner.alg
    env = runner.env
    assert isinstance(alg, AmpPPO) and alg.grad_penalty == 10.0
    gen = torch.Generator().manual_seed(1)

    def perturbed(expert):
        out = expert.clone()
        out[:, 8:] += torch.randn(out.shape[0], 8, generator=gen)
        return out

    for _ in range(300):
        expert = env.collect_reference_motions(256)
        policy = perturbed(expert)
        alg.discriminator.normalizer.update(torch.cat([expert, policy]))
        out = alg.discriminator_step(expert, policy)
    expert = env.collect_reference_motions(2000)
    policy = perturbed(expert)
    with torch.no_grad():
        acc = 0.5 * ((alg.discriminator(expert) > 0).float().mean() + (alg.discriminator(policy) < 0).float().mean())
    assert acc > 0.95 and out["amp_disc_accuracy"] > 0.95, (acc, out)
    # the penalty is the mean squared input gradient of D on the (normalized) expert windows, not the policy's
    x = alg.discriminator.normalizer(expert[:256]).requires_grad_(True)
    g = torch.autograd.grad(alg.discriminator(x, normalized=True).sum(), x)[0]
    out = alg.discriminator_step(expert[:256], policy[:256])
    assert out["amp_grad_penalty"] == pytest.approx(float(g.square().sum(-1).mean()), rel=1e-4)


def test_checkpoint_carries_the_discriminator_resume_is_exact_and_export_leaves_it_out(tmp_path, capsys):
    from st_rl.export import export_policy

    runner = amp_runner(tmp_path / "run")
    runner.learn(3)
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("[st_rl] it")]
    assert len(lines) == 3 and all("D acc" in line and "style" in line for line in lines), lines
    ckpt = torch.load(tmp_path / "run" / "model_2.pt", weights_only=False)
    assert "discriminator_state_dict" in ckpt and "normalizer._mean" in ckpt["discriminator_state_dict"]
    resumed = amp_runner(tmp_path / "run2")
    resumed.load(str(tmp_path / "run" / "model_2.pt"))
    for k, v in runner.alg.discriminator.state_dict().items():
        assert torch.equal(v, resumed.alg.discriminator.state_dict()[k]), k
    keys = runner.alg.disc_optimizer.state_dict()["state"].keys()
    assert resumed.alg.disc_optimizer.state_dict()["state"].keys() == keys
    from st_runtime.metadata import PolicyMetadata

    obs_dim = int(resumed.env.get_observations()["policy"].shape[-1])
    md = PolicyMetadata.for_joints([f"j{i}" for i in range(resumed.env.num_actions)],
                                   [{"name": "obs", "func": "obs", "dim": obs_dim}], task="toy")
    files = export_policy(resumed, tmp_path / "exported", metadata=md)
    import onnx

    graph = onnx.load(str(files["onnx"])).graph
    assert [i.name for i in graph.input] == ["obs"]  # the actor alone: policy observations in, actions out
    onnx_values = sum(int(torch.tensor(list(init.dims)).prod()) for init in graph.initializer)
    actor = resumed.alg.get_policy()
    actor_values = sum(t.numel() for t in list(actor.parameters()) + list(actor.buffers()))
    disc_values = sum(p.numel() for p in resumed.alg.discriminator.parameters())
    assert onnx_values <= actor_values < onnx_values + disc_values  # the actor's weights, not the discriminator's

