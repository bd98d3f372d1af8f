"""The update's speed-ups change nothing it computes: the mirror loss taken from the update's own forward is
rsl-rl's bit for bit; the compiled networks give the same losses and weights as eager ones on the same data."""

import copy
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))
from toy_env import PointTargetEnv  # noqa: E402

from st_rl import runner as st_runner  # noqa: E402
from st_rl.config import PolicyCfg, RunnerCfg, SymmetryCfg  # noqa: E402
from st_rl.runner import OnPolicyRunner, _CompiledUpdate  # noqa: E402


def make_runner(compile_update=False, symmetry=True, max_iterations=10):
    torch.manual_seed(0)
    cfg = RunnerCfg(experiment_name="toy", num_steps_per_env=16, max_iterations=max_iterations,
                    compile_update=compile_update, policy=PolicyCfg(actor_hidden_dims=[64, 32],
                                                                    critic_hidden_dims=[64, 32]))
    if symmetry:
        cfg.algorithm.symmetry_cfg = SymmetryCfg(use_data_augmentation=True, data_augmentation_func="toy_env:mirror")
    return OnPolicyRunner(PointTargetEnv(num_envs=64), cfg.to_rsl_rl(), log_dir=None)


def filled(runner):
    """The runner after one rollout (storage full, no update yet), and a function that runs one update from
    that state with a fixed seed: (losses, the actor's and critic's weights after it)."""
    alg, update = runner.alg, runner.alg.update
    alg.update = lambda: {}
    runner.learn(1)
    alg.update = update
    state = copy.deepcopy((alg.actor.state_dict(), alg.critic.state_dict(), alg.optimizer.state_dict(),
                           alg.learning_rate))

    def one_update():
        actor, critic, optimizer, lr = copy.deepcopy(state)
        alg.actor.load_state_dict(actor), alg.critic.load_state_dict(critic)
        alg.optimizer.load_state_dict(optimizer)
        alg.learning_rate = lr
        torch.manual_seed(1)
        losses = alg.update()
        weights = torch.cat([p.detach().flatten() for m in (alg.actor, alg.critic) for p in m.parameters()])
        return losses, weights

    return one_update


def test_mirror_loss_from_the_forward_is_rsl_rls_bit_for_bit():
    runner = make_runner()
    symmetry = runner.alg.symmetry
    ours = filled(runner)
    losses, weights = ours()
    symmetry.compute_loss = type(symmetry).compute_loss.__get__(symmetry)  # rsl-rl's: one more forward
    rsl_losses, rsl_weights = ours()
    assert losses == rsl_losses and losses["symmetry"] > 0
    assert torch.equal(weights, rsl_weights)


@pytest.mark.skipif(st_runner.cxx_compiler() is None, reason="torch.compile on a CPU needs a C++ compiler")
@pytest.mark.parametrize("symmetry", [True, False])
def test_compiled_update_matches_eager_on_the_same_data(symmetry):
    eager = filled(make_runner(compile_update=False, symmetry=symmetry))
    compiled_runner = make_runner(compile_update=True, symmetry=symmetry)
    assert compiled_runner.compiled_update is not None
    compiled = filled(compiled_runner)
    (losses, weights), (eager_losses, eager_weights) = compiled(), eager()
    for key, value in eager_losses.items():  # float32 sums in another order: the last digits only
        assert losses[key] == pytest.approx(value, rel=1e-4, abs=1e-7), key
    assert torch.allclose(weights, eager_weights, rtol=0, atol=1e-5)


def test_compile_is_on_by_default_for_long_cpu_runs_with_large_minibatches_only(monkeypatch, capsys):
    monkeypatch.setattr(st_runner, "cxx_compiler", lambda: "/usr/bin/g++")
    monkeypatch.setattr(OnPolicyRunner, "COMPILE_MIN_MINIBATCH", 512)  # the toy's: 64 envs x 16 steps / 4 x 2
    assert isinstance(make_runner(None, max_iterations=500).compiled_update, _CompiledUpdate)
    assert make_runner(None, max_iterations=50).compiled_update is None
    assert make_runner(None, symmetry=False, max_iterations=500).compiled_update is None  # 256 per minibatch
    monkeypatch.setattr(st_runner, "cxx_compiler", lambda: None)
    runner = make_runner(None, max_iterations=500)
    assert runner.compiled_update is None
    assert "no C++ compiler" in capsys.readouterr().out
    runner.learn(1)  # and it trains, eager
