"""Checks of an env config that Isaac Lab leaves to run time: every range must have min <= max.

A term's regex that matches no body/joint is already an error at env build in Isaac Lab (it names the
term and the field); a range with min > max is not (torch samples from it anyway), so we check every
manager term's parameters before the simulator is built.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load.
"""

from __future__ import annotations

from numbers import Real

from .errors import UsageError

_MANAGERS = ("events", "rewards", "terminations", "curriculum", "commands", "actions")


class ConfigRangeError(UsageError):
    """A range with min > max in an env config; the message names the term and the field."""


def _is_pair(v) -> bool:
    return isinstance(v, (tuple, list)) and len(v) == 2 and all(isinstance(x, Real) for x in v)


def _is_range_key(key: str) -> bool:
    return key.endswith(("_range", "_range_s", "_distribution_params")) or key in ("ranges", "limits")


def _check_value(where: str, value, gaussian: bool = False) -> None:
    if _is_pair(value):
        if not gaussian and value[0] > value[1]:
            raise ConfigRangeError(f"{where} = {tuple(value)}: min > max")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_value(f"{where}[{k!r}]", v, gaussian)
    elif hasattr(value, "__dataclass_fields__"):  # e.g. a command's Ranges
        for k in value.__dataclass_fields__:
            _check_value(f"{where}.{k}", getattr(value, k), gaussian)


def _terms(cfg):
    for manager in _MANAGERS:
        group = getattr(cfg, manager, None)
        if group is None:
            continue
        for name in getattr(group, "__dataclass_fields__", {}):
            term = getattr(group, name)
            if term is not None:
                yield f"env.{manager}.{name}", term
    observations = getattr(cfg, "observations", None)
    for group_name in getattr(observations, "__dataclass_fields__", {}):
        group = getattr(observations, group_name)
        for name in getattr(group, "__dataclass_fields__", {}):
            term = getattr(group, name)
            if hasattr(term, "func"):
                yield f"env.observations.{group_name}.{name}", term


MAX_DELAY_STEPS = 20  # physics steps (100 ms at 200 Hz): the longest command delay a DelayedDCMotor buffers


def _check_actuators(cfg) -> None:
    """The real-actuator model's numbers (``presets=real_actuators``), as overrides may set them: whole physics steps,
    0 <= min_delay <= max_delay <= MAX_DELAY_STEPS, 0 < strength min <= max, saturation effort > 0."""
    from legged_robots.assets.actuators import DelayedDCMotorCfg

    robot = getattr(getattr(cfg, "scene", None), "robot", None)
    for name, act in (getattr(robot, "actuators", None) or {}).items():
        if not isinstance(act, DelayedDCMotorCfg):
            continue
        where = f"env.scene.robot.actuators.{name}"
        lo, hi = act.min_delay, act.max_delay
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
            raise ConfigRangeError(f"{where}.min_delay/max_delay = {lo}, {hi}: whole physics steps (ints)")
        if not 0 <= lo <= hi <= MAX_DELAY_STEPS:
            raise ConfigRangeError(f"{where}.min_delay/max_delay = {lo}, {hi}: need 0 <= min_delay <= max_delay <= "
                                   f"{MAX_DELAY_STEPS} physics steps")
        s_lo, s_hi = act.strength_range
        if not 0.0 < s_lo <= s_hi:
            raise ConfigRangeError(f"{where}.strength_range = ({s_lo}, {s_hi}): need 0 < min <= max")
        sat = act.saturation_effort
        if any(v <= 0 for v in (sat.values() if isinstance(sat, dict) else [sat])):
            raise ConfigRangeError(f"{where}.saturation_effort = {sat}: need > 0")


