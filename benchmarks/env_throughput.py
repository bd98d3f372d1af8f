"""lus2 flat on CPU: env-steps/s of the Isaac Lab env under each physics preset, and their ratio.

    ./run.sh bench                                   # newton_mjwarp vs newton_mujoco_c at 16, 64, 256 envs
    ./run.sh bench env --num_envs 64 --steps 200
    ./run.sh bench env --physics newton_mujoco_c --raw   # also raw Newton/MuJoCo-Warp stepping (no Isaac Lab)
    ./run.sh bench env --physics newton_mujoco_c --num_envs 256   # with the physics ceiling (below)

The ceiling (newton_mujoco_c runs): the worlds' own MuJoCo steps replayed through bare MuJoCo, with nothing else:
every ``mj_step`` call of the timed env steps is recorded (each world's state as the env handed it over, resets
included, and its controls), then replayed with ``mujoco.rollout`` on as many threads as the env's physics uses,
no Python per world per physics step. ``env / ceiling`` is how much of the physics' own speed the env keeps.
``--profile`` adds where a newton_mujoco_c env step's time goes, by stage (cProfile over as many steps again,
after the timed ones) and by Warp kernel (each launch timed, with who launched it); the manager-by-manager split
is ``./run.sh bench mdp``.

Both presets run the whole env (actions, observations, rewards, terminations, resets with their domain
randomization, contact sensor) on the same random joint targets, so falls and resets are part of the timed
steps. The ratio is newton_mujoco_c / newton_mjwarp, measured in one run: compare ratios, not absolute
figures, across machines (and on a shared machine, across runs).
"""

# A benchmark imports what it measures inside the function that measures it: `--help` is instant and one benchmark
# does not pay for another's imports.

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
TASK = "St-Velocity-Flat-Lus2"
ACTION_SCALE = 0.25
PRESETS = ("newton_mjwarp", "newton_mujoco_c")
WARMUP_STEPS = 20


def isaaclab_steps_per_s(num_envs: int, steps: int, physics: str, ceiling: dict | None = None,
                         overrides: tuple[str, ...] = ()) -> float:
    """The env's env-steps/s; with ``ceiling`` (a dict, newton_mujoco_c only) also the bare-MuJoCo replay's, filled
    in as ``ceiling["steps_per_s"]``."""
    import torch

    from legged_robots.tasks import make_env

    env = make_env(TASK, num_envs=num_envs, device="cpu", overrides=[f"physics={physics}", *overrides])
    try:
        env.reset()
        u = env.unwrapped
        gen = torch.Generator().manual_seed(0)

        def act():
            return 2.0 * torch.rand(num_envs, u.action_manager.total_action_dim, generator=gen) - 1.0

        for _ in range(WARMUP_STEPS):  # kernels, allocations, the first falls
            env.step(act())
        calls = _record_mujoco_calls(u) if ceiling is not None else None
        t0 = time.perf_counter()
        for _ in range(steps):
            env.step(act())
        rate = num_envs * steps / (time.perf_counter() - t0)
        if calls is not None:
            ceiling["steps_per_s"] = num_envs * steps / _replay_seconds(u, calls)
        if ceiling is not None and ceiling.get("profile"):  # after the timed steps: profiling slows the env
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(steps):
                env.step(act())
            profiler.disable()
            ceiling["stages"] = _stages(profiler, steps)
            ceiling["kernels"] = _kernel_times(lambda: env.step(act()), steps)
        return rate
    finally:
        env.close()


# stage -> functions (file suffix, name) whose cumulative time it is; stages may nest (Warp launches happen inside
# the state conversion), so they do not add up to 100 %
STAGES = {
    "env step (all)": [("manager_based_rl_env.py", "step")],
    "physics: worlds stepped (threads, incl. waiting)": [("mujoco_c.py", "step_worlds")],
    "  MuJoCo mj_step calls (per world)": [("~", "<built-in method mujoco._functions.mj_step>")],
    "  per-world Python (copies in and out)": [("mujoco_c.py", "_step_chunk")],
    "  contacts kept per world (mj_contactForce)": [("mujoco_c.py", "_record_contacts")],
    "physics: Newton state <-> MuJoCo (conversions)": [("solver_mujoco.py", "_update_newton_state"),
                                                        ("solver_mujoco.py", "_apply_mjc_control"),
                                                        ("solver_mujoco.py", "_update_mjc_data")],
    "contacts to Newton (update_contacts)": [("mujoco_c.py", "update_contacts")],
    "sensors (contact sensor, FK)": [("newton_manager.py", "_update_sensors")],
    "Warp kernel launches (anywhere)": [("context.py", "launch")],
    "scene write / update": [("interactive_scene.py", "write_data_to_sim"), ("interactive_scene.py", "update")],
    "rewards": [("reward_manager.py", "compute")],
    "observations": [("observation_manager.py", "compute")],
    "terminations": [("termination_manager.py", "compute")],
    "resets (events, managers)": [("manager_based_rl_env.py", "_reset_idx")],
}


