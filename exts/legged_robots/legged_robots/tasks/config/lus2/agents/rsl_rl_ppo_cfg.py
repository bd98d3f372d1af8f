"""Isaac Lab's rsl-rl configs (``rsl_rl_cfg_entry_point``: ``isaaclab train --rl_library rsl_rl``), one per st_rl
config in ``st_rl_ppo_cfg.py`` under the same name, made from it: the numbers live there only."""

from legged_robots.tasks.utils.agent_cfgs import rsl_rl_runner_cfg

from . import st_rl_ppo_cfg as st


def Lus2FlatPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2FlatPPORunnerCfg())


def Lus2FlatLSTMPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2FlatLSTMPPORunnerCfg())


def Lus2_21dofFlatPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2_21dofFlatPPORunnerCfg())


def Lus2_21dofFlatLSTMPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2_21dofFlatLSTMPPORunnerCfg())


def Lus2RoughPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2RoughPPORunnerCfg())


def Lus2RoughLSTMPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2RoughLSTMPPORunnerCfg())


def Lus2_21dofRoughPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2_21dofRoughPPORunnerCfg())


def Lus2_21dofRoughLSTMPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2_21dofRoughLSTMPPORunnerCfg())


def Lus2AmpFlatPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2AmpFlatPPORunnerCfg())


def Lus2_21dofAmpFlatPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2_21dofAmpFlatPPORunnerCfg())


def Lus2MimicFlatPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2MimicFlatPPORunnerCfg())


def Lus2_21dofMimicFlatPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Lus2_21dofMimicFlatPPORunnerCfg())
