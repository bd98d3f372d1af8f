"""skrl PPO configs (``skrl_cfg_entry_point``: ``./run.sh train <task> --framework skrl`` and ``isaaclab train
--rl_library skrl``), one per MLP st_rl config in ``st_rl_ppo_cfg.py`` under the same name, made from it (design
names mapped to skrl's, see ``tasks/utils/agent_cfgs.py``): the numbers live there only."""

from legged_robots.tasks.utils.agent_cfgs import skrl_ppo_cfg

from . import st_rl_ppo_cfg as st


def Lus2FlatPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Lus2FlatPPORunnerCfg())


def Lus2_21dofFlatPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Lus2_21dofFlatPPORunnerCfg())


def Lus2RoughPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Lus2RoughPPORunnerCfg())


def Lus2_21dofRoughPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Lus2_21dofRoughPPORunnerCfg())


def Lus2AmpFlatPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Lus2AmpFlatPPORunnerCfg())


def Lus2_21dofAmpFlatPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Lus2_21dofAmpFlatPPORunnerCfg())


def Lus2MimicFlatPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Lus2MimicFlatPPORunnerCfg())


def Lus2_21dofMimicFlatPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Lus2_21dofMimicFlatPPORunnerCfg())
