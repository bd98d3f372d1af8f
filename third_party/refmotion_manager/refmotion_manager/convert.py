"""Convert motion files to the canonical refmotion pkl for a robot: validated, joints matched by name,
derived quantities (velocities, link states by forward kinematics) filled in.

    python -m refmotion_manager.convert walk.csv --robot lus2_27dof --fps 30 --joint-names joints.txt -o walk.pkl
    python -m refmotion_manager.convert clips/*.npz --robot path/to/robot.xml -o clips.pkl
    python -m refmotion_manager.convert walk.pkl --robot lus2_27dof --to csv -o walk.csv   # back out
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

from . import fields as F
from . import formats
from .clip import check_clip
from .derive import complete
from .errors import MotionDataError
from .kinematics import RobotModel
from .robots import robot_mjcf


def _joint_names(arg: str | None) -> list[str] | None:
    if arg is None:
        return None
    p = Path(arg)
    text = p.read_text() if p.is_file() else arg
    return [n.strip() for n in text.replace(",", "\n").splitlines() if n.strip()]


def _links(arg: str, robot: RobotModel) -> tuple[str, ...]:
    if arg == "all":
        return robot.link_names
    if arg == "none":
        return ()
    links = tuple(n.strip() for n in arg.split(",") if n.strip())
    for n in links:
        robot.body_id(n)  # KeyError naming the bodies
    return links


def fill_missing_joints(clip, robot: RobotModel, value: float | None):
    """Add robot joints the clip lacks at ``value`` (error listing them when value is None)."""
    missing = [j for j in robot.joint_names if j not in clip.joint_names]
    if not missing:
        return clip
    if value is None:
        raise MotionDataError(f"clip has no data for robot joint(s) {', '.join(missing)}; pass "
                              "--missing-joint-value V to hold them at V", file=clip.source, clip=clip.name,
                              field=f"{missing[0]}_dof_pos")
    return clip.with_columns(F.dof_pos(missing), np.full((clip.num_frames, len(missing)), value))


def drop_joints(clip, names):
    drop = {f"{j}_dof_pos" for j in names} | {f"{j}_dof_vel" for j in names}
    return clip.select([f for f in clip.fields if f not in drop])


def _positive(text: str) -> float:
    """argparse type: a finite number > 0 (a frame rate)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (value > 0 and value != float("inf")):
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


_positive.bounds = (0.0, None, True, False)  # read by tests/test_bad_input.py's table
_positive.__name__ = "float"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m refmotion_manager.convert", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", help="motion files (pkl, npz, csv, npy)")
    p.add_argument("-o", "--output", required=True, help="output file; its suffix picks the format unless --to")
    p.add_argument("--robot", required=True, help="registered robot name (e.g. lus2_27dof) or MJCF path")
    p.add_argument("--to", choices=sorted(set(formats.FORMATS.values())), help="output format (default: from suffix)")
    p.add_argument("--fps", type=_positive, help="frame rate of csv inputs (a csv carries none)")
    p.add_argument("--joint-names", help="csv without header: joint names of columns 8.., in file order "
                                         "(comma-separated or a file with one per line)")
    p.add_argument("--quat-order", choices=("xyzw", "wxyz"), default="xyzw", help="csv quaternion order (default xyzw)")
    p.add_argument("--root-body", help="npz: the root among the file's bodies (default: its first body)")
    p.add_argument("--links", default="all", help="links whose base-frame states to derive: all, none, or a,b,c")
    p.add_argument("--missing-joint-value", type=float, help="hold robot joints the data lacks at this value "
                                                             "(default: error)")
    p.add_argument("--drop-unknown-joints", action="store_true",
                   help="drop joints the robot does not have (default: error)")
    p.add_argument("--loop", choices=("keep", "wrap", "clamp"), default="keep", help="set the clips' LoopMode")
    args = p.parse_args(argv)
    try:
        robot = RobotModel(robot_mjcf(args.robot))
        links = _links(args.links, robot)
        clips = []
        for path in args.inputs:
            for clip in formats.read(path, fps=args.fps, joint_names=_joint_names(args.joint_names),
                                     quat_order=args.quat_order, root_body=args.root_body):
                if args.drop_unknown_joints:
                    unknown = [j for j in clip.joint_names if j not in robot.joint_names]
                    if unknown:
                        print(f"[convert] {clip.name}: dropping joints not in the robot: {', '.join(unknown)}")
                        clip = drop_joints(clip, unknown)
                clip = check_clip(clip, joint_names=robot.joint_names)
                clip = fill_missing_joints(clip, robot, args.missing_joint_value)
                if args.loop != "keep":
                    clip = dataclasses.replace(clip, loop=args.loop == "wrap")
                clip = complete(clip, robot, links=links)
                print(f"[convert] {path}: clip {clip.name!r}, {clip.num_frames} frames at {clip.fps:g} fps "
                      f"({clip.duration:.2f} s), {len(clip.joint_names)} joints, {len(clip.link_names)} links")
                clips.append(clip)
        names = [c.name for c in clips]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise MotionDataError(f"clip names repeat across inputs: {', '.join(sorted(dup))}")
        kwargs = {"root_body": robot.root_name} if formats.format_of(args.output, args.to) == "humanoid_amp_npz" else {}
        out = formats.write(clips, args.output, args.to, **kwargs)
    except (MotionDataError, KeyError, FileNotFoundError, ValueError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"error: {msg}", file=sys.stderr)
        return 2
    print(f"[convert] wrote {out} ({len(clips)} clip{'s' if len(clips) != 1 else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
