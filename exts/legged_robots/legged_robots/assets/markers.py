"""Debug-visualization markers of our own (Isaac Lab's defaults live on NVIDIA's content server).

usd-core (`pxr`) is imported where a USD is written, so the MJCF side of the generator runs without it."""

from __future__ import annotations

from .usd_stage import export_text, new_stage


def arrow_usd_text() -> str:
    """A unit arrow along +x (shaft then head), like Isaac Lab's ``arrow_x.usd``."""
    from pxr import Gf, UsdGeom

    stage, _ = new_stage("/arrow")
    shaft = UsdGeom.Cylinder.Define(stage, "/arrow/shaft")
    shaft.CreateAxisAttr(UsdGeom.Tokens.x)
    shaft.CreateRadiusAttr(0.05)
    shaft.CreateHeightAttr(0.7)
    shaft.AddTranslateOp().Set(Gf.Vec3d(-0.15, 0.0, 0.0))
    head = UsdGeom.Cone.Define(stage, "/arrow/head")
    head.CreateAxisAttr(UsdGeom.Tokens.x)
    head.CreateRadiusAttr(0.12)
    head.CreateHeightAttr(0.3)
    head.AddTranslateOp().Set(Gf.Vec3d(0.35, 0.0, 0.0))
    return export_text(stage)
