"""ROS 2 deployment: the bridge (an exported policy on ROS 2 topics, behind a safety state machine), a
simulated robot on the same topics, the message types, and the bag recorder. Plain Cyclone DDS with ROS 2's
wire conventions; no rclpy needed. CLI: ``./run.sh ros2 bridge|sim|demo`` (scripts/st_rl/ros2interface.py)."""
