"""skrl PPO configs (``skrl_cfg_entry_point``: ``./run.sh train <task> --framework skrl`` and ``isaaclab train
--rl_library skrl``), one per MLP st_rl config in ``st_rl_ppo_cfg.py`` under the same name, made from it (design
names mapped to skrl's, see ``tasks/utils/agent_cfgs.py``): the numbers live there only."""

from legged_robots.tasks.utils.agent_cfgs import skrl_ppo_cfg

from . import st_rl_ppo_cfg as _st


def _entry(st_cfg_class):
    def make() -> dict:
        return skrl_ppo_cfg(st_cfg_class())

    make.__name__ = make.__qualname__ = st_cfg_class.__name__
    return make


for _name in dir(_st):
    if _name.endswith("PPORunnerCfg") and "LSTM" not in _name:
        globals()[_name] = _entry(getattr(_st, _name))
