"""Reference-motion library: load, validate, resample and serve motion clips to many envs.

Imports numpy and torch only; MuJoCo is loaded when forward kinematics is needed. No Isaac Lab.
"""

from .clip import MotionClip, check_clip
from .config import RefMotionCfg
from .errors import MotionDataError
from .manager import RefMotionManager

__version__ = "0.2.0"
__all__ = ["MotionClip", "MotionDataError", "RefMotionCfg", "RefMotionManager", "check_clip"]
