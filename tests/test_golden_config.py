"""Golden snapshot of every task's resolved configuration: the env's managers (every observation, action, event,
reward, termination, curriculum and command term with its weight, params, ranges and schedule), timing, robot and
actuators, and the agent config. A change to any of them fails here, naming the paths that changed, so that
restructuring the code (computed names to written ones, configs moved) cannot change a weight silently.

After an intended change:  ST_GYM_UPDATE_GOLDEN=1 ./run.sh test tests/test_golden_config.py   (then review the diff)
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden"
ENV_PARTS = ("decimation", "episode_length_s", "observations", "actions", "events", "rewards", "terminations",
             "curriculum", "commands")


def _normalize(value):
    """JSON-ready and machine-independent: the checkout's path and object addresses removed, floats rounded."""
    if isinstance(value, dict):
        return {str(k): _normalize(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, (int, bool)) or value is None:
        return value
    text = str(value).replace(str(ROOT), "<repo>")
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def snapshot(task: str) -> dict:
    from legged_robots.tasks import load_env_cfg
    from legged_robots.tasks.utils.launch import load_agent_cfg

    env = load_env_cfg(task).to_dict()
    out = {part: env.get(part) for part in ENV_PARTS}
    out["sim"] = {"dt": env["sim"]["dt"], "physics": env["sim"]["physics"]}
    out["scene"] = {"num_envs": env["scene"]["num_envs"], "robot": env["scene"]["robot"],
                    "contact_forces": env["scene"].get("contact_forces")}
    out["agent"] = dataclasses.asdict(load_agent_cfg(task))
    return _normalize(out)


def _tasks() -> list[str]:
    from legged_robots.tasks import TASKS

    return sorted(TASKS)


def _diff(a, b, path="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append(f"{path}.{k}: added")
            elif k not in b:
                out.append(f"{path}.{k}: removed")
            else:
                out += _diff(a[k], b[k], f"{path}.{k}")
        return out
    return [] if a == b else [f"{path}: {json.dumps(a)[:120]} -> {json.dumps(b)[:120]}"]


@pytest.mark.parametrize("task", _tasks())
def test_the_resolved_config_is_the_golden_one(task):
    path = GOLDEN / f"{task}.json"
    now = snapshot(task)
    if os.environ.get("ST_GYM_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
    assert path.is_file(), f"no golden snapshot for {task}: ST_GYM_UPDATE_GOLDEN=1 ./run.sh test {__file__}"
    changed = _diff(json.loads(path.read_text()), now)
    assert not changed, f"{task}: {len(changed)} config value(s) changed:\n" + "\n".join(changed[:40])


def test_the_snapshot_sees_a_changed_weight():
    """The check can fail: one reward weight changed by an override is named."""
    from legged_robots.tasks import load_env_cfg

    cfg = load_env_cfg("St-Velocity-Flat-Lus2", ["env.rewards.feet_slide.weight=-0.75"])
    changed = _diff(json.loads((GOLDEN / "St-Velocity-Flat-Lus2.json").read_text())["rewards"],
                    _normalize(cfg.to_dict()["rewards"]), ".rewards")
    assert changed == [".rewards.feet_slide.weight: -1.0 -> -0.75"], changed
