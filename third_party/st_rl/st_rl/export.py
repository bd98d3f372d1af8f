"""Export a trained policy as TorchScript (``policy.pt``) and ONNX (``policy.onnx``) with its metadata, and
check that both give the same actions.

The metadata (st_runtime's typed contract: joint order, gains, observation layout, timing) is written next
to the models as ``policy.json`` and embedded in the ONNX file under the key ``st_gym``, so a deployment
that has only the ``.onnx`` still knows how to drive the robot.

onnxruntime is imported where an export is checked: training does not load it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from st_runtime.metadata import PolicyMetadata


def export_policy(runner, out_dir: str | Path, metadata: PolicyMetadata | dict) -> dict[str, Path]:
    """Write ``policy.pt``, ``policy.onnx`` (metadata embedded) and ``policy.json`` under ``out_dir``."""
    md = PolicyMetadata.parse(metadata)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    runner.export_policy_to_jit(str(out), "policy.pt")
    runner.export_policy_to_onnx(str(out), "policy.onnx")
    onnx_path = out / "policy.onnx"
    md.write_onnx(onnx_path)
    json_path = out / "policy.json"
    json_path.write_text(md.to_json())
    return {"jit": out / "policy.pt", "onnx": onnx_path, "metadata": json_path}


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
