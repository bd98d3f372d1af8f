"""Small tools shared by the scripts that need no Isaac Lab (MuJoCo replay and video, CPU count)."""

import os
import sys
import time
import traceback
from pathlib import Path

BUG_EXIT_CODE = 3  # 2 is bad input, 1 a verdict's FAIL (or a run that stopped); 3 a bug in st_gym


def available_cpus() -> int:
    """CPUs this process may run on (its affinity, where the OS has one; a container's limit, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def report_bug(err: BaseException, program: str | None = None) -> int:
    """An exception nobody expected: one line on stderr and the traceback in a log file (for a bug report), exit
    code ``BUG_EXIT_CODE``. Bad input never comes here; it has its own ``error:`` line and exit code 2."""
    program = program or Path(sys.argv[0]).stem or "st_gym"
    path = Path("logs") / "bugs" / f"{time.strftime('%Y-%m-%d_%H-%M-%S')}_{program}.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{' '.join(sys.argv)}\n\n" + "".join(traceback.format_exception(err)))
        where = f"traceback in {path}"
    except OSError:
        where = "traceback below"
        traceback.print_exception(err)
    print(f"bug: {type(err).__name__}: {err} ({where}; this is st_gym's fault, not your input: please report it)",
          file=sys.stderr)
    return BUG_EXIT_CODE
