"""st_gym's RL package on rsl-rl-lib (no Isaac Lab import). Runners and configs arrive with issue #3."""

__version__ = "0.1.0"
