"""The exported ONNX policy, with its metadata, run by onnxruntime one step at a time.

Optional dependencies (the runtime's extras: onnx/onnxruntime, mujoco, rosbags) are imported where they are used, so
the core installs with numpy alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import PolicyMetadataError
from .metadata import PolicyMetadata, read_metadata


class OnnxPolicy:
    """``policy(obs) -> action`` for one env; recurrent state is carried between calls until ``reset()``."""

    def __init__(self, onnx_path: str | Path, metadata: PolicyMetadata | dict | None = None):
        import onnxruntime as ort

        self.path = Path(onnx_path)
        if not self.path.is_file():
            raise FileNotFoundError(f"exported policy not found: {self.path} "
                                    "(export one with: ./run.sh play <task> --load_run <run>)")
        if self.path.suffix != ".onnx":
            raise PolicyMetadataError(f"expected an exported policy.onnx, got {self.path.name}")
        self.metadata = PolicyMetadata.parse(metadata, str(self.path)) if metadata is not None \
            else read_metadata(self.path)
        try:  # a file the user gave: what onnxruntime cannot read is bad input, not a bug
            self.session = ort.InferenceSession(str(self.path), providers=["CPUExecutionProvider"])
        except Exception as err:  # noqa: BLE001 - onnx and onnxruntime raise their own, unrelated types
            first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
            raise PolicyMetadataError(f"{self.path}: not a readable exported policy ({first})") from None
        inputs = {i.name: i for i in self.session.get_inputs()}
        if "obs" not in inputs:
            raise PolicyMetadataError(f"{self.path.name}: no 'obs' input (inputs: {', '.join(inputs)})")
        self.obs_dim = int(inputs["obs"].shape[-1])
        expected = self.metadata.observation.dim
        if self.obs_dim != expected:
            raise PolicyMetadataError(f"{self.path.name}: the graph takes {self.obs_dim} observations, the metadata "
                                      f"describes {expected}")
        self._state_shapes = {n: i.shape for n, i in inputs.items() if n != "obs"}
        self._outputs = [o.name for o in self.session.get_outputs()]
        self.action_dim = len(self.metadata.joint_names)
        self.reset()

    @property
    def recurrent(self) -> bool:
        return bool(self._state_shapes)

    def reset(self) -> None:
        self._state = {n: np.zeros(s, dtype=np.float32) for n, s in self._state_shapes.items()}

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        obs = np.asarray(obs, dtype=np.float32).reshape(1, -1)
        if obs.shape[1] != self.obs_dim:
            raise PolicyMetadataError(f"observation has {obs.shape[1]} values, the policy takes {self.obs_dim}")
        result = dict(zip(self._outputs, self.session.run(None, {"obs": obs, **self._state})))
        for name in self._state:  # h_in <- h_out, c_in <- c_out
            self._state[name] = result[name.replace("_in", "_out")]
        return result["actions"][0].astype(np.float64)
