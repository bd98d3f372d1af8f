"""Isaac Lab's rsl-rl configs (``rsl_rl_cfg_entry_point``: ``isaaclab train --rl_library rsl_rl``), one per st_rl
config in ``st_rl_ppo_cfg.py`` under the same name, made from it: the numbers live there only."""

from legged_robots.tasks.utils.agent_cfgs import rsl_rl_runner_cfg

from . import st_rl_ppo_cfg as _st


def _entry(st_cfg_class):
    def make():
        return rsl_rl_runner_cfg(st_cfg_class())

    make.__name__ = make.__qualname__ = st_cfg_class.__name__
    return make


for _name in dir(_st):
    if _name.endswith("RunnerCfg") and _name != "RunnerCfg":
        globals()[_name] = _entry(getattr(_st, _name))
