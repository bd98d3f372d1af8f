"""skrl PPO config (``./run.sh train biped12 --framework skrl``, ``isaaclab train --rl_library skrl``), made from
the st_rl one."""

from legged_robots.tasks.utils.agent_cfgs import skrl_ppo_cfg

from . import st_rl_ppo_cfg as st


def Biped12FlatPPORunnerCfg() -> dict:
    return skrl_ppo_cfg(st.Biped12FlatPPORunnerCfg())
