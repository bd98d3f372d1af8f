"""One source of the agent numbers: our st_rl configs (design 3.8-3.10, ``tasks/config/<robot>/agents/``) turned
into what Isaac Lab's ``isaaclab train`` reads (an ``RslRlOnPolicyRunnerCfg``) and into skrl's runner dict
(design names mapped to skrl's: gamma -> discount_factor, lam -> gae_lambda, desired_kl -> KLAdaptiveLR, ...).

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from st_rl.config import RunnerCfg


def rsl_rl_runner_cfg(st: RunnerCfg):
    """Isaac Lab's rsl-rl runner config with exactly the values of ``st`` (rsl-rl's own OnPolicyRunner and PPO:
    what ``isaaclab train --rl_library rsl_rl`` can run)."""
    from isaaclab_rl.rsl_rl import RslRlMLPModelCfg, RslRlOnPolicyRunnerCfg, RslRlPpoAlgorithmCfg, RslRlRNNModelCfg

    d = st.to_rsl_rl()

    def model(m: dict):
        cls = RslRlRNNModelCfg if m["class_name"] == "RNNModel" else RslRlMLPModelCfg
        kwargs = {k: v for k, v in m.items() if k not in ("class_name", "distribution_cfg")}
        dist = m.get("distribution_cfg")
        if dist is not None:
            kwargs["distribution_cfg"] = RslRlMLPModelCfg.GaussianDistributionCfg(init_std=dist["init_std"])
        return cls(**kwargs)

    algorithm = {k: v for k, v in d["algorithm"].items() if k != "class_name"}
    if algorithm.get("symmetry_cfg") is not None:
        from isaaclab_rl.rsl_rl import RslRlSymmetryCfg

        algorithm["symmetry_cfg"] = RslRlSymmetryCfg(**algorithm["symmetry_cfg"])
    if d["algorithm"]["class_name"] == "PPO":
        algorithm_cfg = RslRlPpoAlgorithmCfg(class_name="PPO", **algorithm)
    else:  # AmpPPO: rsl-rl's runner builds it by name, with its extra keys
        algorithm_cfg = _algorithm_cfg_with_extras(RslRlPpoAlgorithmCfg, d["algorithm"])
    return RslRlOnPolicyRunnerCfg(
        seed=d["seed"], device=d["device"], num_steps_per_env=d["num_steps_per_env"],
        max_iterations=d["max_iterations"], empirical_normalization=False, obs_groups=d["obs_groups"],
        clip_actions=d["clip_actions"], save_interval=d["save_interval"], experiment_name=d["experiment_name"],
        run_name=d["run_name"], logger=d["logger"], init_at_random_ep_len=st.init_at_random_ep_len,
        actor=model(d["actor"]), critic=model(d["critic"]),
        algorithm=algorithm_cfg,
    )


def _algorithm_cfg_with_extras(base, algorithm: dict):
    """An Isaac Lab algorithm config that also carries the keys ``base`` lacks (e.g. AMP's), as a configclass so
    Isaac Lab can print, dump and pass it on."""
    from isaaclab.utils import configclass

    known = {f.name for f in dataclasses.fields(base)}
    extras = {k: v for k, v in algorithm.items() if k not in known}
    cls = configclass(type(f"{base.__name__}WithExtras", (base,),
                           {"__annotations__": {k: type(v) if v is not None else object for k, v in extras.items()},
                            **extras}))
    return cls(**{k: v for k, v in algorithm.items() if k in known}, **extras)


def skrl_ppo_cfg(st: RunnerCfg) -> dict:
    """skrl's runner dict for PPO with the values of ``st``: the actor sees the policy observations, the critic
    the privileged ones (skrl's "states", Isaac Lab's "critic" group), both normalized by running statistics as
    in rsl-rl; the learning rate adapts to ``desired_kl`` (skrl's KLAdaptiveLR); time-outs bootstrap."""
    if st.policy.rnn_type is not None:
        raise ValueError("skrl_ppo_cfg: recurrent policies (policy.rnn_type) are not mapped to skrl; use st_rl")
    if st.algorithm.symmetry_cfg.to_rsl_rl() is not None:
        raise ValueError("skrl_ppo_cfg: symmetry augmentation (algorithm.symmetry_cfg) is rsl-rl's; use st_rl")
    p, a = st.policy, st.algorithm

    def net(layers, source):
        return [{"name": "net", "input": source, "layers": list(layers), "activations": p.activation}]

    return {
        "seed": st.seed,
        "models": {
            "separate": True,
            "policy": {"class": "GaussianMixin", "clip_actions": False, "clip_log_std": True, "min_log_std": -20.0,
                       "max_log_std": 2.0 if p.max_noise_std is None else math.log(p.max_noise_std),
                       "initial_log_std": math.log(p.init_noise_std),
                       "network": net(p.actor_hidden_dims, "OBSERVATIONS"), "output": "ACTIONS"},
            "value": {"class": "DeterministicMixin", "clip_actions": False,
                      "network": net(p.critic_hidden_dims, "STATES"), "output": "ONE"},
        },
        "memory": {"class": "RandomMemory", "memory_size": -1},
        "agent": {
            "class": "PPO",
            "rollouts": st.num_steps_per_env,
            "learning_epochs": a.num_learning_epochs,
            "mini_batches": a.num_mini_batches,
            "discount_factor": a.gamma,
            "gae_lambda": a.lam,
            "learning_rate": a.learning_rate,
            "learning_rate_scheduler": "KLAdaptiveLR" if a.schedule == "adaptive" else None,
            "learning_rate_scheduler_kwargs": {"kl_threshold": a.desired_kl} if a.schedule == "adaptive" else {},
            "observation_preprocessor": "RunningStandardScaler" if p.actor_obs_normalization else None,
            "observation_preprocessor_kwargs": None,
            "state_preprocessor": "RunningStandardScaler" if p.critic_obs_normalization else None,
            "state_preprocessor_kwargs": None,
            "value_preprocessor": None,
            "value_preprocessor_kwargs": None,
            "grad_norm_clip": a.max_grad_norm,
            "ratio_clip": a.clip_param,
            "value_clip": a.clip_param if a.use_clipped_value_loss else 0.0,
            "entropy_loss_scale": a.entropy_coef,
            "value_loss_scale": a.value_loss_coef,
            "kl_threshold": 0.0,
            "time_limit_bootstrap": True,
            "experiment": {"directory": st.experiment_name, "experiment_name": st.run_name, "write_interval": "auto",
                           "checkpoint_interval": "auto"},
        },
        "trainer": {"class": "SequentialTrainer", "timesteps": st.max_iterations * st.num_steps_per_env,
                    "environment_info": "log"},
    }


def skrl_amp_cfg(st: RunnerCfg, step_dt: float = 0.02) -> dict:
    """skrl's AMP agent (``skrl_amp_cfg_entry_point``: ``isaaclab train --rl_library skrl --algorithm AMP``) with
    the values of an st_rl AMP config ``st``: PPO's numbers as in :func:`skrl_ppo_cfg`, a discriminator of the same
    layers, and the reward mix ``task_reward_lerp`` * task + (1 - lerp) * coef * step_dt * style. skrl keeps its own
    discriminator loss (logistic, with its logit regularization) and style reward (-log(1 - D)); the gradient
    penalty and weight decay take our values."""
    a = st.algorithm
    if not hasattr(a, "style_reward_coef"):
        raise ValueError("skrl_amp_cfg needs an AMP config (runner_name 'AmpPolicyRunner')")
    cfg = skrl_ppo_cfg(st)
    cfg["models"]["discriminator"] = {
        "class": "DeterministicMixin", "clip_actions": False, "output": "ONE",
        "network": [{"name": "net", "input": "OBSERVATIONS", "layers": list(a.discriminator_hidden_dims),
                     "activations": "relu"}]}
    cfg["motion_dataset"] = {"class": "RandomMemory", "memory_size": 200_000}
    cfg["reply_buffer"] = {"class": "RandomMemory", "memory_size": int(a.replay_buffer_size)}  # skrl's spelling
    agent = cfg["agent"]
    agent.update({
        "class": "AMP",
        "amp_observation_preprocessor": "RunningStandardScaler",
        "amp_observation_preprocessor_kwargs": None,
        "task_reward_scale": a.task_reward_lerp,
        "style_reward_scale": (1.0 - a.task_reward_lerp) * a.style_reward_coef * step_dt,
        "discriminator_gradient_penalty_scale": a.discriminator_grad_penalty,
        "discriminator_weight_decay_scale": a.discriminator_weight_decay,
        "amp_batch_size": 512,
        "discriminator_batch_size": -1,
    })
    agent.pop("kl_threshold", None)  # a PPO-only key
    return cfg


def skrl_cfg(st: RunnerCfg, env_cfg=None) -> dict:
    """The skrl config that matches ``st``: skrl's AMP agent for an AMP config (runner_name 'AmpPolicyRunner'), else
    PPO. ``env_cfg`` gives the env step that scales the style reward."""
    if getattr(st, "runner_name", "") == "AmpPolicyRunner":
        step_dt = env_cfg.sim.dt * env_cfg.decimation if env_cfg is not None else 0.02
        return skrl_amp_cfg(st, step_dt)
    return skrl_ppo_cfg(st)
