"""MuJoCo in Isaac Lab's state: the tests that compare what both simulators observe start from the same state."""

from legged_robots.assets.paths import lus2_scene_mjcf
from st_runtime.mujoco_robot import MujocoRobot


def mujoco_at_isaac_state(robot, metadata) -> MujocoRobot:
    """The lus2 scene in MuJoCo, with env 0 of Isaac Lab's articulation ``robot`` copied in: base pose and
    velocities, joint positions and velocities in ``metadata``'s joint order."""
    d = robot.data
    ids = [robot.joint_names.index(n) for n in metadata["joint_names"]]
    x, y, z, w = d.root_quat_w.torch[0].numpy()  # Isaac Lab: x, y, z, w
    mj = MujocoRobot(lus2_scene_mjcf("lus2_27dof"), metadata)
    mj.reset(base_pos=d.root_pos_w.torch[0].numpy(), base_quat_wxyz=[w, x, y, z],
             joint_pos=d.joint_pos.torch[0, ids].numpy(), base_lin_vel_w=d.root_lin_vel_w.torch[0].numpy(),
             base_ang_vel_b=d.root_ang_vel_b.torch[0].numpy(), joint_vel=d.joint_vel.torch[0, ids].numpy())
    return mj
