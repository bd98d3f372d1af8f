"""Export a trained policy as TorchScript (``policy.pt``) and ONNX (``policy.onnx``) with its metadata, and
check that both give the same actions.

The metadata (joint order, gains, observation layout, timing: whatever the caller passes) is written next
to the models as ``policy.json`` and embedded in the ONNX file under the key ``st_gym``, so a deployment
that has only the ``.onnx`` still knows how to drive the robot.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

METADATA_KEY = "st_gym"


def export_policy(runner, out_dir: str | Path, metadata: dict) -> dict[str, Path]:
    """Write ``policy.pt``, ``policy.onnx`` (metadata embedded) and ``policy.json`` under ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    runner.export_policy_to_jit(str(out), "policy.pt")
    runner.export_policy_to_onnx(str(out), "policy.onnx")
    onnx_path = out / "policy.onnx"
    write_onnx_metadata(onnx_path, metadata)
    json_path = out / "policy.json"
    json_path.write_text(json.dumps(metadata, indent=2) + "\n")
    return {"jit": out / "policy.pt", "onnx": onnx_path, "metadata": json_path}


def write_onnx_metadata(onnx_path: str | Path, metadata: dict) -> None:
    """Embed ``metadata`` (JSON) under ``METADATA_KEY``; the file becomes self-contained (no .data file)."""
    import onnx

    onnx_path = Path(onnx_path)
    model = onnx.load(str(onnx_path))  # also reads weights torch may have put in <name>.data
    entry = model.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(metadata)
    onnx.save(model, str(onnx_path))
    onnx_path.with_name(onnx_path.name + ".data").unlink(missing_ok=True)


def read_onnx_metadata(onnx_path: str | Path) -> dict:
    import onnx

    try:
        model = onnx.load(str(onnx_path))
    except Exception as err:  # noqa: BLE001 - onnx raises protobuf's DecodeError and others for a bad file
        raise ValueError(f"{onnx_path}: not an ONNX file ({type(err).__name__}: {str(err)[:200]})") from None
    props = {p.key: p.value for p in model.metadata_props}
    if METADATA_KEY not in props:
        raise KeyError(f"{onnx_path} carries no '{METADATA_KEY}' metadata: was it exported by st_rl?")
    return json.loads(props[METADATA_KEY])


def onnx_actions(onnx_path: str | Path, observations: np.ndarray) -> np.ndarray:
    """Run a sequence of observations (T, obs_dim) through the ONNX policy one step at a time, carrying its
    recurrent state (if any) from step to step."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    inputs = {i.name: i for i in session.get_inputs()}
    state = {name: np.zeros(i.shape, dtype=np.float32) for name, i in inputs.items() if name != "obs"}
    outputs = [o.name for o in session.get_outputs()]
    actions = []
    for obs in observations.astype(np.float32):
        result = dict(zip(outputs, session.run(None, {"obs": obs[None], **state})))
        actions.append(result["actions"][0])
        for name in state:  # h_in <- h_out, c_in <- c_out
            state[name] = result[name.replace("_in", "_out")]
    return np.stack(actions)


def torchscript_actions(jit_path: str | Path, observations: np.ndarray) -> np.ndarray:
    policy = torch.jit.load(str(jit_path))
    policy.reset()
    with torch.inference_mode():
        return np.stack([policy(torch.as_tensor(o, dtype=torch.float32)[None])[0].numpy() for o in observations])


def parity(paths: dict[str, Path], observations: np.ndarray) -> float:
    """Max abs difference between TorchScript and ONNX actions over a recorded observation sequence."""
    return float(np.abs(torchscript_actions(paths["jit"], observations) - onnx_actions(paths["onnx"],
                                                                                       observations)).max())
