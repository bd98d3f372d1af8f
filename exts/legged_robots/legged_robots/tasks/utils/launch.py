"""What train.py and play.py share: pick the device, load and override the configs, build the env for rsl-rl."""

from __future__ import annotations

import importlib
from pathlib import Path


def log_root(framework: str = "st_rl") -> Path:
    """``logs/<framework>``: runs live in ``logs/<framework>/<experiment>/<timestamp>[_<run_name>]/``."""
    return Path("logs") / framework


LOG_ROOT = log_root("st_rl")
CPU_NUM_ENVS = 512  # CPU default: every lus2 run here that learned to balance had 512 (docs/results.md)


def resolve_device(requested: str | None) -> str:
    """``cuda:0`` when a GPU is present and nothing was asked for, else ``cpu``; ``cuda`` means ``cuda:0``."""
    import torch

    device = requested or ("cuda:0" if torch.cuda.is_available() else "cpu")
    device = "cuda:0" if device == "cuda" else device
    if device.startswith("cuda") and not torch.cuda.is_available():
        from .errors import UsageError

        raise UsageError(f"--device {device}: no CUDA device is available here; use --device cpu")
    return device


def load_agent_cfg(task_id: str, agent: str = "st_rl"):
    """The task's st_rl runner config (``<agent>_cfg_entry_point`` in its gym registration)."""
    import gymnasium as gym

    key = f"{agent}_cfg_entry_point"
    kwargs = gym.spec(task_id).kwargs
    if key not in kwargs:
        have = sorted(k.removesuffix("_cfg_entry_point") for k in kwargs if k.endswith("_cfg_entry_point"))
        from legged_robots.tasks import UnknownTaskError

        raise UnknownTaskError(f"task {task_id} has no agent config {agent!r}; it has: {', '.join(have)}")
    module, cls = kwargs[key].split(":")
    return getattr(importlib.import_module(module), cls)()


def load_cfgs(task: str, overrides: list[str], play: bool = False, agent: str = "st_rl", config: dict | None = None):
    """(task id, env cfg, agent cfg) with presets resolved, a ``--config`` file's values (``config_files``) and
    then the ``env.*`` / ``agent.*`` command-line overrides applied.

    ``play`` picks the task's ``-Play`` variant when it has one.
    """
    from legged_robots.tasks import TASKS, load_env_cfg, resolve_task

    from .config_files import apply_config
    from .overrides import apply_overrides

    task_id = resolve_task(task)
    if play and not task_id.endswith("-Play") and f"{task_id}-Play" in TASKS:
        task_id = f"{task_id}-Play"
    config = config or {}
    agent_cfg = load_agent_cfg(task_id, agent)
    apply_config({"agent": agent_cfg}, {"agent": config.get("agent")})
    env_overrides = apply_overrides({"agent": agent_cfg}, overrides)  # returns the ones that are not agent.*
    if config.get("physics"):
        env_overrides = [f"physics={config['physics']}", *env_overrides]  # the command line's comes later, wins
    env_cfg = load_env_cfg(task_id, env_overrides, config=config.get("env"))
    return task_id, env_cfg, agent_cfg


def preset_overrides(overrides: list[str]) -> list[str]:
    """The ``presets=...`` overrides among ``overrides`` (Isaac Lab's preset selection: ``presets=real_actuators``)."""
    return [o for o in overrides if o.split("=", 1)[0] == "presets"]


def with_run_presets(overrides: list[str], checkpoint, what: str) -> list[str]:
    """``overrides`` plus the ``presets=...`` a checkpoint's run was trained with (its ``params/presets.txt``), when
    the command line names none: a policy plays and exports with the robot model it learned on (e.g. the
    real-actuator model), not the default one. Says so when it adds them."""
    from pathlib import Path

    path = Path(checkpoint).parent / "params" / "presets.txt"
    if preset_overrides(overrides) or not path.is_file():
        return list(overrides)
    trained = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if trained:
        print(f"[{what}] the run was trained with {' '.join(trained)}: applying them (pass presets=... to choose)",
              flush=True)
    return [*trained, *overrides]


def make_vec_env(task_id: str, env_cfg, clip_actions: float | None = None):
    """The gym env wrapped for rsl-rl (Isaac Lab's ``RslRlVecEnvWrapper``)."""
    import gymnasium as gym
    from isaaclab_rl.rsl_rl import RslRlVecEnvWrapper

    from legged_robots.physics import resolve_physics

    resolve_physics(env_cfg)  # before gym.make: a preset that cannot run is a plain error, not gym's wrapped one
    return RslRlVecEnvWrapper(gym.make(task_id, cfg=env_cfg), clip_actions=clip_actions)


def make_skrl_env(task_id: str, env_cfg):
    """The gym env wrapped for skrl (Isaac Lab's ``SkrlVecEnvWrapper``), built as ``make_vec_env`` builds it."""
    import gymnasium as gym
    from isaaclab_rl.skrl import SkrlVecEnvWrapper

    from legged_robots.physics import resolve_physics

    resolve_physics(env_cfg)
    return SkrlVecEnvWrapper(gym.make(task_id, cfg=env_cfg), ml_framework="torch")


def checkpoint_infos(vec_env, task_id: str) -> dict:
    """What a checkpoint records about the env it was trained on, to refuse a mismatched load later."""
    obs = vec_env.get_observations()
    return {"task": task_id, "num_actions": int(vec_env.num_actions),
            "obs_dims": {k: int(v.shape[-1]) for k, v in obs.items()}}
