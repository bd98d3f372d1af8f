"""The committed MJCF/USD files are what the description generates, and say what it says."""

import math
import re
from pathlib import Path

import mujoco
import numpy as np
import pytest

from legged_robots.assets import generate, paths
from legged_robots.assets.lus2 import description as d

VARIANTS = sorted(d.VARIANTS)


def test_committed_assets_are_not_stale():
    stale = generate.stale_files()
    assert not stale, f"regenerate with python -m legged_robots.assets.generate: {stale}"


def test_generate_check_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    fake = tmp_path / "x.xml"
    fake.write_text("old")
    monkeypatch.setattr(generate, "expected_files", lambda: {fake: "new"})
    monkeypatch.setattr(generate, "DATA_DIR", tmp_path)
    assert generate.main(["--check"]) == 1
    assert "stale: x.xml" in capsys.readouterr().out


@pytest.mark.parametrize("variant", VARIANTS)
def test_mjcf_joints_match_description(variant):
    model = mujoco.MjModel.from_xml_path(str(paths.lus2_scene_mjcf(variant)))
    v = d.get_variant(variant)
    hinge = {model.joint(i).name: i for i in range(model.njnt) if model.jnt_type[i] == mujoco.mjtJoint.mjJNT_HINGE}
    assert set(hinge) == set(v.joints)
    for name, i in hinge.items():
        body = next(b for b in d.BODIES if b.joint == name)
        assert np.allclose(model.jnt_axis[i], body.axis_vector)
        assert np.allclose(model.jnt_range[i], body.range)
    assert model.nu == v.num_joints
    assert float(model.body_mass.sum()) == pytest.approx(d.total_mass())
    for site in ("imu", "left_foot", "right_foot"):
        assert model.site(site) is not None
    # joints a variant leaves out are welded: their bodies exist without a joint
    for b in d.BODIES:
        assert model.body(b.name).jntnum[0] == (1 if (b.parent is None or v.is_active(b.joint)) else 0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_mjcf_armature_and_effort_limits_follow_groups(variant):
    model = mujoco.MjModel.from_xml_path(str(paths.lus2_mjcf(variant)))
    for j in d.get_variant(variant).joints:
        g = d.actuator_group(j)
        assert model.dof_armature[model.joint(j).dofadr[0]] == pytest.approx(g.motor.armature)
        assert np.allclose(model.actuator(j).ctrlrange, [-g.effort_limit, g.effort_limit])


@pytest.mark.parametrize("variant", VARIANTS)
def test_usd_is_a_flat_articulation(variant):
    from pxr import Usd, UsdPhysics

    stage = Usd.Stage.Open(str(paths.lus2_usd(variant)))
    root = stage.GetDefaultPrim()
    assert root.HasAPI(UsdPhysics.ArticulationRootAPI)
    bodies = [p for p in stage.Traverse() if p.HasAPI(UsdPhysics.RigidBodyAPI)]
    assert sorted(p.GetName() for p in bodies) == sorted(b.name for b in d.BODIES)
    assert all(p.GetParent() == root for p in bodies), "bodies must be direct children of the root"
    masses = {p.GetName(): UsdPhysics.MassAPI(p).GetMassAttr().Get() for p in bodies}
    assert sum(masses.values()) == pytest.approx(d.total_mass(), rel=1e-6)
    revolute = {p.GetName(): UsdPhysics.RevoluteJoint(p) for p in stage.Traverse() if p.IsA(UsdPhysics.RevoluteJoint)}
    assert set(revolute) == set(d.get_variant(variant).joints)
    for name, joint in revolute.items():
        body = next(b for b in d.BODIES if b.joint == name)
        assert joint.GetAxisAttr().Get() == body.axis.upper()
        lo, hi = joint.GetLowerLimitAttr().Get(), joint.GetUpperLimitAttr().Get()
        assert (math.radians(lo), math.radians(hi)) == pytest.approx(body.range, abs=1e-5)
    fixed = [p for p in stage.Traverse() if p.IsA(UsdPhysics.FixedJoint)]
    assert len(fixed) == len(d.ALL_JOINTS) - d.get_variant(variant).num_joints


def test_missing_asset_names_the_path(tmp_path):
    missing = tmp_path / "nope.usda"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        paths.require(missing)


def test_no_remote_asset_paths_in_sources():
    """Nothing on the default path names NVIDIA's content server or any URL."""
    pkg = Path(paths.__file__).resolve().parents[1]
    pattern = re.compile(r"(https?|omniverse)://|NUCLEUS_DIR|ISAACSIM_ASSET_ROOT")
    offenders = [f"{p.relative_to(pkg)}:{i + 1}" for p in sorted(pkg.rglob("*")) if p.suffix in (".py", ".usda", ".xml")
                 for i, line in enumerate(p.read_text().splitlines()) if pattern.search(line)]
    assert not offenders, offenders
