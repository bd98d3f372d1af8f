"""lus2's left/right mirror for symmetry augmentation (``agent.algorithm.symmetry_cfg``): the robot's own
description says which joint mirrors which and which angles change sign."""

from legged_robots.assets.lus2.description import mirror_of, mirror_sign
from legged_robots.tasks.symmetry import mirror_augment


def augment(env, obs=None, actions=None):
    return mirror_augment(env, obs, actions, mirror_of, mirror_sign)
