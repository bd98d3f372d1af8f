"""The contract an exported policy carries: everything a robot or another simulator needs to run it.

Read from the live env (not from configs) so it states what the policy was actually trained with: joints
in policy order, default positions, action scale/offset, per-joint gains and limits, the observation
layout, timing and command ranges. Every consumer (sim2mujoco, the ROS 2 bridge) reads this; none of them
re-derives joint order or gains.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import torch

from st_runtime.metadata import SCHEMA_VERSION as FORMAT_VERSION  # noqa: E402 - the contract's version


def _t(x) -> torch.Tensor:
    """Isaac Lab 3 returns proxy arrays from asset data; give a tensor."""
    return x.torch if hasattr(x, "torch") else torch.as_tensor(x)


def _floats(x) -> list[float]:
    return [round(float(v), 9) for v in _t(x).flatten().tolist()]


def _per_env(value):
    """An action term's scale/offset: a float, or a (num_envs, num_joints) tensor of which env 0 is kept."""
    value = _t(value)
    return float(value) if value.dim() == 0 else _floats(value[0])


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, torch.Tensor):
        return value.tolist()
    return value


def _plain_param(v) -> bool:
    """A parameter the metadata can carry: a scalar, a string, or a list/tuple of numbers (a range)."""
    if isinstance(v, (int, float, str, bool)):
        return True
    return isinstance(v, (list, tuple)) and all(isinstance(x, (int, float)) for x in v)


def _defaults(func) -> dict:
    """Scalar keyword defaults of an observation function (e.g. height_scan's offset=0.5)."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in params
            if p.default is not inspect.Parameter.empty and isinstance(p.default, (int, float, str, bool))}


def _ray_caster(sensor) -> dict:
    """Where a height scanner's rays start and point, in the frame of the body it is attached to."""
    return {
        "body": sensor.cfg.prim_path.rsplit("/", 1)[-1],
        "ray_starts": _t(sensor.ray_starts)[0].tolist(),  # includes the sensor's offset (e.g. 20 m up)
        "ray_directions": _t(sensor.ray_directions)[0].tolist(),
        "ray_alignment": sensor.cfg.ray_alignment,
        "max_distance": float(sensor.cfg.max_distance),
    }


def _reference(u) -> dict:
    """For a policy that follows reference clips (mimic): what a deployment must serve it, frame by frame."""
    if "expressive_goal_commands" not in u.command_manager.active_terms:
        return {}
    from refmotion_manager.loading import expand_files

    motion = u.command_manager.get_term("expressive_goal_commands").motion
    cfg = motion.cfg
    files = expand_files(cfg.motion_files)  # the files the clips came from (globs resolved)
    return {"reference": {
        "command": "expressive_goal_commands",
        "goal_fields": list(motion.groups["expressive_goal"]),  # the command's columns, in order
        "init_state_fields": list(motion.groups.get("init_state", ())),
        "clips": list(motion.clip_names),
        "motion_files": [Path(f).name for f in files],
        "frame_time": float(motion.dt),
        "robot": Path(cfg.robot_mjcf).stem if cfg.robot_mjcf else None,
        # retargeted clips: source file, skeleton map, scale and licence of each (motion retarget writes them)
        **({"provenance": motion.provenance} if getattr(motion, "provenance", None) else {}),
    }}


def _actuators(robot, names: list[str]) -> dict:
    """The explicit actuator model the robot was trained with (``st_runtime.metadata.ActuatorModel``), or nothing
    for ideal (implicit) PD. Every group must use the same model: a policy's motors are judged as one."""
    from legged_robots.assets.actuators import DelayedDCMotor

    groups = list(robot.actuators.values())
    if not any(isinstance(a, DelayedDCMotor) for a in groups):
        return {}
    if not all(isinstance(a, DelayedDCMotor) for a in groups):
        raise ValueError("some actuator groups are DelayedDCMotor, some are not: one model per robot")
    sat, vmax, kp, kd = {}, {}, {}, {}
    for a in groups:
        ids = a.joint_indices if not isinstance(a.joint_indices, slice) else range(robot.num_joints)
        for col, j in enumerate(ids):
            name = robot.joint_names[int(j)]
            sat[name] = float(a._saturation_effort[0, col])
            vmax[name] = float(a.actuator_velocity_limit[0, col])
            kp[name], kd[name] = float(a.stiffness[0, col]), float(a.damping[0, col])
    delays = {(a.cfg.min_delay, a.cfg.max_delay) for a in groups}
    strengths = {tuple(a.cfg.strength_range) for a in groups}
    if len(delays) > 1 or len(strengths) > 1:
        raise ValueError(f"actuator groups differ in delay {delays} or strength {strengths}: one model per robot")
    # the solver's joint gains are zero with explicit actuators: the PD gains are the actuators'
    return {"stiffness": [round(kp[n], 9) for n in names], "damping": [round(kd[n], 9) for n in names],
            "actuators": {"model": "delayed_dc_motor", "delay_steps": list(delays.pop()),
                          "strength_range": list(strengths.pop()), "saturation_effort": [sat[n] for n in names],
                          "velocity_limit": [vmax[n] for n in names]}}


