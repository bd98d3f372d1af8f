"""Write a robot's USD (UsdPhysics articulation) from its description module (``assets/<robot>/description.py``:
``NAME``, ``BODIES``, ``SELF_COLLISION_PAIRS``, ``forward_kinematics``, ...) with ``pxr`` (usd-core).

Bodies are siblings under the root prim (``/<NAME>/<link>``), posed at the zero joint configuration, so
Isaac Lab's contact sensor (``{ENV_REGEX_NS}/Robot/.*``) finds every link. Joints live under
``/<NAME>/joints``. Joints a variant leaves out become fixed joints.
"""

from __future__ import annotations

import math

import numpy as np
from pxr import Gf, Sdf, Usd, UsdGeom, UsdPhysics

from .kinematics import frame_rotation, quat_from_matrix
from .usd_stage import export_text, new_stage


def _quat(rot: np.ndarray) -> Gf.Quatf:
    w, x, y, z = quat_from_matrix(rot)
    return Gf.Quatf(w, Gf.Vec3f(x, y, z))


def _add_shape(stage: Usd.Stage, path: str, shape) -> None:
    if shape.kind == "box":
        geom = UsdGeom.Cube.Define(stage, path)
        geom.CreateSizeAttr(2.0)
        scale = shape.size
    elif shape.kind == "sphere":
        geom = UsdGeom.Sphere.Define(stage, path)
        geom.CreateRadiusAttr(shape.size[0])
        scale = None
    elif shape.kind in ("capsule", "cylinder"):
        geom = (UsdGeom.Capsule if shape.kind == "capsule" else UsdGeom.Cylinder).Define(stage, path)
        geom.CreateRadiusAttr(shape.size[0])
        geom.CreateHeightAttr(2.0 * shape.size[1])
        geom.CreateAxisAttr(UsdGeom.Tokens.z)
        scale = None
    else:
        raise ValueError(f"unknown shape kind {shape.kind!r}")
    geom.AddTranslateOp().Set(Gf.Vec3d(*shape.pos))
    if scale is not None:
        geom.AddScaleOp().Set(Gf.Vec3f(*scale))
    geom.CreateDisplayColorAttr([Gf.Vec3f(*shape.rgba[:3])])
    if shape.collide:
        UsdPhysics.CollisionAPI.Apply(geom.GetPrim())


def build_stage(desc, variant) -> Usd.Stage:
    top = f"/{desc.NAME}"
    stage, root = new_stage(top)
    UsdPhysics.ArticulationRootAPI.Apply(root.GetPrim())
    root.GetPrim().SetCustomDataByKey("st_gym:variant", variant.name)

    poses = desc.forward_kinematics()
    for body in desc.BODIES:
        pos, rot = poses[body.name]
        xf = UsdGeom.Xform.Define(stage, f"{top}/{body.name}")
        xf.AddTranslateOp().Set(Gf.Vec3d(*pos.tolist()))
        xf.AddOrientOp().Set(_quat(rot))
        prim = xf.GetPrim()
        UsdPhysics.RigidBodyAPI.Apply(prim)
        mass = UsdPhysics.MassAPI.Apply(prim)
        mass.CreateMassAttr(body.mass)
        mass.CreateCenterOfMassAttr(Gf.Vec3f(*body.com))
        mass.CreateDiagonalInertiaAttr(Gf.Vec3f(*body.inertia))
        mass.CreatePrincipalAxesAttr(Gf.Quatf(1.0, 0.0, 0.0, 0.0))
        for i, shape in enumerate(body.shapes):
            _add_shape(stage, f"{top}/{body.name}/{'collision' if shape.collide else 'visual'}_{i}", shape)

    # self-collision is on (the ArticulationCfg); every pair of colliding bodies not in SELF_COLLISION_PAIRS is filtered
    colliding = [b.name for b in desc.BODIES if any(sh.collide for sh in b.shapes)]
    allowed = {frozenset(p) for p in desc.SELF_COLLISION_PAIRS}
    for i, a in enumerate(colliding):
        others = [b for b in colliding[i + 1:] if frozenset((a, b)) not in allowed]
        if others:
            prim = stage.GetPrimAtPath(f"{top}/{a}")
            UsdPhysics.FilteredPairsAPI.Apply(prim).CreateFilteredPairsRel().SetTargets(
                [Sdf.Path(f"{top}/{b}") for b in others])

    UsdGeom.Scope.Define(stage, f"{top}/joints")
    for body in desc.BODIES:
        if body.parent is None:
            continue
        path = f"{top}/joints/{body.joint}"
        if variant.is_active(body.joint):
            joint = UsdPhysics.RevoluteJoint.Define(stage, path)
            joint.CreateAxisAttr(body.axis.upper())
            joint.CreateLowerLimitAttr(math.degrees(body.range[0]))  # UsdPhysics angles are in degrees
            joint.CreateUpperLimitAttr(math.degrees(body.range[1]))
        else:
            joint = UsdPhysics.FixedJoint.Define(stage, path)
        joint.CreateBody0Rel().SetTargets([Sdf.Path(f"{top}/{body.parent}")])
        joint.CreateBody1Rel().SetTargets([Sdf.Path(f"{top}/{body.name}")])
        joint.CreateLocalPos0Attr(Gf.Vec3f(*body.offset))
        joint.CreateLocalRot0Attr(_quat(frame_rotation(body)))
        joint.CreateLocalPos1Attr(Gf.Vec3f(0.0, 0.0, 0.0))
        joint.CreateLocalRot1Attr(Gf.Quatf(1.0, 0.0, 0.0, 0.0))
    return stage


def usd_text(desc, variant) -> str:
    return export_text(build_stage(desc, variant), f"Generated from {desc.__name__.replace('.', '/')}.py by "
                       "python -m legged_robots.assets.generate. Do not edit by hand.")
