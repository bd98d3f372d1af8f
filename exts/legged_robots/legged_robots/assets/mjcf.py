"""Write a robot's MJCF (robot + scene) from its description module (``assets/<robot>/description.py``: ``BODIES``,
``ROOT``, ``FEET``, ``FOOT_BOX_*``, ``ACTUATOR_GROUPS``, ``SELF_COLLISION_PAIRS``, ``CONTACT_KE/KD``, ...). Plain
strings, no MuJoCo import needed."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from . import kinematics as k


def _f(values) -> str:
    return " ".join(f"{v:.6g}" for v in values)


def _geom(shape, name: str) -> str:
    cls = "collision" if shape.collide else "visual"
    if shape.kind not in ("box", "sphere", "capsule", "cylinder"):
        raise ValueError(f"unknown shape kind {shape.kind!r}")
    # sizes share MuJoCo's convention: box half-extents, (radius,), (radius, half-length)
    return (f'<geom name="{name}" class="{cls}" type="{shape.kind}" size="{_f(shape.size)}" pos="{_f(shape.pos)}" '
            f'rgba="{_f(shape.rgba)}"/>')


def robot_xml(desc, variant) -> str:
    """The robot alone (no floor): bodies nested, inactive joints welded, motors with effort limits."""
    d = desc
    children = _children(d)
    lines: list[str] = []

    def emit(body, depth: int) -> None:
        ind = "  " * depth
        attrs = f'name="{body.name}" pos="{_f(body.offset)}"'
        if body.roll:
            attrs += f' quat="{_f(k.quat_from_matrix(k.frame_rotation(body)))}"'
        lines.append(f"{ind}<body {attrs}>")
        if body.parent is None:
            lines.append(f'{ind}  <freejoint name="floating_base_joint"/>')
        elif variant.is_active(body.joint):
            g = k.actuator_group(d.ACTUATOR_GROUPS, body.joint)
            lines.append(f'{ind}  <joint name="{body.joint}" class="{g.name}" axis="{_f(body.axis_vector)}" '
                         f'range="{_f(body.range)}"/>')
        lines.append(f'{ind}  <inertial pos="{_f(body.com)}" mass="{body.mass:.6g}" diaginertia="{_f(body.inertia)}"/>')
        for i, s in enumerate(body.shapes):
            lines.append(f"{ind}  " + _geom(s, f"{body.name}_{'col' if s.collide else 'vis'}{i}"))
        if body.parent is None:
            lines.append(f'{ind}  <site name="imu" pos="0 0 0" size="0.01"/>')
        if body.name in d.FEET:
            sole = (d.FOOT_BOX_POS[0], 0.0, d.FOOT_BOX_POS[2] - d.FOOT_BOX_HALF[2])
            lines.append(f'{ind}  <site name="{body.name.split("_")[0]}_foot" pos="{_f(sole)}" size="0.01"/>')
        for c in children.get(body.name, []):
            emit(c, depth + 1)
        lines.append(f"{ind}</body>")

    emit(d.BODY_BY_NAME[d.ROOT], 2)

    defaults = []
    for g in d.ACTUATOR_GROUPS:
        defaults.append(
            f'    <default class="{g.name}">\n'
            f'      <joint armature="{g.motor.armature:.6g}" damping="0" frictionloss="0"/>\n'
            f'      <motor ctrlrange="{-g.effort_limit:g} {g.effort_limit:g}"/>\n'
            f"    </default>")
    motors = [f'    <motor name="{j}" joint="{j}" class="{k.actuator_group(d.ACTUATOR_GROUPS, j).name}"/>'
              for j in variant.joints]

    geoms = {b.name: [f"{b.name}_col{i}" for i, sh in enumerate(b.shapes) if sh.collide] for b in d.BODIES}
    pair = f'friction="1 1 0.005 0.0001 0.0001" solref="{_f(k.contact_solref(d.CONTACT_KE, d.CONTACT_KD))}"'
    pairs = [f'    <pair geom1="{g1}" geom2="{g2}" {pair}/>'
             for b1, b2 in d.SELF_COLLISION_PAIRS for g1 in geoms[b1] for g2 in geoms[b2]]

    q = d.default_joint_positions(variant.joints)
    qpos = [0.0, 0.0, d.standing_height(d.default_joint_positions()), 1.0, 0.0, 0.0, 0.0]
    # keyframe qpos follows MJCF (depth-first) joint order
    qpos += [q[b.joint] for b in _depth_first(d) if variant.is_active(b.joint)]

    return "\n".join([
        f"<!-- Generated from {d.__name__.replace('.', '/')}.py by",
        "     python -m legged_robots.assets.generate. Do not edit by hand. -->",
        f'<mujoco model="{variant.name}">',
        '  <compiler angle="radian" autolimits="true"/>',
        f'  <option timestep="{d.INTEGRATION_DT:g}" integrator="implicitfast"/>',
        "  <default>",
        '    <geom condim="3" friction="1.0 0.005 0.0001"/>',
        '    <default class="visual">',
        '      <geom contype="0" conaffinity="0" group="2" density="0"/>',
        "    </default>",
        '    <default class="collision">',
        # robot geoms touch the floor, each other only in the <contact> pairs (description.SELF_COLLISION_PAIRS);
        # they are also the visuals of their links (group 0)
        '      <geom contype="1" conaffinity="0" group="0" density="0"/>',
        "    </default>",
        *defaults,
        "  </default>",
        "  <worldbody>",
        *lines,
        "  </worldbody>",
        "  <contact>",
        *pairs,
        "  </contact>",
        "  <actuator>",
        *motors,
        "  </actuator>",
        "  <sensor>",
        '    <framequat name="imu_quat" objtype="site" objname="imu"/>',
        '    <gyro name="imu_gyro" site="imu"/>',
        '    <accelerometer name="imu_acc" site="imu"/>',
        "  </sensor>",
        "  <keyframe>",
        f'    <key name="stand" qpos="{_f(qpos)}"/>',
        "  </keyframe>",
        "</mujoco>",
        "",
    ])


def _children(d) -> dict:
    children: dict = {}
    for b in d.BODIES:
        children.setdefault(b.parent, []).append(b)
    return children


def _depth_first(d) -> list:
    """Bodies in MJCF (depth-first) order."""
    children = _children(d)
    out: list = []

    def walk(b) -> None:
        out.append(b)
        for c in children.get(b.name, []):
            walk(c)

    walk(d.BODY_BY_NAME[d.ROOT])
    return out


def scene_xml(variant) -> str:
    """A floor, a light and the robot, for plain MuJoCo."""
    return "\n".join([
        "<!-- Generated by python -m legged_robots.assets.generate. Do not edit by hand. -->",
        f'<mujoco model="{variant.name}_scene">',
        f'  <include file={quoteattr(variant.name + ".xml")}/>',
        '  <visual><headlight diffuse="0.6 0.6 0.6" ambient="0.3 0.3 0.3"/></visual>',
        "  <asset>",
        '    <texture name="grid" type="2d" builtin="checker" rgb1="0.2 0.3 0.4" rgb2="0.1 0.2 0.3" '
        'width="512" height="512" mark="edge" markrgb="0.8 0.8 0.8"/>',
        '    <material name="grid" texture="grid" texrepeat="1 1" texuniform="true" reflectance="0.1"/>',
        "  </asset>",
        "  <worldbody>",
        '    <light pos="0 0 3" dir="0 0 -1" directional="true"/>',
        '    <geom name="floor" type="plane" size="0 0 0.05" material="grid" contype="1" conaffinity="1"/>',
        "  </worldbody>",
        "</mujoco>",
        "",
    ])
