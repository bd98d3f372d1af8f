"""Robots by name. A package that ships a robot registers its MJCF under the entry-point group
``refmotion_manager.robots`` (name -> a function returning the path); any MJCF path works as well."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

GROUP = "refmotion_manager.robots"


def registered() -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def robot_mjcf(name_or_path: str | Path) -> Path:
    """The MJCF of a registered robot name (e.g. ``lus2_27dof``) or an MJCF path."""
    p = Path(name_or_path)
    if p.suffix.lower() == ".xml" or p.is_file():
        if not p.is_file():
            raise FileNotFoundError(f"robot MJCF not found: {p}")
        return p
    known = registered()
    if str(name_or_path) not in known:
        raise KeyError(f"unknown robot {str(name_or_path)!r}: pass an MJCF path or one of "
                       f"{', '.join(sorted(known)) or '(no robots registered)'}")
    return Path(known[str(name_or_path)].load()())
