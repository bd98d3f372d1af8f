"""Small tools shared by the scripts that need no Isaac Lab (MuJoCo replay and video, CPU count)."""

import os


def available_cpus() -> int:
    """CPUs this process may run on (its affinity, where the OS has one; a container's limit, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
