"""From files to complete, validated clips: read, check against the robot, derive what is missing."""

from __future__ import annotations

import glob
from pathlib import Path

from . import formats
from .clip import MotionClip, check_clip
from .derive import complete
from .errors import MotionDataError
from .kinematics import RobotModel


def expand_files(patterns) -> list[Path]:
    """Files matching ``patterns`` (paths or globs, a string or a list), sorted per pattern, no repeats."""
    if isinstance(patterns, (str, Path)):
        patterns = [patterns]
    out: list[Path] = []
    for p in patterns:
        hits = sorted(glob.glob(str(p), recursive=True))
        if not hits:
            raise MotionDataError(f"no motion file matches {str(p)!r}")
        out.extend(Path(h) for h in hits if Path(h) not in out)
    return out


def prepare_clip(clip: MotionClip, robot: RobotModel | None = None) -> MotionClip:
    """Validate (against the robot's joints when given) and complete: root and joint velocities always;
    with a robot, link states for every link when the clip carries none."""
    clip = check_clip(clip, joint_names=None if robot is None else robot.joint_names)
    if robot is not None:
        unknown = [link for link in clip.link_names if link not in robot.link_names + (robot.root_name,)]
        if unknown:
            raise MotionDataError(f"link(s) {', '.join(unknown)} not bodies of {robot.path.name} (its links: "
                                  f"{', '.join(robot.link_names)})", file=clip.source, clip=clip.name,
                                  field=f"{unknown[0]}_pos_x_b")
    return complete(clip, robot, links=clip.link_names or None)


def load_clips(patterns, robot: RobotModel | None = None) -> list[MotionClip]:
    """Every clip of every file, through ``prepare_clip``; clip names must be unique across files."""
    clips: list[MotionClip] = []
    names: dict[str, str] = {}
    for path in expand_files(patterns):
        for clip in formats.read(path):
            if clip.name in names:
                raise MotionDataError(f"clip name also used in {names[clip.name]}; clip names must be unique",
                                      file=path, clip=clip.name)
            names[clip.name] = str(path)
            clips.append(prepare_clip(clip, robot))
    return clips
