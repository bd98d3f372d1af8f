"""Generate every shipped asset from its source: each robot's MJCF/USD (every variant of every robot in
``robots.DESCRIPTIONS``), ground plane, markers, and the lus2 reference clips (``assets/lus2/motions.py``, made
from the MJCF written first).

    python -m legged_robots.assets.generate          # (re)write the files under assets/data/
    python -m legged_robots.assets.generate --check  # exit 1 if any committed file is stale
"""

# Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
# command line answer before they load.

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .paths import ARROW_USD, DATA_DIR, GROUND_USD


def expected_files() -> dict[Path, str]:
    """Every generated file and the text it must hold."""
    from . import mjcf, usd
    from .ground import ground_usd_text
    from .markers import arrow_usd_text
    from .robots import ROBOTS

    files: dict[Path, str] = {GROUND_USD: ground_usd_text(), ARROW_USD: arrow_usd_text()}
    for robot in ROBOTS.values():
        variant = robot.description.VARIANTS[robot.name]
        files[robot.mjcf] = mjcf.robot_xml(robot.description, variant)
        files[robot.scene_mjcf] = mjcf.scene_xml(variant)
        files[robot.usd] = usd.usd_text(robot.description, variant)
    return files


def stale_files() -> list[Path]:
    return [p for p, text in expected_files().items() if not p.is_file() or p.read_text() != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the committed files are up to date")
    args = parser.parse_args(argv)
    from .lus2 import motions

    if args.check:
        stale = stale_files() + motions.stale()
        for p in stale:
            print(f"stale: {p.relative_to(DATA_DIR)}")
        if stale:
            print("run: python -m legged_robots.assets.generate")
        return 1 if stale else 0
    for path, text in expected_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        changed = not path.is_file() or path.read_text() != text
        path.write_text(text)
        print(f"{'wrote' if changed else 'unchanged'}: {path.relative_to(DATA_DIR)}")
    return motions.main([])


if __name__ == "__main__":
    sys.exit(main())
