"""User errors (bad task name, bad override, missing run or checkpoint, missing asset) end a script with
a one-paragraph message and exit code 2, not a traceback."""

from __future__ import annotations

import sys


class UsageError(ValueError):
    """Bad input from the user: an unknown task, an impossible device, ..."""


def user_error_types() -> tuple[type[BaseException], ...]:
    from st_rl.checkpoints import CheckpointError

    from legged_robots.physics import PhysicsPresetError

    from .overrides import OverrideError

    return (OverrideError, CheckpointError, UsageError, PhysicsPresetError, FileNotFoundError)


def run_main(main, argv=None) -> int:
    try:
        return main(argv)
    except user_error_types() as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
