"""``expressive_goal_commands`` (design 3.6): per env, the reference clip's ``expressive_goal`` columns at the current
frame. A reset draws each env's clip and start frame (more often where episodes fail: ``AdaptiveStartSampler``) and
puts the robot in that reference state; the reference advances one frame per env step.

The error and tracking helpers are imported where a bad clip or the debug view needs them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import CommandTerm, CommandTermCfg, SceneEntityCfg
from isaaclab.markers import VisualizationMarkers, VisualizationMarkersCfg
from isaaclab.markers.config import SPHERE_MARKER_CFG
from isaaclab.utils import configclass

from legged_robots.tasks.amp.mdp.events import write_reference_state
from legged_robots.tasks.amp.mdp.reference import reference_motion

from .tracking import reference_root_pos

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedRLEnv


class AdaptiveStartSampler:
    """Start frames drawn more often where episodes fail (BeyondMimic's adaptive sampling).

    Each clip's valid start frames are cut into bins of ``bin_s`` seconds. A bin's failure rate is an exponential
    moving average (rate ``alpha``) of "the episode started there ended by a termination" (1) or not (0), updated
    as episodes end. A start is drawn by: clip by weight (refmotion's clip weights), then a bin with probability
    ``(1 - uniform) * q + uniform / bins`` where ``q`` is the failure rate smoothed over neighbouring bins
    (kernel ``[0.25, 0.5, 0.25]``) and normalized, then a frame uniformly in the bin. With no failures yet ``q`` is
    uniform. ``entropy()``: the normalized entropy of the bin distribution (1: uniform), averaged over clips."""

    def __init__(self, motion, bin_s: float, alpha: float, uniform: float, device):
        self.motion, self.alpha, self.uniform, self.device = motion, float(alpha), float(uniform), device
        window = motion.window or 1
        bin_frames = max(1, int(round(bin_s / motion.dt)))
        self.starts = (motion.clip_length - window + 1).clamp(min=1)  # valid start frames per clip
        self.bins = ((self.starts + bin_frames - 1) // bin_frames).tolist()
        self.bin_frames = bin_frames
        self.offset = torch.tensor([0] + list(torch.tensor(self.bins).cumsum(0)[:-1].tolist()), device=device)
        self.failure = torch.zeros(sum(self.bins), device=device)
        self.env_bin = torch.zeros(motion.num_envs, dtype=torch.long, device=device)

    def _probs(self, clip: int) -> torch.Tensor:
        f = self.failure[self.offset[clip]: self.offset[clip] + self.bins[clip]]
        if f.numel() > 2:
            padded = torch.cat([f[:1], f, f[-1:]])
            f = 0.25 * padded[:-2] + 0.5 * padded[1:-1] + 0.25 * padded[2:]
        q = f / f.sum() if float(f.sum()) > 0 else torch.full_like(f, 1.0 / f.numel())
        return (1.0 - self.uniform) * q + self.uniform / f.numel()

    def record(self, ids: torch.Tensor, failed: torch.Tensor) -> None:
        """Episodes of ``ids`` ended (``failed``: by a termination): update their start bins' failure rates."""
        for b, fail in zip(self.env_bin[ids].tolist(), failed.float().tolist()):
            self.failure[b] += self.alpha * (fail - self.failure[b])

    def draw(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(clip ids, start frames) for ``ids``."""
        n = len(ids)
        clips = torch.multinomial(self.motion.clip_weights, n, replacement=True)
        starts = torch.zeros(n, dtype=torch.long, device=self.device)
        for c in clips.unique().tolist():
            sel = clips == c
            b = torch.multinomial(self._probs(c), int(sel.sum()), replacement=True)
            frame = b * self.bin_frames + (torch.rand(int(sel.sum()), device=self.device) * self.bin_frames).long()
            starts[sel] = frame.clamp(max=int(self.starts[c]) - 1)
            self.env_bin[ids[sel]] = self.offset[c] + b
        return clips, starts

    def entropy(self) -> float:
        values = []
        for c, nb in enumerate(self.bins):
            if nb > 1:
                p = self._probs(c)
                values.append(float(-(p * p.log()).sum() / torch.log(torch.tensor(float(nb)))))
        return sum(values) / len(values) if values else 1.0


class ExpressiveCommand(CommandTerm):
    """``expressive_goal_commands``: per env, the reference's ``expressive_goal`` columns at the current frame
    (``next_goal``: the frame after). Never resampled on a timer: it follows the clip; a reset draws a new clip
    and start frame (``random_start``; with ``adaptive_sampling``, more often where episodes fail) and writes the
    robot's reference state."""

    cfg: "ExpressiveCommandCfg"

    def __init__(self, cfg: "ExpressiveCommandCfg", env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        self.motion = reference_motion(env)
        if "expressive_goal" not in self.motion.groups:
            raise ValueError("expressive_goal_commands need ref_motion.expressive_goal_fields")
        self.asset = env.scene[cfg.asset_name]
        untracked = [j for j in self.asset.joint_names if f"{j}_dof_pos" not in self.motion.fields]
        if untracked:
            from legged_robots.tasks.utils.errors import UsageError

            raise UsageError(f"ref_motion: clip(s) {', '.join(self.motion.clip_names)} lack the robot's joint(s) "
                             f"{', '.join(untracked)}: mimic tracks every joint; use clips made for this robot "
                             "(ours: assets/data/<robot>/motions/<variant>/; yours: ./run.sh motion convert|retarget "
                             "--robot <variant>)")
        self.metrics["frame"] = torch.zeros(self.num_envs, device=self.device)
        self.sampler = None
        if cfg.adaptive_sampling and self.motion.cfg.random_start and not cfg.clip_per_env:
            self.sampler = AdaptiveStartSampler(self.motion, cfg.sampling_bin_s, cfg.sampling_alpha,
                                                cfg.sampling_uniform, self.device)
            self.metrics["sampling_entropy"] = torch.ones(self.num_envs, device=self.device)

    @property
    def command(self) -> torch.Tensor:
        return self.motion.get("expressive_goal")

    @property
    def next_goal(self) -> torch.Tensor:
        return self.motion.get("expressive_goal", offset=1)

    def compute(self, dt: float):  # no timed resampling: the clip sets the pace
        self._update_command()
        self._update_metrics()

    def _resample_command(self, env_ids):
        ids = torch.arange(self.num_envs, device=self.device)[env_ids]
        if self.cfg.clip_per_env:  # evaluation: env i always plays clip i mod the number of clips
            self.motion.reset(ids, clip_ids=ids % len(self.motion.clip_names))
        elif self.sampler is not None:
            # the episodes ending here (not the first reset: no episode yet): a termination, not the time limit,
            # counts as a failure at their start bin
            played = self._env.episode_length_buf[ids] > 0  # Isaac Lab zeroes it after the managers' resets
            self.sampler.record(ids[played], self._env.termination_manager.terminated[ids][played])
            clips, starts = self.sampler.draw(ids)
            self.motion.reset(ids, clip_ids=clips, start_frames=starts)
            self.metrics["sampling_entropy"][:] = self.sampler.entropy()
        else:
            self.motion.reset(ids)
        write_reference_state(self._env, ids, self.motion, SceneEntityCfg(self.cfg.asset_name))

    def _update_command(self):
        # runs once per env step, after that step's resets: envs reset in it (episode step 0) stay at the frame
        # the robot was put at; the others move on with the simulation
        self.motion.step(self._env.episode_length_buf > 0)  # a mask: no host sync on a GPU

    def _update_metrics(self):
        self.metrics["frame"][:] = self.motion.steps.float()  # in place: rollouts run under inference mode

    def _set_debug_vis_impl(self, debug_vis: bool):
        if debug_vis and not hasattr(self, "reference_visualizer"):
            self.reference_visualizer = VisualizationMarkers(self.cfg.reference_visualizer_cfg)
        if hasattr(self, "reference_visualizer"):
            self.reference_visualizer.set_visibility(debug_vis)

    def _debug_vis_callback(self, event):
        """A marker at each tracked link of the reference frame (where the robot's links should be)."""
        if not self.asset.is_initialized:
            return
        self.reference_visualizer.visualize(translations=self.reference_link_positions().reshape(-1, 3))

    def reference_link_positions(self) -> torch.Tensor:
        """(num_envs, links, 3) world positions of the clips' links that the robot has, in the current frame."""
        from refmotion_manager.tracking import reference_body_positions, tracked_links

        if not hasattr(self, "_vis_links"):
            self._vis_links = tracked_links(self.motion, self.asset.body_names)
        return reference_body_positions(self.motion, self._vis_links, reference_root_pos(self._env))[0]

    def state_dict(self) -> dict:
        return {"failure": self.sampler.failure.cpu().clone()} if self.sampler is not None else {}

    def load_state_dict(self, state: dict) -> None:
        if self.sampler is not None and "failure" in state and state["failure"].shape == self.sampler.failure.shape:
            self.sampler.failure[:] = state["failure"].to(self.device)


@configclass
class ExpressiveCommandCfg(CommandTermCfg):
    class_type: type = ExpressiveCommand
    asset_name: str = "robot"
    resampling_time_range: tuple[float, float] = (0.0, 0.0)  # design 3.6: it follows the clip (see compute)
    clip_per_env: bool = False  # env i plays clip i mod #clips (evaluation), instead of clips drawn by weight
    adaptive_sampling: bool = True  # start frames drawn more often where episodes fail (AdaptiveStartSampler)
    sampling_bin_s: float = 1.0
    sampling_alpha: float = 0.001
    sampling_uniform: float = 0.1  # share of starts drawn uniformly
    # debug_vis: a sphere at each reference link (the design enables it with a viewer)
    reference_visualizer_cfg: VisualizationMarkersCfg = SPHERE_MARKER_CFG.replace(
        prim_path="/Visuals/Command/reference_links")
