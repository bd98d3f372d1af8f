"""Find runs and checkpoints under ``logs/st_rl/<experiment>/<run>/model_<iteration>.pt``, and refuse bad ones
with a message that says what was expected and what was found."""

from __future__ import annotations

import re
from pathlib import Path

import torch

_MODEL = re.compile(r"model_(\d+)\.pt")


class CheckpointError(RuntimeError):
    """A run or checkpoint that is missing, unreadable or from another task."""


def list_runs(experiment_dir: Path) -> list[Path]:
    """Run directories, oldest first (names start with a sortable timestamp)."""
    if not experiment_dir.is_dir():
        return []
    return sorted(p for p in experiment_dir.iterdir() if p.is_dir())


def find_run(experiment_dir: Path, load_run: str | None = None) -> Path:
    """The newest run, or the one ``load_run`` names: its directory name, a regex matching the whole name, or
    else the newest run whose name contains it (``--run_name`` given at training, a date, ...)."""
    if load_run is not None and Path(load_run).is_dir():  # a run folder given by its path: anywhere
        return Path(load_run)
    runs = list_runs(experiment_dir)
    if not runs:
        raise CheckpointError(f"no runs in {experiment_dir}: train first (./run.sh train ...) or pass the "
                              "experiment that holds your run")
    if load_run is None:
        return runs[-1]
    matched = ([r for r in runs if r.name == load_run] or [r for r in runs if re.fullmatch(load_run, r.name)]
               or [r for r in runs if re.search(load_run, r.name)])
    if not matched:
        names = "\n  ".join(r.name for r in runs[-10:])
        raise CheckpointError(f"run {load_run!r} does not exist in {experiment_dir}; newest runs:\n  {names}")
    return matched[-1]


def find_checkpoint(run_dir: Path, checkpoint: str | int | None = None) -> Path:
    """The latest ``model_<n>.pt`` of a run, or the one named by file name, path or iteration number."""
    models = sorted((int(m.group(1)), p) for p in run_dir.glob("model_*.pt") if (m := _MODEL.fullmatch(p.name)))
    if checkpoint is None:
        if not models:
            raise CheckpointError(f"run {run_dir} has no checkpoint (model_<iteration>.pt)")
        return models[-1][1]
    if Path(str(checkpoint)).is_file():
        return Path(str(checkpoint))
    name = f"model_{checkpoint}.pt" if str(checkpoint).isdigit() else str(checkpoint)
    path = run_dir / name
    if not path.is_file():
        have = ", ".join(p.name for _, p in models[-10:]) or "none"
        raise CheckpointError(f"checkpoint {name} not found in {run_dir}; available: {have}")
    return path


def read_checkpoint(path: str | Path, map_location: str = "cpu") -> dict:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        checkpoint = torch.load(path, map_location=map_location, weights_only=False)
    except Exception as err:  # torch raises several types for truncated or foreign files
        raise CheckpointError(f"checkpoint {path} is unreadable ({type(err).__name__}: {err}); "
                              "it may be truncated or not a PyTorch file") from None
    missing = [k for k in ("actor_state_dict", "critic_state_dict", "iter") if k not in checkpoint]
    if not isinstance(checkpoint, dict) or missing:
        raise CheckpointError(f"checkpoint {path} is not an st_rl/rsl-rl checkpoint (missing {missing})")
    return checkpoint


def check_compatible(path: str | Path, checkpoint: dict, expected: dict) -> None:
    """Compare what the checkpoint was trained on (its ``infos``) with ``expected``: task, observation and
    action sizes. Keys absent on either side are not compared."""
    infos = checkpoint.get("infos") or {}
    diffs = [f"{k}: expected {expected[k]!r}, checkpoint has {infos[k]!r}"
             for k in ("num_actions", "obs_dims") if k in expected and k in infos and expected[k] != infos[k]]
    if diffs:
        trained_on = f" (trained on {infos['task']!r})" if "task" in infos else ""
        raise CheckpointError(f"checkpoint {path}{trained_on} does not fit task {expected.get('task')!r}:\n  "
                              + "\n  ".join(diffs))
