"""User errors (bad task name, bad override, missing run or checkpoint, missing asset) end a script with
a one-paragraph message and exit code 2, not a traceback.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load."""

from __future__ import annotations

import sys


class UsageError(ValueError):
    """Bad input from the user: an unknown task, an impossible device, ..."""


def user_error_types() -> tuple[type[BaseException], ...]:
    from legged_robots.physics import PhysicsPresetError
    from st_rl.checkpoints import CheckpointError
    from st_runtime.errors import PolicyMetadataError

    from .overrides import OverrideError

    return (OverrideError, CheckpointError, UsageError, PhysicsPresetError, FileNotFoundError, PolicyMetadataError)


def run_main(main, argv=None) -> int:
    """``main(argv)``'s exit code; bad input is one ``error:`` line and 2, anything unexpected a bug report (one
    line, the traceback in a log file) and 3."""
    from legged_robots.utils import report_bug

    try:
        return main(argv)
    except user_error_types() as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - not a catch-all for input: reported as a bug, exit 3
        return report_bug(err)
