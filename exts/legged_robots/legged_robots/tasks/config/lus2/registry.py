"""The lus2 task ids and their config entry points (``module:Class`` under this package)."""

_AGENTS = "agents.st_rl_ppo_cfg"

# task id -> entry points (Isaac Lab's ``*_cfg_entry_point`` keys)
TASKS: dict[str, dict[str, str]] = {}
for _suffix, _env, _agent in [
    ("", "Lus2FlatEnvCfg", "Lus2FlatPPORunnerCfg"),
    ("-21dof", "Lus2_21dofFlatEnvCfg", "Lus2_21dofFlatPPORunnerCfg"),
]:  # each agent config has an LSTM twin named <agent without "PPORunnerCfg">LSTMPPORunnerCfg
    for _play in ("", "-Play"):
        TASKS[f"St-Velocity-Flat-Lus2{_suffix}{_play}"] = {
            "env_cfg_entry_point": f"flat_env_cfg:{_env.replace('EnvCfg', 'PlayEnvCfg') if _play else _env}",
            "st_rl_cfg_entry_point": f"{_AGENTS}:{_agent}",
            "st_rl_lstm_cfg_entry_point": f"{_AGENTS}:{_agent.replace('PPORunnerCfg', 'LSTMPPORunnerCfg')}",
        }

# a robot name picks its default task (``./run.sh train lus2``)
ROBOT_DEFAULT_TASK: dict[str, str] = {
    "lus2": "St-Velocity-Flat-Lus2",
    "lus2_21dof": "St-Velocity-Flat-Lus2-21dof",
}
