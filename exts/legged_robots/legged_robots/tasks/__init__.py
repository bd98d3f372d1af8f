"""Our Isaac Lab tasks. Importing this package registers them with gymnasium.

Isaac Lab finds it through the ``isaaclab.tasks`` entry-point group (see ``pyproject.toml``).
"""

import gymnasium as gym

from .config import lus2  # registers the lus2 tasks
from .config.lus2 import ROBOT_DEFAULT_TASK
from .utils.errors import UsageError

# task id -> its entry points (``env_cfg_entry_point``, ``st_rl_cfg_entry_point``, ...), as registered
TASKS: dict[str, dict[str, str]] = {task_id: {k: v for k, v in spec.kwargs.items() if k.endswith("_entry_point")}
                                    for task_id, spec in gym.registry.items() if spec.entry_point == lus2.ENV}


class UnknownTaskError(UsageError):
    """A task id or robot name that is not registered (or an agent config a task does not have)."""


def resolve_task(name: str) -> str:
    """A task id, or a robot name (``lus2``) for its default task. Unknown names list the valid ones."""
    if name in TASKS:
        return name
    if name in ROBOT_DEFAULT_TASK:
        return ROBOT_DEFAULT_TASK[name]
    import difflib

    valid = sorted(ROBOT_DEFAULT_TASK) + sorted(TASKS)
    close = difflib.get_close_matches(name, valid, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownTaskError(f"unknown task or robot {name!r}.{hint}\n  robots: {', '.join(sorted(ROBOT_DEFAULT_TASK))}"
                     f"\n  tasks:  {', '.join(sorted(TASKS))}")


def load_env_cfg(task: str, overrides: list[str] | tuple[str, ...] = (), play: bool = False,
                 config: dict | None = None):
    """The task's env config with Isaac Lab's presets resolved (``physics=physx``), a config file's ``env`` tree
    (``config``, see ``utils/config_files.py``) and then ``env.a.b=value`` overrides applied (checked: an unknown
    key names the closest valid ones; a range with min > max names the term and field)."""
    from isaaclab_tasks.utils.hydra import resolve_task_config

    from .utils.cfg_checks import check_env_cfg
    from .utils.overrides import apply_overrides, override_root

    presets = [o for o in overrides if override_root(o) != "env"]
    env_cfg, _ = resolve_task_config(resolve_task(task), None, play_mode=play, overrides=presets)
    if config:
        from .utils.config_files import apply_config

        apply_config({"env": env_cfg}, {"env": config})
    apply_overrides({"env": env_cfg}, [o for o in overrides if override_root(o) == "env"])
    check_env_cfg(env_cfg)
    return env_cfg


def make_env(task: str, num_envs: int | None = None, device: str = "cpu", seed: int = 0, edit=None,
             overrides: list[str] | tuple[str, ...] = ()):
    """Build a task's gym env: ``make_env("lus2", num_envs=16)``. ``overrides`` as on the command line
    (``physics=newton_mjwarp``, ``env.x.y=v``); ``edit(env_cfg)`` may change the config before the build."""
    import gymnasium as gym

    from legged_robots.physics import resolve_physics

    task = resolve_task(task)
    env_cfg = load_env_cfg(task, overrides)
    if num_envs is not None:
        env_cfg.scene.num_envs = num_envs
    env_cfg.sim.device = device
    env_cfg.seed = seed
    if edit is not None:
        edit(env_cfg)
    resolve_physics(env_cfg)  # here too, so a preset that cannot run is a plain error, not gym's wrapped one
    return gym.make(task, cfg=env_cfg)
