"""List st_gym's registered tasks and their config entry points.

    ./run.sh list            # every task
    ./run.sh list Flat       # tasks whose id contains "Flat"

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys


def our_tasks() -> dict[str, dict]:
    """Registered gym specs of the packages in the ``isaaclab.tasks`` entry-point group that are ours."""
    import gymnasium as gym

    for ep in importlib.metadata.entry_points(group="isaaclab.tasks"):
        if ep.name == "legged_robots":
            ep.load()
    return {tid: spec.kwargs for tid, spec in gym.registry.items()
            if str(spec.kwargs.get("env_cfg_entry_point", "")).startswith("legged_robots.")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List st_gym's registered tasks with their config entry points.")
    parser.add_argument("keyword", nargs="?", help="only tasks whose id contains this text")
    args = parser.parse_args(argv)
    tasks = our_tasks()
    if not tasks:
        print("no st_gym tasks registered: is legged_robots installed? run ./setup.sh", file=sys.stderr)
        return 1
    shown = {t: kw for t, kw in sorted(tasks.items()) if args.keyword is None or args.keyword in t}
    if not shown:
        print(f"no task id contains {args.keyword!r}; tasks: {', '.join(sorted(tasks))}", file=sys.stderr)
        return 2
    width = max(len(t) for t in shown)
    print(f"{'task':<{width}}  entry points")
    for task_id, kwargs in shown.items():
        entries = [f"{k.removesuffix('_entry_point')}={v}" for k, v in kwargs.items() if k.endswith("_entry_point")]
        print(f"{task_id:<{width}}  " + f"\n{'':<{width}}  ".join(entries))
    from legged_robots.tasks import ROBOT_DEFAULT_TASK

    print("\nrobot names: " + ", ".join(f"{r} -> {t}" for r, t in ROBOT_DEFAULT_TASK.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
