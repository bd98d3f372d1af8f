"""The policy's observation, rebuilt term by term from MuJoCo's state, in the metadata's order, with
its scales, clips and history; never with noise (noise is a training-time corruption).

Isaac Lab's order per term: compute -> clip -> scale -> history (oldest first, filled with the first
value after a reset); terms are then concatenated. A height scan casts the exported ray pattern with
``mj_ray`` against everything but the robot (the MJCF's floor, or whatever terrain it holds).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

import numpy as np

from .errors import PolicyMetadataError
from .gait import gait_frequency
from .metadata import ObservationTerm, PolicyMetadata


def _base_lin_vel(robot, ctx, term):
    return robot.base_lin_vel_b


def _base_ang_vel(robot, ctx, term):
    return robot.base_ang_vel_b


def _projected_gravity(robot, ctx, term):
    return robot.projected_gravity


def _joint_pos_rel(robot, ctx, term):
    return robot.joint_pos - robot.default_q


def _joint_vel_rel(robot, ctx, term):
    return robot.joint_vel  # default joint velocity is zero


def _last_action(robot, ctx, term):
    return ctx["last_action"]


def _generated_commands(robot, ctx, term):
    return ctx["command"]


def _gait_phase(robot, ctx, term):
    """mdp.gait_phase: the clock counts policy steps since the start (the builder's reset); a speed-dependent one
    (``fast_period``) is the phase the builder integrated (``ObservationBuilder.build``)."""
    if term.params.get("fast_period") is None:
        phase = (ctx["step"] * ctx["dt"] / float(term.params["period"])) % 1.0
    else:
        phase = ctx["gait_phase"]
    angle = 2.0 * np.pi * phase
    return np.array([np.sin(angle), np.cos(angle)])


def _sensed_state(robot, ctx, term):
    """mdp.sensed_state: the quantity as the robot's sensors deliver it (``robot.sensed()``: latency, IMU mounting
    and encoders applied there when set; training also drew jitter, drops and a gyro bias, which a robot brings by
    itself)."""
    return _SENSED[term.params["quantity"]](robot, ctx, term)


_SENSED = {"base_ang_vel": _base_ang_vel, "projected_gravity": _projected_gravity, "joint_pos_rel": _joint_pos_rel,
           "joint_vel_rel": _joint_vel_rel}


def _height_scan(robot, ctx, term):
    """Isaac Lab's: sensor body height - hit height - offset (the sensor body is where the rays hang from)."""
    caster = term.ray_caster
    if caster is None:
        raise PolicyMetadataError(f"observation term '{term.name}' carries no ray-caster description; "
                                  "re-export the policy with this version's play.py")
    body = robot.model.body(caster["body"]).id
    return robot.data.xpos[body][2] - robot.ray_hits_z(caster) - float(term.params.get("offset", 0.5))


def _reference_root_pose_b(robot, ctx, term):
    """The reference root's position and orientation (rotation matrix's first two columns) in the robot's base
    frame (mdp.reference_root_pose_b); the mimic runner passes the reference root as ``reference``."""
    if ctx.get("reference") is None:
        raise PolicyMetadataError(f"observation term '{term.name}' needs the reference clip's root pose; run the "
                                  "policy on its clips (sim2mujoco serves them for a mimic policy)")
    ref_pos, ref_quat_wxyz = ctx["reference"]
    rot = robot.base_rot
    rel = rot.T @ _quat_to_matrix(np.asarray(ref_quat_wxyz, float))
    return np.concatenate([rot.T @ (np.asarray(ref_pos, float) - robot.base_pos), rel[:, 0], rel[:, 1]])


def _quat_to_matrix(q_wxyz: np.ndarray) -> np.ndarray:
    w, x, y, z = q_wxyz / np.linalg.norm(q_wxyz)
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                     [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                     [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])


