"""skrl AMP configs (``skrl_amp_cfg_entry_point``: ``isaaclab train --rl_library skrl --algorithm AMP``), one per st_rl
AMP config in ``st_rl_ppo_cfg.py`` under the same name, made from it (``tasks/utils/agent_cfgs.py``)."""

from legged_robots.assets.lus2 import description as d
from legged_robots.tasks.utils.agent_cfgs import skrl_amp_cfg

from . import st_rl_ppo_cfg as st

STEP_DT = d.PHYSICS_DT * d.POLICY_DECIMATION


def Lus2AmpFlatPPORunnerCfg() -> dict:
    return skrl_amp_cfg(st.Lus2AmpFlatPPORunnerCfg(), step_dt=STEP_DT)


def Lus2_21dofAmpFlatPPORunnerCfg() -> dict:
    return skrl_amp_cfg(st.Lus2_21dofAmpFlatPPORunnerCfg(), step_dt=STEP_DT)
