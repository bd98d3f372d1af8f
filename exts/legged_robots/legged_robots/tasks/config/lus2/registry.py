"""The lus2 task ids and their config entry points (``module:Class`` under this package).

Besides our st_rl agents, every task names Isaac Lab's own entry points, made from the st_rl numbers:
``rsl_rl_cfg_entry_point`` and ``skrl_cfg_entry_point`` (``isaaclab train --rl_library rsl_rl|skrl``; rsl_rl
is the ``default_agent`` there) -- the skrl one is also what ``./run.sh train <task> --framework skrl`` runs.
"""

from .amp_mimic_cfg import USING_21_JOINT

_AGENTS = "agents.st_rl_ppo_cfg"
DEFAULT_AGENT = "rsl_rl"  # Isaac Lab's CLI library when --rl_library is not given

# task id -> entry points (Isaac Lab's ``*_cfg_entry_point`` keys)
TASKS: dict[str, dict[str, str]] = {}
for _terrain in ("Flat", "Rough"):
    for _suffix, _variant in [("", ""), ("-21dof", "_21dof")]:
        # each agent config has an LSTM twin named <agent without "PPORunnerCfg">LSTMPPORunnerCfg
        _env, _agent = f"Lus2{_variant}{_terrain}EnvCfg", f"Lus2{_variant}{_terrain}PPORunnerCfg"
        for _play in ("", "-Play"):
            TASKS[f"St-Velocity-{_terrain}-Lus2{_suffix}{_play}"] = {
                "env_cfg_entry_point": f"{_terrain.lower()}_env_cfg:{_env.replace('EnvCfg', 'PlayEnvCfg') if _play else _env}",
                "st_rl_cfg_entry_point": f"{_AGENTS}:{_agent}",
                "st_rl_lstm_cfg_entry_point": f"{_AGENTS}:{_agent.replace('PPORunnerCfg', 'LSTMPPORunnerCfg')}",
                "rsl_rl_cfg_entry_point": f"agents.rsl_rl_ppo_cfg:{_agent}",
                "skrl_cfg_entry_point": f"agents.skrl_ppo_cfg:{_agent}",
            }

# a robot name picks its default task (``./run.sh train lus2``)
# (amp_mimic_cfg.USING_21_JOINT makes plain "lus2" the 21-joint robot)
ROBOT_DEFAULT_TASK: dict[str, str] = {
    "lus2": "St-Velocity-Flat-Lus2-21dof" if USING_21_JOINT else "St-Velocity-Flat-Lus2",
    "lus2_27dof": "St-Velocity-Flat-Lus2",
    "lus2_21dof": "St-Velocity-Flat-Lus2-21dof",
}
