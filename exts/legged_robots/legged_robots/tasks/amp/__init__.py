"""AMP (design 3.8), the env side: reference motion, style frames, reference state init and the style goal
(``mdp/``, one file per manager). The discriminator and its training live in ``third_party/st_rl``; lus2's AMP task
in ``tasks/config/lus2/amp_env_cfg.py``."""
