"""Our Isaac Lab tasks. Importing this package registers them with gymnasium.

Isaac Lab finds it through the ``isaaclab.tasks`` entry-point group (see ``pyproject.toml``).
"""

from .config import lus2  # noqa: F401  (registers the lus2 tasks)
from .config.lus2.registry import ROBOT_DEFAULT_TASK, TASKS


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
    raise ValueError(f"unknown task or robot {name!r}.{hint}\n  robots: {', '.join(sorted(ROBOT_DEFAULT_TASK))}"
                     f"\n  tasks:  {', '.join(sorted(TASKS))}")
