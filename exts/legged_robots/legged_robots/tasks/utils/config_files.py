"""Run configurations as files (``./run.sh train ... --config FILE``): a YAML/JSON file of ``env:`` / ``agent:``
values (nested, or dotted keys) and optionally ``physics: <preset>``, or a run's ``params/`` folder (its
``env.yaml`` and ``agent.yaml``, as every run writes them) to start the same run again. Command-line overrides
go on top. Keys are checked as for overrides: an unknown key or a value of the wrong type names the key and
the closest valid ones.

    env:
      rewards: {feet_slide: {weight: -0.5}}
      events.push_robot: null
    agent:
      algorithm.learning_rate: 5.0e-4
    physics: newton_mjwarp

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from .overrides import OverrideError, _closest, _coerce, _fields, _get

ROOTS = ("env", "agent", "physics")


class _ParamsLoader(yaml.SafeLoader):
    """Safe YAML plus the two Python tags Isaac Lab's ``dump_yaml`` writes into ``params/env.yaml``."""


_ParamsLoader.add_constructor("tag:yaml.org,2002:python/tuple",
                              lambda loader, node: tuple(loader.construct_sequence(node)))
_ParamsLoader.add_constructor("tag:yaml.org,2002:python/object/apply:builtins.slice",
                              lambda loader, node: slice(*loader.construct_sequence(node)))


def _read(path: Path):
    try:
        text = path.read_text()
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_ParamsLoader)
    except (OSError, ValueError, yaml.YAMLError) as err:
        raise OverrideError(f"--config {path}: cannot read it ({err})") from None


def load_config(path: str | Path) -> dict:
    """``{"env": tree, "agent": tree, "physics": name}`` (each optional) from a file or a run's params folder."""
    path = Path(path)
    if path.is_dir():
        folder = path / "params" if (path / "params").is_dir() else path
        found = {root: _read(folder / f"{root}.yaml") for root in ("env", "agent")
                 if (folder / f"{root}.yaml").is_file()}
        if not found:
            raise OverrideError(f"--config {path}: a folder must hold env.yaml and/or agent.yaml (a run's params/)")
        return found
    if not path.is_file():
        raise OverrideError(f"--config {path}: no such file or folder")
    data = _read(path)
    if data is None:  # an empty file would silently train with every default
        raise OverrideError(f"--config {path}: the file is empty; it should hold env:, agent: and/or physics:")
    if not isinstance(data, Mapping) or set(data) - set(ROOTS):
        keys = ", ".join(sorted(set(data) - set(ROOTS))) if isinstance(data, Mapping) else type(data).__name__
        raise OverrideError(f"--config {path}: the top level holds {', '.join(ROOTS)} only, got {keys}")
    return dict(data)


def apply_config(roots: dict[str, object], config: dict) -> None:
    """Apply the ``env``/``agent`` trees of ``config`` onto the config objects in ``roots``."""
    for root, tree in config.items():
        if root in roots and tree:
            if not isinstance(tree, Mapping):
                raise OverrideError(f"--config: {root} must be a mapping of keys to values")
            _apply(roots[root], tree, root)


def sets(tree: Mapping | None, dotted: str) -> bool:
    """Whether a config tree gives a value for ``dotted`` (e.g. ``scene.num_envs``), nested or dotted."""
    if not isinstance(tree, Mapping):
        return False
    if dotted in tree:
        return True
    for key, value in tree.items():
        if dotted.startswith(f"{key}.") and sets(value, dotted[len(key) + 1:]):
            return True
    return False


def _apply(node, tree: Mapping, path: str) -> None:
    from isaaclab.utils.dict import update_class_from_dict

    for key, value in tree.items():
        key = str(key)
        where = f"{path}.{key}"
        known = key in _fields(node) or (not isinstance(node, Mapping) and hasattr(node, key))
        if not known and "." in key:  # a dotted key: rewards.feet_slide.weight (regex keys like ".*" stay whole)
            head, rest = key.split(".", 1)
            _apply(node, {head: {rest: value}}, path)
            continue
        if not known:
            raise OverrideError(f"--config: unknown key {where!r}; closest: {_closest(path, key, _fields(node))}")
        member = _get(node, key)
        if where == "env.sim.physics" and isinstance(value, Mapping):
            member = _physics_for(node, value)
        if isinstance(value, Mapping) and member is not None and not isinstance(member, (int, float, str, bool)):
            _apply(member, value, where)
            continue
        if member is None:  # nothing to type-check against: a plain value is taken as it is
            if isinstance(value, Mapping):
                raise OverrideError(f"--config: {where} is disabled (None) in this task; it cannot be filled from "
                                    "a mapping")
            if isinstance(node, Mapping):
                node[key] = value
            else:
                setattr(node, key, value)
            continue
        value = _coerce(member, value, where)
        if _same(member, value):  # e.g. a run's params restating the defaults (some may not be set again)
            continue
        try:
            update_class_from_dict(node, {key: value})
        except (ValueError, KeyError, TypeError) as err:
            raise OverrideError(f"--config: {where}: {err}") from None


def _physics_for(sim, value: Mapping):
    """A run's params hold the physics it resolved (``newton_mujoco_c`` on a CPU, ...): pick the matching preset
    where the task config still has the device-dependent default."""
    from legged_robots.physics import PhysicsByDeviceCfg

    physics = sim.physics
    wanted = value.get("class_type")
    if not isinstance(physics, PhysicsByDeviceCfg) or wanted is None:
        return physics
    for choice in (physics.cpu, physics.gpu):
        if _class_path(choice.class_type) == _class_path(wanted):
            sim.physics = copy.deepcopy(choice)
            return sim.physics
    raise OverrideError(f"--config: env.sim.physics names {wanted}, none of this task's presets")


def _same(member, value) -> bool:
    if callable(member) and isinstance(value, str):
        from isaaclab.utils.string import callable_to_string

        try:
            return callable_to_string(member) == value
        except ValueError:
            return False
    try:
        return bool(member == value) and type(member) is type(value)
    except Exception:  # tensors, arrays: not comparable this way; set them
        return False


def _class_path(value) -> str:
    return value if isinstance(value, str) else f"{value.__module__}:{value.__name__}"
