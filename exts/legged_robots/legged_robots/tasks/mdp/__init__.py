"""MDP terms for our tasks: Isaac Lab's own (``isaaclab.envs.mdp`` and the velocity-task terms) plus ours.

Configs import this one module (``from legged_robots.tasks import mdp``). Our own terms live beside it,
one file per manager (``rewards.py``, ``observations.py``, ...); Isaac Lab's are looked up lazily.
"""

from __future__ import annotations

import importlib

_FALLBACKS = ("isaaclab_tasks.core.velocity.mdp", "isaaclab.envs.mdp")


def __getattr__(name: str):
    for module_name in _FALLBACKS:
        module = importlib.import_module(module_name)
        try:
            return getattr(module, name)
        except AttributeError:
            continue
    raise AttributeError(f"no MDP term {name!r} in legged_robots.tasks.mdp or Isaac Lab's mdp modules")
