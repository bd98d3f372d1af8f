"""st_rl's runner, checkpoints and export on a small real environment (no simulator needed)."""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))
from toy_env import PointTargetEnv  # noqa: E402

from st_rl.checkpoints import CheckpointError, find_checkpoint, find_run, read_checkpoint  # noqa: E402
from st_rl.config import PolicyCfg, RunnerCfg  # noqa: E402
from st_rl.export import export_policy, parity  # noqa: E402
from st_rl.runner import NonFiniteUpdatesError, OnPolicyRunner, TrainingStopped  # noqa: E402
from st_runtime.metadata import PolicyMetadata, read_metadata  # noqa: E402


def make_runner(log_dir=None, recurrent=False, env=None, infos=None, update_threads=None, max_nonfinite_updates=10,
                max_noise_std=None, entropy_coef=None):
    torch.manual_seed(0)
    policy = PolicyCfg(actor_hidden_dims=[32, 32], critic_hidden_dims=[32, 32], init_noise_std=0.8,
                       rnn_type="lstm" if recurrent else None, rnn_hidden_dim=16, max_noise_std=max_noise_std)
    cfg = RunnerCfg(experiment_name="toy", num_steps_per_env=16, save_interval=1, policy=policy,
                    policy_name="ActorCriticRecurrent" if recurrent else "ActorCritic",
                    max_nonfinite_updates=max_nonfinite_updates)
    if entropy_coef is not None:
        cfg.algorithm.entropy_coef = entropy_coef
    env = env or PointTargetEnv()
    infos = infos or {"task": "toy", "num_actions": env.num_actions,
                      "obs_dims": {k: int(v.shape[-1]) for k, v in env.get_observations().items()}}
    return OnPolicyRunner(env, cfg.to_rsl_rl(), log_dir=str(log_dir) if log_dir else None, checkpoint_infos=infos,
                          update_threads=update_threads)


def test_learns_and_prints_one_line_per_iteration(tmp_path, capsys):
    runner = make_runner(tmp_path / "run")
    runner.learn(30)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[st_rl] it")]
    assert len(lines) == 30 and lines[-1].startswith("[st_rl] it 30/30")
    assert "steps/s" in lines[0] and "ETA" in lines[0]
    rewards = [float(line.split("reward")[1].split()[0]) for line in lines if "reward      n/a" not in line]
    assert np.mean(rewards[-5:]) > np.mean(rewards[:5]) + 1.0, rewards


def test_max_noise_std_caps_the_action_noise_against_the_entropy_bonus():
    """A large entropy bonus grows the std; the cap holds it (and cuts the larger initial std at once)."""
    free, capped = make_runner(entropy_coef=0.5), make_runner(max_noise_std=0.3, entropy_coef=0.5)
    free.learn(5)
    capped.learn(5)
    assert float(free.alg.get_policy().output_std.detach().min()) > 0.8  # grew from its 0.8
    assert torch.allclose(capped.alg.get_policy().output_std, torch.tensor(0.3))


def test_a_noise_cap_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="max_noise_std 0.0: expected a number > 0"):
        RunnerCfg(policy=PolicyCfg(max_noise_std=0.0)).to_rsl_rl()


def test_the_update_alone_runs_on_update_threads(monkeypatch):
    """On a CPU the simulator idles during the update: only the update gets more torch threads."""
    from rsl_rl.algorithms import PPO

    seen = []
    monkeypatch.setattr(PPO, "update", _recording(PPO.update, seen, "update"))
    torch.set_num_threads(1)
    runner = make_runner(update_threads=2)
    runner.env.step = _recording(runner.env.step, seen, "step")
    runner.learn(1)
    assert {n for kind, n in seen if kind == "step"} == {1}
    assert {n for kind, n in seen if kind == "update"} == {2}
    assert torch.get_num_threads() == 1


def _recording(fn, seen, kind):
    def wrapped(*args, **kwargs):
        seen.append((kind, torch.get_num_threads()))
        return fn(*args, **kwargs)

    return wrapped


