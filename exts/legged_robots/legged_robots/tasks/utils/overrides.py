"""Command-line overrides of any config field: ``env.rewards.feet_slide.weight=-0.5``, ``agent.seed=3``.

Values are parsed as YAML (numbers, booleans, ``null``, lists; tuples as ``(a,b)`` or ``[a,b]``). A key that does
not exist is an error that names the closest valid keys; nothing is created by a typo. A value is checked against
the field it replaces before anything is built: a number for a number, true/false for a flag, a tuple of the same
length (ranges' min <= max is checked on the whole config, ``cfg_checks``), ``null`` only where the field may be
None (or is a term that ``null`` switches off).
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


def _may_be_none(node, leaf: str) -> bool:
    """Whether ``node.leaf`` is declared optional (``X | None``); dicts (term params) are not checked."""
    if isinstance(node, dict) or not dataclasses.is_dataclass(node):
        return True
    for f in dataclasses.fields(node):
        if f.name == leaf:
            return "None" in str(f.type) or "Optional" in str(f.type)
    return True


def _tuple(value, key: str):
    """``(a, b)`` written on the command line reaches us as the string "(a, b)"."""
    if isinstance(value, str) and value.strip().startswith("(") and value.strip().endswith(")"):
        inner = value.strip()[1:-1]
        return tuple(_item(part.strip()) for part in inner.split(",") if part.strip())
    if isinstance(value, (list, tuple)):
        return tuple(value)
    raise OverrideError(f"{key} expects a tuple, e.g. (a,b) or [a,b], got {value!r}")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_tuple(old: tuple, new: tuple, key: str) -> tuple:
    """A numeric tuple (a range, a vector) keeps its length and number types; a tuple of names (field patterns,
    joint expressions) may have any length."""
    if not old or not all(map(_is_number, old)):
        return new
    if len(new) != len(old):
        raise OverrideError(f"{key} expects {len(old)} values, e.g. {_form(old)}, got {len(new)}: {_form(new)}")
    for i, v in enumerate(new):
        if not _is_number(v):
            raise OverrideError(f"{key} expects numbers, e.g. {_form(old)}; value {i + 1} is {v!r}")
    return tuple(float(v) if isinstance(o, float) and isinstance(v, int) else v for o, v in zip(old, new))


def _form(values) -> str:
    return "(" + ",".join(str(v) for v in values) + ")"


def _coerce(old, new, key: str, node=None, leaf: str = ""):
    """The new value in the field's type where the meaning is unambiguous (an int for a float field, a list for a
    tuple), or an error naming the key and the form it expects."""
    if old is None:
        return new
    if new is None:
        if isinstance(old, (bool, int, float, str, tuple, list)) and not _may_be_none(node, leaf):
            raise OverrideError(f"{key} cannot be null; it expects {_kind(old)}, e.g. {_example(old)}")
        return new
    if isinstance(old, bool):
        if not isinstance(new, bool):
            raise OverrideError(f"{key} expects true or false, got {new!r}")
        return new
    if isinstance(old, float) and isinstance(new, int) and _is_number(new):
        return float(new)
    if isinstance(old, (int, float)) and isinstance(new, str):
        try:
            new = float(new)  # YAML reads 3e-4 (no dot) as a string
        except ValueError:
            raise OverrideError(f"{key} expects a number, got {new!r}") from None
        return int(new) if isinstance(old, int) and new.is_integer() else new
    if isinstance(old, (int, float)) and not _is_number(new):
        raise OverrideError(f"{key} expects a number, got {new!r}")
    if isinstance(old, tuple):
        return _check_tuple(old, _tuple(new, key), key)
    if isinstance(old, list) and not isinstance(new, list):
        raise OverrideError(f"{key} expects a list, e.g. [a,b], got {new!r}")
    if isinstance(old, str) and _is_number(new):
        return str(new)  # a name that YAML read as a number
    return new


def _kind(old) -> str:
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string", tuple: "a tuple",
            list: "a list"}.get(type(old), type(old).__name__)


def _example(old) -> str:
    return _form(old) if isinstance(old, tuple) else repr(old).lower() if isinstance(old, bool) else repr(old)


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
        updates.append((node, leaf, _coerce(_get(node, leaf), value, key, node, leaf)))
    for node, leaf, value in updates:
        if isinstance(node, dict):
            node[leaf] = value
        else:
            setattr(node, leaf, value)
    return rest
