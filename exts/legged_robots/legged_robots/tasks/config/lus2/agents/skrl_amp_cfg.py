"""skrl AMP configs (``skrl_amp_cfg_entry_point``: ``isaaclab train --rl_library skrl --algorithm AMP``), one per st_rl
AMP config in ``st_rl_ppo_cfg.py`` under the same name, made from it (``tasks/utils/agent_cfgs.py``)."""

from legged_robots.assets.lus2 import description as _d
from legged_robots.tasks.utils.agent_cfgs import skrl_amp_cfg

from . import st_rl_ppo_cfg as _st


def _entry(st_cfg_class):
    def make() -> dict:
        return skrl_amp_cfg(st_cfg_class(), step_dt=_d.PHYSICS_DT * _d.POLICY_DECIMATION)

    make.__name__ = make.__qualname__ = st_cfg_class.__name__
    return make


for _name in dir(_st):
    if _name.endswith("AmpFlatPPORunnerCfg"):
        globals()[_name] = _entry(getattr(_st, _name))
