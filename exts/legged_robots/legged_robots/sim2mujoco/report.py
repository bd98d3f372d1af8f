"""The written verdict: report.md with a table of metrics per scenario, plots (commanded vs achieved
velocity, joint tracking, torques vs limits) and, where a GL renderer exists, an mp4 per scenario.

matplotlib (slow to import, its backend chosen first) is imported where a plot is drawn, the video writer where a
video is written."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..assets.robots import UnknownRobotError, robot_with_joints


def plot_scenario(name: str, log: dict, joint_names: list[str], effort_limit: np.ndarray, out: Path,
                  startup_s: float = 0.0) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = log["time"]
    fig, axes = plt.subplots(3, 1, figsize=(11, 11), sharex=True)
    ax = axes[0]
    ax.plot(t, log["command"][:, 0], "k--", label="commanded forward")
    ax.plot(t, log["lin_vel_yaw"][:, 0], "C0", label="achieved forward")
    ax.plot(t, log["command"][:, 1], "k:", label="commanded lateral")
    ax.plot(t, log["lin_vel_yaw"][:, 1], "C1", label="achieved lateral")
    ax.plot(t, log["command"][:, 2], "k-.", lw=0.8, label="commanded yaw rate")
    ax.plot(t, log["yaw_rate"], "C2", lw=0.8, label="yaw rate")
    if startup_s > 0:
        ax.axvspan(0.0, startup_s, color="0.9", zorder=0, label="start-up (not judged)")
    ax.set(title=f"{name}: velocity (heading frame)", ylabel="m/s, rad/s")
    ax.legend(fontsize=7, ncol=3)
    ax = axes[1]
    left_leg = _left_leg(joint_names)
    for i, j in enumerate(joint_names):
        if j in left_leg:
            line, = ax.plot(t, log["joint_pos"][:, i], lw=1, label=j.removesuffix("_joint"))
            ax.plot(t, log["joint_target"][:, i], "--", lw=0.8, color=line.get_color())
    ax.set(title="joint tracking, left leg (solid: achieved, dashed: target)", ylabel="rad")
    ax.legend(fontsize=7, ncol=4)
    _torque_panel(axes[2], t, log["torque"], joint_names, effort_limit)
    return _save(fig, out / f"{name}.png")


def plot_clip(name: str, log: dict, joint_names: list[str], tracked_joints: list[str], effort_limit: np.ndarray,
              out: Path) -> Path:
    """A mimic clip: body-position and root errors, left-leg joints against the reference, torques."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = log["time"]
    fig, axes = plt.subplots(3, 1, figsize=(11, 11), sharex=True)
    ax = axes[0]
    if len(t):
        ax.plot(t, 1e3 * log["mpkpe"], "C0", label="MPKPE (global) [mm]")
        ax.plot(t, 1e3 * log["root_error"], "C1", label="root position error [mm]")
    ax.set(title=f"{name}: tracking error", ylabel="mm")
    ax.legend(fontsize=7)
    ax = axes[1]
    left_leg = _left_leg(joint_names)
    for i, j in enumerate(tracked_joints):
        if len(t) and j in left_leg:
            line, = ax.plot(t, log["joint_pos"][:, i], lw=1, label=j.removesuffix("_joint"))
            ax.plot(t, log["joint_ref"][:, i], "--", lw=0.8, color=line.get_color())
    ax.set(title="left leg (solid: achieved, dashed: reference)", ylabel="rad")
    ax.legend(fontsize=7, ncol=4)
    if len(t):
        _torque_panel(axes[2], t, log["torque"], joint_names, effort_limit)
    return _save(fig, out / f"{name}.png")


def _left_leg(joint_names) -> tuple[str, ...]:
    """The left leg's joints of the robot with these joints (none for a robot we do not know)."""
    try:
        return robot_with_joints(joint_names).left_leg_joints
    except UnknownRobotError:
        return ()


def _torque_panel(ax, t, torque, joint_names, effort_limit) -> None:
    ratio = np.abs(torque) / effort_limit
    for group in ("hip", "knee", "ankle", "torso", "shoulder", "elbow", "wrist"):
        cols = [i for i, j in enumerate(joint_names) if group in j]
        if cols:
            ax.plot(t, ratio[:, cols].max(axis=1), lw=1, label=group)
    ax.axhline(1.0, color="r", lw=0.8)
    ax.set(title="torque / effort limit (max over the group)", xlabel="time [s]", ylim=(0, 1.1))
    ax.legend(fontsize=7, ncol=7)


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def render_mp4(robot, frames: np.ndarray, fps: float, path: Path) -> Path | None:
    """Replay the logged states; None (and a message) where no offscreen GL context can be made."""
    from legged_robots.utils.mujoco_video import render_qpos_mp4

    try:
        render_qpos_mp4(robot.model, frames, fps, path, robot.base_body, size=(360, 480))
    except RuntimeError as err:
        print(f"[sim2mujoco] no mp4: {err}")
        return None
    return path


