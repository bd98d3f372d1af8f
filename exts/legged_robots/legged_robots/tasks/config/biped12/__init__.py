"""biped12 tasks (``assets/biped12``: our 12-joint biped), each registered here by its literal id:
``St-Velocity-Flat-Biped12`` and its ``-Play`` variant. st_rl (``./run.sh train biped12``), Isaac Lab's rsl-rl and
skrl (``isaaclab train --rl_library rsl_rl|skrl``) agents."""

import gymnasium as gym

ENV = "legged_robots.tasks.env:StManagerBasedRLEnv"

gym.register(
    id="St-Velocity-Flat-Biped12",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.flat_env_cfg:Biped12FlatEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Biped12FlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Biped12FlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Biped12FlatPPORunnerCfg",
        "default_agent": "rsl_rl",
    },
)
gym.register(
    id="St-Velocity-Flat-Biped12-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.flat_env_cfg:Biped12FlatPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Biped12FlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Biped12FlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Biped12FlatPPORunnerCfg",
        "default_agent": "rsl_rl",
    },
)

ROBOT_DEFAULT_TASK: dict[str, str] = {"biped12": "St-Velocity-Flat-Biped12"}
