"""The lus2 task ids and their env config entry points (``module:Class`` under this package)."""

TASKS: dict[str, str] = {
    "St-Velocity-Flat-Lus2": "flat_env_cfg:Lus2FlatEnvCfg",
    "St-Velocity-Flat-Lus2-Play": "flat_env_cfg:Lus2FlatPlayEnvCfg",
    "St-Velocity-Flat-Lus2-21dof": "flat_env_cfg:Lus2_21dofFlatEnvCfg",
    "St-Velocity-Flat-Lus2-21dof-Play": "flat_env_cfg:Lus2_21dofFlatPlayEnvCfg",
}

# a robot name picks its default task (``./run.sh train lus2``)
ROBOT_DEFAULT_TASK: dict[str, str] = {
    "lus2": "St-Velocity-Flat-Lus2",
    "lus2_21dof": "St-Velocity-Flat-Lus2-21dof",
}