def test_resume_restores_everything_and_continues_the_count(tmp_path):
    first = make_runner(tmp_path / "a")
    first.learn(2)
    saved = find_checkpoint(tmp_path / "a")
    assert saved.name == "model_1.pt"
    resumed = make_runner(tmp_path / "b")
    resumed.load(str(saved))
    assert resumed.current_learning_iteration == 2
    assert resumed.env.common_step_counter == first.env.common_step_counter, "step-based curricula continue"
    for a, b in [(first.alg.actor, resumed.alg.actor), (first.alg.critic, resumed.alg.critic)]:
        for (name, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items()):
            assert torch.equal(x, y), name  # weights, noise std, observation normalizer statistics
    assert any("std" in k for k in resumed.alg.actor.state_dict()), "the noise std is part of the restored state"
    assert any("normalizer" in k for k in resumed.alg.actor.state_dict())
    opt_a, opt_b = first.alg.optimizer.state_dict(), resumed.alg.optimizer.state_dict()
    assert all(torch.equal(opt_a["state"][k]["exp_avg"], opt_b["state"][k]["exp_avg"]) for k in opt_a["state"])
    resumed.learn(1)
    assert (tmp_path / "b" / "model_2.pt").is_file()


def test_ctrl_c_saves_a_checkpoint(tmp_path):
    runner = make_runner(tmp_path / "run")
    calls = {"n": 0}
    step = runner.env.step

    def interrupting_step(actions):
        calls["n"] += 1
        if calls["n"] == 16 * 2 + 3:  # during the third iteration's rollout
            raise KeyboardInterrupt
        return step(actions)

    runner.env.step = interrupting_step
    with pytest.raises(KeyboardInterrupt):
        runner.learn(10)
    assert read_checkpoint(tmp_path / "run" / "model_1.pt")["iter"] == 1


def test_a_crash_saves_the_last_good_iteration_and_resume_continues(tmp_path, capsys):
    runner = make_runner(tmp_path / "run", max_nonfinite_updates=10)
    runner.save_interval = 100
    runner.cfg["save_interval"] = 100  # no periodic checkpoint after model_0: only the crash saves
    calls = {"n": 0}
    step = runner.env.step

    def failing_step(actions):
        calls["n"] += 1
        if calls["n"] == 16 * 3 + 5:  # during the fourth iteration's rollout
            raise RuntimeError("simulator exploded")
        return step(actions)

    runner.env.step = failing_step
    with pytest.raises(TrainingStopped, match="RuntimeError: simulator exploded"):
        runner.learn(10)
    out = capsys.readouterr().out
    assert "[st_rl] stopped by RuntimeError: simulator exploded | saved iteration 3 to" in out
    assert "continue with --resume" in out and "crash.log" in out
    assert "simulator exploded" in (tmp_path / "run" / "crash.log").read_text()
    saved = find_checkpoint(tmp_path / "run")
    assert saved.name == "model_2.pt" and read_checkpoint(saved)["iter"] == 2
    resumed = make_runner(tmp_path / "resumed")
    resumed.load(str(saved))
    assert resumed.current_learning_iteration == 3
    resumed.learn(1)
    assert (tmp_path / "resumed" / "model_3.pt").is_file()


def _poison_returns(runner, iterations):
    """The next ``iterations`` updates see NaN returns (as if the env had sent a NaN reward through)."""
    compute = runner.alg.compute_returns
    left = {"n": iterations}

    def poisoned(obs):
        compute(obs)
        if left["n"] > 0:
            left["n"] -= 1
            runner.alg.storage.returns[:] = float("nan")

    runner.alg.compute_returns = poisoned


def test_a_non_finite_loss_skips_the_step_and_the_weights_stay_finite(tmp_path, capsys):
    runner = make_runner(tmp_path / "run")
    runner.learn(1)
    before = {k: v.clone() for k, v in runner.alg.actor.state_dict().items()}
    _poison_returns(runner, 1)
    runner.learn(1)
    after = runner.alg.actor.state_dict()
    assert all(torch.isfinite(v).all() for v in after.values() if v.is_floating_point())
    assert all(torch.equal(before[k], after[k]) for k in before if "normalizer" not in k)  # no step was taken
    line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("[st_rl] it")][-1]
    assert line.endswith("skipped 20 non-finite steps")  # 5 epochs x 4 minibatches
    runner.learn(1)  # and the next, finite, update trains again
    assert not torch.equal(before["mlp.0.weight"], runner.alg.actor.state_dict()["mlp.0.weight"])


def test_updates_that_stay_non_finite_stop_the_run_with_a_clear_message(tmp_path, capsys):
    runner = make_runner(tmp_path / "run", max_nonfinite_updates=2)
    runner.learn(1)
    _poison_returns(runner, 100)
    with pytest.raises(TrainingStopped, match="NonFiniteUpdatesError: the last 2 updates had only non-finite") as stop:
        runner.learn(5)
    assert isinstance(stop.value.__cause__, NonFiniteUpdatesError)
    assert "saved iteration 1 to" in capsys.readouterr().out  # the weights are finite: a checkpoint to resume from


