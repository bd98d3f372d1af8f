"""ROS 2: the robot-side parts (bridge, messages, simulated robot) live in ``st_runtime.ros2``; here is what needs
this project: a robot's facts for the simulated robot (from its description) and the demo's operator, which judges a
run with sim2mujoco's verdict. CLI: ``./run.sh ros2 bridge|sim|demo`` (scripts/st_rl/ros2interface.py).

MuJoCo, st_runtime's simulated robot and the actuator constants (``assets/articulation.py`` loads Isaac Lab) are
imported where a spec is built: the demo's operator imports this package without them."""

from __future__ import annotations

from pathlib import Path

from st_runtime.metadata import RobotSpec


def robot_sim_spec(mjcf: str | Path, real_actuators: bool = False) -> RobotSpec:
    """The simulated robot's settings from its description (armature, effort limits, physics timing), not from any
    policy: the robot of ours whose joints the MJCF actuates. ``real_actuators``: its motors as the real-actuator
    model (``assets/actuators.py``, at strength 1; the delay is set on the robot)."""
    import mujoco

    from st_runtime.metadata import ActuatorModel
    from st_runtime.ros2.sim_robot import mjcf_robot_spec

    from ..assets.articulation import REAL_DELAY_STEPS, REAL_STRENGTH_RANGE
    from ..assets.kinematics import actuator_group
    from ..assets.robots import robot_with_joints

    model = mujoco.MjModel.from_xml_path(str(mjcf))
    d = robot_with_joints(model.joint(model.actuator(i).trnid[0]).name for i in range(model.nu)).description

    def group(joint):
        return actuator_group(d.ACTUATOR_GROUPS, joint)

    spec = mjcf_robot_spec(mjcf, armature=lambda j: group(j).motor.armature,
                           effort_limit=lambda j: group(j).effort_limit, sim_dt=d.PHYSICS_DT,
                           solver_substeps=d.SOLVER_SUBSTEPS)
    if real_actuators:  # as articulation.actuator_cfgs(real=True): stall torque = effort limit, no-load speed = limit
        groups = [group(j) for j in spec.joint_names]
        spec.actuators = ActuatorModel(model="delayed_dc_motor", delay_steps=list(REAL_DELAY_STEPS),
                                       strength_range=list(REAL_STRENGTH_RANGE),
                                       saturation_effort=[g.effort_limit for g in groups],
                                       velocity_limit=[g.velocity_limit for g in groups])
    return spec
