"""Mimic's MDP terms (``from legged_robots.tasks.mimic import mdp as mimic_mdp``)."""

from .commands import AdaptiveStartSampler, ExpressiveCommand, ExpressiveCommandCfg  # noqa: F401
from .observations import (  # noqa: F401
    expressive_goal_next,
    reference_root_pose_b,
    robot_expressive_frame,
    robot_expressive_link_vel,
)
from .rewards import (  # noqa: F401
    track_joint_pos_exp,
    track_joint_vel_exp,
    track_link_pos_exp,
    track_link_vel_exp,
    track_root_exp,
)
from .terminations import reference_finished, tracking_error_adaptive_termination  # noqa: F401