def _num(fmt: str, key: str):
    return lambda r: format(r["metrics"][key], fmt) if r["metrics"].get(key) is not None else "-"


VELOCITY_COLUMNS = [("survival [s]", _num(".2f", "survival_s")),
                    ("mean err x [m/s]", _num(".3f", "lin_vel_x_mean_error")),
                    ("mean err y [m/s]", _num(".3f", "lin_vel_y_mean_error")),
                    ("mean err yaw [rad/s]", _num(".3f", "yaw_rate_mean_error")),
                    ("RMSE x [m/s]", _num(".3f", "lin_vel_x_rmse")), ("RMSE y [m/s]", _num(".3f", "lin_vel_y_rmse")),
                    ("RMSE yaw [rad/s]", _num(".3f", "yaw_rate_rmse")),
                    ("torque sat.", _num(".3f", "torque_saturation")), ("action rate", _num(".3f", "action_rate")),
                    ("sim2sim joint RMSE [rad]", _num(".3f", "sim2sim_joint_rmse")),
                    ("target jitter [rad]: mean, most", lambda r: f"{r['metrics']['target_jitter']:.3f}, "
                     f"{r['metrics']['target_jitter_joint']} {r['metrics']['target_jitter_max']:.3f}"
                     if "target_jitter" in r["metrics"] else "-"),
                    ("safety margin [rad]", lambda r: f"{r['metrics']['safety_limit_margin']:+.3f} "
                     f"{r['metrics']['safety_limit_joint']}" if "safety_limit_margin" in r["metrics"] else "-")]
MIMIC_COLUMNS = [("survival [s]", _num(".2f", "survival_s")), ("MPKPE [mm]", _num(".1f", "mpkpe_mm")),
                 ("Isaac Lab MPKPE [mm]", _num(".1f", "isaac_mpkpe_mm")),
                 ("root-rel. MPKPE [mm]", _num(".1f", "mpkpe_root_relative_mm")),
                 ("q RMSE [rad]", _num(".3f", "joint_pos_rmse_rad")),
                 ("qd RMSE [rad/s]", _num(".3f", "joint_vel_rmse_rad_s")),
                 ("root error [m]", _num(".3f", "root_pos_error_m")), ("torque sat.", _num(".3f", "torque_saturation"))]


def write_report(out: Path, header: dict, rows: list[dict], thresholds, columns=VELOCITY_COLUMNS,
                 kind: str = "scenario") -> Path:
    """report.md: what was run, the thresholds, one row per scenario (or clip), the plots."""
    lines = [f"# sim2mujoco: {'PASS' if all(r['passed'] for r in rows) else 'FAIL'}", ""]
    lines += [f"- {k}: {v}" for k, v in header.items()]
    lines += ["", "Thresholds: " + ", ".join(f"{k} {v}" for k, v in vars(thresholds).items()), ""]
    cols = [kind, "verdict", *(c for c, _ in columns), "real-time factor"]
    lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [r["name"], "PASS" if r["passed"] else "FAIL: " + "; ".join(r["failed"]), *(f(r) for _, f in columns),
                 f"{r['rtf']:.1f}x"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for r in rows:
        lines += [f"## {r['name']}", "", f"![{r['name']}]({r['plot'].name})", ""]
        if r.get("video"):
            lines += [f"[video]({r['video'].name})", ""]
    path = out / "report.md"
    path.write_text("\n".join(lines))
    return path


def latency_sweep(rows: list[dict], latencies: list[float], out: Path) -> str:
    """Per scenario the largest latency it survives and the largest it passes at (every lower latency too), printed
    and plotted (latency_sweep.png: forward tracking error and survival against latency); returns the plot's name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by = {}
    for r in rows:
        by.setdefault(r["scenario"], {})[r["metrics"]["latency_ms"]] = r
    print("[sim2mujoco] latency sweep: scenario, survives up to, passes up to [ms]")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, at in by.items():
        def largest(ok):
            best = None
            for lat in latencies:
                if not ok(at[lat]):
                    break
                best = lat
            return "none" if best is None else f"{best:g}"
        survives = largest(lambda r: r["metrics"]["survival_fraction"] >= 1.0 - 1e-9)
        passes = largest(lambda r: r["passed"])
        print(f"[sim2mujoco]   {name:18s} {survives:>6s} {passes:>6s}")
        for r in at.values():
            r["metrics"]["survives_up_to_ms"], r["metrics"]["passes_up_to_ms"] = survives, passes
        axes[0].plot(latencies, [at[lat]["metrics"]["lin_vel_x_mean_error"] for lat in latencies], "o-", label=name)
        axes[1].plot(latencies, [at[lat]["metrics"]["survival_s"] for lat in latencies], "o-", label=name)
    axes[0].set(title="mean |v_x - command| over the steady window", xlabel="state latency [ms]", ylabel="m/s")
    axes[1].set(title="survived", xlabel="state latency [ms]", ylabel="s")
    axes[0].legend(fontsize=7)
    path = _save(fig, out / "latency_sweep.png")
    return f"![latency sweep]({path.name})"
