"""The sensor error models on both sides with the same inputs: training's torch (``mdp.observations``) and the robot
side's numpy (``st_runtime.sensors``, used by sim2mujoco and the ROS 2 sim robot through ``MujocoRobot.sensed``)."""

import numpy as np
import torch

from legged_robots.tasks.velocity.mdp import observations as train
from st_runtime import sensors as robot_side


def test_the_imu_mounting_is_the_same_rotation_on_both_sides():
    rpy = np.random.default_rng(0).uniform(-0.5, 0.5, size=(64, 3))
    ours = train.rotation_from_rpy(torch.tensor(rpy)).numpy()
    np.testing.assert_allclose(ours, robot_side.rotation_from_rpy(rpy), atol=1e-12)
    np.testing.assert_allclose(ours @ np.swapaxes(ours, 1, 2), np.broadcast_to(np.eye(3), ours.shape), atol=1e-12)
    # a pure roll of the board: gravity (0, 0, -1) in the base reads (0, -sin r, -cos r) on the board (R^T g)
    roll = robot_side.rotation_from_rpy([0.1, 0.0, 0.0])
    np.testing.assert_allclose(roll.T @ [0.0, 0.0, -1.0], [0.0, -np.sin(0.1), -np.cos(0.1)], atol=1e-12)


def test_the_encoders_count_and_differentiate_the_same_on_both_sides():
    res, dt = 2 * np.pi / 2**14, 0.005
    q = np.random.default_rng(1).uniform(-2.0, 2.0, size=(2, 100))
    np.testing.assert_allclose(train.encoder_angle(torch.tensor(q), res).numpy(), robot_side.encoder_angle(q, res),
                               atol=0)
    v = robot_side.encoder_velocity(q[0], q[0] + 0.01 * dt, res, dt)  # 0.01 rad/s: under one count per step
    assert set(np.unique(np.round(np.abs(v) * dt / res))) <= {0.0, 1.0}  # reads 0 or one count's 0.077 rad/s


def test_the_mujoco_robot_reads_through_the_mounting_and_the_encoders():
    from legged_robots.assets.paths import lus2_scene_mjcf
    from legged_robots.ros2 import robot_sim_spec
    from st_runtime.mujoco_robot import MujocoRobot

    mjcf = lus2_scene_mjcf("lus2_27dof")
    spec = robot_sim_spec(mjcf, real_actuators=False)
    robot = MujocoRobot(mjcf, spec)
    robot.reset()
    robot.kp, robot.kd = np.full(len(robot.joint_names), 100.0), np.full(len(robot.joint_names), 5.0)
    res = 2 * np.pi / 2**10  # coarse, so the staircase shows
    robot.set_sensor_errors((0.0, 0.05, 0.0), res)
    robot.target = robot.default_q + 0.2
    positions = []
    for _ in range(6):
        robot.step()
        positions.append(robot.joint_pos.copy())
    s = robot.sensed()
    np.testing.assert_allclose(s.projected_gravity, robot_side.rotation_from_rpy([0.0, 0.05, 0.0]).T
                               @ robot.projected_gravity, atol=1e-12)
    np.testing.assert_allclose(s.joint_pos, robot_side.encoder_angle(robot.joint_pos, res))
    # one physics step (the spec's substeps of integration) before: the previous step() when decimation is 1
    physics_dt = float(robot.model.opt.timestep) * robot.substeps
    np.testing.assert_allclose(s.joint_vel, robot_side.encoder_velocity(positions[-1], positions[-2], res, physics_dt))
    assert np.abs(s.joint_vel - robot.joint_vel).max() > 1e-3
    robot.set_sensor_errors()  # off again: the robot itself
    assert robot.sensed() is robot


def test_the_ros2_sim_robot_publishes_through_the_mounting_and_the_encoders():
    """What leaves the simulated robot on /imu/data and /joint_states (a real DDS participant, nothing sent)."""
    from legged_robots.assets.paths import lus2_scene_mjcf
    from legged_robots.ros2 import robot_sim_spec
    from st_runtime.ros2.dds import Node
    from st_runtime.ros2.sim_robot import Impairments, SimRobot

    mjcf = lus2_scene_mjcf("lus2_27dof")
    sim = SimRobot(mjcf, robot_sim_spec(mjcf, real_actuators=False), Node(231),
                   Impairments(imu_mount_deg=(3.0, 0.0, 0.0), encoder_counts=4096), log=lambda m: None)
    sim.robot.step()
    messages = {type(m).__name__: m for _, m in sim._state_messages()}
    imu, joints, r = messages["Imu"], messages["JointState"], sim.robot
    board = r.base_rot @ robot_side.rotation_from_rpy(np.radians([3.0, 0.0, 0.0]))
    acc = np.array([imu.linear_acceleration.x, imu.linear_acceleration.y, imu.linear_acceleration.z])
    np.testing.assert_allclose(acc, board.T @ [0.0, 0.0, 9.81], atol=1e-9)
    q = imu.orientation  # the board's orientation: base * mount
    w, x, y, z = q.w, q.x, q.y, q.z
    rot = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                    [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                    [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
    np.testing.assert_allclose(rot, board, atol=1e-9)
    res = 2 * np.pi / 4096
    position = np.array(joints.position)
    np.testing.assert_allclose(position / res, np.round(position / res), atol=1e-6)
