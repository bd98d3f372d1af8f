"""Run an exported policy in plain MuJoCo (the C engine) and judge it with numbers.

Reads only the exported ONNX and the metadata it carries (joint order, gains, observation layout,
timing); never the training configs. ``policy`` loads the ONNX, ``robot`` steps the MJCF with the
training PD law, ``observations`` rebuilds the policy's observation term by term, ``scenarios`` holds the
command programs, ``evaluate`` runs them into metrics and a verdict, ``report`` writes it down.
"""

from st_runtime.errors import PolicyMetadataError

__all__ = ["PolicyMetadataError"]
