"""``--config FILE``: env/agent values from YAML or JSON (nested or dotted keys, a physics preset), checked as
overrides are; a run's params/ folder restores its config (the whole round trip runs in test_train_play)."""

import json

import pytest

from legged_robots.tasks.utils.config_files import load_config, sets
from legged_robots.tasks.utils.launch import load_cfgs
from legged_robots.tasks.utils.overrides import OverrideError


def _write(tmp_path, text, name="run.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_nested_and_dotted_values_and_a_preset_apply_and_the_command_line_wins(tmp_path):
    path = _write(tmp_path, """
env:
  rewards:
    feet_slide: {weight: -0.5}
  events.push_robot: null
  scene.robot.init_state.joint_vel: {".*": 0.1}
agent:
  algorithm.learning_rate: 5e-4
  policy: {actor_hidden_dims: [64, 64]}
physics: newton_mjwarp
""")
    config = load_config(path)
    _, env, agent = load_cfgs("lus2", ["agent.algorithm.learning_rate=1e-4"], config=config)
    assert env.rewards.feet_slide.weight == -0.5 and env.events.push_robot is None
    assert env.scene.robot.init_state.joint_vel == {".*": 0.1}  # a regex key stays whole
    assert agent.policy.actor_hidden_dims == [64, 64]
    assert agent.algorithm.learning_rate == 1e-4  # the command line goes on top
    assert type(env.sim.physics.solver_cfg).__name__ == "MJWarpSolverCfg"
    assert sets(config["env"], "rewards.feet_slide.weight") and sets(config["env"], "events.push_robot")
    assert not sets(config["env"], "scene.num_envs")


def test_json_works_too(tmp_path):
    path = _write(tmp_path, json.dumps({"env": {"episode_length_s": 10.0}}), "run.json")
    _, env, _ = load_cfgs("lus2", [], config=load_config(path))
    assert env.episode_length_s == 10.0


@pytest.mark.parametrize("text, message", [
    ("env:\n  rewards.feet_slidee.weight: -0.5\n",
     r"unknown key 'env.rewards.feet_slidee'; closest: env.rewards.feet_slide"),
    ("agent:\n  algorithm.learning_rate: fast\n", r"agent.algorithm.learning_rate expects a number, got 'fast'"),
    ("environment:\n  seed: 1\n", r"the top level holds env, agent, physics only, got environment"),
    ("env:\n  episode_length_s: [1, 2]\n", r"env.episode_length_s expects a number"),
])
def test_bad_files_name_the_key(tmp_path, text, message):
    with pytest.raises(OverrideError, match=message):
        load_cfgs("lus2", [], config=load_config(_write(tmp_path, text)))


def test_missing_and_unreadable_files_are_named(tmp_path):
    with pytest.raises(OverrideError, match="no such file or folder"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(OverrideError, match="cannot read it"):
        load_config(_write(tmp_path, "env: [unclosed"))
    with pytest.raises(OverrideError, match="must hold env.yaml and/or agent.yaml"):
        load_config(tmp_path)
