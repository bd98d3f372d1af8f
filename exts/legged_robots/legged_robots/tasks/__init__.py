"""Our Isaac Lab tasks. Importing this package registers them with gymnasium.

Isaac Lab finds it through the ``isaaclab.tasks`` entry-point group (see ``pyproject.toml``). Loading configs
and building envs: ``utils/launch.py`` (its public names are here too: ``make_env("lus2", num_envs=16)``).
"""

from .config import ROBOT_DEFAULT_TASK
from .utils.launch import TASKS, UnknownTaskError, load_env_cfg, make_env, resolve_task

__all__ = ["ROBOT_DEFAULT_TASK", "TASKS", "UnknownTaskError", "load_env_cfg", "make_env", "resolve_task"]
