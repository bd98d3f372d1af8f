"""Motion imitation ("mimic", design 3.4-3.8): the robot follows a reference clip served by refmotion_manager.

``ExpressiveCommand`` draws each env's clip and start frame at reset, puts the robot in that reference state and
advances the reference one frame per env step; its command is the current frame's ``expressive_goal_fields``.
The tracking rewards are ``exp(-e / std^2)`` of a mean squared error ``e`` against the reference frame; the
adaptive termination ends an episode when a tracking error passes a threshold that follows the typical error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from isaaclab.managers import CommandTerm, CommandTermCfg, ManagerTermBase, SceneEntityCfg
from isaaclab.markers import VisualizationMarkers, VisualizationMarkersCfg
from isaaclab.markers.config import SPHERE_MARKER_CFG
from isaaclab.utils import configclass
from isaaclab.utils import math as math_utils

from .amp import StyleFrame, as_torch, reference_motion, write_reference_state

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
                             "(assets/data/lus2/motions/<variant>/)")
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


# ---------------------------------------------------------------------------------------------------------
# tracking errors (mean squared, per env) and rewards exp(-e / std^2)
# ---------------------------------------------------------------------------------------------------------


def _joint_names(asset, asset_cfg: SceneEntityCfg) -> list[str]:
    ids = asset_cfg.joint_ids
    return list(asset.joint_names) if isinstance(ids, slice) else [asset.joint_names[i] for i in ids]


def joint_error(env, asset_cfg: SceneEntityCfg, kind: str = "pos") -> torch.Tensor:
    """Mean over the selected joints of the squared position (``kind='pos'``) or velocity error to the reference."""
    asset = env.scene[asset_cfg.name]
    names = _joint_names(asset, asset_cfg)
    ref = reference_motion(env).get([f"{n}_dof_{kind}" for n in names])
    sim = as_torch(asset.data.joint_pos if kind == "pos" else asset.data.joint_vel)[:, asset_cfg.joint_ids]
    return (sim - ref).square().mean(dim=-1)


def robot_frame(env, fields, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """The robot's values of refmotion columns ``fields`` (one StyleFrame per field list, built once)."""
    asset = env.scene[asset_cfg.name]
    frames = env.__dict__.setdefault("_st_frames", {})
    key = tuple(fields)
    if key not in frames:
        frames[key] = StyleFrame(fields, asset.joint_names, asset.body_names)
    return frames[key](asset.data, env.scene.env_origins)


def _frame_error(env, fields, asset_cfg: SceneEntityCfg) -> torch.Tensor:
    return robot_frame(env, fields, asset_cfg) - reference_motion(env).get(list(fields))


def link_error(env, kind: str, asset_cfg: SceneEntityCfg) -> torch.Tensor:
    """Mean squared error of the expressive links' positions (``kind='pos'``) or velocities (``'vel'``) relative to
    the base, over the links and axes ``expressive_goal_fields`` names."""
    fields = [f for f in reference_motion(env).groups.get("expressive_goal", ())
              if f.endswith("_b") and f"_{kind}_" in f and not f.startswith("root_") and "_ang_vel_" not in f]
    if not fields:
        return torch.zeros(env.num_envs, device=env.device)
    return _frame_error(env, fields, asset_cfg).square().mean(dim=-1)


def reference_root_pos(env) -> torch.Tensor:
    """Where each robot's root should be: the reference root position re-anchored at the env's reset origin
    (the xy shift ``write_reference_state`` kept, the env origin's height)."""
    ref = reference_motion(env).get(["root_pos_x", "root_pos_y", "root_pos_z"]).clone()
    ref[:, :2] += getattr(env, "_st_ref_xy_offset", torch.zeros_like(ref[:, :2]))
    ref[:, 2] += env.scene.env_origins[:, 2]
    return ref


def root_error(env, kind: str, asset_cfg: SceneEntityCfg) -> torch.Tensor:
    """Root errors: ``pos`` (squared distance to the reference position, re-anchored at the reset origin), ``quat``
    (squared angle of the relative rotation), ``rotation`` (squared angle between the robot's and the reference's
    up axes: roll/pitch only), ``lin_vel`` / ``ang_vel`` (mean squared, base frame)."""
    motion = reference_motion(env)
    data = env.scene[asset_cfg.name].data
    if kind == "pos":
        return (as_torch(data.root_pos_w) - reference_root_pos(env)).square().sum(dim=-1)
    if kind in ("quat", "rotation"):
        ref = motion.get(["root_rot_x", "root_rot_y", "root_rot_z", "root_rot_w"])  # Isaac Lab's x, y, z, w
        quat = as_torch(data.root_quat_w)
        if kind == "quat":
            return math_utils.quat_error_magnitude(quat, ref).square()
        z = torch.tensor([0.0, 0.0, 1.0], device=env.device).expand(quat.shape[0], 3)
        cos = (math_utils.quat_apply(quat, z) * math_utils.quat_apply(ref, z)).sum(-1).clamp(-1.0, 1.0)
        return torch.acos(cos).square()
    fields = [f"root_{'vel' if kind == 'lin_vel' else 'ang_vel'}_{a}_b" for a in "xyz"]
    return _frame_error(env, fields, asset_cfg).square().mean(dim=-1)