def test_checkpoint_from_another_task_is_refused(tmp_path):
    runner = make_runner(tmp_path / "run")
    runner.learn(1)
    other_env = PointTargetEnv(obs_extra=3, num_actions=2)
    other = make_runner(env=other_env, infos={"task": "bigger", "num_actions": 2, "obs_dims": {"policy": 7,
                                                                                                 "critic": 7}})
    with pytest.raises(CheckpointError, match=r"trained on 'toy'.*\n.*num_actions: expected 2, checkpoint has 1"):
        other.load(str(find_checkpoint(tmp_path / "run")))


def test_bad_runs_and_checkpoints_are_named(tmp_path):
    with pytest.raises(CheckpointError, match="no runs in"):
        find_run(tmp_path / "nothing")
    (tmp_path / "exp" / "2026-01-01_00-00-00").mkdir(parents=True)
    with pytest.raises(CheckpointError, match="does not exist.*\n  2026-01-01_00-00-00"):
        find_run(tmp_path / "exp", "2025-.*")
    with pytest.raises(CheckpointError, match="has no checkpoint"):
        find_checkpoint(tmp_path / "exp" / "2026-01-01_00-00-00")
    for name in ("2026-01-02_00-00-00_walk", "2026-01-03_00-00-00_walk", "2026-01-04_00-00-00_stand"):
        (tmp_path / "exp" / name).mkdir()
    assert find_run(tmp_path / "exp", "walk").name == "2026-01-03_00-00-00_walk"  # the newest containing it
    assert find_run(tmp_path / "exp", "2026-01-02.*").name == "2026-01-02_00-00-00_walk"
    with pytest.raises(CheckpointError, match="model_7.pt not found"):
        find_checkpoint(tmp_path / "exp" / "2026-01-01_00-00-00", 7)
    corrupt = tmp_path / "exp" / "2026-01-01_00-00-00" / "model_3.pt"
    corrupt.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="unreadable"):
        read_checkpoint(corrupt)


@pytest.mark.parametrize("recurrent", [False, True])
def test_export_carries_metadata_and_matches_torch(tmp_path, recurrent):
    runner = make_runner(recurrent=recurrent)
    runner.learn(1)
    md = PolicyMetadata.for_joints(["x"], [{"name": "obs", "func": "obs", "dim": 2}])
    paths = export_policy(runner, tmp_path, md)
    assert read_metadata(paths["onnx"]) == md == read_metadata(paths["metadata"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.json", "policy.onnx", "policy.pt"]
    obs = np.random.default_rng(0).normal(size=(40, 2)).astype(np.float32)
    assert parity(paths, obs) < 1e-5
    # the recurrent state is carried: the same observation gives different actions after different histories
    if recurrent:
        from st_rl.export import onnx_actions

        a = onnx_actions(paths["onnx"], np.concatenate([obs[:5], obs[:1]]))
        b = onnx_actions(paths["onnx"], obs[:1])
        assert not np.allclose(a[-1], b[0])


def test_config_names_and_validation():
    cfg = RunnerCfg().to_rsl_rl()
    assert cfg["algorithm"]["class_name"] == "PPO" and cfg["actor"]["distribution_cfg"]["init_std"] == 1.2
    assert cfg["actor"]["hidden_dims"] == [512, 256, 128] and cfg["actor"]["activation"] == "elu"
    with pytest.raises(ValueError, match="ActorCriticRecurrent"):
        RunnerCfg(policy=PolicyCfg(rnn_type="lstm")).to_rsl_rl()


def test_env_side_state_travels_with_the_checkpoint(tmp_path):
    """An env that offers checkpoint_state()/load_checkpoint_state() (adaptive thresholds, samplers) gets it back on
    resume, as the weights."""

    class StatefulEnv(PointTargetEnv):
        threshold = 1.5

        def checkpoint_state(self):
            return {"termination/track": {"threshold": self.threshold}}

        def load_checkpoint_state(self, state):
            self.threshold = state["termination/track"]["threshold"]

    first_env = StatefulEnv()
    runner = make_runner(tmp_path / "run", env=first_env)
    first_env.threshold = 0.42  # tightened during training
    runner.learn(2)
    second_env = StatefulEnv()
    resumed = make_runner(tmp_path / "run2", env=second_env)
    resumed.load(str(tmp_path / "run" / "model_1.pt"))
    assert second_env.threshold == 0.42
