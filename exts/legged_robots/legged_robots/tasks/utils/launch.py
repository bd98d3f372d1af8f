"""The one way in: a task id (or robot name) to its configs with overrides and presets applied, and to a built
env. Every script, benchmark and test builds its env here (``make_env``, ``make_vec_env``, ``make_skrl_env``, all
through ``build_env``), so the physics preset is resolved and checked in one place.

Isaac Lab and torch are imported inside the functions that need them: ``--help`` and a bad command line answer
before they load (seconds); gymnasium and the task registrations are light.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import gymnasium as gym

from ..config import ROBOT_DEFAULT_TASK  # importing it registers every robot's tasks
from .errors import UsageError

ENV = "legged_robots.tasks.env:StManagerBasedRLEnv"  # every task's env class
# task id -> its entry points (``env_cfg_entry_point``, ``st_rl_cfg_entry_point``, ...), as registered
TASKS: dict[str, dict[str, str]] = {task_id: {k: v for k, v in spec.kwargs.items() if k.endswith("_entry_point")}
                                    for task_id, spec in gym.registry.items() if spec.entry_point == ENV}


class UnknownTaskError(UsageError):
    """A task id or robot name that is not registered (or an agent config a task does not have)."""


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
    raise UnknownTaskError(f"unknown task or robot {name!r}.{hint}\n  robots: {', '.join(sorted(ROBOT_DEFAULT_TASK))}"
                           f"\n  tasks:  {', '.join(sorted(TASKS))}")


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
    key = f"{agent}_cfg_entry_point"
    kwargs = gym.spec(task_id).kwargs
    if key not in kwargs:
        have = sorted(k.removesuffix("_cfg_entry_point") for k in kwargs if k.endswith("_cfg_entry_point"))
        raise UnknownTaskError(f"task {task_id} has no agent config {agent!r}; it has: {', '.join(have)}")
    module, cls = kwargs[key].split(":")
    return getattr(importlib.import_module(module), cls)()


def load_cfgs(task: str, overrides: list[str], play: bool = False, agent: str = "st_rl", config: dict | None = None):
    """(task id, env cfg, agent cfg) with presets resolved, a ``--config`` file's values (``config_files``) and
    then the ``env.*`` / ``agent.*`` command-line overrides applied.

    ``play`` picks the task's ``-Play`` variant when it has one.
    """
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


def load_env_cfg(task: str, overrides: list[str] | tuple[str, ...] = (), play: bool = False,
                 config: dict | None = None):
    """The task's env config with Isaac Lab's presets resolved (``physics=physx``), a config file's ``env`` tree
    (``config``, see ``utils/config_files.py``) and then ``env.a.b=value`` overrides applied (checked: an unknown
    key names the closest valid ones; a value of the wrong type, or a range with min > max, names the field)."""
    from isaaclab_tasks.utils.hydra import resolve_task_config

    from .cfg_checks import check_env_cfg
    from .config_files import apply_config
    from .overrides import apply_overrides, override_root

    presets = [o for o in overrides if override_root(o) != "env"]
    env_cfg, _ = resolve_task_config(resolve_task(task), None, play_mode=play, overrides=presets)
    if config:
        apply_config({"env": env_cfg}, {"env": config})
    apply_overrides({"env": env_cfg}, [o for o in overrides if override_root(o) == "env"])
    check_env_cfg(env_cfg)
    return env_cfg


def build_env(task_id: str, env_cfg):
    """The gym env of a loaded config: the physics preset resolved for the device first, so one that cannot run
    is a plain error, not gym's wrapped one."""
    from legged_robots.physics import resolve_physics

    resolve_physics(env_cfg)
    return gym.make(task_id, cfg=env_cfg)


def make_env(task: str, num_envs: int | None = None, device: str = "cpu", seed: int = 0, edit=None,
             overrides: list[str] | tuple[str, ...] = ()):
    """Build a task's gym env: ``make_env("lus2", num_envs=16)``. ``overrides`` as on the command line
    (``physics=newton_mjwarp``, ``env.x.y=v``); ``edit(env_cfg)`` may change the config before the build."""
    task = resolve_task(task)
    env_cfg = load_env_cfg(task, overrides)
    if num_envs is not None:
        env_cfg.scene.num_envs = num_envs
    env_cfg.sim.device = device
    env_cfg.seed = seed
    if edit is not None:
        edit(env_cfg)
    return build_env(task, env_cfg)


def make_vec_env(task_id: str, env_cfg, clip_actions: float | None = None):
    """The env wrapped for rsl-rl (Isaac Lab's ``RslRlVecEnvWrapper``)."""
    from isaaclab_rl.rsl_rl import RslRlVecEnvWrapper

    return RslRlVecEnvWrapper(build_env(task_id, env_cfg), clip_actions=clip_actions)


def make_skrl_env(task_id: str, env_cfg):
    """The env wrapped for skrl (Isaac Lab's ``SkrlVecEnvWrapper``)."""
    from isaaclab_rl.skrl import SkrlVecEnvWrapper

    return SkrlVecEnvWrapper(build_env(task_id, env_cfg), ml_framework="torch")


def checkpoint_infos(vec_env, task_id: str) -> dict:
    """What a checkpoint records about the env it was trained on, to refuse a mismatched load later."""
    obs = vec_env.get_observations()
    return {"task": task_id, "num_actions": int(vec_env.num_actions),
            "obs_dims": {k: int(v.shape[-1]) for k, v in obs.items()}}
