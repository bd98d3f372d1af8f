"""A scripted policy as an exported ONNX with metadata: constant actions, whatever it observes.

For checks that need a policy whose behaviour is known without training (the robot holding its
default pose), for tests and benchmarks of the MuJoCo side.
"""

from __future__ import annotations

from pathlib import Path

import torch

from st_runtime.metadata import PolicyMetadata


class _Constant(torch.nn.Module):
    def __init__(self, action: torch.Tensor):
        super().__init__()
        self.register_buffer("action", action)

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        return self.action.expand(obs.shape[0], -1) + 0.0 * obs[:, :1]  # the graph reads its input


def write_constant_policy(path: str | Path, metadata: PolicyMetadata | dict, action=0.0) -> Path:
    """``policy.onnx`` whose action is always ``action`` (a float or one value per joint), metadata embedded."""
    md = PolicyMetadata.parse(metadata)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = len(md.joint_names)
    act = torch.as_tensor(action, dtype=torch.float32).expand(n).reshape(1, n).clone()
    obs = torch.zeros(1, md.observation.dim)
    torch.onnx.export(_Constant(act), (obs,), str(path), input_names=["obs"], output_names=["actions"],
                      dynamic_axes={"obs": {0: "batch"}, "actions": {0: "batch"}}, dynamo=False)
    md.write_onnx(path)
    return path
