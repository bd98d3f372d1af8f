"""Command-line overrides of any config field: ``env.rewards.feet_slide.weight=-0.5``, ``agent.seed=3``.

Values are parsed as YAML (numbers, booleans, ``null``, lists). A key that does not exist is an error that
names the closest valid keys; nothing is created by a typo.
"""

from __future__ import annotations

import dataclasses
import difflib

import yaml


class OverrideError(ValueError):
    pass


def _fields(node) -> list[str]:
    if isinstance(node, dict):
        return [str(k) for k in node]
    names = [f.name for f in dataclasses.fields(node)] if dataclasses.is_dataclass(node) else []
    if hasattr(node, "__dict__"):  # also terms a task adds in __post_init__ (e.g. mimic's tracking rewards)
        names += [k for k in vars(node) if not k.startswith("_") and k not in names]
    return names


def _get(node, key: str):
    return node[key] if isinstance(node, dict) else getattr(node, key)


def _closest(path: str, key: str, options: list[str]) -> str:
    close = difflib.get_close_matches(key, options, n=3, cutoff=0.5) or sorted(options)[:8]
    return ", ".join(f"{path}.{c}" for c in close)


def _coerce(old, new, key: str):
    """Keep the field's type where the meaning is unambiguous (an int for a float field, a list for a tuple)."""
    if isinstance(old, bool) or old is None or new is None:
        return new
    if isinstance(old, float) and isinstance(new, int) and not isinstance(new, bool):
        return float(new)
    if isinstance(old, (int, float)) and isinstance(new, str):
        try:
            new = float(new)  # YAML reads 3e-4 (no dot) as a string
        except ValueError:
            raise OverrideError(f"{key} expects a number, got {new!r}") from None
        return int(new) if isinstance(old, int) and new.is_integer() else new
    if isinstance(old, (int, float)) and not isinstance(new, (int, float)):
        raise OverrideError(f"{key} expects a number, got {new!r}")
    if isinstance(old, tuple) and isinstance(new, list):
        return tuple(new)
    return new


def _parse(item: str, text: str):
    """The value as YAML; a list whose items YAML cannot read alone (glob patterns such as ``*_link_pos_*_b``:
    ``*`` starts a YAML alias) keeps those items as strings."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        if text.startswith("[") and text.endswith("]") and "[" not in text[1:-1]:
            return [_item(part.strip()) for part in text[1:-1].split(",") if part.strip()]
        raise OverrideError(f"override {item!r}: cannot parse the value ({err})") from None


def _item(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def override_root(item: str) -> str:
    """``env`` for ``env.a.b=1``, ``physics`` for ``physics=newton_mjwarp``."""
    return item.split("=", 1)[0].split(".", 1)[0]


def apply_overrides(roots: dict[str, object], overrides: list[str]) -> list[str]:
    """Apply ``root.a.b=value`` overrides to the named config roots (e.g. ``{"env": env_cfg, "agent": agent_cfg}``).

    Returns the overrides that belong to none of the roots (e.g. Isaac Lab's ``physics=newton_mjwarp``), for
    the caller to pass on. All overrides are checked before any is applied: one bad key changes nothing.
    """
    rest, updates = [], []
    for item in overrides:
        if "=" not in item:
            raise OverrideError(f"override {item!r} is not of the form key=value (e.g. env.scene.num_envs=16)")
        key, text = item.split("=", 1)
        parts = key.split(".")
        if override_root(item) not in roots:
            rest.append(item)
            continue
        if len(parts) < 2:
            raise OverrideError(f"override {item!r} names a whole config; name a field, e.g. {parts[0]}.seed=1")
        node, path = roots[parts[0]], parts[0]
        for part in parts[1:-1]:
            if part not in _fields(node):
                raise OverrideError(f"unknown key {key!r}: {path} has no {part!r}; closest: "
                                    f"{_closest(path, part, _fields(node))}")
            node, path = _get(node, part), f"{path}.{part}"
            if node is None:
                raise OverrideError(f"{path} is disabled (None) in this task, so {key!r} cannot be set")
        leaf = parts[-1]
        if leaf not in _fields(node):
            raise OverrideError(f"unknown key {key!r}: {path} has no {leaf!r}; closest: "
                                f"{_closest(path, leaf, _fields(node))}")
        value = _parse(item, text)
        updates.append((node, leaf, _coerce(_get(node, leaf), value, key)))
    for node, leaf, value in updates:
        if isinstance(node, dict):
            node[leaf] = value
        else:
            setattr(node, leaf, value)
    return rest
