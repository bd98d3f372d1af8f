"""Bad input never ends in a traceback: a table of bad values for every ./run.sh command's arguments, generated
from the scripts' own argparse definitions (a new argument with a checked type is covered without a new line
here), plus the cases users met. Each row calls the script's ``main(argv)`` in-process, through the same wrapper
its ``__main__`` uses, and asserts exit code 2 and exactly one ``error:`` line naming the argument and the value.
Plain arguments are checked by argparse before torch, Isaac Lab or a simulator is imported, so rows take
milliseconds."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import io
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STANDING = ROOT / "tests" / "data" / "lus2_standing" / "policy.onnx"


def _script(rel: str):
    if not rel.endswith(".py"):  # a module run as python -m
        return importlib.import_module(rel)
    path = ROOT / rel
    spec = importlib.util.spec_from_file_location(f"bad_input_{path.stem}_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def _wrapped(module):
    """The script's main behind the wrapper its ``__main__`` uses (run_main or run_cli; refmotion's its own)."""
    if module.__name__.startswith("refmotion_manager"):
        return module.main
    if "run_cli" in Path(module.__file__).read_text():
        from legged_robots.sim2mujoco.cli import run_cli

        return lambda argv: run_cli(module.main, argv, user_errors=(TimeoutError,))
    from legged_robots.tasks.utils.errors import run_main

    return lambda argv: run_main(module.main, argv)


# command -> (script, the arguments a row starts with: a subcommand and valid positionals)
COMMANDS = {
    "train": ("scripts/st_rl/train.py", ["lus2"]),
    "train --framework skrl": ("scripts/skrl/train.py", ["lus2"]),
    "play": ("scripts/st_rl/play.py", ["lus2"]),
    "play --framework skrl": ("scripts/skrl/play.py", ["lus2"]),
    "eval": ("scripts/st_rl/eval.py", ["St-Mimic-Flat-Lus2"]),
    "sim2mujoco": ("scripts/st_rl/sim2mujoco.py", ["lus2"]),
    "sim2sim": ("scripts/st_rl/sim2sim.py", ["lus2"]),
    "ros2 bridge": ("scripts/st_rl/ros2interface.py", ["bridge"]),
    "ros2 sim": ("scripts/st_rl/ros2interface.py", ["sim"]),
    "ros2 demo": ("scripts/st_rl/ros2interface.py", ["demo"]),
    "motion convert": ("refmotion_manager.convert", ["walk.pkl", "-o", "out.pkl", "--robot", "lus2_27dof"]),
}


class _Captured(Exception):
    pass


def _parser_of(module, start: list[str]) -> argparse.ArgumentParser:
    """The parser ``main`` builds (caught as it starts parsing), or the subcommand's."""
    caught = {}
    original = argparse.ArgumentParser.parse_known_args

    def capture(self, *a, **kw):
        caught.setdefault("parser", self)
        raise _Captured

    argparse.ArgumentParser.parse_known_args = capture
    try:
        module.main(list(start))
    except _Captured:
        pass
    finally:
        argparse.ArgumentParser.parse_known_args = original
    parser = caught["parser"]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[start[0]]
    return parser


def _bad_values(action, tmp: Path):
    """(kind, value) rows for one argument, from its type."""
    kind = action.type
    bounds = getattr(kind, "bounds", None)
    if bounds is not None:
        lo, hi, lo_open, hi_open = bounds
        yield "non-numeric", "abc"
        if lo is not None:
            yield ("zero" if lo >= 0 else "below"), str(lo if lo_open else lo - 1)
            if lo >= 0:
                yield "negative", "-4"
        if hi is not None:
            yield "out-of-range", str(hi + 1 if isinstance(hi, int) else hi * 2 + 1)
        if kind.__name__ == "float":
            yield "not finite", "nan"
    elif getattr(kind, "is_file_arg", False):
        empty = tmp / "empty.json"
        empty.write_text("")
        yield "missing file", str(tmp / "missing.json")
        yield "empty file", str(empty)
        yield "directory", str(tmp)
    elif kind in (int, float):
        yield "non-numeric", "abc"
    elif action.choices and not isinstance(action, argparse._SubParsersAction):
        yield "not a choice", "bogus"


