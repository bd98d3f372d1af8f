"""The env class our tasks register: Isaac Lab's ``ManagerBasedRLEnv``, with the config checked and the
physics chosen for the device first, and the physics guard's lost envs kept out of the rewards.

refmotion_manager, gymnasium's spaces and Isaac Lab's managers are imported where a task with a reference motion
needs them: a velocity task loads none of them."""

from __future__ import annotations

from isaaclab.envs import ManagerBasedRLEnv

from legged_robots.physics import resolve_physics

from .utils import warp_kernel_cache
from .utils.cfg_checks import check_env_cfg

GUARD = "physics_blowup"  # the termination term that flags envs the simulator has lost (velocity/mdp/terminations.py)
BLOWUPS_KEY = "Physics/blowups"  # extras["log"]: envs reset by the guard in this step (st_rl sums it per iteration)


class StManagerBasedRLEnv(ManagerBasedRLEnv):
    """Fails before the simulator is built when a range in the config has min > max, resolves the
    device-dependent physics default (``legged_robots.physics.resolve_physics``; also for ``isaaclab train``),
    keeps Newton's per-call ray-cast kernel from being rebuilt every step (``utils/warp_kernel_cache.py``),
    and gives an env that the physics guard flags no reward for that step (see :meth:`load_managers`). Tasks
    with a ``ref_motion`` (AMP, mimic) get their clips loaded and checked before the simulator is built, and
    AMP tasks offer skrl's AMP contract (``amp_observation_space``, ``collect_reference_motions``,
    ``extras["amp_obs"]``)."""

    def __init__(self, cfg, render_mode: str | None = None, **kwargs):
        check_env_cfg(cfg)
        _sync_amp_cfg(cfg)
        resolve_physics(cfg)
        if getattr(cfg, "ref_motion", None) is not None:  # load and check the clips before the simulator
            self._st_ref_motion = _load_reference_motion(cfg)
        warp_kernel_cache.install()
        super().__init__(cfg, render_mode=render_mode, **kwargs)

    def load_managers(self) -> None:
        super().load_managers()
        self.termination_manager.compute = _after_gait_clocks(self, self.termination_manager.compute)
        if GUARD in self.termination_manager.active_terms:
            self.reward_manager.compute = _without_lost_envs(self, self.reward_manager.compute)

    def _reset_idx(self, env_ids) -> None:
        super()._reset_idx(env_ids)
        for name in self.termination_manager.active_terms:  # adaptive thresholds: the curve a run is judged by
            value = getattr(self.termination_manager.get_term_cfg(name).func, "threshold_tensor", None)
            if value is not None:
                self.extras["log"][f"Metrics/{name}/threshold"] = value
        if GUARD in self.termination_manager.active_terms:  # how many of these resets the guard caused
            lost = self.termination_manager.get_term(GUARD)[env_ids]
            self.extras["log"][BLOWUPS_KEY] = int(lost.sum())

    # -- AMP: what skrl's AMP agent (and anyone else) reads from an env with an ``amp`` observation group
    def step(self, action):
        obs, reward, terminated, truncated, extras = super().step(action)
        if "amp" in obs:
            extras["amp_obs"] = obs["amp"]
        return obs, reward, terminated, truncated, extras

    @property
    def amp_observation_space(self):
        """Box of one discriminator window (``amp_obs_frame_num`` style frames, flattened)."""
        import gymnasium as gym
        import numpy as np

        dim = self.observation_manager.group_obs_dim["amp"][0]
        return gym.spaces.Box(low=-np.inf, high=np.inf, shape=(dim,))

    def collect_reference_motions(self, num_samples: int, current_times=None):
        """(num_samples, amp_obs_frame_num * style dim) expert windows from the reference clips, laid out as the
        ``amp`` observation (oldest frame first)."""
        from .amp.mdp.reference import reference_motion

        return reference_motion(self).sample_amp_windows(int(num_samples)).reshape(int(num_samples), -1)

    # -- env-side state learned during training that a resumed run must continue from (st_rl saves it with each
    #    checkpoint): adaptive tracking-error thresholds, adaptive start sampling, the command ranges a curriculum
    #    has widened (without them a resumed run, and the export, would start from the narrow initial ranges)
    def _curriculum_terms(self):
        manager = getattr(self, "curriculum_manager", None)
        return {} if manager is None else dict(zip(manager.active_terms, manager._term_cfgs))

    def checkpoint_state(self) -> dict:
        state = {}
        for name, cfg in self._curriculum_terms().items():
            if hasattr(cfg.func, "state_dict"):
                state[f"curriculum/{name}"] = cfg.func.state_dict()
        for name in self.termination_manager.active_terms:
            func = self.termination_manager.get_term_cfg(name).func
            if hasattr(func, "state_dict"):
                state[f"termination/{name}"] = func.state_dict()
        for name in self.command_manager.active_terms:
            term = self.command_manager.get_term(name)
            if hasattr(term, "state_dict"):
                state[f"command/{name}"] = term.state_dict()
        return state

    def load_checkpoint_state(self, state: dict) -> None:
        for key, value in state.items():
            kind, name = key.split("/", 1)
            if kind == "termination" and name in self.termination_manager.active_terms:
                self.termination_manager.get_term_cfg(name).func.load_state_dict(value)
            elif kind == "command" and name in self.command_manager.active_terms:
                self.command_manager.get_term(name).load_state_dict(value)
            elif kind == "curriculum" and name in self._curriculum_terms():
                func = self._curriculum_terms()[name].func
                before = func.state_dict() if hasattr(func, "state_dict") else None
                func.load_state_dict(value)
                if before is not None and before != func.state_dict():  # e.g. command ranges given on the command line
                    print(f"[st_gym] resumed curriculum '{name}' as the checkpoint left it ({func.state_dict()}), not "
                          f"as configured ({before}); env.curriculum.{name}=null keeps the configured one", flush=True)

    @property
    def physics_blowups(self) -> int:
        """Envs the physics guard has ended since the env was built (0 without the guard)."""
        if GUARD not in self.termination_manager.active_terms:
            return 0
        return self.termination_manager.get_term_cfg(GUARD).func.total


