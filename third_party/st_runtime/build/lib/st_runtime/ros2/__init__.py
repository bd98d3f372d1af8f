"""ROS 2 deployment without rclpy: the bridge (an exported policy on ROS 2 topics, behind the safety state
machine), a simulated robot on the same topics (needs the ``mujoco`` extra), the message types and the bag
recorder. Plain Cyclone DDS with ROS 2's wire conventions (the ``ros2`` extra)."""
