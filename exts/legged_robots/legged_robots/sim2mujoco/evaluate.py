"""Run scenarios in MuJoCo and turn the logs into metrics and a PASS/FAIL verdict."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from .observations import ObservationBuilder
from .policy import OnnxPolicy
from .robot import MujocoRobot
from .scenarios import Scenario


@dataclass
class Thresholds:
    """A scenario (or a mimic clip) passes when every metric it has is within these (the training's fall rule)."""

    min_base_height: float = 0.4  # [m] below this the robot has fallen (training: base_height)
    max_tilt: float = 1.0  # [rad] beyond this it has fallen (training: bad_orientation)
    min_survival_fraction: float = 1.0  # of the scenario's duration
    max_lin_vel_rmse: float = 0.25  # [m/s], xy in the heading frame, over the time alive
    max_ang_vel_rmse: float = 0.3  # [rad/s], yaw rate
    max_torque_saturation: float = 0.05  # share of (joint, step) samples at the effort limit
    max_action_rate: float = 1.0  # mean |a_t - a_{t-1}| per joint
    max_sim2sim_joint_rmse: float = 0.2  # [rad], when an Isaac Lab run is compared
    max_mpkpe_mm: float = 60.0  # mimic: global mean body-position error over the clip
    max_mpkpe_vs_isaac: float = 1.5  # mimic: MuJoCo's MPKPE / Isaac Lab's (./run.sh eval) on the same clip

    @classmethod
    def from_dict(cls, d: dict) -> "Thresholds":
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown threshold(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**d)


@dataclass
class Log:
    """Per policy step of one scenario run."""

    time: list = field(default_factory=list)
    command: list = field(default_factory=list)
    lin_vel_yaw: list = field(default_factory=list)  # xy in the heading frame (what training tracks)
    yaw_rate: list = field(default_factory=list)  # world z angular velocity (what training tracks)
    base_height: list = field(default_factory=list)
    tilt: list = field(default_factory=list)
    joint_pos: list = field(default_factory=list)
    joint_target: list = field(default_factory=list)
    torque: list = field(default_factory=list)
    saturation: list = field(default_factory=list)
    action: list = field(default_factory=list)
    obs: list = field(default_factory=list)
    frames: list = field(default_factory=list)  # qpos per step, for the video

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v) for k, v in asdict(self).items()}


def run_scenario(policy: OnnxPolicy, robot: MujocoRobot, scenario: Scenario, thresholds: Thresholds,
                 stop_on_fall: bool = True) -> tuple[dict[str, np.ndarray], float]:
    """Run one scenario from the standing pose. Returns the log arrays and the wall time of the run."""
    builder = ObservationBuilder(policy.metadata)
    commands = scenario.commands(robot.policy_dt)
    pushes = {p.step: p.velocity for p in scenario.pushes}
    robot.reset()
    policy.reset()
    log = Log()
    last_action = np.zeros(policy.action_dim)
    t0 = time.perf_counter()
    for k in range(scenario.num_timesteps):
        obs = builder.build(robot, last_action, commands[k])
        action = policy(obs)
        robot.apply_action(action)
        robot.step(pushes.get(k))
        last_action = action
        tilt = float(np.arccos(np.clip(-robot.projected_gravity[2], -1.0, 1.0)))
        for key, value in (("time", (k + 1) * robot.policy_dt), ("command", commands[k]),
                           ("lin_vel_yaw", robot.lin_vel_heading), ("yaw_rate", robot.yaw_rate),
                           ("base_height", robot.base_pos[2]), ("tilt", tilt), ("joint_pos", robot.joint_pos),
                           ("joint_target", robot.target), ("torque", robot.torque),
                           ("saturation", robot.saturation), ("action", action), ("obs", obs),
                           ("frames", robot.data.qpos.copy())):
            getattr(log, key).append(value)
        if stop_on_fall and (robot.base_pos[2] < thresholds.min_base_height or tilt > thresholds.max_tilt):
            break
    return log.arrays(), time.perf_counter() - t0


def metrics(log: dict[str, np.ndarray], scenario: Scenario, policy_dt: float, thresholds: Thresholds) -> dict:
    n = len(log["time"])
    fell = bool(n and (log["base_height"][-1] < thresholds.min_base_height or log["tilt"][-1] > thresholds.max_tilt))
    survived = n * policy_dt if not fell else log["time"][-1]
    duration = scenario.num_timesteps * policy_dt
    lin_err = log["lin_vel_yaw"] - log["command"][:, :2]
    ang_err = log["yaw_rate"] - log["command"][:, 2]
    rate = np.abs(np.diff(log["action"], axis=0)).mean() if n > 1 else 0.0
    return {
        "fell": fell,
        "survival_s": float(survived),
        "survival_fraction": float(survived / duration),
        "lin_vel_rmse": float(np.sqrt(np.mean(np.sum(lin_err**2, axis=1)))) if n else float("nan"),
        "ang_vel_rmse": float(np.sqrt(np.mean(ang_err**2))) if n else float("nan"),
        "torque_saturation": float(np.mean(log["saturation"])) if n else 0.0,
        "action_rate": float(rate),
    }


CHECKS = (  # metric, threshold, passes when
    ("survival_fraction", "min_survival_fraction", lambda v, t: v >= t - 1e-9),
    ("lin_vel_rmse", "max_lin_vel_rmse", lambda v, t: v <= t),
    ("ang_vel_rmse", "max_ang_vel_rmse", lambda v, t: v <= t),
    ("torque_saturation", "max_torque_saturation", lambda v, t: v <= t),
    ("action_rate", "max_action_rate", lambda v, t: v <= t),
    ("sim2sim_joint_rmse", "max_sim2sim_joint_rmse", lambda v, t: v <= t),
    ("mpkpe_mm", "max_mpkpe_mm", lambda v, t: v <= t),
    ("mpkpe_vs_isaac", "max_mpkpe_vs_isaac", lambda v, t: v <= t),
)


def verdict(m: dict, thresholds: Thresholds) -> tuple[bool, list[str]]:
    """PASS/FAIL and the failed checks, e.g. ``lin_vel_rmse 0.41 > 0.25``."""
    failed = []
    for metric, limit, ok in CHECKS:
        if metric in m and not ok(m[metric], getattr(thresholds, limit)):
            op = "<" if limit.startswith("min") else ">"
            failed.append(f"{metric} {m[metric]:.3g} {op} {getattr(thresholds, limit):.3g}")
    return not failed, failed
