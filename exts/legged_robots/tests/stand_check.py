"""Settings of the physical sanity checks, shared by the MuJoCo and Isaac Lab stand tests."""

from legged_robots.assets.lus2 import description as d

# PD alone cannot hold lus2 upright at the motors' own 10 Hz gains: the ankles give 2 x 50 N m/rad against a
# toppling stiffness m*g*h of about 440 N m/rad (see test_lus2_description). The zero-action stand checks run
# at 2.5x the bandwidth (kp x 6.25, kd x 2.5: same damping ratio), in Isaac Lab and MuJoCo alike.
VARIANTS = sorted(d.VARIANTS)
HOLD_BANDWIDTH_SCALE = 2.5
STAND_SECONDS = 3.0
HEIGHT_TOLERANCE = 0.05  # m, base height vs. nominal
MAX_DRIFT = 0.15  # m, horizontal: the stance sways a few cm, lightly damped
MAX_TILT = 0.15  # rad


def hold_gains_of(group: d.ActuatorGroup) -> tuple[float, float]:
    return group.motor.stiffness * HOLD_BANDWIDTH_SCALE**2, group.motor.damping * HOLD_BANDWIDTH_SCALE


def hold_gains(joint: str) -> tuple[float, float]:
    return hold_gains_of(d.actuator_group(joint))