def feet_sensor(u):
    """(contact sensor, body ids, body names) of the feet: the bodies the ``feet_air_time`` reward watches; None
    for a task without that reward."""
    if "feet_air_time" not in u.reward_manager.active_terms:
        return None
    cfg = u.reward_manager.get_term_cfg("feet_air_time").params.get("sensor_cfg")
    if cfg is None:
        return None
    sensor = u.scene.sensors[cfg.name]
    names = list(sensor.body_names)
    return sensor, cfg.body_ids, names[cfg.body_ids] if isinstance(cfg.body_ids, slice) else [names[i] for i in
                                                                                              cfg.body_ids]


def _feet(u) -> dict:
    """The feet's names, for gait figures on the robot side."""
    feet = feet_sensor(u)
    return {"feet": feet[2]} if feet else {}


def policy_metadata(env, task: str, group: str = "policy") -> dict:
    u = env.unwrapped
    robot = u.scene["robot"]
    action = u.action_manager.get_term("joint_pos")
    names = list(action._joint_names)
    ids = [robot.joint_names.index(n) for n in names]

    def per_joint(data) -> list[float]:
        return _floats(_t(data)[0, ids])

    obs_manager = u.observation_manager
    group_cfg = getattr(u.cfg.observations, group)
    terms = []
    for name, dims, cfg in zip(obs_manager.active_terms[group], obs_manager.group_obs_term_dim[group],
                               obs_manager._group_obs_term_cfgs[group]):
        history = int(getattr(cfg, "history_length", 0) or 0)
        term = {
            "name": name,
            "dim": int(torch.tensor(dims).prod()) // max(history, 1),  # one frame (the manager's dims hold them all)
            "func": f"{cfg.func.__module__}.{cfg.func.__name__}" if callable(cfg.func) else str(cfg.func),
            "params": {**_defaults(cfg.func), **{k: (list(v) if isinstance(v, tuple) else v)
                                                  for k, v in (cfg.params or {}).items() if _plain_param(v)}},
            "scale": _plain(cfg.scale),
            "clip": _plain(cfg.clip),
            "history_length": history,
        }
        if "sensor_cfg" in (cfg.params or {}) and hasattr(u.scene.sensors[cfg.params["sensor_cfg"].name], "ray_starts"):
            term["ray_caster"] = _ray_caster(u.scene.sensors[cfg.params["sensor_cfg"].name])
        terms.append(term)
    terminations = {}  # what ended a training episode: the bridge treats the same states as unsafe
    term_manager = u.termination_manager
    for name in term_manager.active_terms:
        cfg = term_manager.get_term_cfg(name)
        terminations[name] = {
            "func": f"{cfg.func.__module__}.{getattr(cfg.func, '__name__', type(cfg.func).__name__)}",
            "params": {k: v for k, v in (cfg.params or {}).items() if isinstance(v, (int, float, str, bool))},
            "time_out": bool(cfg.time_out),
        }
        threshold = getattr(cfg.func, "threshold", None)  # an adaptive threshold: the value it had reached
        if isinstance(threshold, float):
            terminations[name]["threshold"] = threshold
        asset_cfg = (cfg.params or {}).get("asset_cfg")
        if asset_cfg is not None and not isinstance(asset_cfg.joint_ids, slice):
            terminations[name]["joint_names"] = [robot.joint_names[i] for i in asset_cfg.joint_ids]
    commands = {}
    for cmd_name in u.command_manager.active_terms:
        ranges = getattr(u.command_manager.get_term(cmd_name).cfg, "ranges", None)
        if ranges is not None:
            commands[cmd_name] = {k: list(v) for k, v in vars(ranges).items() if isinstance(v, (tuple, list))}
    return {
        "format_version": FORMAT_VERSION,
        "task": task,
        "joint_names": names,
        "default_joint_pos": per_joint(robot.data.default_joint_pos),
        "action": {
            "type": "joint_position",
            "scale": _per_env(action._scale),
            "offset": _per_env(action._offset),
            "target": "offset + scale * action",
        },
        "stiffness": per_joint(robot.data.joint_stiffness),
        "damping": per_joint(robot.data.joint_damping),
        "armature": per_joint(robot.data.joint_armature),
        "effort_limit": per_joint(robot.data.joint_effort_limits),
        "velocity_limit": per_joint(robot.data.joint_vel_limits),
        "joint_pos_limits": [list(p) for p in zip(per_joint(_t(robot.data.joint_pos_limits)[..., 0]),
                                                  per_joint(_t(robot.data.joint_pos_limits)[..., 1]))],
        "soft_joint_pos_limits": [list(p) for p in zip(per_joint(_t(robot.data.soft_joint_pos_limits)[..., 0]),
                                                       per_joint(_t(robot.data.soft_joint_pos_limits)[..., 1]))],
        "observation": {
            "group": group,
            "dim": int(obs_manager.group_obs_dim[group][0]),
            "history_length": int(getattr(group_cfg, "history_length", 0) or 0),
            "terms": terms,
        },
        "sim_dt": float(u.physics_dt),
        "decimation": int(u.cfg.decimation),
        "policy_dt": float(u.step_dt),
        "solver_substeps": int(getattr(u.cfg.sim.physics, "num_substeps", 1)),
        "commands": commands,
        "terminations": terminations,
        **_actuators(robot, names),
        **_feet(u),
        **_reference(u),
        "quaternion_convention": "xyzw",  # Isaac Lab 3; MuJoCo uses wxyz
    }
