"""Evaluation scenarios: a command program and pushes, under the names users of MyoAssist-style
evaluate configs know (num_timesteps, min/max_target_velocity, target_velocity_period, velocity_mode).

A file is a JSON (or YAML) list of scenarios; ``DEFAULT_SCENARIOS`` ships: the walking verdict, at the speeds
lus2 trains for. Velocities are the forward speed [m/s]; ``lateral_velocity`` [m/s] and ``yaw_rate`` [rad/s]
are held constant. Tracking is judged after ``startup_s`` (the steady window); ``judge: moving`` judges only
the steps whose command is not zero (stop-and-go: the moving halves).

``read_config_file`` is imported from ``cli.py`` where a file is read (``cli.py`` imports this module).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from st_runtime.metadata import PolicyMetadata

MODES = ("UNIFORM", "SINUSOIDAL", "STEP")
JUDGE = ("all", "moving")


def finite_number(value) -> bool:
    """A real number (not a flag) that is finite: what scenario and threshold files must hold."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass
class Push:
    step: int  # policy step at which the base gets the velocity kick
    velocity: tuple[float, float]  # added to the base's world x, y velocity [m/s]


@dataclass
class Scenario:
    name: str
    num_timesteps: int = 500  # policy steps (10 s at 50 Hz)
    velocity_mode: str = "UNIFORM"
    min_target_velocity: float = 0.0
    max_target_velocity: float = 0.0
    target_velocity_period: float = 4.0  # [s], SINUSOIDAL and STEP
    lateral_velocity: float = 0.0
    yaw_rate: float = 0.0
    pushes: list[Push] = field(default_factory=list)
    seed: int = 0  # UNIFORM draws its speed from [min, max] with this seed
    startup_s: float = 2.0  # [s] not judged on tracking (the robot gets going); survival counts from 0
    judge: str = "all"  # "moving": tracking judged only where the command is not zero

    def __post_init__(self):
        for key in ("num_timesteps", "min_target_velocity", "max_target_velocity", "target_velocity_period",
                    "lateral_velocity", "yaw_rate", "seed", "startup_s"):
            value = getattr(self, key)
            if not finite_number(value):
                raise ValueError(f"scenario {self.name!r}: {key} must be a number, got {value!r}")
        self.velocity_mode = str(self.velocity_mode).upper()
        if self.velocity_mode not in MODES:
            raise ValueError(f"scenario {self.name!r}: velocity_mode {self.velocity_mode!r} is not one of "
                             f"{', '.join(MODES)}")
        if self.min_target_velocity > self.max_target_velocity:
            raise ValueError(f"scenario {self.name!r}: min_target_velocity {self.min_target_velocity} > "
                             f"max_target_velocity {self.max_target_velocity}")
        if self.num_timesteps <= 0 or self.target_velocity_period <= 0:
            raise ValueError(f"scenario {self.name!r}: num_timesteps and target_velocity_period must be > 0")
        if self.startup_s < 0:
            raise ValueError(f"scenario {self.name!r}: startup_s must be >= 0, got {self.startup_s}")
        if self.judge not in JUDGE:
            raise ValueError(f"scenario {self.name!r}: judge {self.judge!r} is not one of {', '.join(JUDGE)}")
        self.pushes = [p if isinstance(p, Push) else _push(self.name, p) for p in self.pushes]

    def commands(self, policy_dt: float) -> np.ndarray:
        """(num_timesteps, 3) commands: forward speed, lateral speed, yaw rate per policy step."""
        t = np.arange(self.num_timesteps) * policy_dt
        lo, hi = self.min_target_velocity, self.max_target_velocity
        if self.velocity_mode == "UNIFORM":
            vx = np.full_like(t, np.random.default_rng(self.seed).uniform(lo, hi) if hi > lo else lo)
        elif self.velocity_mode == "SINUSOIDAL":
            vx = 0.5 * (lo + hi) + 0.5 * (hi - lo) * np.sin(2.0 * math.pi * t / self.target_velocity_period)
        else:  # STEP: min for half a period, then max
            vx = np.where((t % self.target_velocity_period) < 0.5 * self.target_velocity_period, lo, hi)
        return np.stack([vx, np.full_like(t, self.lateral_velocity), np.full_like(t, self.yaw_rate)], axis=1)


