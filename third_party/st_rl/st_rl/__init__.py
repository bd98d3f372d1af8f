"""st_gym's RL package on rsl-rl-lib (imports without Isaac Lab).

- ``config``: runner / PPO / policy settings under the design's names, turned into rsl-rl's config dict;
- ``runner``: rsl-rl's on-policy runner with progress lines, Ctrl-C checkpoints and exact resume;
- ``checkpoints``: finding runs and checkpoints, with clear errors;
- ``export``: ONNX + TorchScript export with embedded metadata, and the torch-vs-ONNX parity check.
"""

__version__ = "0.1.0"
