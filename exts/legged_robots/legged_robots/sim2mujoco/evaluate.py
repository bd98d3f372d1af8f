"""Run scenarios in MuJoCo and turn the logs into metrics and a PASS/FAIL verdict."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from st_runtime.mujoco_robot import MujocoRobot
from st_runtime.observations import ObservationBuilder
from st_runtime.policy import OnnxPolicy

from .scenarios import Scenario, finite_number


@dataclass
class Thresholds:
    """A scenario (or a mimic clip) passes when every metric it has is within these (the training's fall rule).

    The tracking limits are pinned (the walking verdict): each holds on every axis over the scenario's steady
    window, with base velocities in the heading frame. A robot standing still at a 0.5 m/s command has a mean
    error of 0.5 and fails; a thresholds file may loosen them for another robot, and the report says so."""

    min_base_height: float = 0.4  # [m] below this the robot has fallen (training: base_height)
    max_tilt: float = 1.0  # [rad] beyond this it has fallen (training: bad_orientation)
    min_survival_fraction: float = 1.0  # of the scenario's duration
    max_lin_vel_mean_error: float = 0.10  # [m/s] mean |v - v_cmd|, forward and lateral each
    max_ang_vel_mean_error: float = 0.15  # [rad/s] mean |w_z - w_cmd|
    max_lin_vel_rmse: float = 0.25  # [m/s] RMSE, forward and lateral each
    max_ang_vel_rmse: float = 0.3  # [rad/s] RMSE of the yaw rate
    max_torque_saturation: float = 0.05  # share of (joint, step) samples at the effort limit
    max_action_rate: float = 1.0  # mean |a_t - a_{t-1}| per joint
    # [rad] how close any joint came to the ROS 2 bridge's joint fault (st_runtime.safety.safety_limits, default
    # slack); below 0 the bridge would have dropped the robot into DAMPING there
    min_safety_limit_margin: float = 0.0
    max_sim2sim_joint_rmse: float = 0.2  # [rad], when an Isaac Lab run is compared
    max_mpkpe_mm: float = 60.0  # mimic: global mean body-position error over the clip
    max_mpkpe_vs_isaac: float = 1.5  # mimic: MuJoCo's MPKPE / Isaac Lab's (./run.sh eval) on the same clip

    @classmethod
    def from_dict(cls, d, source: str = "thresholds") -> "Thresholds":
        """Defaults with ``d``'s values; ``source`` (a file name) goes into the error for a bad key or value."""
        known = set(cls.__dataclass_fields__)
        if not isinstance(d, dict):
            raise ValueError(f"{source}: expected a mapping of threshold names to numbers, got {type(d).__name__}")
        unknown = sorted(map(str, set(d) - known))
        if unknown:
            raise ValueError(f"{source}: unknown threshold(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        for key, value in d.items():
            if not finite_number(value):
                raise ValueError(f"{source}: threshold {key} must be a number, got {value!r}")
        return cls(**{k: float(v) for k, v in d.items()})

    def changed(self) -> dict[str, tuple[float, float]]:
        """The thresholds that differ from the pinned defaults: name -> (default, this)."""
        default = Thresholds()
        return {k: (getattr(default, k), v) for k, v in vars(self).items() if v != getattr(default, k)}


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
    feet_down: list = field(default_factory=list)  # per foot of the metadata's ``feet`` (none: not recorded)
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
        obs = builder.build(robot.sensed(), last_action, commands[k])  # through the sensors' latency, if any
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
        if policy.metadata.feet:
            log.feet_down.append(robot.feet_down(policy.metadata.feet))
        if stop_on_fall and (robot.base_pos[2] < thresholds.min_base_height or tilt > thresholds.max_tilt):
            break
    return log.arrays(), time.perf_counter() - t0


# the tracked axes, in the order of the command (vx, vy, wz) and of the achieved velocities' columns
AXES = ("lin_vel_x", "lin_vel_y", "yaw_rate")


def judged_steps(commands: np.ndarray, scenario: Scenario, policy_dt: float) -> np.ndarray:
    """Mask of the steps (one per row of ``commands``) tracking is judged on: the steady window (command time >=
    ``startup_s``) and, for ``judge: moving``, only where the command is not zero."""
    mask = np.arange(len(commands)) * policy_dt >= scenario.startup_s - 1e-9
    if scenario.judge == "moving":
        mask &= np.any(np.abs(commands) > 1e-9, axis=1)
    return mask


def tracking_line(m: dict) -> str:
    """``mean |err| x 0.012 y 0.034 wz 0.020 | RMSE x ... `` for a progress line."""
    def three(kind):
        return " ".join(f"{k} {m[f'{a}_{kind}']:.3f}" for k, a in zip(("x", "y", "wz"), AXES))
    return f"mean |err| {three('mean_error')} | RMSE {three('rmse')}"


def tracking_errors(achieved: np.ndarray, commanded: np.ndarray, mask: np.ndarray) -> dict:
    """Per axis (forward, lateral [m/s], yaw rate [rad/s]): mean |achieved - commanded| and RMSE over the
    ``mask``ed steps; NaN where no step is judged (e.g. the robot fell before the steady window)."""
    out = {}
    err = (achieved - commanded)[mask]
    for i, axis in enumerate(AXES):
        e = err[:, i]
        out[f"{axis}_mean_error"] = float(np.mean(np.abs(e))) if e.size else float("nan")
        out[f"{axis}_rmse"] = float(np.sqrt(np.mean(e**2))) if e.size else float("nan")
    return out


def metrics(log: dict[str, np.ndarray], scenario: Scenario, policy_dt: float, thresholds: Thresholds,
            joint_names: list[str] | None = None, safety_limits: np.ndarray | None = None) -> dict:
    """The scenario's figures; ``safety_limits`` (per joint (lower, upper), rad) adds the joints' closest approach
    to them over the whole run."""
    n = len(log["time"])
    fell = bool(n and (log["base_height"][-1] < thresholds.min_base_height or log["tilt"][-1] > thresholds.max_tilt))
    survived = n * policy_dt if not fell else log["time"][-1]
    duration = scenario.num_timesteps * policy_dt
    achieved = np.column_stack([np.reshape(log["lin_vel_yaw"], (n, 2)), np.reshape(log["yaw_rate"], (n,))])
    commanded = np.reshape(log["command"], (n, 3))
    rate = np.abs(np.diff(log["action"], axis=0)).mean() if n > 1 else 0.0
    mask = judged_steps(commanded, scenario, policy_dt)
    return {
        "fell": fell,
        "survival_s": float(survived),
        "survival_fraction": float(survived / duration),
        "judged_s": float(mask.sum() * policy_dt),
        **tracking_errors(achieved, commanded, mask),
        "torque_saturation": float(np.mean(log["saturation"])) if n else 0.0,
        "action_rate": float(rate),
        **gait(log.get("feet_down"), mask, policy_dt),
        **jitter(achieved, mask, policy_dt),
        **target_jitter(log.get("joint_target"), mask, policy_dt, joint_names),
        **safety_margin(log.get("joint_pos"), safety_limits, joint_names),
    }


def safety_margin(joint_pos, limits: np.ndarray | None, joint_names: list[str] | None = None) -> dict:
    """The smallest distance of any joint to its safety limit over the run (rad, negative: past it), and which
    joint; nothing without limits or joint positions."""
    if limits is None or joint_pos is None or not len(joint_pos):
        return {}
    q = np.asarray(joint_pos, float)
    margin = np.minimum(q - limits[:, 0], limits[:, 1] - q).min(axis=0)
    j = int(np.argmin(margin))
    return {"safety_limit_margin": float(margin[j]),
            "safety_limit_joint": joint_names[j] if joint_names else str(j)}


SHAKE_HZ = 3.0  # above a stride (lus2's gait clock: 0.8 s, 1.25 Hz) and its second harmonic: what is left is shake
SHAKE_MIN_STEPS = 50  # judged steps for a shake figure (1 s at 50 Hz; the zero-phase filter pads 15 samples)


def _shake(x: np.ndarray, policy_dt: float) -> np.ndarray:
    """``x`` (time first) high-passed at ``SHAKE_HZ`` (4th-order Butterworth, forward and backward: no lag)."""
    from scipy.signal import butter, sosfiltfilt

    sos = butter(4, SHAKE_HZ, btype="highpass", fs=1.0 / policy_dt, output="sos")
    return sosfiltfilt(sos, np.asarray(x, float), axis=0)


def jitter(achieved: np.ndarray, mask: np.ndarray, policy_dt: float) -> dict:
    """Per axis, the RMS of the achieved velocity above ``SHAKE_HZ`` over the judged steps: how much of a tracking
    error is step-to-step shake or a kick each step rather than drift or gait sway (lus2's walkers failed the yaw
    rate on what lies above 3 Hz: the gait clock's odd harmonics and noise). Figures, not checks."""
    if mask.sum() < SHAKE_MIN_STEPS:
        return {}
    shake = _shake(achieved, policy_dt)[mask]
    return {f"{axis}_jitter": float(np.sqrt(np.mean(shake[:, i] ** 2))) for i, axis in enumerate(AXES)}


def target_jitter(targets, mask: np.ndarray, policy_dt: float, joint_names: list[str] | None = None) -> dict:
    """The joint position targets' shake (RMS above ``SHAKE_HZ`` over the judged steps, rad): the mean over joints
    and the worst joint. A walker's targets swing with its gait; what is left is what a real motor buzzes with,
    and a lead to where a velocity's jitter comes from. Figures, not checks."""
    if targets is None or len(targets) != len(mask) or mask.sum() < SHAKE_MIN_STEPS:
        return {}
    per_joint = np.sqrt(np.mean(_shake(targets, policy_dt)[mask] ** 2, axis=0))
    worst = int(np.argmax(per_joint))
    return {"target_jitter": float(per_joint.mean()), "target_jitter_max": float(per_joint[worst]),
            "target_jitter_joint": joint_names[worst] if joint_names else str(worst)}


def gait(feet_down, mask: np.ndarray, policy_dt: float) -> dict:
    """Over the judged steps: the share with every foot down and the touchdowns per second per foot (a standing
    robot: ~1.0 and ~0). Figures, not checks."""
    if feet_down is None or len(feet_down) == 0 or not mask.any():
        return {}
    down = np.asarray(feet_down, bool)[mask[: len(feet_down)]]
    if len(down) < 2:
        return {}
    touchdowns = (down[1:] & ~down[:-1]).sum(axis=0)
    return {"all_feet_down_share": float(down.all(axis=1).mean()),
            "touchdowns_per_s": float(touchdowns.mean() / ((len(down) - 1) * policy_dt))}


CHECKS = (  # metric, threshold, passes when (NaN, i.e. nothing judged, fails)
    ("survival_fraction", "min_survival_fraction", lambda v, t: v >= t - 1e-9),
    ("lin_vel_x_mean_error", "max_lin_vel_mean_error", lambda v, t: v <= t),
    ("lin_vel_y_mean_error", "max_lin_vel_mean_error", lambda v, t: v <= t),
    ("yaw_rate_mean_error", "max_ang_vel_mean_error", lambda v, t: v <= t),
    ("lin_vel_x_rmse", "max_lin_vel_rmse", lambda v, t: v <= t),
    ("lin_vel_y_rmse", "max_lin_vel_rmse", lambda v, t: v <= t),
    ("yaw_rate_rmse", "max_ang_vel_rmse", lambda v, t: v <= t),
    ("torque_saturation", "max_torque_saturation", lambda v, t: v <= t),
    ("action_rate", "max_action_rate", lambda v, t: v <= t),
    ("safety_limit_margin", "min_safety_limit_margin", lambda v, t: v >= t),
    ("sim2sim_joint_rmse", "max_sim2sim_joint_rmse", lambda v, t: v <= t),
    ("mpkpe_mm", "max_mpkpe_mm", lambda v, t: v <= t),
    ("mpkpe_vs_isaac", "max_mpkpe_vs_isaac", lambda v, t: v <= t),
)


def verdict(m: dict, thresholds: Thresholds) -> tuple[bool, list[str]]:
    """PASS/FAIL and the failed checks, e.g. ``lin_vel_x_mean_error 0.5 > 0.1``."""
    failed = []
    for metric, limit, ok in CHECKS:
        if metric in m and not ok(m[metric], getattr(thresholds, limit)):
            if m[metric] != m[metric]:  # NaN: no step was judged
                failed.append(f"{metric} not judged (nothing alive in the steady window)")
                continue
            op = "<" if limit.startswith("min") else ">"
            failed.append(f"{metric} {m[metric]:.3g} {op} {getattr(thresholds, limit):.3g}")
    return not failed, failed
