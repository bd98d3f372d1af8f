"""Velocity tracking (design 3.1-3.7): the robot-agnostic env config (``velocity_env_cfg.py``) and its MDP
terms (``mdp/``); each robot's config lives in ``tasks/config/<robot>/``."""
