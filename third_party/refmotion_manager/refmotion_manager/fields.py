"""Field (column) names of a motion clip: the refmotion convention, one place.

    root_pos_{x,y,z}                 root position, world frame
    root_rot_{w,x,y,z}               root orientation, world frame (scalar first)
    root_vel_{x,y,z}_{w|b}           root linear velocity, world / base frame
    root_ang_vel_{x,y,z}_{w|b}       root angular velocity, world / base frame
    <joint>_dof_pos, <joint>_dof_vel joint position / velocity
    <link>_pos_{x,y,z}_b             link origin relative to the root, in the base frame
    <link>_rot_{w,x,y,z}_b           link orientation relative to the base
    <link>_vel_{x,y,z}_b             link linear velocity (world velocity expressed in the base frame)
    <link>_ang_vel_{x,y,z}_b         link angular velocity (world velocity expressed in the base frame)
"""

from __future__ import annotations

import difflib
import fnmatch
import re

XYZ = ("x", "y", "z")
WXYZ = ("w", "x", "y", "z")
ROOT_POS = tuple(f"root_pos_{a}" for a in XYZ)
ROOT_ROT = tuple(f"root_rot_{a}" for a in WXYZ)


def root_vel(frame: str) -> tuple[str, ...]:
    return tuple(f"root_vel_{a}_{frame}" for a in XYZ)


def root_ang_vel(frame: str) -> tuple[str, ...]:
    return tuple(f"root_ang_vel_{a}_{frame}" for a in XYZ)


def dof_pos(joints) -> tuple[str, ...]:
    return tuple(f"{j}_dof_pos" for j in joints)


def dof_vel(joints) -> tuple[str, ...]:
    return tuple(f"{j}_dof_vel" for j in joints)


def link_pos(link: str) -> tuple[str, ...]:
    return tuple(f"{link}_pos_{a}_b" for a in XYZ)


def link_rot(link: str) -> tuple[str, ...]:
    return tuple(f"{link}_rot_{a}_b" for a in WXYZ)


def link_vel(link: str) -> tuple[str, ...]:
    return tuple(f"{link}_vel_{a}_b" for a in XYZ)


def link_ang_vel(link: str) -> tuple[str, ...]:
    return tuple(f"{link}_ang_vel_{a}_b" for a in XYZ)


def joints_in(fields) -> tuple[str, ...]:
    """Joint names with a ``_dof_pos`` column, in column order."""
    return tuple(f[: -len("_dof_pos")] for f in fields if f.endswith("_dof_pos"))


def links_in(fields) -> tuple[str, ...]:
    """Link names with a ``_pos_x_b`` column, in column order (the root's own columns excluded)."""
    return tuple(f[: -len("_pos_x_b")] for f in fields if f.endswith("_pos_x_b") and not f.startswith("root_"))


_QUAT_W = re.compile(r"^(.*_rot_)w(_b)?$")


def quaternion_groups(fields) -> list[tuple[int, int, int, int]]:
    """Column indices (w, x, y, z) of every quaternion in ``fields`` (``*_rot_w`` with its x, y, z)."""
    index = {f: i for i, f in enumerate(fields)}
    groups = []
    for f in fields:
        m = _QUAT_W.match(f)
        if m:
            names = [f"{m.group(1)}{a}{m.group(2) or ''}" for a in WXYZ]
            if all(n in index for n in names):
                groups.append(tuple(index[n] for n in names))
    return groups


# Shorthands the design uses in its field lists (section 3.8), expanded against a clip's columns.
def _alias(name: str, fields) -> list[str] | None:
    if name == "joint_dof_pos":
        return list(dof_pos(joints_in(fields)))
    if name == "joint_dof_vel":
        return list(dof_vel(joints_in(fields)))
    m = re.fullmatch(r"link_(pos|vel|ang_vel)_([xyz])_b", name)
    if m:
        return [f"{link}_{m.group(1)}_{m.group(2)}_b" for link in links_in(fields)]
    return None


def expand(patterns, fields, what: str = "field") -> tuple[str, ...]:
    """Resolve names, ``fnmatch`` patterns and design shorthands to columns of ``fields``, in pattern order.

    Shorthands: ``joint_dof_pos``/``joint_dof_vel`` (every joint), ``link_{pos,vel,ang_vel}_{x,y,z}_b``
    (every link). A pattern that matches no column is an error naming it and the closest columns.
    """
    fields = list(fields)
    out: list[str] = []
    for pattern in patterns:
        if pattern in fields:
            hits = [pattern]
        else:
            hits = _alias(pattern, fields)
            if hits is None:
                hits = [f for f in fields if fnmatch.fnmatchcase(f, pattern)]
            hits = [h for h in hits if h in fields]
        if not hits:
            close = difflib.get_close_matches(pattern, fields, n=4, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else ""
            raise KeyError(f"{what} {pattern!r} matches no column of the motion data{hint}")
        out.extend(h for h in hits if h not in out)
    return tuple(out)
