"""lus2 tasks, each registered here by its literal id: ``St-Velocity-{Flat,Rough}-Lus2`` (27 joints),
``St-Amp-Flat-Lus2``, ``St-Mimic-Flat-Lus2`` and their ``-21dof`` twins, each with a ``-Play`` variant (few envs,
no observation noise, no disturbances).

Besides our st_rl agents (``st_rl_cfg_entry_point``; ``st_rl_lstm_cfg_entry_point`` for a recurrent twin), every
task names Isaac Lab's own entry points, made from the st_rl numbers: ``rsl_rl_cfg_entry_point`` and
``skrl_cfg_entry_point`` (``isaaclab train --rl_library rsl_rl|skrl``; rsl_rl is the ``default_agent`` there; the
skrl one is also what ``./run.sh train <task> --framework skrl`` runs) and, for AMP, ``skrl_amp_cfg_entry_point``
(``--rl_library skrl --algorithm AMP``).
"""

import gymnasium as gym

ENV = "legged_robots.tasks.env:StManagerBasedRLEnv"
DEFAULT_AGENT = "rsl_rl"  # Isaac Lab's CLI library when --rl_library is not given

# -- St-Velocity-Flat-Lus2
gym.register(
    id="St-Velocity-Flat-Lus2",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.flat_env_cfg:Lus2FlatEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2FlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2FlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2FlatPPORunnerCfg",
        "st_rl_lstm_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2FlatLSTMPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)
gym.register(
    id="St-Velocity-Flat-Lus2-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.flat_env_cfg:Lus2FlatPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2FlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2FlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2FlatPPORunnerCfg",
        "st_rl_lstm_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2FlatLSTMPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)

# -- St-Velocity-Rough-Lus2
gym.register(
    id="St-Velocity-Rough-Lus2",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.rough_env_cfg:Lus2RoughEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2RoughPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2RoughPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2RoughPPORunnerCfg",
        "st_rl_lstm_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2RoughLSTMPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)
gym.register(
    id="St-Velocity-Rough-Lus2-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.rough_env_cfg:Lus2RoughPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2RoughPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2RoughPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2RoughPPORunnerCfg",
        "st_rl_lstm_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2RoughLSTMPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)

# -- St-Amp-Flat-Lus2
gym.register(
    id="St-Amp-Flat-Lus2",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.amp_env_cfg:Lus2AmpFlatEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2AmpFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2AmpFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2AmpFlatPPORunnerCfg",
        "skrl_amp_cfg_entry_point": f"{__name__}.agents.skrl_amp_cfg:Lus2AmpFlatPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)
gym.register(
    id="St-Amp-Flat-Lus2-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.amp_env_cfg:Lus2AmpFlatPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2AmpFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2AmpFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2AmpFlatPPORunnerCfg",
        "skrl_amp_cfg_entry_point": f"{__name__}.agents.skrl_amp_cfg:Lus2AmpFlatPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)

# -- St-Mimic-Flat-Lus2
gym.register(
    id="St-Mimic-Flat-Lus2",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.mimic_env_cfg:Lus2MimicFlatEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2MimicFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2MimicFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2MimicFlatPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)
gym.register(
    id="St-Mimic-Flat-Lus2-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.mimic_env_cfg:Lus2MimicFlatPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2MimicFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2MimicFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2MimicFlatPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)

# -- St-Velocity-Flat-Lus2-21dof
gym.register(
    id="St-Velocity-Flat-Lus2-21dof",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.flat_env_cfg:Lus2_21dofFlatEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2_21dofFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2_21dofFlatPPORunnerCfg",
        "st_rl_lstm_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofFlatLSTMPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)
gym.register(
    id="St-Velocity-Flat-Lus2-21dof-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.flat_env_cfg:Lus2_21dofFlatPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2_21dofFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2_21dofFlatPPORunnerCfg",
        "st_rl_lstm_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofFlatLSTMPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)

# -- St-Velocity-Rough-Lus2-21dof
gym.register(
    id="St-Velocity-Rough-Lus2-21dof",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.rough_env_cfg:Lus2_21dofRoughEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofRoughPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2_21dofRoughPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2_21dofRoughPPORunnerCfg",
        "st_rl_lstm_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofRoughLSTMPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)
gym.register(
    id="St-Velocity-Rough-Lus2-21dof-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.rough_env_cfg:Lus2_21dofRoughPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofRoughPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2_21dofRoughPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2_21dofRoughPPORunnerCfg",
        "st_rl_lstm_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofRoughLSTMPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)

# -- St-Amp-Flat-Lus2-21dof
gym.register(
    id="St-Amp-Flat-Lus2-21dof",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.amp_env_cfg:Lus2_21dofAmpFlatEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofAmpFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2_21dofAmpFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2_21dofAmpFlatPPORunnerCfg",
        "skrl_amp_cfg_entry_point": f"{__name__}.agents.skrl_amp_cfg:Lus2_21dofAmpFlatPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)
gym.register(
    id="St-Amp-Flat-Lus2-21dof-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.amp_env_cfg:Lus2_21dofAmpFlatPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofAmpFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2_21dofAmpFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2_21dofAmpFlatPPORunnerCfg",
        "skrl_amp_cfg_entry_point": f"{__name__}.agents.skrl_amp_cfg:Lus2_21dofAmpFlatPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)

# -- St-Mimic-Flat-Lus2-21dof
gym.register(
    id="St-Mimic-Flat-Lus2-21dof",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.mimic_env_cfg:Lus2_21dofMimicFlatEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofMimicFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2_21dofMimicFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2_21dofMimicFlatPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)
gym.register(
    id="St-Mimic-Flat-Lus2-21dof-Play",
    entry_point=ENV,
    disable_env_checker=True,
    kwargs={
        "env_cfg_entry_point": f"{__name__}.mimic_env_cfg:Lus2_21dofMimicFlatPlayEnvCfg",
        "st_rl_cfg_entry_point": f"{__name__}.agents.st_rl_ppo_cfg:Lus2_21dofMimicFlatPPORunnerCfg",
        "rsl_rl_cfg_entry_point": f"{__name__}.agents.rsl_rl_ppo_cfg:Lus2_21dofMimicFlatPPORunnerCfg",
        "skrl_cfg_entry_point": f"{__name__}.agents.skrl_ppo_cfg:Lus2_21dofMimicFlatPPORunnerCfg",
        "default_agent": DEFAULT_AGENT,
    },
)

# a robot name picks its default task (``./run.sh train lus2``); amp_mimic_cfg.USING_21_JOINT makes plain "lus2"
# the 21-joint robot
from .amp_mimic_cfg import USING_21_JOINT  # noqa: E402

ROBOT_DEFAULT_TASK: dict[str, str] = {
    "lus2": "St-Velocity-Flat-Lus2-21dof" if USING_21_JOINT else "St-Velocity-Flat-Lus2",
    "lus2_27dof": "St-Velocity-Flat-Lus2",
    "lus2_21dof": "St-Velocity-Flat-Lus2-21dof",
}