# Isaac Lab observation function name -> how to compute it here
TERMS = {
    "base_lin_vel": _base_lin_vel,
    "base_ang_vel": _base_ang_vel,
    "projected_gravity": _projected_gravity,
    "joint_pos_rel": _joint_pos_rel,
    "joint_vel_rel": _joint_vel_rel,
    "last_action": _last_action,
    "generated_commands": _generated_commands,
    "gait_phase": _gait_phase,
    "sensed_state": _sensed_state,
    "height_scan": _height_scan,
    "reference_root_pose_b": _reference_root_pose_b,
}


class ObservationBuilder:
    """``build(robot, last_action, command) -> obs`` for the metadata's observation group."""

    def __init__(self, metadata: PolicyMetadata | dict):
        md = PolicyMetadata.parse(metadata)
        self.policy_dt = md.policy_dt
        self.terms = []
        self._meta: dict[str, ObservationTerm] = {}
        for term in md.observation.terms:
            if term.kind not in TERMS:
                raise PolicyMetadataError(
                    f"observation term '{term.name}' ({term.func}) cannot be rebuilt in MuJoCo; "
                    f"supported: {', '.join(sorted(TERMS))}")
            self.terms.append((term.name, TERMS[term.kind], int(term.dim), term.scale, term.clip,
                               int(term.history_length or 0)))
            if term.ray_caster is not None:  # the pattern as arrays once, not per step
                caster = term.ray_caster
                term = replace(term, ray_caster={**caster, "ray_starts": np.asarray(caster["ray_starts"], float),
                                                 "ray_directions": np.asarray(caster["ray_directions"], float)})
            self._meta[term.name] = term
        self.dim = sum(d * max(h, 1) for _, _, d, _, _, h in self.terms)
        if self.dim != md.observation.dim:
            raise PolicyMetadataError(f"observation terms add up to {self.dim} values, the metadata says "
                                      f"{md.observation.dim}")
        self.names = [t[0] for t in self.terms]
        clock = next((t for t in md.observation.terms if t.kind == "gait_phase"
                      and t.params.get("fast_period") is not None), None)
        self._clock = None if clock is None else (float(clock.params["period"]), float(clock.params["fast_period"]),
                                                  tuple(clock.params.get("fast_speed", (0.5, 1.0))))
        self.reset()

    def reset(self) -> None:
        self.step = 0  # policy steps since the start (reset): the gait clock's time
        self.gait_phase = 0.0  # a speed-dependent clock's phase, integrated build by build
        self._history = {name: deque(maxlen=h) for name, _, _, _, _, h in self.terms if h > 0}

    def term_values(self, robot, last_action, command, reference=None) -> dict[str, np.ndarray]:
        """Each term after clip and scale, before history (for term-by-term comparisons). ``reference``: (world
        position, w-x-y-z orientation) of the reference root, for a mimic policy."""
        ctx = {"last_action": np.asarray(last_action, float), "command": np.asarray(command, float),
               "reference": reference, "step": self.step, "dt": self.policy_dt, "gait_phase": self.gait_phase}
        out = {}
        for name, fn, dim, scale, clip, _ in self.terms:
            value = np.asarray(fn(robot, ctx, self._meta[name]), float).reshape(-1)
            if value.shape[0] != dim:
                raise PolicyMetadataError(f"observation term '{name}' gives {value.shape[0]} values here, "
                                          f"the policy was trained with {dim}")
            if clip:
                value = np.clip(value, clip[0], clip[1])
            if scale is not None:
                value = value * np.asarray(scale, float)
            out[name] = value
        return out

    def build(self, robot, last_action, command, reference=None) -> np.ndarray:
        """The next observation; each call is one policy step (the gait clock advances)."""
        parts = []
        values = self.term_values(robot, last_action, command, reference)
        self.step += 1
        if self._clock is not None:  # as training's GaitClock: this step's command sets the rate to the next
            speed = np.linalg.norm(np.asarray(command, float)[:2])
            self.gait_phase = (self.gait_phase + self.policy_dt * gait_frequency(speed, *self._clock)) % 1.0
        for name, value in values.items():
            if name in self._history:
                hist = self._history[name]
                if not hist:
                    hist.extend([value] * hist.maxlen)
                else:
                    hist.append(value)
                parts.extend(hist)
            else:
                parts.append(value)
        return np.concatenate(parts)
