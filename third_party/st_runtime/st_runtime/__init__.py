"""st_gym's robot-side runtime: what runs an exported policy, apart from training.

numpy + onnxruntime only (extras: ``mujoco`` for the simulated robot, ``ros2`` (cyclonedds) for the bridge);
nothing here imports torch, Isaac Lab, Warp or Newton. ``metadata`` is the typed contract an exported policy
carries, ``policy`` runs its ONNX graph, ``observations`` rebuilds its observation term by term, ``safety`` is
the bridge's state machine, ``mujoco_robot`` drives an MJCF the way training did, ``ros2`` holds the bridge, its
messages and a simulated robot on the same topics.
"""

from .errors import PolicyMetadataError
from .metadata import SCHEMA_VERSION, ObservationTerm, PolicyMetadata, RobotSpec, read_metadata
from .observations import ObservationBuilder
from .policy import OnnxPolicy

__all__ = ["SCHEMA_VERSION", "ObservationBuilder", "ObservationTerm", "OnnxPolicy", "PolicyMetadata",
           "PolicyMetadataError", "RobotSpec", "read_metadata"]
