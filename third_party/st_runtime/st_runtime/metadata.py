"""The contract an exported policy carries: one typed record, one writer (export), one reader (everyone).

Training writes it from the live env (``legged_robots.tasks.utils.policy_metadata``); it travels as JSON inside
the ONNX file (key ``st_gym``) and beside it (``policy.json``). Everything that runs a policy (sim2mujoco, the
ROS 2 bridge, the simulated robot) reads it through :func:`read_metadata` / :meth:`PolicyMetadata.parse` and
never re-derives joint order, gains or the observation layout.

Versioned: ``format_version`` says which layout a file has; a reader refuses one it does not know, naming it.

Optional dependencies (the runtime's extras: onnx/onnxruntime, mujoco, rosbags) are imported where they are used, so
the core installs with numpy alone.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import PolicyMetadataError

SCHEMA_VERSION = 1  # bump when a field changes meaning or a required one is added; readers name both
METADATA_KEY = "st_gym"  # the ONNX metadata_props key


@dataclass
class ObservationTerm:
    """One term of the observation, in the order the policy reads them."""

    name: str
    func: str  # the training function, module-qualified (``isaaclab.envs.mdp.observations.base_ang_vel``)
    dim: int  # values per frame
    params: dict[str, Any] = field(default_factory=dict)
    scale: float | list[float] | None = None
    clip: list[float] | None = None
    history_length: int = 0  # > 0: that many frames, oldest first
    ray_caster: dict[str, Any] | None = None  # a height scan's ray pattern

    @property
    def kind(self) -> str:
        """The function's own name (``base_ang_vel``): what a runtime knows how to compute."""
        return self.func.rsplit(".", 1)[-1]


@dataclass
class ObservationLayout:
    group: str
    dim: int
    terms: list[ObservationTerm]
    history_length: int = 0


@dataclass
class ActionSpec:
    """Joint targets ``offset + scale * action`` (scale and offset: one value or one per joint)."""

    scale: float | list[float]
    offset: float | list[float]
    type: str = "joint_position"
    target: str = "offset + scale * action"


@dataclass
class ActuatorModel:
    """An explicit motor model (absent: ideal PD inside the solver, recomputed every integration step). Per physics
    step (``sim_dt``) the torque ``strength * clip_dc(kp (q*_{t-k} - q) - kd qd)`` is computed once and held through
    the solver's substeps; ``q*_{t-k}`` is the joint target of ``k`` physics steps ago, ``clip_dc`` a DC motor's
    torque-speed curve ``saturation_effort (+-1 - qd / velocity_limit)`` capped at the effort limit. Training drew
    ``k`` from ``delay_steps`` and the strength from ``strength_range`` per episode; a runtime picks one of each."""

    model: str  # "delayed_dc_motor"
    delay_steps: list[int]  # [min, max] physics steps
    strength_range: list[float]  # [min, max]
    saturation_effort: list[float]  # per joint [N m]
    velocity_limit: list[float]  # per joint, the no-load speed [rad/s]


@dataclass
class RobotSpec:
    """What a simulated robot needs to be driven as in training (a subset of the policy metadata, or a robot's
    own description when no policy is involved, as for the ROS 2 simulated robot)."""

    joint_names: list[str]
    default_joint_pos: list[float]
    stiffness: list[float]
    damping: list[float]
    armature: list[float]
    effort_limit: list[float]
    action: ActionSpec
    sim_dt: float
    decimation: int
    solver_substeps: int = 1
    actuators: ActuatorModel | None = None

    def __post_init__(self):
        n = len(self.joint_names)
        for key in ("default_joint_pos", "stiffness", "damping", "armature", "effort_limit"):
            if len(getattr(self, key)) != n:
                raise PolicyMetadataError(f"metadata '{key}' has {len(getattr(self, key))} values for {n} joints")
        if isinstance(self.action, dict):
            self.action = ActionSpec(**self.action)
        if isinstance(self.actuators, dict):
            self.actuators = ActuatorModel(**self.actuators)
        if self.actuators is not None:
            a = self.actuators
            if a.model != "delayed_dc_motor":
                raise PolicyMetadataError(f"actuator model {a.model!r}: this runtime knows 'delayed_dc_motor'")
            for key in ("saturation_effort", "velocity_limit"):
                if len(getattr(a, key)) != n:
                    raise PolicyMetadataError(f"metadata 'actuators.{key}' has {len(getattr(a, key))} values for "
                                              f"{n} joints")

    @property
    def policy_dt(self) -> float:
        return self.sim_dt * self.decimation