def _check_sensors(cfg) -> None:
    """The real-sensor terms' numbers (``presets=real_sensors``), as overrides may set them."""
    from legged_robots.tasks.velocity.mdp.observations import HISTORY_STEPS

    mounts = {}
    for where, term in _terms(cfg):
        if getattr(getattr(term, "func", None), "__name__", "") != "sensed_state":
            continue
        p = term.params or {}
        lo, hi = p.get("latency_ms", (0.0, 0.0))
        differentiated = p.get("encoder_resolution", 0.0) and p.get("quantity") == "joint_vel_rel"
        spare = p.get("jitter_steps", 0) + (1 if differentiated else 0)  # steps of history beyond the latency
        longest = (HISTORY_STEPS - 1 - spare) * cfg.sim.dt * 1000.0
        if not 0.0 <= lo <= hi <= longest:
            raise ConfigRangeError(f"{where}.params.latency_ms = ({lo}, {hi}): need 0 <= min <= max <= {longest:g} ms")
        if not 0.0 <= p.get("drop_prob", 0.0) < 1.0:
            raise ConfigRangeError(f"{where}.params.drop_prob = {p['drop_prob']}: need 0 <= p < 1")
        if p.get("jitter_steps", 0) < 0 or p.get("bias_std", 0.0) < 0:
            raise ConfigRangeError(f"{where}.params: jitter_steps and bias_std must be >= 0")
        if not 0.0 <= p.get("mount_deg", 0.0) <= 10.0:
            raise ConfigRangeError(f"{where}.params.mount_deg = {p['mount_deg']}: need 0 <= deg <= 10")
        if not 0.0 <= p.get("encoder_resolution", 0.0) <= 0.01:
            raise ConfigRangeError(f"{where}.params.encoder_resolution = {p['encoder_resolution']}: need 0 <= rad "
                                   f"per count <= 0.01 (0: no encoder model)")
        if p.get("quantity") in ("base_ang_vel", "projected_gravity"):
            mounts[where] = p.get("mount_deg", 0.0)
    if len(set(mounts.values())) > 1:  # one IMU board: its gyro and gravity turn together
        raise ConfigRangeError("the IMU terms' mount_deg differ (" + ", ".join(f"{k}: {v}" for k, v in mounts.items())
                               + "): one board, one mounting; set them equal")


GAIT_TERMS = ("gait_phase", "feet_gait", "feet_swing_height")  # the terms that read the gait clock
GAIT_KEYS = ("period", "fast_period", "fast_speed")


def _check_gait_clock(cfg) -> None:
    """Every term that reads the gait clock reads the same clock (one set of ``GAIT_KEYS``), and it can run: an
    override that changes one term's period and not the others' would train against two clocks."""
    from st_runtime.gait import check_gait_params

    clocks = {}
    for where, term in _terms(cfg):
        if getattr(getattr(term, "func", None), "__name__", "") in GAIT_TERMS:
            p = term.params or {}
            clocks[where] = (p.get("period", 0.8), p.get("fast_period"), tuple(p.get("fast_speed", (0.5, 1.0))))
    if len(set(clocks.values())) > 1:
        raise ConfigRangeError("the gait clock's terms differ in " + "/".join(GAIT_KEYS) + " ("
                               + ", ".join(f"{k}: {v}" for k, v in clocks.items()) + "): set them equal")
    if clocks:  # one clock (checked above): whether it can run
        where, clock = next(iter(clocks.items()))
        try:
            check_gait_params(*clock)
        except ValueError as e:
            raise ConfigRangeError(f"{where}.params: {e}") from None


def check_env_cfg(cfg) -> None:
    """Raise ConfigRangeError naming ``env.<manager>.<term>.<field>`` for any range with min > max, and the actuator
    group and key for real-actuator numbers out of their ranges."""
    _check_actuators(cfg)
    _check_sensors(cfg)
    _check_gait_clock(cfg)
    for where, term in _terms(cfg):
        params = getattr(term, "params", None) or {}
        gaussian = params.get("distribution") == "gaussian"  # (mean, std), not (min, max)
        for key, value in params.items():
            if _is_range_key(key):
                _check_value(f"{where}.params.{key}", value, gaussian)
        for key in getattr(term, "__dataclass_fields__", {}):
            if key != "params" and _is_range_key(key):
                _check_value(f"{where}.{key}", getattr(term, key))
