"""Test layers: a test is ``sim`` if marked so, ``unit`` otherwise (``./run.sh test unit`` runs seconds)."""

import os

import pytest

# Keep torch from fighting the simulator for the two cores CI has.
os.environ.setdefault("OMP_NUM_THREADS", "1")
# MuJoCo picks its GL backend at first import: offscreen EGL where it exists (the video test renders then).
os.environ.setdefault("MUJOCO_GL", "egl")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("sim") is None:
            item.add_marker(pytest.mark.unit)
