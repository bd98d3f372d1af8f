"""A run's learning curves from its TensorBoard log: a table in the terminal, every scalar per iteration in a CSV.

    ./run.sh curves lus2                                   # the newest lus2 run
    ./run.sh curves lus2 --load_run walkJ walkK --every 25 # runs resumed one from another, in order
    ./run.sh curves lus2 --load_run walkK --out curves.csv --tags Train/mean_episode_length Policy/mean_std

Each row: the run, the iteration, the env-steps since the first run's start (iteration x envs x steps per env,
from the run's params), and the scalars. The table shows the tracking errors, the episode length, the action
noise and the reward terms that change most (or --tags); the CSV holds every scalar the run logged. A resumed run
continues the iterations of the run it resumed from, so several runs line up on one axis: from its first
iteration on, the later run's rows replace the earlier runs' (runs branched from one checkpoint: one call each).
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

SUMMARY = ["Train/mean_episode_length", "Metrics/base_velocity/error_vel_xy", "Metrics/base_velocity/error_vel_yaw",
           "Policy/mean_std"]


def parse_args(argv=None):
    from legged_robots.utils.args import POSITIVE_INT

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("task", help="task id or robot name (its experiment folder holds the runs)")
    p.add_argument("--load_run", nargs="+", metavar="RUN",
                   help="run folder names, regexes or substrings (--run_name); several: in training order "
                        "(default: the newest run)")
    p.add_argument("--agent", default="st_rl", help=argparse.SUPPRESS)
    p.add_argument("--every", type=POSITIVE_INT, default=50, help="table row every N iterations (default 50)")
    p.add_argument("--tags", nargs="+", metavar="TAG", help="scalars for the table (default: tracking errors, "
                                                             "episode length, noise, the reward terms)")
    p.add_argument("--out", help="CSV of every scalar per iteration (default: none)")
    return p.parse_args(argv)


def read_scalars(run: Path) -> dict[int, dict[str, float]]:
    """iteration -> {tag: value} of every scalar in the run's event files."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    files = sorted(run.glob("events.out.tfevents.*"))
    if not files:
        raise FileNotFoundError(f"{run} has no TensorBoard event file (events.out.tfevents.*)")
    rows: dict[int, dict[str, float]] = {}
    for f in files:
        acc = EventAccumulator(str(f), size_guidance={"scalars": 0})
        acc.Reload()
        for tag in acc.Tags()["scalars"]:
            if tag.endswith("/time"):  # rsl-rl's */time curves count seconds, not iterations
                continue
            for e in acc.Scalars(tag):
                rows.setdefault(int(e.step), {})[tag] = float(e.value)
    return rows


def env_steps_per_iteration(run: Path) -> int:
    import yaml

    agent = yaml.safe_load((run / "params" / "agent.yaml").read_text())
    env = yaml.unsafe_load((run / "params" / "env.yaml").read_text())
    return int(agent["num_steps_per_env"]) * int(env["scene"]["num_envs"])


def collect(runs: list[Path]) -> list[dict]:
    """One dict per iteration: run, iteration, env_steps (after that iteration, counted from iteration 0), then
    every scalar. A later run replaces the earlier ones from where it resumed: their iterations from its first on
    are dropped, also those past its last (the earlier run went on, the chain did not)."""
    merged: dict[int, tuple[Path, dict]] = {}
    for run in runs:
        scalars_of = read_scalars(run)
        if scalars_of:
            start = min(scalars_of)
            merged = {it: v for it, v in merged.items() if it < start}
        for it, scalars in scalars_of.items():
            merged[it] = (run, scalars)
    per_run = {run: env_steps_per_iteration(run) for run in runs}
    rows, steps, previous = [], 0, -1
    for it in sorted(merged):
        run, scalars = merged[it]
        steps += per_run[run] * (it - previous)  # iterations not logged count as the run's own
        previous = it
        rows.append({"run": run.name, "iteration": it, "env_steps": steps, **scalars})
    return rows


def main(argv=None) -> int:
    args = parse_args(argv)
    from legged_robots.tasks import resolve_task
    from legged_robots.tasks.utils.errors import UsageError
    from legged_robots.tasks.utils.launch import LOG_ROOT, load_agent_cfg
    from st_rl.checkpoints import find_run

    experiment = LOG_ROOT / load_agent_cfg(resolve_task(args.task), args.agent).experiment_name
    runs = [find_run(experiment, r) for r in (args.load_run or [None])]
    rows = collect(runs)
    if not rows:
        raise UsageError(f"no scalars logged in {', '.join(str(r) for r in runs)}")
    tags = sorted({k for r in rows for k in r} - {"run", "iteration", "env_steps"})
    if args.tags:
        unknown = [t for t in args.tags if t not in tags]
        if unknown:
            raise UsageError(f"--tags: {', '.join(unknown)} not logged; logged: {', '.join(tags)}")
        shown = args.tags
    else:
        rewards = [t for t in tags if t.startswith("Episode_Reward/")]
        spread = {t: max(r.get(t, 0.0) for r in rows) - min(r.get(t, 0.0) for r in rows) for t in rewards}
        shown = [t for t in SUMMARY if t in tags] + sorted(spread, key=lambda t: -spread[t])[:4]
    names = [t.rsplit("/", 1)[-1][:16] for t in shown]
    print(f"{'run':>24s} {'iter':>6s} {'env-steps':>11s} " + " ".join(f"{n:>16s}" for n in names))
    for r in rows:
        if r["iteration"] % args.every == 0 or r is rows[-1]:
            values = " ".join(f"{r[t]:16.3f}" if t in r else f"{'':16s}" for t in shown)
            print(f"{r['run'][-24:]:>24s} {r['iteration']:6d} {r['env_steps']:11d} {values}")
    if args.out:
        with open(args.out, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["run", "iteration", "env_steps", *tags])
            writer.writeheader()
            writer.writerows(rows)
        print(f"[curves] {len(rows)} iterations, {len(tags)} scalars -> {args.out}")
    return 0


if __name__ == "__main__":
    from legged_robots.tasks.utils.errors import run_main

    sys.exit(run_main(main))
