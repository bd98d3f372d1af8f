"""RefMotionCfg: what to load and how to serve it, under the names of the design (section 3.8)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import fields as F

DEFAULT_INIT_STATE_FIELDS = (F.ROOT_POS + F.ROOT_ROT + F.root_vel("w") + F.root_ang_vel("w")
                             + ("joint_dof_pos", "joint_dof_vel"))


@dataclass
class RefMotionCfg:
    motion_files: str | list[str] = ""
    """Motion files or glob patterns (any readable format; a csv needs converting first, it has no fps)."""
    robot_mjcf: str | None = None
    """MJCF of the robot; with it, joints are checked against the robot's and missing derived fields
    (velocities, link states by forward kinematics) are computed at load."""
    init_state_fields: tuple[str, ...] = DEFAULT_INIT_STATE_FIELDS
    """Columns ``init_state()`` returns (root state and joint positions/velocities)."""
    style_fields: tuple[str, ...] | None = None
    """Columns of the AMP discriminator's observation (per frame)."""
    style_goal_fields: tuple[str, ...] | None = None
    expressive_goal_fields: tuple[str, ...] | None = None
    time_between_frames: float = 0.02
    """Served frame interval (s), normally the env step; clips are resampled to it at load."""
    ref_length_s: float | None = None
    """Length of each env's reference window (s); None: the whole clip (looping where the clip loops)."""
    trajectory_num: int = 1
    """Number of trajectories served at once (one per env)."""
    frame_begin: int = 0
    frame_end: int | None = None
    """Use source frames [frame_begin, frame_end) of every clip (before resampling); None: to the end."""
    random_start: bool = True
    """Start each window at a random frame (uniform over the valid starts) instead of ``frame_begin``."""
    amp_obs_frame_num: int = 2
    """Consecutive frames in one AMP observation window."""
    specify_init_values: dict[str, float] | None = None
    """Values that replace the clip's in ``init_state()``: a field name or a joint name (its position)."""
    clip_weights: dict[str, float] = field(default_factory=dict)
    """Sampling weight per clip name or glob pattern; clips not named keep their file's MotionWeight."""
    device: str = "cpu"
