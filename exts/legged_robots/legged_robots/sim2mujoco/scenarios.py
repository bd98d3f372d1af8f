"""Evaluation scenarios: a command program and pushes, under the names users of MyoAssist-style
evaluate configs know (num_timesteps, min/max_target_velocity, target_velocity_period, velocity_mode).

A file is a JSON (or YAML) list of scenarios; ``DEFAULT_SCENARIOS`` ships. Velocities are the forward
speed [m/s]; ``lateral_velocity`` [m/s] and ``yaw_rate`` [rad/s] are held constant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

MODES = ("UNIFORM", "SINUSOIDAL", "STEP")


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

    def __post_init__(self):
        self.velocity_mode = str(self.velocity_mode).upper()
        if self.velocity_mode not in MODES:
            raise ValueError(f"scenario {self.name!r}: velocity_mode {self.velocity_mode!r} is not one of {', '.join(MODES)}")
        if self.min_target_velocity > self.max_target_velocity:
            raise ValueError(f"scenario {self.name!r}: min_target_velocity {self.min_target_velocity} > "
                             f"max_target_velocity {self.max_target_velocity}")
        if self.num_timesteps <= 0 or self.target_velocity_period <= 0:
            raise ValueError(f"scenario {self.name!r}: num_timesteps and target_velocity_period must be > 0")
        self.pushes = [p if isinstance(p, Push) else Push(int(p["step"]), tuple(p["velocity"])) for p in self.pushes]

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


DEFAULT_SCENARIOS = [
    Scenario("stand", num_timesteps=500),
    Scenario("walk_forward", num_timesteps=500, min_target_velocity=0.2, max_target_velocity=0.2),
    Scenario("speed_sine", num_timesteps=500, velocity_mode="SINUSOIDAL", min_target_velocity=-0.2,
             max_target_velocity=0.2, target_velocity_period=5.0),
    Scenario("speed_steps", num_timesteps=500, velocity_mode="STEP", min_target_velocity=0.0,
             max_target_velocity=0.2, target_velocity_period=4.0),
    Scenario("push_recovery", num_timesteps=500, min_target_velocity=0.1, max_target_velocity=0.1,
             pushes=[Push(150, (0.0, 0.3)), Push(300, (0.3, 0.0))]),
]


def load_scenarios(path: str | Path) -> list[Scenario]:
    """A JSON or YAML list of scenario dicts; unknown keys are an error naming them."""
    from .cli import read_config_file

    items = read_config_file(path)
    if not isinstance(items, list) or not items:
        raise ValueError(f"{path}: expected a non-empty list of scenarios")
    known = {f.name for f in fields(Scenario)}
    out = []
    for i, item in enumerate(items):
        unknown = sorted(set(item) - known)
        if unknown:
            raise ValueError(f"{path}: scenario {i} ({item.get('name', '?')}): unknown key(s) {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(known))}")
        out.append(Scenario(**{"name": f"scenario_{i}", **item}))
    return out
