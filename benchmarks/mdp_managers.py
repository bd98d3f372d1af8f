"""lus2 rough vs flat on CPU: env-steps/s and where each env step's time goes, manager by manager.

    ./run.sh bench mdp                     # 16 envs, 100 env-steps each, flat then rough
    ./run.sh bench mdp --num_envs 64 --steps 50 --tasks St-Velocity-Rough-Lus2

Every manager method the env step calls is wrapped with a timer (observation, reward, event, termination,
command, curriculum, action), next to the physics step and the scene/sensor update; the physics guard
(``physics_blowup``, inside the termination row) is timed on its own too (target: < 2 % of the env step).
Random joint targets
(actions uniform in [-1, 1]: +-0.25 rad around the default pose) make robots fall and reset, so reset-time
events and the curriculum run too. Compare ratios (rough / flat, share of step time), not absolute figures:
these machines are shared.
"""

# A benchmark imports what it measures inside the function that measures it: `--help` is instant and one benchmark
# does not pay for another's imports.

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict

os.environ.setdefault("OMP_NUM_THREADS", "1")

# (object path on the env, method) -> row in the report
TIMED = {
    ("observation_manager", "compute"): "observation",
    ("reward_manager", "compute"): "reward",
    ("event_manager", "apply"): "event",
    ("termination_manager", "compute"): "termination",
    ("command_manager", "compute"): "command",
    ("curriculum_manager", "compute"): "curriculum",
    ("action_manager", "process_action"): "action",
    ("action_manager", "apply_action"): "action",
    ("sim", "step"): "physics",
    ("scene", "update"): "scene update (sensors)",
}


GUARD_ROW = "  of which physics guard"  # nested in "termination": shown, not added up


def _timed(fn, row: str, totals: dict):
    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[row] += time.perf_counter() - t0

    return timed


class _TimedTerm:
    """A class-based manager term, timed; everything else (``reset``, counters) goes to the term."""

    def __init__(self, term, row: str, totals: dict):
        self.term, self.timed = term, _timed(term, row, totals)

    def __call__(self, *args, **kwargs):
        return self.timed(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.term, name)


def _wrap(obj, method: str, row: str, totals: dict) -> None:
    setattr(obj, method, _timed(getattr(obj, method), row, totals))


def run(task: str, num_envs: int, steps: int) -> dict:
    import torch

    from legged_robots.tasks import make_env

    t0 = time.perf_counter()
    env = make_env(task, num_envs=num_envs, device="cpu")
    build_s = time.perf_counter() - t0
    u = env.unwrapped
    gen = torch.Generator().manual_seed(0)

    def act():
        return 2.0 * torch.rand(num_envs, u.action_manager.total_action_dim, generator=gen) - 1.0

    try:
        env.reset()
        for _ in range(5):  # warm-up (first-call kernel launches)
            env.step(act())
        totals: dict[str, float] = defaultdict(float)
        for (path, method), row in TIMED.items():
            _wrap(getattr(u, path), method, row, totals)
        if "physics_blowup" in u.termination_manager.active_terms:
            guard = u.termination_manager.get_term_cfg("physics_blowup")
            guard.func = _TimedTerm(guard.func, GUARD_ROW, totals)
        resets = 0
        t0 = time.perf_counter()
        for _ in range(steps):
            _, _, terminated, truncated, _ = env.step(act())
            resets += int((terminated | truncated).sum())
        wall = time.perf_counter() - t0
    finally:
        env.close()
    return {"task": task, "build_s": build_s, "wall": wall, "steps": steps, "num_envs": num_envs,
            "resets": resets, "rows": dict(totals)}


def report(r: dict) -> None:
    per_step = r["wall"] / r["steps"]
    print(f"{r['task']}: {r['num_envs']} envs, {r['steps']} env-steps, {r['resets']} resets, "
          f"build {r['build_s']:.1f} s")
    print(f"  {r['num_envs'] * r['steps'] / r['wall']:.1f} env-steps/s, {per_step * 1e3:.1f} ms per env step")
    rows = sorted(((k, v) for k, v in r["rows"].items() if k != GUARD_ROW), key=lambda kv: -kv[1])
    rows += [("other (env glue)", r["wall"] - sum(v for _, v in rows))]
    if GUARD_ROW in r["rows"]:
        rows.insert(next(i for i, (k, _) in enumerate(rows) if k == "termination") + 1,
                    (GUARD_ROW, r["rows"][GUARD_ROW]))
    for name, total in rows:
        print(f"    {name:24s} {total / r['steps'] * 1e3:8.2f} ms/step  {100 * total / r['wall']:5.1f} %")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num_envs", type=int, default=16)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--tasks", nargs="+", default=["St-Velocity-Flat-Lus2", "St-Velocity-Rough-Lus2"])
    args = p.parse_args()
    import torch

    torch.set_num_threads(1)
    results = [run(t, args.num_envs, args.steps) for t in args.tasks]
    for r in results:
        report(r)
    if len(results) == 2:
        a, b = results
        rate = lambda r: r["num_envs"] * r["steps"] / r["wall"]
        print(f"ratio {b['task']} / {a['task']} env-steps/s: {rate(b) / rate(a):.2f}")


if __name__ == "__main__":
    main()