def track_joint_pos_exp(env, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    return torch.exp(-joint_error(env, asset_cfg, "pos") / std**2)


def track_joint_vel_exp(env, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    return torch.exp(-joint_error(env, asset_cfg, "vel") / std**2)


def track_link_pos_exp(env, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    return torch.exp(-link_error(env, "pos", asset_cfg) / std**2)


def track_link_vel_exp(env, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    return torch.exp(-link_error(env, "vel", asset_cfg) / std**2)


def track_root_exp(env, kind: str, std: float, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """``kind``: pos, quat, rotation, lin_vel, ang_vel (see :func:`root_error`)."""
    return torch.exp(-root_error(env, kind, asset_cfg) / std**2)


# ---------------------------------------------------------------------------------------------------------
# adaptive termination
# ---------------------------------------------------------------------------------------------------------


class tracking_error_adaptive_termination(ManagerTermBase):
    """End an env's episode when its tracking error passes an adaptive threshold (design 3.7).

    Rule: ``threshold = clip(factor * typical, min, max)``, where ``typical`` is an exponential moving average
    (rate ``ema``) of the mean error over envs each step, started at ``max / factor``. While the policy tracks
    badly the threshold stays at ``max`` (loose); as the typical error falls it tightens toward ``min``; if
    tracking gets worse it loosens again. ``error``: ``lower_joint_pos`` / ``upper_joint_pos`` (RMS joint
    error of ``asset_cfg``'s joints, rad) or ``root_pos`` (root distance, m). ``threshold`` and ``typical`` are
    attributes (floats); :meth:`state_dict` / :meth:`load_state_dict` carry them. They live on the env's device
    as tensors, so a step reads no value back to the host."""

    def __init__(self, cfg, env: ManagerBasedRLEnv):
        super().__init__(cfg, env)
        p = cfg.params
        self.min, self.max = float(p["min"]), float(p["max"])
        if not 0 < self.min <= self.max:
            raise ValueError(f"tracking_error_adaptive_termination: need 0 < min <= max, got {self.min}, {self.max}")
        self.factor = float(p.get("factor", 3.0))
        # float64: the values read back (state_dict, checkpoints) are exactly the ones written
        self._typical = torch.tensor(self.max / self.factor, dtype=torch.float64, device=env.device)
        self._threshold = torch.tensor(self.max, dtype=torch.float64, device=env.device)

    @property
    def typical(self) -> float:
        return float(self._typical)

    @property
    def threshold(self) -> float:
        return float(self._threshold)

    @property
    def threshold_tensor(self) -> torch.Tensor:
        """The threshold on the device, for logs (no host read)."""
        return self._threshold.float().clone()

    def update(self, mean_error, ema: float) -> None:
        """``mean_error``: this step's mean error over envs (a float or a 0-d tensor)."""
        self._typical += ema * (mean_error - self._typical)
        self._threshold = (self.factor * self._typical).clamp(self.min, self.max)

    def state_dict(self) -> dict:
        return {"typical": self.typical, "threshold": self.threshold}

    def load_state_dict(self, state: dict) -> None:
        self._typical.fill_(float(state["typical"]))
        self._threshold = torch.tensor(float(state["threshold"]), dtype=torch.float64, device=self._typical.device)

    def __call__(self, env, error: str, min: float, max: float, factor: float = 3.0, ema: float = 0.001,
                 asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
        if error == "root_pos":
            e = root_error(env, "pos", asset_cfg).sqrt()
        elif error.endswith("joint_pos"):
            e = joint_error(env, asset_cfg, "pos").sqrt()
        else:
            raise ValueError(f"tracking_error_adaptive_termination: unknown error {error!r}")
        done = e > self._threshold
        self.update(e.mean(), ema)
        return done


def reference_finished(env, command_name: str = "expressive_goal_commands") -> torch.Tensor:
    """The env's reference reached the end of its window, or of its clip when it plays whole non-looping clips
    (``ref_length_s=None``): the episode ends there as a time-out, as motion tracking ends at the motion's end."""
    return env.command_manager.get_term(command_name).motion.finished


# ---------------------------------------------------------------------------------------------------------
# observations (design 3.5): the critic also sees the next goal and the robot's own expressive fields
# ---------------------------------------------------------------------------------------------------------


def expressive_goal_next(env, command_name: str = "expressive_goal_commands") -> torch.Tensor:
    return env.command_manager.get_term(command_name).next_goal


def robot_expressive_frame(env, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """The robot's own values of the ``expressive_goal`` columns (what the goal is compared with)."""
    return robot_frame(env, reference_motion(env).groups["expressive_goal"], asset_cfg)


def reference_root_pose_b(env, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """Where the reference root is, seen from the robot: its position relative to the robot's root and its
    orientation relative to the robot's (the rotation matrix's first two columns), in the robot's base frame
    (9 values; BeyondMimic's anchor pose). The feedback that keeps a tracker from drifting off the clip; on a
    robot it needs the base's world pose (odometry)."""
    data = env.scene[asset_cfg.name].data
    quat = as_torch(data.root_quat_w)
    ref_q = reference_motion(env).get(["root_rot_x", "root_rot_y", "root_rot_z", "root_rot_w"])
    pos = math_utils.quat_apply_inverse(quat, reference_root_pos(env) - as_torch(data.root_pos_w))
    rot = math_utils.matrix_from_quat(math_utils.quat_mul(math_utils.quat_conjugate(quat), ref_q))
    return torch.cat([pos, rot[..., :, 0], rot[..., :, 1]], dim=-1)


def robot_expressive_link_vel(env, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """The linear velocities (base frame) of the links the expressive goal names (design 3.5: the critic's body
    states are the expressive links' positions and velocities)."""
    from refmotion_manager import fields as F

    links = F.links_in(reference_motion(env).groups["expressive_goal"])
    return robot_frame(env, [f for link in links for f in F.link_vel(link)], asset_cfg)
