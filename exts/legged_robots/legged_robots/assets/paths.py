"""Where the shipped asset files live. Every path here is inside the repository: nothing is downloaded."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
GROUND_USD = DATA_DIR / "ground" / "ground_plane.usda"
ARROW_USD = DATA_DIR / "markers" / "arrow_x.usda"


def robot_mjcf(robot: str, variant: str) -> Path:
    """A robot variant alone, e.g. ``robot_mjcf("lus2", "lus2_27dof")``."""
    return DATA_DIR / robot / f"{variant}.xml"


def robot_scene_mjcf(robot: str, variant: str) -> Path:
    """The robot on a floor with a light: load this one in plain MuJoCo."""
    return DATA_DIR / robot / f"{variant}_scene.xml"


def robot_usd(robot: str, variant: str) -> Path:
    return DATA_DIR / robot / f"{variant}.usda"


def robot_motions(robot: str, variant: str) -> Path:
    """Folder of the reference clips generated for a variant (e.g. ``assets/lus2/motions.py``)."""
    return DATA_DIR / robot / "motions" / variant


def lus2_mjcf(variant: str) -> Path:
    return robot_mjcf("lus2", variant)


def lus2_27dof_mjcf() -> Path:
    return lus2_mjcf("lus2_27dof")


def lus2_21dof_mjcf() -> Path:
    return lus2_mjcf("lus2_21dof")


def lus2_motions(variant: str) -> Path:
    return robot_motions("lus2", variant)


def lus2_scene_mjcf(variant: str) -> Path:
    return robot_scene_mjcf("lus2", variant)


def lus2_usd(variant: str) -> Path:
    return robot_usd("lus2", variant)


def require(path: Path) -> Path:
    """Return ``path`` if it exists, else raise an error that names it and how to regenerate it."""
    if not path.is_file():
        raise FileNotFoundError(
            f"asset file not found: {path}\n"
            "  generated assets are committed; regenerate with: python -m legged_robots.assets.generate")
    return path
