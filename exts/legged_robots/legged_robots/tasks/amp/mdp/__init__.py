"""AMP's MDP terms (``from legged_robots.tasks.amp import mdp as amp_mdp``)."""

from .commands import StyleCommand, StyleCommandCfg  # noqa: F401
from .events import reset_from_reference, write_reference_state  # noqa: F401
from .observations import style_frame  # noqa: F401
from .reference import StyleFrame, build_reference_motion, reference_motion  # noqa: F401
from .rewards import track_style_goal_exp  # noqa: F401
