"""lus2 flat: env-steps/s of the Isaac Lab env vs. raw Newton stepping of the same model, on CPU.

    ./run.sh bench                       # 16 and 64 envs, 100 env-steps each
    ./run.sh bench --num_envs 16 --steps 50

Both sides integrate the same USD with the same solver settings (MuJoCo-Warp, 2 substeps per physics
step, 4 physics steps per env-step) and random joint-position targets around the default pose; the Isaac
Lab side adds its managers (actions, observations, rewards, terminations, resets, contact sensor). The
ratio is Isaac Lab / raw: the share of raw simulator throughput the full env keeps. Compare ratios, not
absolute figures: these machines are shared.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
TASK = "St-Velocity-Flat-Lus2"
ACTION_SCALE = 0.25


def isaaclab_steps_per_s(num_envs: int, steps: int) -> float:
    import torch

    from legged_robots.tasks import make_env

    env = make_env(TASK, num_envs=num_envs, device="cpu")
    try:
        env.reset()
        u = env.unwrapped
        gen = torch.Generator().manual_seed(0)

        def act():
            return 2.0 * torch.rand(num_envs, u.action_manager.total_action_dim, generator=gen) - 1.0

        for _ in range(5):  # warm-up
            env.step(act())
        t0 = time.perf_counter()
        for _ in range(steps):
            env.step(act())
        return num_envs * steps / (time.perf_counter() - t0)
    finally:
        env.close()


def raw_newton_steps_per_s(num_envs: int, steps: int) -> float:
    import numpy as np
    import warp as wp

    import newton
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
    parser.add_argument("--num_envs", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--steps", type=int, default=100, help="env-steps timed per measurement")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    rows = []
    for n in args.num_envs:
        print(f"[bench] {n} envs: Isaac Lab env ...", flush=True)
        lab = isaaclab_steps_per_s(n, args.steps)
        print(f"[bench] {n} envs: raw Newton ...", flush=True)
        raw = raw_newton_steps_per_s(n, args.steps)
        rows.append((n, lab, raw))
    from legged_robots.assets.lus2 import description as d

    print(f"\nlus2 flat, CPU, {args.steps} env-steps (each {d.POLICY_DECIMATION} physics steps x "
          f"{d.SOLVER_SUBSTEPS} substeps), random joint targets +-{ACTION_SCALE} rad")
    print(f"{'envs':>5} {'Isaac Lab env-steps/s':>22} {'raw Newton env-steps/s':>23} {'ratio lab/raw':>14}")
    for n, lab, raw in rows:
        print(f"{n:>5} {lab:>22.1f} {raw:>23.1f} {lab / raw:>14.2f}")


if __name__ == "__main__":
    main()