@dataclass
class PolicyMetadata:
    format_version: int
    task: str
    joint_names: list[str]
    default_joint_pos: list[float]
    action: ActionSpec
    stiffness: list[float]
    damping: list[float]
    armature: list[float]
    effort_limit: list[float]
    observation: ObservationLayout
    sim_dt: float
    decimation: int
    policy_dt: float
    velocity_limit: list[float] | None = None
    joint_pos_limits: list[list[float]] | None = None
    soft_joint_pos_limits: list[list[float]] | None = None
    solver_substeps: int = 1
    commands: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # name -> trained ranges
    terminations: dict[str, dict[str, Any]] = field(default_factory=dict)  # what ended a training episode
    quaternion_convention: str = "xyzw"
    actuators: ActuatorModel | None = None  # None: ideal PD (exported before the actuator model, or trained without)
    feet: list[str] | None = None  # the bodies the training's foot-contact terms watched (gait figures)
    reference: dict[str, Any] | None = None  # mimic: the clips a deployment must serve
    checkpoint: str | None = None
    recurrent: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # keys this version does not know, kept for the round trip

    # -- reading
    @classmethod
    def parse(cls, value: PolicyMetadata | dict, source: str = "metadata") -> PolicyMetadata:
        """A ``PolicyMetadata`` from itself or from the JSON dict export wrote; a bad one is a
        ``PolicyMetadataError`` naming ``source`` and the key."""
        if isinstance(value, PolicyMetadata):
            return value
        if not isinstance(value, dict):
            raise PolicyMetadataError(f"{source}: expected a JSON object, got {type(value).__name__}")
        version = value.get("format_version")
        if version != SCHEMA_VERSION:
            raise PolicyMetadataError(
                f"{source}: metadata format_version {version!r}, this runtime reads version {SCHEMA_VERSION}"
                + (" (exported by a newer st_gym: update st_runtime)" if isinstance(version, int)
                   and version > SCHEMA_VERSION else ""))
        known = {f.name for f in fields(cls)} - {"extra"}
        missing = [f.name for f in fields(cls) if f.name in known and f.name not in value
                   and f.default is MISSING and f.default_factory is MISSING]
        if missing:
            raise PolicyMetadataError(f"{source}: metadata lacks {', '.join(missing)}")
        args = {k: v for k, v in value.items() if k in known}
        try:
            obs = dict(value["observation"])
            obs["terms"] = [ObservationTerm(**t) for t in obs["terms"]]
            args["observation"] = ObservationLayout(**obs)
            args["action"] = ActionSpec(**value["action"])
            if value.get("actuators") is not None:
                args["actuators"] = ActuatorModel(**value["actuators"])
            md = cls(**args, extra={k: v for k, v in value.items() if k not in known})
        except (TypeError, KeyError) as err:
            raise PolicyMetadataError(f"{source}: malformed metadata ({err})") from None
        md.robot  # noqa: B018 - checks the per-joint lists' lengths
        return md

    @classmethod
    def for_joints(cls, joint_names: list[str], terms: list[dict], task: str = "", sim_dt: float = 0.005,
                   decimation: int = 4, **fields_) -> PolicyMetadata:
        """A metadata record for a policy not exported from a training env (a scripted policy, a test's): the
        joints, the observation terms (dicts as exported), zero gains and default pose unless given."""
        n = len(joint_names)
        obs_terms = [ObservationTerm(**{"params": {}, **t}) for t in terms]
        values = {"default_joint_pos": [0.0] * n, "stiffness": [0.0] * n, "damping": [0.0] * n,
                  "armature": [0.0] * n, "effort_limit": [1e3] * n, "action": ActionSpec(scale=1.0, offset=0.0),
                  **fields_}
        return cls(format_version=SCHEMA_VERSION, task=task, joint_names=list(joint_names),
                   observation=ObservationLayout(group="policy", terms=obs_terms,
                                                 dim=sum(t.dim * max(t.history_length, 1) for t in obs_terms)),
                   sim_dt=sim_dt, decimation=decimation, policy_dt=sim_dt * decimation, **values)

    # -- writing
    def to_dict(self) -> dict[str, Any]:
        """The JSON object export writes (and ``parse`` reads back): unset optional keys are left out."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "extra":
                out.update(value)
            elif value is not None or f.default is MISSING:
                out[f.name] = asdict(value) if hasattr(value, "__dataclass_fields__") else value
        for term in out["observation"]["terms"]:
            if term.get("ray_caster") is None:
                term.pop("ray_caster", None)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def write_onnx(self, onnx_path: str | Path) -> None:
        """Embed under ``METADATA_KEY`` in the ONNX file (needs the ``onnx`` package: the training side); the
        file becomes self-contained (weights torch may have put in ``<name>.data`` are folded in)."""
        import onnx

        onnx_path = Path(onnx_path)
        model = onnx.load(str(onnx_path))
        for i, prop in enumerate(model.metadata_props):
            if prop.key == METADATA_KEY:
                del model.metadata_props[i]
                break
        entry = model.metadata_props.add()
        entry.key, entry.value = METADATA_KEY, json.dumps(self.to_dict())
        onnx.save(model, str(onnx_path))
        onnx_path.with_name(onnx_path.name + ".data").unlink(missing_ok=True)

    # -- views
    @property
    def robot(self) -> RobotSpec:
        return RobotSpec(joint_names=self.joint_names, default_joint_pos=self.default_joint_pos,
                         stiffness=self.stiffness, damping=self.damping, armature=self.armature,
                         effort_limit=self.effort_limit, action=self.action, sim_dt=self.sim_dt,
                         decimation=self.decimation, solver_substeps=self.solver_substeps, actuators=self.actuators)

    def command_ranges(self, name: str = "base_velocity") -> dict[str, list[float]]:
        """The ranges the command ``name`` had reached when the policy was exported ({} if unknown)."""
        return dict(self.commands.get(name) or {})


def read_metadata(path: str | Path) -> PolicyMetadata:
    """The metadata of an exported policy: from ``policy.onnx`` (embedded) or a ``policy.json``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"exported policy not found: {path}")
    if path.suffix == ".json":
        try:
            return PolicyMetadata.parse(json.loads(path.read_text()), str(path))
        except json.JSONDecodeError as err:
            raise PolicyMetadataError(f"{path}: not JSON ({err})") from None
    import onnxruntime as ort

    try:
        meta = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_modelmeta()
    except Exception as err:  # noqa: BLE001 - onnxruntime raises its own, unrelated types for a bad file
        first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        raise PolicyMetadataError(f"{path}: not an ONNX file ({first})") from None
    props = meta.custom_metadata_map
    if METADATA_KEY not in props:
        raise PolicyMetadataError(f"{path} carries no '{METADATA_KEY}' metadata: was it exported by st_gym?")
    return PolicyMetadata.parse(json.loads(props[METADATA_KEY]), str(path))
