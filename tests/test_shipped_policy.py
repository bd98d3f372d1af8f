"""The shipped lus2 policy (policies/lus2_flat/): what the README's "try it" runs. It must keep passing the five
default sim2mujoco scenarios with the default thresholds (plain MuJoCo, a few seconds)."""

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.sim
ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "lus2_flat" / "policy.onnx"


def test_shipped_policy_carries_its_metadata():
    from st_rl.export import read_onnx_metadata

    meta = read_onnx_metadata(POLICY)
    assert meta == json.loads((POLICY.parent / "policy.json").read_text())
    assert meta["task"] == "St-Velocity-Flat-Lus2" and len(meta["joint_names"]) == 27
    assert POLICY.stat().st_size < 5_000_000


def test_shipped_policy_passes_sim2mujoco(tmp_path):
    out = subprocess.run([str(ROOT / "run.sh"), "sim2mujoco", "--policy", str(POLICY), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "PASS: 5/5 scenarios" in out.stdout
    assert not (POLICY.parent / "sim2mujoco").exists()  # results go under --out (logs/ by default), not here
