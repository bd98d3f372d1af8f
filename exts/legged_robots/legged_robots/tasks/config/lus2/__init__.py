"""lus2 tasks. Ids: ``St-Velocity-{Flat,Rough}-Lus2`` (27 joints) and ``...-Lus2-21dof``, each with a
``-Play`` variant (few envs, no observation noise, no disturbances)."""

import gymnasium as gym

from .registry import DEFAULT_AGENT, TASKS

for task_id, entry_points in TASKS.items():
    gym.register(
        id=task_id,
        entry_point="legged_robots.tasks.env:StManagerBasedRLEnv",
        disable_env_checker=True,
        kwargs={**{key: f"{__name__}.{target}" for key, target in entry_points.items()},
                "default_agent": DEFAULT_AGENT},
    )
