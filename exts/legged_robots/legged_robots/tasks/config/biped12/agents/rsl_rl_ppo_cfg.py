"""Isaac Lab's rsl-rl config (``isaaclab train --rl_library rsl_rl``), made from the st_rl one."""

from legged_robots.tasks.utils.agent_cfgs import rsl_rl_runner_cfg

from . import st_rl_ppo_cfg as st


def Biped12FlatPPORunnerCfg():
    return rsl_rl_runner_cfg(st.Biped12FlatPPORunnerCfg())