def _stages(profiler, steps: int) -> list[tuple[str, float, int]]:
    """(stage, ms per env step, calls per env step) from a cProfile of the timed steps."""
    import pstats

    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tottime, cumtime, callers)
    rows = []
    for stage, funcs in STAGES.items():
        total, calls = 0.0, 0
        for (file, _, name), (cc, nc, tt, ct, _) in stats.items():
            if any(file.endswith(suffix) and name == fname for suffix, fname in funcs):
                # a per-world function's own time; the others' cumulative time
                total += tt if name in ("_step_chunk", "_record_contacts") else ct
                calls += nc
        rows.append((stage, 1e3 * total / steps, calls // max(steps, 1)))
    return rows


def _kernel_times(step, steps: int, top: int = 15) -> list[tuple[str, float, float, str]]:
    """(Warp kernel, ms per env step, launches per env step, who launches it) of the ``top`` kernels by time,
    timed around each ``wp.launch`` (on a CPU a launch runs the kernel before it returns) over ``steps`` calls of
    ``step``."""
    import traceback

    import warp
    import warp._src.context as wpc

    launch, times = wpc.launch, {}

    def timed(kernel, *args, **kwargs):
        t0 = time.perf_counter()
        out = launch(kernel, *args, **kwargs)
        key = getattr(kernel, "key", str(kernel))
        entry = times.setdefault(key, [0.0, 0, None])
        entry[0] += time.perf_counter() - t0
        entry[1] += 1
        if entry[2] is None:  # the first two callers outside Warp
            frames = [f for f in traceback.extract_stack()[:-1] if "/warp/" not in f.filename][-2:]
            entry[2] = " <- ".join(f"{Path(f.filename).stem}.{f.name}" for f in reversed(frames))
        return out

    wpc.launch = warp.launch = timed
    try:
        for _ in range(steps):
            step()
    finally:
        wpc.launch = warp.launch = launch
    rows = sorted(((k, 1e3 * t / steps, n / steps, who) for k, (t, n, who) in times.items()), key=lambda r: -r[1])
    return rows[:top] + [("(all kernels)", sum(r[1] for r in rows), sum(r[2] for r in rows), "")]


def _record_mujoco_calls(u) -> list:
    """Wrap the newton_mujoco_c solver's world stepping: each call's (states in, controls, dt, nsteps) is kept
    (recording happens outside the timed physics but inside the env's step, a copy per call: it slows the env a
    little, never the ceiling)."""
    solver = u.sim.physics_manager._solver
    calls, step_chunk = [], solver._step_chunk

    def recording(worker, worlds, io, dt, nsteps):
        if worlds is solver._chunks[0]:  # once per call, whole arrays (io holds every world)
            qpos, qvel, ctrl, qfrc, xfrc = io
            calls.append((qpos.copy(), qvel.copy(), ctrl.copy(), qfrc.copy(), xfrc.copy(), solver._warmstart.copy(),
                          float(dt), int(nsteps)))
        return step_chunk(worker, worlds, io, dt, nsteps)

    solver._step_chunk = recording
    return calls


def _replay_seconds(u, calls) -> float:
    """Seconds bare MuJoCo (``mujoco.rollout``, the env's thread count) takes for the recorded calls."""
    import mujoco
    import numpy as np
    from mujoco import rollout

    solver = u.sim.physics_manager._solver
    del solver._step_chunk  # the recording wrapper: the class's own method again
    m = solver.mj_model
    threads = max(1, len(solver._workers))
    datas = [mujoco.MjData(m) for _ in range(threads)]
    st = mujoco.mjtState
    spec = st.mjSTATE_FULLPHYSICS
    ctrl_spec = st.mjSTATE_CTRL | st.mjSTATE_QFRC_APPLIED | st.mjSTATE_XFRC_APPLIED
    d = datas[0]
    prepared = []
    for qpos, qvel, ctrl, qfrc, xfrc, warm, dt, nsteps in calls:  # as rollout takes them (untimed)
        n = len(qpos)
        state = np.empty((n, mujoco.mj_stateSize(m, spec)))
        for w in range(n):
            d.qpos[:], d.qvel[:] = qpos[w], qvel[w]
            mujoco.mj_getState(m, d, state[w], spec)
        control = np.concatenate([ctrl, qfrc, xfrc.reshape(n, -1)], axis=1)[:, None, :]
        prepared.append((state, np.repeat(control, nsteps, axis=1).astype(np.float64), warm.astype(np.float64), dt))
    m.opt.timestep = prepared[0][3]
    with rollout.Rollout(nthread=threads) as pool:
        state, control, warm, _ = prepared[0]
        pool.rollout(m, datas, state, control, control_spec=ctrl_spec, initial_warmstart=warm)  # warm the pool
        t0 = time.perf_counter()
        for state, control, warm, _ in prepared:
            pool.rollout(m, datas, state, control, control_spec=ctrl_spec, initial_warmstart=warm)
        return time.perf_counter() - t0


def raw_newton_steps_per_s(num_envs: int, steps: int) -> float:
    """Newton + MuJoCo-Warp stepping the same USD without Isaac Lab: the simulator's own ceiling."""
    import newton
    import numpy as np
    import warp as wp

    from legged_robots.assets.lus2 import description as d
    from legged_robots.assets.paths import lus2_usd

    wp.init()
    robot = newton.ModelBuilder()
    newton.solvers.SolverMuJoCo.register_custom_attributes(robot)
    robot.add_usd(str(lus2_usd("lus2_27dof")), enable_self_collisions=False)
    names = [label.rsplit("/", 1)[-1] for label in robot.joint_label]
    default = d.default_joint_positions()
    for j, name in enumerate(names):
        if robot.joint_type[j] == newton.JointType.REVOLUTE:
            q_i, qd_i = robot.joint_q_start[j], robot.joint_qd_start[j]
            robot.joint_q[q_i] = default.get(name, 0.0)
            robot.joint_target_q[qd_i] = default.get(name, 0.0)
            robot.joint_target_mode[qd_i] = int(newton.JointTargetMode.POSITION)
            group = d.actuator_group(name)
            robot.joint_target_ke[qd_i] = group.motor.stiffness
            robot.joint_target_kd[qd_i] = group.motor.damping
            robot.joint_armature[qd_i] = group.motor.armature
            robot.joint_effort_limit[qd_i] = group.effort_limit
    robot.joint_q[2] = d.standing_height() + 0.02
    builder = newton.ModelBuilder()
    builder.replicate(robot, num_envs, spacing=(2.5, 2.5, 0.0))
    builder.add_ground_plane()
    model = builder.finalize(device="cpu")
    solver = newton.solvers.SolverMuJoCo(model, njmax=200, nconmax=40, cone="pyramidal", impratio=1.0,
                                         integrator="implicitfast", use_mujoco_contacts=False)
    pipeline = newton.CollisionPipeline(model)
    contacts = pipeline.contacts()
    s0, s1, control = model.state(), model.state(), model.control()
    newton.eval_fk(model, model.joint_q, model.joint_qd, s0)
    substep_dt = d.PHYSICS_DT / d.SOLVER_SUBSTEPS
    default_targets = control.joint_target_q.numpy().copy()
    rng = np.random.default_rng(0)

    def env_step():
        nonlocal s0, s1
        noise = ACTION_SCALE * rng.uniform(-1.0, 1.0, size=default_targets.shape).astype(np.float32)
        control.joint_target_q.assign(default_targets + noise)
        for _ in range(d.POLICY_DECIMATION):
            pipeline.collide(s0, contacts)
            for _ in range(d.SOLVER_SUBSTEPS):
                s0.clear_forces()
                solver.step(s0, s1, control, contacts, substep_dt)
                s0, s1 = s1, s0

    for _ in range(5):
        env_step()
    t0 = time.perf_counter()
    for _ in range(steps):
        env_step()
    wp.synchronize()
    return num_envs * steps / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--num_envs", type=int, nargs="+", default=[16, 64, 256])
    parser.add_argument("--steps", type=int, default=100, help="env-steps timed per measurement (after "
                                                                f"{WARMUP_STEPS} warm-up steps)")
    parser.add_argument("--physics", nargs="+", default=list(PRESETS), choices=PRESETS)
    parser.add_argument("--raw", action="store_true", help="also time raw Newton/MuJoCo-Warp stepping")
    parser.add_argument("--no_ceiling", action="store_true",
                        help="skip the bare-MuJoCo replay of newton_mujoco_c's own steps (the ceiling)")
    parser.add_argument("--real_actuators", action="store_true",
                        help="also each preset with presets=real_actuators (delayed DC motors, explicit torque): the "
                             "cost of the actuator model, as a ratio in the same run")
    parser.add_argument("--realism", action="store_true",
                        help="as --real_actuators, with presets=real_actuators,real_sensors (sensor latency, drops, "
                             "bias, IMU mounting, encoders too)")
    parser.add_argument("--profile", action="store_true",
                        help="newton_mujoco_c: where an env step's time goes, by stage (cProfile; slows the env)")
    args = parser.parse_args(argv)
    import torch

    from legged_robots.assets.lus2 import description as d
    from legged_robots.utils import available_cpus

    torch.set_num_threads(1)
    rows = []
    for n in args.num_envs:
        row = {}
        for physics in args.physics:
            print(f"[bench] {n} envs: Isaac Lab env, physics={physics} ...", flush=True)
            ceiling = {"profile": args.profile} if physics == "newton_mujoco_c" and not args.no_ceiling else None
            row[physics] = isaaclab_steps_per_s(n, args.steps, physics, ceiling)
            if ceiling:
                row["ceiling"] = ceiling["steps_per_s"]
                row["stages"], row["kernels"] = ceiling.get("stages"), ceiling.get("kernels")
            if args.real_actuators or args.realism:
                real = "presets=real_actuators,real_sensors" if args.realism else "presets=real_actuators"
                print(f"[bench] {n} envs: Isaac Lab env, physics={physics}, {real} ...", flush=True)
                row[f"{physics}+real"] = isaaclab_steps_per_s(n, args.steps, physics, overrides=(real,))
        if args.raw:
            print(f"[bench] {n} envs: raw Newton/MuJoCo-Warp ...", flush=True)
            row["raw"] = raw_newton_steps_per_s(n, args.steps)
        rows.append((n, row))

    print(f"\nlus2 flat ({TASK}), CPU ({available_cpus()} cores), {args.steps} env-steps after {WARMUP_STEPS} "
          f"(each {d.POLICY_DECIMATION} physics steps x {d.SOLVER_SUBSTEPS} substeps), random joint targets "
          f"+-{ACTION_SCALE} rad, falls and resets included")
    real = args.real_actuators or args.realism
    columns = [*args.physics, *([f"{p}+real" for p in args.physics] if real else []),
               *(["raw"] if args.raw else []), *(["ceiling"] if "ceiling" in rows[0][1] else [])]
    header = f"{'envs':>5} " + " ".join(f"{c + ' env-steps/s':>28}" for c in columns)
    both = all(p in args.physics for p in PRESETS)
    print(header + (f" {'ratio mujoco_c/mjwarp':>22}" if both else ""))
    for n, row in rows:
        line = f"{n:>5} " + " ".join(f"{row[c]:>28.1f}" for c in columns)
        if both:
            line += f" {row['newton_mujoco_c'] / row['newton_mjwarp']:>21.2f}x"
        if "ceiling" in row:
            line += f"  env / ceiling {100 * row['newton_mujoco_c'] / row['ceiling']:.0f} %"
        what = "realism on/off" if args.realism else "real/ideal actuators"
        for p in args.physics if real else ():
            line += f"  {p} {what} {row[f'{p}+real'] / row[p]:.2f}x"
        print(line)
    for n, row in rows:
        if row.get("stages"):
            print(f"\nwhere a newton_mujoco_c env step goes, {n} envs (cProfile, which slows Python: compare shares)")
            print(f"{'stage':52s} {'ms/env step':>12s} {'calls/step':>11s}")
            for stage, ms, calls in row["stages"]:
                print(f"{stage:52s} {ms:12.2f} {calls:11d}")
            print(f"\nWarp kernels by time, {n} envs (timed around each launch, without cProfile)")
            print(f"{'kernel':44s} {'ms/env step':>12s} {'launches':>9s}  launched by")
            for kernel, ms, count, who in row["kernels"]:
                print(f"{kernel[:44]:44s} {ms:12.2f} {count:9.1f}  {who}")
    if any("ceiling" in row for _, row in rows):
        print("ceiling: the same worlds' MuJoCo steps (states, resets, controls recorded from the env) replayed "
              "through mujoco.rollout on the env's physics threads")


if __name__ == "__main__":
    main()