def _load_reference_motion(cfg):
    from refmotion_manager import MotionDataError

    from .amp.mdp.reference import build_reference_motion
    from .utils.errors import UsageError

    try:
        return build_reference_motion(cfg)
    except (MotionDataError, KeyError, IndexError) as err:
        raise UsageError(f"ref_motion: {err.args[0] if isinstance(err, KeyError) else err}") from None


def _sync_amp_cfg(cfg) -> None:
    """One setting, one place: the amp group's history is ``ref_motion.amp_obs_frame_num`` (also after overrides),
    and reference frames must be served at the env step, or consecutive frames would mean different times."""
    ref = getattr(cfg, "ref_motion", None)
    amp = getattr(cfg.observations, "amp", None)
    if ref is None:
        return
    step_dt = cfg.sim.dt * cfg.decimation
    if abs(ref.time_between_frames - step_dt) > 1e-9:
        from .utils.errors import UsageError

        raise UsageError(f"ref_motion.time_between_frames = {ref.time_between_frames} s, but the env steps every "
                         f"{step_dt:g} s (decimation x sim.dt); set them equal")
    if ref.trajectory_num != cfg.scene.num_envs:
        ref.trajectory_num = cfg.scene.num_envs  # one reference trajectory per env
    if amp is not None and getattr(amp, "style", None) is not None:
        amp.style.history_length = int(ref.amp_obs_frame_num)
    if ref.style_goal_fields and getattr(cfg.commands, "style_goal_commands", None) is None:
        # design 3.6 / 3.4: a goal per style_goal_fields entry, and its tracking reward (weight: the task's)
        from isaaclab.managers import RewardTermCfg

        from .amp import mdp as amp_mdp
        from .utils.errors import UsageError

        weight = getattr(cfg, "track_style_goal_weight", None)
        if weight is None:
            raise UsageError("ref_motion.style_goal_fields: this task has no style goal reward (an AMP task has)")
        cfg.commands.style_goal_commands = amp_mdp.StyleCommandCfg()
        cfg.rewards.track_style_goal_exp = RewardTermCfg(func=amp_mdp.track_style_goal_exp, weight=weight)


def _after_gait_clocks(env: StManagerBasedRLEnv, compute):
    """Speed-dependent gait clocks (``velocity/mdp/observations.py:GaitClock``) advance here, first thing after the
    physics step (terminations come before rewards, resets and the new commands): at the speed commanded during
    the step, whatever order the terms read them in."""

    def wrapped():
        for clock in env.__dict__.get("_st_gait_clocks", {}).values():
            clock.advance(env)
        return compute()

    return wrapped


def _without_lost_envs(env: StManagerBasedRLEnv, compute):
    """The rewards run after the terminations, on the same state: for an env whose state the simulator has lost
    (non-finite or absurd) they are not rewards. Such an env gets 0 for the step and its episode sums stay as
    they were (Isaac Lab logs them at the reset that follows)."""
    manager = env.reward_manager

    def wrapped(dt: float):
        lost = env.termination_manager.get_term(GUARD)
        if not bool(lost.any()):
            return compute(dt)
        sums = manager._episode_sum_buf[lost].clone()
        reward = compute(dt)
        manager._episode_sum_buf[lost] = sums
        manager._step_reward[lost] = 0.0
        reward[lost] = 0.0
        return reward

    return wrapped