def _rows(tmp: Path):
    for command, (script, start) in COMMANDS.items():
        module = _script(script)
        parser = _parser_of(module, start)
        for action in parser._actions:
            if not action.option_strings or action.nargs == 0 or action.dest == "framework":
                continue
            for kind, value in _bad_values(action, tmp):
                values = [value] * (action.nargs if isinstance(action.nargs, int) else 1)
                yield command, module, [*start, action.option_strings[0],
                                        *values], action.option_strings[0], value, kind


def _run(module, argv):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code = _wrapped(module)(argv)
        except SystemExit as e:  # argparse
            code = e.code
    return code, err.getvalue(), out.getvalue()


def _assert_one_error_line(code, err, out, *names):
    text = err + out
    errors = [line for line in text.splitlines() if "error:" in line]
    assert code == 2, (code, text[-2000:])
    assert len(errors) == 1, text[-2000:]
    assert "Traceback" not in text, text[-2000:]
    for name in names:
        assert name in errors[0], (name, errors[0])
    return errors[0]


def test_every_checked_argument_of_every_command_refuses_bad_values(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = list(_rows(tmp_path))
    kinds = {kind for *_, kind in rows}
    assert {"non-numeric", "zero", "negative", "out-of-range", "missing file", "empty file", "directory"} <= kinds
    assert {c for c, *_ in rows} == set(COMMANDS), "every command has checked arguments"
    assert len(rows) > 80, len(rows)
    for command, module, argv, option, value, kind in rows:
        code, err, out = _run(module, argv)
        try:
            _assert_one_error_line(code, err, out, option, value)
        except AssertionError as failure:
            raise AssertionError(f"./run.sh {command} {' '.join(argv)} ({kind}): {failure}") from None
    assert not (tmp_path / "logs").exists(), "nothing written for bad input"


def test_the_cases_users_met(tmp_path, monkeypatch):
    """The issue's table: each was a traceback; each is now one line naming the argument, before anything runs."""
    monkeypatch.chdir(tmp_path)
    train, play, s2m, ros2 = (_script(f"scripts/st_rl/{n}.py") for n in ("train", "play", "sim2mujoco",
                                                                         "ros2interface"))
    _assert_one_error_line(*_run(train, ["lus2", "--num_envs", "0"]), "--num_envs", "'0'", ">= 1")
    _assert_one_error_line(*_run(train, ["lus2", "--num_envs", "-4"]), "--num_envs", "'-4'")
    _assert_one_error_line(*_run(train, ["lus2", "agent.policy.max_noise_std=0"]), "max_noise_std",
                           "expected a number > 0")
    listed = tmp_path / "thresholds.json"
    listed.write_text(json.dumps([{"max_lin_vel_rmse": 0.3}]))
    line = _assert_one_error_line(*_run(s2m, ["--policy", str(STANDING), "--thresholds", str(listed)]),
                                  str(listed), "expected a mapping")
    assert "unhashable" not in line
    _assert_one_error_line(*_run(ros2, ["bridge", "--policy", str(STANDING), "--domain_id", "999"]),
                           "--domain_id", "'999'", "<= 232")
    # an override is checked against the field it replaces before the env is built
    for override, message in (("env.commands.base_velocity.ranges.lin_vel_x=(0.5,0.5,1)", "expects 2 values"),
                              ("env.commands.base_velocity.ranges.lin_vel_x=(0.5,fast)", "expects numbers"),
                              ("env.commands.base_velocity.ranges.lin_vel_x=(0.6,0.5)", "min > max"),
                              ("env.episode_length_s=null", "cannot be null"),
                              ("env.scene.num_envs=many", "expects a number")):
        _assert_one_error_line(*_run(play, ["lus2", "--policy", str(STANDING), override]),
                               override.split("=")[0], message)
    _assert_one_error_line(*_run(play, ["lus2", "--policy", str(STANDING), "--stochastic"]), "--stochastic",
                           "has none")
    empty, folder = tmp_path / "empty.yaml", tmp_path / "not_a_run"
    empty.write_text("")
    folder.mkdir()
    _assert_one_error_line(*_run(train, ["lus2", "--config", str(empty)]), str(empty), "the file is empty")
    _assert_one_error_line(*_run(train, ["lus2", "--config", str(folder)]), str(folder), "env.yaml and/or agent.yaml")
    assert not (tmp_path / "logs").exists(), "no half-made run folder"


def test_files_of_the_wrong_shape_name_the_file_and_the_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s2m = _script("scripts/st_rl/sim2mujoco.py")
    cases = {"scenarios.json": ("[{\"name\": \"x\", \"yaw_rate\": [1, 2]}]", "yaw_rate must be a number"),
             "broken.json": ("{\"max_lin_vel_rmse\": ", "not valid JSON"),
             "broken.yaml": ("a: [1, 2", "not valid YAML"),
             "scenario_dict.yaml": ("name: stand\n", "expected a non-empty list of scenarios")}
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_text(content)
        flag = "--thresholds" if name.startswith("broken") else "--scenarios"
        _assert_one_error_line(*_run(s2m, ["--policy", str(STANDING), flag, str(path)]), str(path), message)
    garbage = tmp_path / "policy.onnx"
    garbage.write_bytes(b"not a graph")
    _assert_one_error_line(*_run(s2m, ["--policy", str(garbage)]), str(garbage), "not an ONNX file")
    play = _script("scripts/st_rl/play.py")
    _assert_one_error_line(*_run(play, ["lus2", "--policy", str(garbage)]), str(garbage), "not an ONNX file")


def test_an_unexpected_exception_is_a_bug_report_not_an_input_error(tmp_path, monkeypatch, capsys):
    from legged_robots.tasks.utils.errors import run_main
    from legged_robots.utils import BUG_EXIT_CODE

    monkeypatch.chdir(tmp_path)

    def broken(argv):
        return {}["missing"] if argv else 1 / 0

    assert run_main(broken, []) == BUG_EXIT_CODE == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("bug: ZeroDivisionError: division by zero (traceback in logs/bugs/")
    (log,) = (tmp_path / "logs" / "bugs").iterdir()
    assert "Traceback" in log.read_text() and "1 / 0" in log.read_text()


def _leaves(node, path: str, depth: int = 0):
    """(key, value) of every number, flag and tuple field below a config node (dataclasses and configclasses)."""
    import dataclasses

    if depth > 6 or node is None:
        return
    names = [f.name for f in dataclasses.fields(node)] if dataclasses.is_dataclass(node) else []
    for name in names:
        value = getattr(node, name)
        key = f"{path}.{name}"
        if isinstance(value, (bool, int, float)) or (isinstance(value, tuple) and value and
                                                      all(isinstance(v, (int, float)) for v in value)):
            yield key, value
        elif dataclasses.is_dataclass(value):
            yield from _leaves(value, key, depth + 1)


def test_every_typed_config_field_refuses_a_value_of_the_wrong_type():
    """Generated from the config dataclasses: each number, flag and numeric tuple of the agent config and of the env
    config's rewards, commands, events and terminations refuses a word (one error naming the key), before any env
    is built."""
    from legged_robots.tasks import load_env_cfg
    from legged_robots.tasks.utils.launch import load_agent_cfg
    from legged_robots.tasks.utils.overrides import OverrideError, apply_overrides

    agent = load_agent_cfg("St-Velocity-Flat-Lus2")
    env = load_env_cfg("St-Velocity-Flat-Lus2")
    rows = list(_leaves(agent, "agent"))
    for part in ("rewards", "commands", "terminations", "events", "actions"):
        rows += list(_leaves(getattr(env, part), f"env.{part}"))
    assert len(rows) > 100, len(rows)
    for key, value in rows:
        with pytest.raises(OverrideError, match=re.escape(key)):
            apply_overrides({"agent": agent, "env": env}, [f"{key}=fast"])
        if isinstance(value, tuple):
            with pytest.raises(OverrideError, match=re.escape(f"{key} expects {len(value)} values")):
                apply_overrides({"agent": agent, "env": env}, [f"{key}=({','.join(['1'] * (len(value) + 1))})"])
