"""The policy-metadata contract: what export writes, parse reads back unchanged; what parse cannot trust (an
unknown version, a missing key, per-joint lists of the wrong length) is an error naming it."""

import copy
import json
from pathlib import Path

import pytest

from st_runtime import SCHEMA_VERSION, PolicyMetadata, PolicyMetadataError, read_metadata

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "policies" / "lus2_flat" / "policy.json"


def test_the_shipped_policy_round_trips_and_reads_typed():
    raw = json.loads(SHIPPED.read_text())
    md = PolicyMetadata.parse(raw)
    assert md.to_dict() == raw
    assert md.observation.terms[0].kind == "base_ang_vel" and md.policy_dt == pytest.approx(0.02)
    assert md.robot.joint_names == md.joint_names and len(md.robot.stiffness) == 27
    assert md.command_ranges()["lin_vel_x"] == raw["commands"]["base_velocity"]["lin_vel_x"]
    assert PolicyMetadata.parse(md) is md and read_metadata(SHIPPED) == md


def test_unknown_keys_are_kept_for_the_round_trip():
    raw = {**json.loads(SHIPPED.read_text()), "a_later_field": {"x": 1}}
    md = PolicyMetadata.parse(raw)
    assert md.extra == {"a_later_field": {"x": 1}} and md.to_dict() == raw


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(format_version=SCHEMA_VERSION + 1),
     f"format_version {SCHEMA_VERSION + 1}, this runtime reads version {SCHEMA_VERSION} .exported by a newer"),
    (lambda d: d.pop("format_version"), "format_version None, this runtime reads"),
    (lambda d: d.pop("joint_names"), "metadata lacks joint_names"),
    (lambda d: d["stiffness"].pop(), "metadata 'stiffness' has 26 values for 27 joints"),
    (lambda d: d["observation"]["terms"][0].pop("dim"), "malformed metadata"),
])
def test_what_cannot_be_trusted_is_named(edit, message):
    raw = copy.deepcopy(json.loads(SHIPPED.read_text()))
    edit(raw)
    with pytest.raises(PolicyMetadataError, match=message):
        PolicyMetadata.parse(raw, "policy.json")


def test_a_file_that_is_not_a_policy_is_named(tmp_path):
    bad = tmp_path / "policy.onnx"
    bad.write_bytes(b"not onnx")
    with pytest.raises(PolicyMetadataError, match="policy.onnx: not an ONNX file"):
        read_metadata(bad)
    with pytest.raises(FileNotFoundError, match="exported policy not found"):
        read_metadata(tmp_path / "missing.onnx")


def test_the_actuator_model_round_trips_and_bad_ones_are_named():
    raw = json.loads(SHIPPED.read_text())
    n = len(raw["joint_names"])
    model = {"model": "delayed_dc_motor", "delay_steps": [0, 4], "strength_range": [0.9, 1.1],
             "saturation_effort": [100.0] * n, "velocity_limit": [15.0] * n}
    md = PolicyMetadata.parse({**raw, "actuators": model})
    assert md.to_dict() == {**raw, "actuators": model} and md.robot.actuators.delay_steps == [0, 4]
    assert PolicyMetadata.parse(raw).actuators is None  # exported before the model existed: ideal PD
    with pytest.raises(PolicyMetadataError, match="actuators.velocity_limit' has 1 values for 27 joints"):
        PolicyMetadata.parse({**raw, "actuators": {**model, "velocity_limit": [15.0]}})
    with pytest.raises(PolicyMetadataError, match="actuator model 'hydraulic': this runtime knows 'delayed_dc_motor'"):
        PolicyMetadata.parse({**raw, "actuators": {**model, "model": "hydraulic"}})
