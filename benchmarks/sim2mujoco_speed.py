"""sim2mujoco speed: real-time factor of one env on one core, plain MuJoCo (C engine).

    ./run.sh bench sim2mujoco                    # a scripted policy with the lus2 play env's metadata
    ./run.sh bench sim2mujoco --task St-Velocity-Rough-Lus2   # with the height scan (187 rays per step)
    ./run.sh bench sim2mujoco --policy logs/st_rl/lus2_flat/<run>/exported/policy.onnx

Three figures for the same 20 s of standing: physics alone (PD + mj_step), plus observation rebuild,
plus ONNX inference (the full sim2mujoco loop). Target (issue 6): full loop >= 20x real time.
The scripted policy holds the default pose at 2.5x the motors' bandwidth, so nothing falls.
"""

# A benchmark imports what it measures inside the function that measures it: `--help` is instant and one benchmark
# does not pay for another's imports.

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--policy", help="an exported policy.onnx (default: a scripted one)")
    p.add_argument("--task", default="St-Velocity-Flat-Lus2", help="task whose metadata the scripted policy carries")
    p.add_argument("--seconds", type=float, default=20.0)
    args = p.parse_args()
    import numpy as np

    from legged_robots.assets.lus2 import description as d
    from legged_robots.sim2mujoco.cli import robot_mjcf
    from legged_robots.sim2mujoco.scripted import write_constant_policy
    from st_runtime.mujoco_robot import MujocoRobot
    from st_runtime.observations import ObservationBuilder
    from st_runtime.policy import OnnxPolicy

    if args.policy:
        policy = OnnxPolicy(args.policy)
    else:
        from legged_robots.sim2mujoco.isaac import IsaacLabRobot

        isaac = IsaacLabRobot(args.task)
        md = isaac.metadata()
        isaac.close()
        scale = 2.5  # holding gains: the zero-action robot stands
        md["stiffness"] = [d.actuator_group(j).motor.stiffness * scale**2 for j in md["joint_names"]]
        md["damping"] = [d.actuator_group(j).motor.damping * scale for j in md["joint_names"]]
        policy = OnnxPolicy(write_constant_policy(Path(tempfile.mkdtemp()) / "policy.onnx", md))
    md = policy.metadata
    robot = MujocoRobot(robot_mjcf(md), md)
    builder = ObservationBuilder(md)
    steps = int(args.seconds / robot.policy_dt)
    command, zero = np.zeros(3), np.zeros(policy.action_dim)

    def run(with_obs: bool, with_policy: bool) -> float:
        robot.reset()
        builder.reset()
        policy.reset()
        action = zero
        t0 = time.perf_counter()
        for _ in range(steps):
            if with_obs:
                obs = builder.build(robot, action, command)
                if with_policy:
                    action = policy(obs)
            robot.apply_action(action)
            robot.step()
        return steps * robot.policy_dt / (time.perf_counter() - t0)

    physics = run(False, False)
    obs = run(True, False)
    full = run(True, True)
    print(f"sim2mujoco, one env, one core, {md['task']}: {args.seconds:g} s simulated, "
          f"timestep {robot.model.opt.timestep:g} s, "
          f"{robot.steps_per_action} MuJoCo steps per policy step; base height at the end {robot.base_pos[2]:.3f} m")
    print(f"  physics (PD + mj_step)          {physics:7.1f}x real time")
    print(f"  + observation rebuild           {obs:7.1f}x real time")
    met = "met" if full >= 20 else "NOT met"
    print(f"  + ONNX policy (full loop)       {full:7.1f}x real time  (target >= 20x: {met})")


if __name__ == "__main__":
    main()
