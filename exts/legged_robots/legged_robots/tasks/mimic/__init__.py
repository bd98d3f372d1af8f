"""Motion imitation ("mimic", design 3.4-3.8): the robot follows a reference clip served by refmotion_manager.
Its MDP terms (``mdp/``: commands, rewards, terminations, observations, and the tracking errors they share) and its
evaluation (``eval.py``: ``./run.sh eval``); lus2's mimic task in ``tasks/config/lus2/mimic_env_cfg.py``; the same
clips judged in plain MuJoCo by ``sim2mujoco/mimic.py``."""
