"""The lus2 task ids and their config entry points (``module:Class`` under this package).

Besides our st_rl agents, every task names Isaac Lab's own entry points, made from the st_rl numbers:
``rsl_rl_cfg_entry_point`` and ``skrl_cfg_entry_point`` (``isaaclab train --rl_library rsl_rl|skrl``; rsl_rl
is the ``default_agent`` there) -- the skrl one is also what ``./run.sh train <task> --framework skrl`` runs --
and, for AMP tasks, ``skrl_amp_cfg_entry_point`` (``--rl_library skrl --algorithm AMP``).
"""

from .amp_mimic_cfg import USING_21_JOINT

_AGENTS = "agents.st_rl_ppo_cfg"
DEFAULT_AGENT = "rsl_rl"  # Isaac Lab's CLI library when --rl_library is not given

# task id -> entry points (Isaac Lab's ``*_cfg_entry_point`` keys)
TASKS: dict[str, dict[str, str]] = {}


def _register(family: str, env_module: str, env: str, agent: str, extra: dict[str, str]) -> None:
    """``family`` and its ``-Play`` variant: the env config (``<env>`` / its Play twin) and every agent entry point."""
    for play in ("", "-Play"):
        TASKS[f"{family}{play}"] = {
            "env_cfg_entry_point": f"{env_module}:{env.replace('EnvCfg', 'PlayEnvCfg') if play else env}",
            "st_rl_cfg_entry_point": f"{_AGENTS}:{agent}",
            "rsl_rl_cfg_entry_point": f"agents.rsl_rl_ppo_cfg:{agent}",
            "skrl_cfg_entry_point": f"agents.skrl_ppo_cfg:{agent}",
            **extra,
        }


for _suffix, _variant in [("", ""), ("-21dof", "_21dof")]:
    for _terrain in ("Flat", "Rough"):
        _agent = f"Lus2{_variant}{_terrain}PPORunnerCfg"
        # each velocity agent config has an LSTM twin named <agent without "PPORunnerCfg">LSTMPPORunnerCfg
        _register(f"St-Velocity-{_terrain}-Lus2{_suffix}", f"{_terrain.lower()}_env_cfg",
                  f"Lus2{_variant}{_terrain}EnvCfg", _agent,
                  {"st_rl_lstm_cfg_entry_point": f"{_AGENTS}:{_agent.replace('PPORunnerCfg', 'LSTMPPORunnerCfg')}"})
    _agent = f"Lus2{_variant}AmpFlatPPORunnerCfg"
    _register(f"St-Amp-Flat-Lus2{_suffix}", "amp_env_cfg", f"Lus2{_variant}AmpFlatEnvCfg", _agent,
              {"skrl_amp_cfg_entry_point": f"agents.skrl_amp_cfg:{_agent}"})
    _register(f"St-Mimic-Flat-Lus2{_suffix}", "mimic_env_cfg", f"Lus2{_variant}MimicFlatEnvCfg",
              f"Lus2{_variant}MimicFlatPPORunnerCfg", {})

# a robot name picks its default task (``./run.sh train lus2``)
# (amp_mimic_cfg.USING_21_JOINT makes plain "lus2" the 21-joint robot)
ROBOT_DEFAULT_TASK: dict[str, str] = {
    "lus2": "St-Velocity-Flat-Lus2-21dof" if USING_21_JOINT else "St-Velocity-Flat-Lus2",
    "lus2_27dof": "St-Velocity-Flat-Lus2",
    "lus2_21dof": "St-Velocity-Flat-Lus2-21dof",
}