def _push(scenario: str, p) -> Push:
    try:
        push = Push(int(p["step"]), tuple(float(v) for v in p["velocity"]))
    except (TypeError, KeyError, ValueError):
        raise ValueError(f"scenario {scenario!r}: a push is {{step: N, velocity: [vx, vy]}}, got {p!r}") from None
    if len(push.velocity) != 2:
        raise ValueError(f"scenario {scenario!r}: a push velocity is [vx, vy], got {list(push.velocity)}")
    return push


def _constant(name: str, vx: float = 0.0, vy: float = 0.0, wz: float = 0.0, **kw) -> Scenario:
    return Scenario(name, min_target_velocity=vx, max_target_velocity=vx, lateral_velocity=vy, yaw_rate=wz, **kw)


# The walking verdict: 10 s each at 50 Hz, the first 2 s not judged on tracking. A robot that stands still fails
# every one but "stand" (its error is the command), so the verdict tells walking from standing.
DEFAULT_SCENARIOS = [
    _constant("stand"),
    _constant("forward_0.5", vx=0.5),
    _constant("forward_1.0", vx=1.0),
    _constant("backward_0.3", vx=-0.3),
    _constant("lateral_left_0.3", vy=0.3),
    _constant("lateral_right_0.3", vy=-0.3),
    _constant("yaw_left_0.5", wz=0.5),
    _constant("yaw_right_0.5", wz=-0.5),
    _constant("forward_turn", vx=0.5, wz=0.3),
    Scenario("stop_and_go", velocity_mode="STEP", min_target_velocity=0.0, max_target_velocity=0.6,
             target_velocity_period=5.0, judge="moving"),  # 2.5 s still, 2.5 s at 0.6 m/s, twice
    _constant("push_recovery", vx=0.5, pushes=[Push(150, (0.0, 0.5)), Push(300, (0.5, 0.0))]),  # at 3 s and 6 s
]


def outside_trained_ranges(scenario: Scenario, policy_dt: float, metadata: PolicyMetadata) -> list[str]:
    """Which of the scenario's commands lie outside the ranges the policy was trained with (its metadata's
    velocity-command ranges), e.g. ``forward 1.0 m/s outside lin_vel_x [-0.2, 0.2]``; empty when none do or
    the metadata has no ranges."""
    ranges = metadata.command_ranges("base_velocity")
    cmd = scenario.commands(policy_dt)
    out = []
    for col, key, what, unit in ((0, "lin_vel_x", "forward", "m/s"), (1, "lin_vel_y", "lateral", "m/s"),
                                 (2, "ang_vel_z", "yaw rate", "rad/s")):
        if key not in ranges:
            continue
        lo, hi = ranges[key]
        values = cmd[:, col]
        beyond = values[(values < lo - 1e-6) | (values > hi + 1e-6)]
        if beyond.size:
            worst = beyond[np.argmax(np.abs(beyond))]
            out.append(f"{what} {worst:g} {unit} outside {key} [{lo:g}, {hi:g}]")
    return out


def load_scenarios(path: str | Path) -> list[Scenario]:
    """A JSON or YAML list of scenario dicts; unknown keys are an error naming them."""
    from .cli import read_config_file

    items = read_config_file(path)
    if not isinstance(items, list) or not items:
        raise ValueError(f"{path}: expected a non-empty list of scenarios")
    known = {f.name for f in fields(Scenario)}
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"{path}: scenario {i} must be a mapping of scenario keys, got {type(item).__name__}")
        unknown = sorted(set(item) - known)
        if unknown:
            raise ValueError(f"{path}: scenario {i} ({item.get('name', '?')}): unknown key(s) {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(known))}")
        try:
            out.append(Scenario(**{"name": f"scenario_{i}", **item}))
        except (TypeError, ValueError) as err:
            raise ValueError(f"{path}: {err}") from None
    return out
