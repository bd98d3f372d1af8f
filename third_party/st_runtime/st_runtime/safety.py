"""The bridge's safety state machine.

    PASSIVE --start--> SOFT_START --(ramp done)--> HOLD --policy--> POLICY
                                                    ^---- hold ------'
    any state --damp / e-stop--> DAMPING;  SOFT_START, HOLD, POLICY --fault--> DAMPING
    DAMPING --reset (e-stop released, no fault)--> PASSIVE

PASSIVE sends nothing; SOFT_START ramps the targets from the measured pose to the default pose with the
policy's gains; HOLD keeps the default pose; POLICY runs the policy; DAMPING sends kp = 0 and damping only.
Faults: e-stop, stale state, non-finite or out-of-range input, a joint past its soft limit, tilt beyond
the training termination angle. Nothing leaves DAMPING by itself.
(The joint fault: ``safety_limits``, which sim2mujoco's verdict also checks.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from typing import Callable

import numpy as np

# a joint faults past its training soft limit plus this share of the way on to its hard limit (0: at the soft
# limit, 1: at the hard one)
LIMIT_SLACK = 0.5


def safety_limits(hard: np.ndarray, soft: np.ndarray, slack: float = LIMIT_SLACK) -> np.ndarray:
    """Per joint (lower, upper): the training's soft limit moved ``slack`` of the way on to the hard limit. The soft
    limits are Isaac Lab's reward boundary (``soft_joint_pos_limit_factor`` of the range, about its middle); on a
    lopsided range they sit far inside the short side -- lus2's hip roll [-2.8, 0.25] gets 0.0975, a walking
    policy rolls to 0.11 -- so faulting there would stop a normal gait; the hard limit is the mechanical stop."""
    if not 0.0 <= slack <= 1.0:
        raise ValueError(f"limit_slack {slack}: expected a share in [0, 1]")
    return soft + slack * (hard - soft)


class Mode(str, Enum):
    PASSIVE = "PASSIVE"
    SOFT_START = "SOFT_START"
    HOLD = "HOLD"
    POLICY = "POLICY"
    DAMPING = "DAMPING"


REQUESTS = ("start", "policy", "hold", "damp", "reset")
_ALLOWED = {  # request -> (from states, to state)
    "start": ({Mode.PASSIVE}, Mode.SOFT_START),
    "policy": ({Mode.HOLD}, Mode.POLICY),
    "hold": ({Mode.POLICY}, Mode.HOLD),
    "damp": (set(Mode), Mode.DAMPING),
    "reset": ({Mode.DAMPING}, Mode.PASSIVE),
}


@dataclass
class Transition:
    time: float  # time.monotonic()
    source: Mode
    target: Mode
    reason: str

    def __str__(self) -> str:
        return f"{self.source.value} -> {self.target.value} ({self.reason})"


class SafetyStateMachine:
    """``request(name)`` for operator commands, ``fault(reason)`` for what the bridge detects, ``tick()`` once per
    control period; ``on_transition(Transition)`` is called for every change."""

    def __init__(self, soft_start_s: float = 2.0, on_transition: Callable[[Transition], None] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        if soft_start_s <= 0:
            raise ValueError(f"soft_start_s must be > 0, got {soft_start_s}")
        self.soft_start_s = float(soft_start_s)
        self.clock = clock
        self.mode = Mode.PASSIVE
        self.since = clock()
        self.reason = "started"
        self.history: list[Transition] = []
        self._on_transition = on_transition
        self.estop = False

    def _go(self, target: Mode, reason: str) -> Transition:
        tr = Transition(self.clock(), self.mode, target, reason)
        self.mode, self.since, self.reason = target, tr.time, reason
        self.history.append(tr)
        if self._on_transition is not None:
            self._on_transition(tr)
        return tr

    def request(self, name: str, faults: list[str] | None = None) -> tuple[bool, str]:
        """An operator command; returns (accepted, why not). ``faults``: the active ones (block start/reset)."""
        name = name.strip().lower()
        if name not in _ALLOWED:
            return False, f"unknown request {name!r} (known: {', '.join(REQUESTS)})"
        sources, target = _ALLOWED[name]
        if self.mode not in sources:
            return False, f"'{name}' is not allowed in {self.mode.value}"
        if name in ("start", "reset") and (self.estop or faults):
            return False, f"'{name}' refused: " + ("e-stop engaged" if self.estop else "; ".join(faults))
        if target == self.mode:
            return True, ""
        self._go(target, f"request '{name}'")
        return True, ""

    def set_estop(self, engaged: bool) -> None:
        engaged = bool(engaged)
        if engaged and not self.estop and self.mode != Mode.DAMPING:
            self.estop = True
            self._go(Mode.DAMPING, "e-stop")
        self.estop = engaged

    def fault(self, reason: str) -> bool:
        """A detected fault: DAMPING from any commanding state. True when it caused a transition."""
        if self.mode in (Mode.SOFT_START, Mode.HOLD, Mode.POLICY):
            self._go(Mode.DAMPING, reason)
            return True
        return False

    def tick(self) -> None:
        if self.mode == Mode.SOFT_START and self.ramp() >= 1.0:
            self._go(Mode.HOLD, f"soft start done ({self.soft_start_s:g} s)")

    def ramp(self) -> float:
        """SOFT_START progress in [0, 1]."""
        return min(1.0, max(0.0, (self.clock() - self.since) / self.soft_start_s))
