"""A ground plane USD of our own, so the flat task never asks NVIDIA's content server for theirs.

usd-core (`pxr`) is imported where a USD is written, so the MJCF side of the generator runs without it."""

from __future__ import annotations

from .usd_stage import export_text, new_stage


def ground_usd_text() -> str:
    from pxr import Gf, UsdGeom, UsdPhysics, UsdShade

    stage, _ = new_stage("/ground")
    # an infinite collision plane (z up) that also renders
    plane = UsdGeom.Plane.Define(stage, "/ground/plane")
    plane.CreateAxisAttr(UsdGeom.Tokens.z)
    plane.CreateWidthAttr(200.0)
    plane.CreateLengthAttr(200.0)
    plane.CreateDisplayColorAttr([Gf.Vec3f(0.25, 0.3, 0.35)])
    UsdPhysics.CollisionAPI.Apply(plane.GetPrim())
    material = UsdShade.Material.Define(stage, "/ground/physics_material")
    physics = UsdPhysics.MaterialAPI.Apply(material.GetPrim())
    physics.CreateStaticFrictionAttr(1.0)
    physics.CreateDynamicFrictionAttr(1.0)
    physics.CreateRestitutionAttr(0.0)
    UsdShade.MaterialBindingAPI.Apply(plane.GetPrim()).Bind(
        material, UsdShade.Tokens.weakerThanDescendants, "physics")
    return export_text(stage)
