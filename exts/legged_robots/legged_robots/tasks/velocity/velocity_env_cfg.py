"""Velocity tracking for any of our legged robots: the complete MDP of design sections 3.1-3.7 (docs/design.md),
on rough terrain, with the design's weights, schedules and command ranges written at their terms.

Shaped like Isaac Lab's velocity envs: one small cfg class per manager, ``VelocityRoughEnvCfg`` puts them together.
Nothing here names a robot: a robot's config (``config/<robot>/``) derives from it and calls ``set_robot`` (its
articulation, bodies, timing and contacts from its description module) and ``set_joint_deviation`` (which joints
should stay near the default pose); ``use_flat_ground`` makes the flat-ground task.

isaaclab_tasks' `preset` is imported where a sensor preset is made (it loads the task registry; a config module
should not).
"""

from __future__ import annotations

import math
from dataclasses import MISSING

import isaaclab.sim as sim_utils
import isaaclab.terrains as terrain_gen
from isaaclab.assets import ArticulationCfg, AssetBaseCfg
from isaaclab.envs import ManagerBasedRLEnvCfg
from isaaclab.managers import CurriculumTermCfg as CurrTerm
from isaaclab.managers import EventTermCfg as EventTerm
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.sensors import ContactSensorCfg, RayCasterCfg, patterns
from isaaclab.sim import SimulationCfg
from isaaclab.terrains import TerrainGeneratorCfg, TerrainImporterCfg
from isaaclab.utils import configclass
from isaaclab.utils.noise import UniformNoiseCfg as Unoise

from legged_robots.assets.paths import ARROW_USD, GROUND_USD
from legged_robots.tasks.physics_cfg import FlatPhysicsCfg, RoughPhysicsCfg, set_robot_physics
from legged_robots.tasks.velocity import mdp

NUM_ENVS = 4096  # on a GPU; train.py picks a CPU-sized count without one
EPISODE_LENGTH_S = 20.0
BASE_HEIGHT_MIN = 0.4  # m, design 3.7 (lus2's; a robot's config sets its own)
BAD_ORIENTATION = 1.0  # rad, design 3.7
GROUND_FRICTION = 1.0

# Velocity command (design 3.6) and how far its curriculum may widen it
COMMAND_RANGES = {"lin_vel_x": (-0.2, 0.2), "lin_vel_y": (-0.1, 0.1), "ang_vel_z": (-0.1, 0.1),
                  "heading": (-math.pi, math.pi)}
COMMAND_LIMITS = {"lin_vel_x": (-1.0, 1.0), "lin_vel_y": (-0.5, 0.5), "ang_vel_z": (-1.0, 1.0)}

# A gait clock (ours, not the design's): the policy sees sin/cos of a phase running with period GAIT_PERIOD_S,
# `feet_gait` pays for each foot down when the clock says stance (the first GAIT_STANCE_RATIO of its cycle; the
# right foot half a period after the left; both down when asked to stand) and `feet_swing_height` for a swing
# foot GAIT_SWING_HEIGHT above the other. Measured without it (policies/wip_lus2_walk): 8 M env-steps of a
# policy that balances and stands at 0.5 m/s; stepping had to be discovered from standing.
# GAIT_FAST_PERIOD_S set: the clock runs faster with the commanded speed, to that period at GAIT_FAST_SPEED[1] m/s
# (st_runtime/gait.py). An override sets env.<term>.params.fast_period on every term that reads the clock
# (GAIT_TERMS in tasks/utils/cfg_checks.py checks they agree).
GAIT_PERIOD_S = 0.8
GAIT_FAST_PERIOD_S = None
GAIT_FAST_SPEED = (0.5, 1.0)  # m/s
GAIT_STANCE_RATIO = 0.55
GAIT_SWING_HEIGHT = 0.08  # m

_CLOCK = {"period": GAIT_PERIOD_S, "fast_period": GAIT_FAST_PERIOD_S, "fast_speed": GAIT_FAST_SPEED}

POLICY_HISTORY_LENGTH = 0  # > 0: the policy sees that many past frames of each proprioceptive term

##
# Scene (3.1)
##

ROUGH_TERRAINS_CFG = TerrainGeneratorCfg(
    size=(8.0, 8.0), border_width=20.0, num_rows=10, num_cols=20,  # rows are difficulty levels
    horizontal_scale=0.1, vertical_scale=0.005, slope_threshold=0.75, use_cache=False,
    sub_terrains={
        "random_rough": terrain_gen.HfRandomUniformTerrainCfg(
            proportion=0.2, noise_range=(0.01, 0.06), noise_step=0.01, border_width=0.25),
        "slope_up": terrain_gen.HfPyramidSlopedTerrainCfg(
            proportion=0.1, slope_range=(0.0, 0.3), platform_width=2.0, border_width=0.25),
        "slope_down": terrain_gen.HfInvertedPyramidSlopedTerrainCfg(
            proportion=0.1, slope_range=(0.0, 0.3), platform_width=2.0, border_width=0.25),
        "stairs_up": terrain_gen.MeshPyramidStairsTerrainCfg(
            proportion=0.2, step_height_range=(0.02, 0.15), step_width=0.35, platform_width=3.0, border_width=1.0),
        "stairs_down": terrain_gen.MeshInvertedPyramidStairsTerrainCfg(
            proportion=0.2, step_height_range=(0.02, 0.15), step_width=0.35, platform_width=3.0, border_width=1.0),
        "boxes": terrain_gen.MeshRandomGridTerrainCfg(
            proportion=0.2, grid_width=0.45, grid_height_range=(0.02, 0.12), platform_width=2.0),
    },
)


@configclass
class VelocitySceneCfg(InteractiveSceneCfg):
    """Terrain (generated, with difficulty levels), light and sky light, the robot, a height scanner
    under its base, contact forces on every body."""

    terrain = TerrainImporterCfg(
        prim_path="/World/ground",
        terrain_type="generator",
        terrain_generator=ROUGH_TERRAINS_CFG,
        max_init_terrain_level=5,
        collision_group=-1,
        physics_material=sim_utils.RigidBodyMaterialCfg(
            friction_combine_mode="multiply", restitution_combine_mode="multiply",
            static_friction=GROUND_FRICTION, dynamic_friction=GROUND_FRICTION),
        visual_material=None,  # Isaac Lab's default is an MDL on NVIDIA's server: never fetched
        debug_vis=False,
    )
    robot: ArticulationCfg = MISSING  # set_robot
    height_scanner = RayCasterCfg(
        prim_path=MISSING,  # set_robot: the base
        offset=RayCasterCfg.OffsetCfg(pos=(0.0, 0.0, 20.0)),
        ray_alignment="yaw",
        pattern_cfg=patterns.GridPatternCfg(resolution=0.1, size=[1.6, 1.0]),
        debug_vis=False,
        mesh_prim_paths=["/World/ground"],
        global_world_only=True,
    )
    contact_forces = ContactSensorCfg(prim_path="{ENV_REGEX_NS}/Robot/.*", history_length=3, track_air_time=True)
    # ours: the self-collision pairs' forces, body by body (description.SELF_COLLISION_PAIRS), for `self_collisions`;
    # read once per policy step (update_period set in __post_init__; the bodies in set_robot)
    self_contact = ContactSensorCfg(prim_path=MISSING, filter_prim_paths_expr=MISSING)
    light = AssetBaseCfg(prim_path="/World/light",
                         spawn=sim_utils.DistantLightCfg(color=(0.75, 0.75, 0.75), intensity=3000.0))
    sky_light = AssetBaseCfg(prim_path="/World/skyLight",
                             spawn=sim_utils.DomeLightCfg(color=(0.13, 0.13, 0.13), intensity=1000.0))


##
# Commands (3.6) and actions
##


@configclass
class CommandsCfg:
    base_velocity = mdp.TurningVelocityCommandCfg(  # Isaac Lab's uniform one; rel_turning_envs (ours) off
        asset_name="robot",
        resampling_time_range=(5.0, 10.0),
        rel_standing_envs=0.02,
        rel_heading_envs=1.0,
        heading_command=True,
        heading_control_stiffness=0.5,
        debug_vis=True,
        ranges=mdp.UniformVelocityCommandCfg.Ranges(**COMMAND_RANGES),
    )


@configclass
class ActionsCfg:
    """Joint position targets around the default pose (action scale 0.25, as deployed on lus2)."""

    joint_pos = mdp.JointPositionActionCfg(asset_name="robot", joint_names=[".*"], scale=0.25,
                                           use_default_offset=True, preserve_order=True)


##
# Observations (3.5)
##


def _contacts(bodies: str) -> SceneEntityCfg:
    return SceneEntityCfg("contact_forces", body_names=bodies)


# Real sensors (``presets=real_sensors``; ours): per env, IMU and joint readings 0-10 ms late (5 ms physics steps),
# 0-1 step of jitter, 5 % of samples dropped (the last one held), a gyro bias and an IMU mounting per episode,
# joints through absolute encoders. A policy that ignores them fell over ROS 2 with 5 ms of state latency
# (docs/ros2.md); 10 ms is what the sim2mujoco sweep asks. Assumptions (lus2's description gives neither): the IMU
# board sits within 2 deg of the base frame about each axis, and the joint encoders count 2^14 per turn (a common
# 14-bit magnetic encoder), whose one-physics-step difference quotient steps by 0.077 rad/s.
IMU_LATENCY_MS = (0.0, 10.0)
JOINT_LATENCY_MS = (0.0, 10.0)
SENSOR_JITTER_STEPS = 1
SENSOR_DROP_PROB = 0.05
GYRO_BIAS_STD = 0.02  # rad/s
IMU_MOUNT_DEG = 2.0
ENCODER_RESOLUTION = 2.0 * math.pi / 2**14  # rad per count


def _sensor(func, noise: float, quantity: str, latency_ms, **model):
    """A proprioceptive term: the ideal reading by default, ``mdp.sensed_state`` with ``presets=real_sensors``."""
    from isaaclab_tasks.utils import preset

    return preset(
        default=ObsTerm(func=func, noise=Unoise(n_min=-noise, n_max=noise)),
        real_sensors=ObsTerm(func=mdp.sensed_state, noise=Unoise(n_min=-noise, n_max=noise),
                             params={"quantity": quantity, "latency_ms": latency_ms,
                                     "jitter_steps": SENSOR_JITTER_STEPS, "drop_prob": SENSOR_DROP_PROB, **model}))


@configclass
class ObservationsCfg:
    @configclass
    class PolicyCfg(ObsGroup):
        """Proprioception, then the goal (velocity command), then the terrain around the feet. Noise on in
        training, off in play."""

        base_ang_vel = _sensor(mdp.base_ang_vel, 0.2, "base_ang_vel", IMU_LATENCY_MS, bias_std=GYRO_BIAS_STD,
                               mount_deg=IMU_MOUNT_DEG)
        projected_gravity = _sensor(mdp.projected_gravity, 0.05, "projected_gravity", IMU_LATENCY_MS,
                                    mount_deg=IMU_MOUNT_DEG)
        joint_pos = _sensor(mdp.joint_pos_rel, 0.01, "joint_pos_rel", JOINT_LATENCY_MS,
                            encoder_resolution=ENCODER_RESOLUTION)
        joint_vel = _sensor(mdp.joint_vel_rel, 1.5, "joint_vel_rel", JOINT_LATENCY_MS,
                            encoder_resolution=ENCODER_RESOLUTION)
        actions = ObsTerm(func=mdp.last_action)
        velocity_commands = ObsTerm(func=mdp.generated_commands, params={"command_name": "base_velocity"})
        gait_phase = ObsTerm(func=mdp.gait_phase, params=dict(_CLOCK))
        height_scan = ObsTerm(func=mdp.height_scan, params={"sensor_cfg": SceneEntityCfg("height_scanner")},
                              noise=Unoise(n_min=-0.1, n_max=0.1), clip=(-1.0, 1.0))

        def __post_init__(self):
            self.enable_corruption = True
            self.concatenate_terms = True
            self.history_length = POLICY_HISTORY_LENGTH

    @configclass
    class CriticCfg(ObsGroup):
        """Noise-free root states, joint/action states, the command and privileged information."""

        base_height = ObsTerm(func=mdp.base_pos_z)
        base_quat = ObsTerm(func=mdp.root_quat_w)
        base_lin_vel = ObsTerm(func=mdp.base_lin_vel)
        base_ang_vel = ObsTerm(func=mdp.base_ang_vel)
        projected_gravity = ObsTerm(func=mdp.projected_gravity)
        joint_pos = ObsTerm(func=mdp.joint_pos_rel)
        joint_vel = ObsTerm(func=mdp.joint_vel_rel)
        actions = ObsTerm(func=mdp.last_action)
        velocity_commands = ObsTerm(func=mdp.generated_commands, params={"command_name": "base_velocity"})
        gait_phase = ObsTerm(func=mdp.gait_phase, params=dict(_CLOCK))
        # privileged
        body_masses = ObsTerm(func=mdp.body_mass_rel, params={"asset_cfg": SceneEntityCfg("robot", body_names=".*")})
        contact_forces = ObsTerm(func=mdp.contact_forces_norm, params={"sensor_cfg": _contacts(".*")})
        joint_gains = ObsTerm(func=mdp.joint_gains_rel, params={"asset_cfg": SceneEntityCfg("robot", joint_names=".*")})
        friction = ObsTerm(func=mdp.friction_coeff)  # of the feet: set_robot
        height_scan = ObsTerm(func=mdp.height_scan, params={"sensor_cfg": SceneEntityCfg("height_scanner")},
                              clip=(-1.0, 1.0))

        def __post_init__(self):
            self.enable_corruption = False
            self.concatenate_terms = True

    policy: PolicyCfg = PolicyCfg()
    critic: CriticCfg = CriticCfg()


##
# Events (3.2)
##


@configclass
class EventsCfg:
    """Resets, domain randomization and disturbances; every range here, modes as Isaac Lab defines them."""

    # -- startup: sampled once per env
    physics_material = EventTerm(
        func=mdp.randomize_rigid_body_material, mode="startup",
        params={"asset_cfg": SceneEntityCfg("robot", body_names=".*"), "static_friction_range": (0.4, 1.2),
                "dynamic_friction_range": (0.4, 1.0), "restitution_range": (0.0, 0.2), "num_buckets": 64})
    reset_robot_rigid_body_mass = EventTerm(
        func=mdp.randomize_rigid_body_mass, mode="startup",
        params={"asset_cfg": SceneEntityCfg("robot", body_names=".*"), "mass_distribution_params": (0.9, 1.1),
                "operation": "scale"})
    reset_robot_base_com = EventTerm(  # bodies: set_robot
        func=mdp.randomize_rigid_body_com, mode="startup",
        params={"com_range": {"x": (-0.03, 0.03), "y": (-0.03, 0.03), "z": (-0.03, 0.03)}})
    # joint parameters: one Isaac Lab term takes one operation, so armature (scaled) and friction and
    # limits (added to) are two terms
    randomize_joint_parameters = EventTerm(
        func=mdp.randomize_joint_parameters, mode="startup",
        params={"asset_cfg": SceneEntityCfg("robot", joint_names=".*"), "armature_distribution_params": (0.9, 1.1),
                "operation": "scale"})
    randomize_joint_friction_limits = EventTerm(
        func=mdp.randomize_joint_parameters, mode="startup",
        params={"asset_cfg": SceneEntityCfg("robot", joint_names=".*"), "friction_distribution_params": (0.0, 0.3),
                "lower_limit_distribution_params": (-0.02, 0.0), "upper_limit_distribution_params": (0.0, 0.02),
                "operation": "add"})
    # -- reset
    randomize_actuator_gains = EventTerm(
        func=mdp.randomize_actuator_gains, mode="reset",
        params={"asset_cfg": SceneEntityCfg("robot", joint_names=".*"), "stiffness_distribution_params": (0.9, 1.1),
                "damping_distribution_params": (0.9, 1.1), "operation": "scale"})
    reset_base = EventTerm(
        func=mdp.reset_root_state_uniform, mode="reset",
        params={"pose_range": {"x": (-0.5, 0.5), "y": (-0.5, 0.5), "yaw": (-math.pi, math.pi)},
                "velocity_range": {"x": (-0.2, 0.2), "y": (-0.2, 0.2), "z": (-0.1, 0.1),
                                   "roll": (-0.1, 0.1), "pitch": (-0.1, 0.1), "yaw": (-0.1, 0.1)}})
    reset_robot_joints = EventTerm(
        func=mdp.reset_joints_by_offset, mode="reset",
        params={"position_range": (-0.05, 0.05), "velocity_range": (0.0, 0.0)})
    # -- interval: disturbances
    push_robot = EventTerm(
        func=mdp.push_by_setting_velocity, mode="interval", interval_range_s=(10.0, 15.0),
        params={"velocity_range": {"x": (-0.5, 0.5), "y": (-0.5, 0.5)}})
    torso_external_force = EventTerm(  # the torso: set_robot
        func=mdp.apply_external_force_torque, mode="interval", interval_range_s=(5.0, 10.0),
        params={"force_range": (-15.0, 15.0), "torque_range": (-3.0, 3.0)})


RANDOMIZATION_EVENTS = ("physics_material", "reset_robot_rigid_body_mass", "reset_robot_base_com",
                        "randomize_joint_parameters", "randomize_joint_friction_limits", "randomize_actuator_gains")

##
# Rewards (3.4)
##


_GAIT = {**_CLOCK, "stance_ratio": GAIT_STANCE_RATIO}


@configclass
class RewardsCfg:
    """Design 3.4's task rewards with its example weights, and ours (marked). The bodies and joints they read are
    the robot's: ``set_robot`` (feet, other bodies) and ``set_joint_deviation``."""

    termination_penalty = RewTerm(func=mdp.is_terminated, weight=-450.0)
    alive = RewTerm(func=mdp.is_alive, weight=5.0)
    track_lin_vel_xy_exp = RewTerm(func=mdp.track_lin_vel_xy_yaw_frame_exp, weight=2.0,
                                   params={"command_name": "base_velocity", "std": 0.5})
    track_ang_vel_z_exp = RewTerm(func=mdp.track_ang_vel_z_world_exp, weight=2.0,
                                  params={"command_name": "base_velocity", "std": 0.5})
    # ours, off (0) by default: the yaw-rate error in full, beside the kernel (the verdict's mean |error|)
    track_ang_vel_z_l1 = RewTerm(func=mdp.track_ang_vel_z_world_l1, weight=0.0,
                                 params={"command_name": "base_velocity"})
    feet_air_time = RewTerm(func=mdp.feet_air_time_positive_biped, weight=0.8,
                            params={"command_name": "base_velocity", "threshold": 0.4})
    # ours, not the design's: a gait clock's contact pattern and swing height (see GAIT_PERIOD_S)
    feet_gait = RewTerm(func=mdp.feet_gait, weight=0.5, params={"command_name": "base_velocity", **_GAIT})
    feet_swing_height = RewTerm(func=mdp.feet_swing_height, weight=-20.0,
                                params={"command_name": "base_velocity", "height": GAIT_SWING_HEIGHT, **_GAIT})
    feet_slide = RewTerm(func=mdp.feet_slide, weight=-1.0)
    # deviation from the default pose of joints that are not essential for walking (which: set_joint_deviation)
    joint_deviation_hip = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1)
    joint_deviation_feet = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1)
    joint_deviation_arms = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1)
    joint_deviation_wrist = RewTerm(func=mdp.joint_deviation_l1, weight=-0.2)
    joint_deviation_torso = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1)
    energy_cost = RewTerm(func=mdp.energy_cost, weight=-2e-07)
    feet_parallel_v1 = RewTerm(func=mdp.feet_parallel_v1, weight=1.0, params={"std": 0.1})
    undesired_contacts = RewTerm(func=mdp.undesired_contacts, weight=-20.0, params={"threshold": 1.0})  # not feet
    # ours, off (0) by default: joints away from the default pose while asked to stand
    stand_still = RewTerm(func=mdp.stand_still, weight=0.0, params={"command_name": "base_velocity"})
    # ours, not the design's: legs crossing, arms swinging into the body (undesired_contacts counts them too)
    self_collisions = RewTerm(func=mdp.self_collisions, weight=-10.0,
                              params={"threshold": 1.0, "sensor_cfg": SceneEntityCfg("self_contact")})
    feet_stumble = RewTerm(func=mdp.feet_stumble, weight=-500.0, params={"ratio": 4.0})
    action_smoothness_2 = RewTerm(func=mdp.action_smoothness_2, weight=-0.05)
    action_rate_l2 = RewTerm(func=mdp.action_rate_l2, weight=-0.05)
    dof_acc_l2 = RewTerm(func=mdp.joint_acc_l2, weight=-1e-08)
    dof_torques_l2 = RewTerm(func=mdp.joint_torques_l2, weight=-4e-06)
    dof_pos_limits = RewTerm(func=mdp.joint_pos_limits, weight=-10.0)
    dof_vel_limits = RewTerm(func=mdp.joint_vel_limits, weight=-5.0, params={"soft_ratio": 0.9})
    dof_torques_limits = RewTerm(func=mdp.applied_torque_limits, weight=-1.0)
    contact_forces = RewTerm(func=mdp.contact_forces, weight=-2e-05,
                             params={"threshold": 700.0})  # feet; ~1.2 x lus2's body weight


##
# Terminations (3.7) and curriculum (3.3)
##


@configclass
class TerminationsCfg:
    """Design 3.7's, plus the physics guard (ours: a simulator that lost an env ends its episode, counted
    apart). The tracking-error terminations belong to the AMP/mimic tasks."""

    time_out = DoneTerm(func=mdp.time_out, time_out=True)
    base_height = DoneTerm(func=mdp.root_height_below_minimum, params={"minimum_height": BASE_HEIGHT_MIN})
    bad_orientation = DoneTerm(func=mdp.bad_orientation, params={"limit_angle": BAD_ORIENTATION})
    physics_blowup = DoneTerm(func=mdp.physics_blowup, params={"joint_vel_factor": 10.0, "max_base_lin_vel": 20.0,
                                                              "max_base_ang_vel": 50.0})


def _schedule(term: str, weight: float, num_steps: int) -> CurrTerm:
    """Design 3.3: the reward ``term`` takes ``weight`` after ``num_steps`` env steps (at once; ``ramp_steps`` > 0
    moves it there linearly)."""
    return CurrTerm(func=mdp.ramp_reward_weight, params={"term_name": term, "weight": weight,
                                                         "num_steps": num_steps, "ramp_steps": 0})


@configclass
class CurriculumCfg:
    terrain_levels = CurrTerm(func=mdp.terrain_levels_vel)
    alive_rew = _schedule("alive", weight=1.0, num_steps=500)
    action_rate_l2 = _schedule("action_rate_l2", weight=-0.1, num_steps=500)
    action_smoothness_2 = _schedule("action_smoothness_2", weight=-0.1, num_steps=500)
    dof_torques_l2 = _schedule("dof_torques_l2", weight=-1e-06, num_steps=1000)
    dof_acc_l2 = _schedule("dof_acc_l2", weight=-5e-08, num_steps=1000)
    contact_forces = _schedule("contact_forces", weight=-0.0001, num_steps=1000)
    command_levels = CurrTerm(func=mdp.command_velocity_levels,
                              params={"limits": COMMAND_LIMITS, "threshold": 0.8, "delta": 0.1})


##
# Environment
##


@configclass
class VelocityRoughEnvCfg(ManagerBasedRLEnvCfg):
    """A robot walking on rough terrain; a robot's config derives from it (see the module's docstring)."""

    # explicit actuators (the real_actuators preset) run Isaac Lab's own model once per physics step, which Newton's
    # native actuator path cannot (delay + DC motor + strength); implicit PD is unaffected
    sim: SimulationCfg = SimulationCfg(physics=RoughPhysicsCfg(), use_newton_actuators=False)
    scene: VelocitySceneCfg = VelocitySceneCfg(num_envs=NUM_ENVS, env_spacing=2.5)
    observations: ObservationsCfg = ObservationsCfg()
    actions: ActionsCfg = ActionsCfg()
    commands: CommandsCfg = CommandsCfg()
    rewards: RewardsCfg = RewardsCfg()
    terminations: TerminationsCfg = TerminationsCfg()
    events: EventsCfg = EventsCfg()
    curriculum: CurriculumCfg = CurriculumCfg()
    episode_length_s: float = EPISODE_LENGTH_S

    def set_robot(self, desc, robot: ArticulationCfg, feet: str, torso: str | None, com_bodies: list[str]):
        """Point the MDP at a robot. From its description module ``desc``: the base (``ROOT``: height scanner),
        the feet in the gait clock's order (``FEET``: left, right), the self-collision pairs
        (``SELF_COLLISION_PAIRS``), physics and policy timing (``PHYSICS_DT``, ``POLICY_DECIMATION``) and contacts
        (``physics_cfg.set_robot_physics``). ``feet``: a regex matching its foot bodies (contacts anywhere else are
        undesired); ``torso``: the body ``torso_external_force`` pushes (None: no such push); ``com_bodies``: those
        whose centre of mass is randomized. Terms a config removed earlier (None) stay removed."""
        feet_lr = list(desc.FEET)
        self.scene.robot = robot.replace(prim_path="{ENV_REGEX_NS}/Robot")
        if self.scene.height_scanner is not None:
            self.scene.height_scanner.prim_path = "{ENV_REGEX_NS}/Robot/" + desc.ROOT
        # self-collision: the first bodies of the pairs, sensed against the second ones (each pair once: a
        # leg-on-leg contact counts one body, the left one)
        pairs = desc.SELF_COLLISION_PAIRS
        if pairs and self.scene.self_contact is not None:
            self.scene.self_contact.prim_path = "{ENV_REGEX_NS}/Robot/(" + "|".join(sorted({a for a, _ in pairs})) + ")"
            self.scene.self_contact.filter_prim_paths_expr = [
                "{ENV_REGEX_NS}/Robot/(" + "|".join(sorted({b for _, b in pairs})) + ")"]
        elif not pairs:
            self.scene.self_contact, self.rewards.self_collisions = None, None

        def contacts(bodies) -> SceneEntityCfg:
            return SceneEntityCfg("contact_forces", body_names=bodies)

        def bodies(names, **kw) -> SceneEntityCfg:
            return SceneEntityCfg("robot", body_names=names, **kw)

        ordered = dict(preserve_order=True)  # left, right: the gait clock's order
        for group, term, params in (
            (self.observations.critic, "friction", {"asset_cfg": bodies(feet)}),
            (self.events, "reset_robot_base_com", {"asset_cfg": bodies(com_bodies)}),
            (self.events, "torso_external_force", {"asset_cfg": bodies(torso)}),
            (self.rewards, "feet_air_time", {"sensor_cfg": contacts(feet)}),
            (self.rewards, "feet_gait", {"sensor_cfg": SceneEntityCfg("contact_forces", body_names=feet_lr,
                                                                      **ordered)}),
            (self.rewards, "feet_swing_height", {"asset_cfg": bodies(feet_lr, **ordered)}),
            (self.rewards, "feet_slide", {"sensor_cfg": contacts(feet), "asset_cfg": bodies(feet)}),
            (self.rewards, "feet_parallel_v1", {"asset_cfg": bodies(feet_lr, **ordered)}),
            (self.rewards, "undesired_contacts", {"sensor_cfg": contacts(f"(?!{feet}).*")}),
            (self.rewards, "feet_stumble", {"sensor_cfg": contacts(feet)}),
            (self.rewards, "contact_forces", {"sensor_cfg": contacts(feet)}),
        ):
            if getattr(group, term) is not None:
                getattr(group, term).params.update(params)
        if torso is None:
            self.events.torso_external_force = None
        self.decimation = desc.POLICY_DECIMATION
        self.sim.dt = desc.PHYSICS_DT
        set_robot_physics(self.sim.physics, desc)

    def set_joint_deviation(self, **groups: list[str] | None):
        """The joints of each ``joint_deviation_<group>`` term (hip, feet, arms, wrist, torso): regexes, or None to
        drop the term (a robot without arms)."""
        for group, joints in groups.items():
            name = f"joint_deviation_{group}"
            if joints is None:
                setattr(self.rewards, name, None)
            elif getattr(self.rewards, name) is not None:
                getattr(self.rewards, name).params["asset_cfg"] = SceneEntityCfg("robot", joint_names=list(joints))

    def use_flat_ground(self):
        """Flat ground: our ground plane, without the height scanner (nothing to scan) and the terrain curriculum
        (nothing to climb); smaller contact buffers. Call before ``set_robot``."""
        self.sim.physics = FlatPhysicsCfg()
        self.scene.terrain = TerrainImporterCfg(
            prim_path="/World/ground", terrain_type="usd", usd_path=str(GROUND_USD), collision_group=-1,
            physics_material=self.scene.terrain.physics_material)
        self.scene.height_scanner = None
        self.observations.policy.height_scan = None
        self.observations.critic.height_scan = None
        self.curriculum.terrain_levels = None

    def __post_init__(self):
        self.sim.render_interval = self.decimation
        self.sim.physics_material = self.scene.terrain.physics_material
        self.scene.contact_forces.update_period = self.sim.dt
        if self.scene.self_contact is not None:
            self.scene.self_contact.update_period = self.decimation * self.sim.dt
        if self.scene.height_scanner is not None:
            self.scene.height_scanner.update_period = self.decimation * self.sim.dt
        if self.scene.terrain.terrain_generator is not None:  # levels only when the curriculum moves robots
            self.scene.terrain.terrain_generator.curriculum = self.curriculum.terrain_levels is not None
        self.commands.base_velocity.marker_pos_offset = (0.0, 0.0, 1.0)
        # debug arrows: ours, not the ones on NVIDIA's content server
        sensors = [s for s in (self.scene.contact_forces, self.scene.self_contact) if s is not None]
        for vis in (self.commands.base_velocity.goal_vel_visualizer_cfg,
                    self.commands.base_velocity.current_vel_visualizer_cfg,
                    *(s.normal_force_visualizer_cfg for s in sensors),
                    *(s.friction_force_visualizer_cfg for s in sensors)):
            vis.markers["arrow"].usd_path = str(ARROW_USD)

    def without_gait_clock(self):
        """No gait clock: neither its observation nor its rewards (AMP's style and mimic's clips set the gait)."""
        for group in (self.observations.policy, self.observations.critic):
            group.gait_phase = None
        self.rewards.feet_gait = None
        self.rewards.feet_swing_height = None

    def play_mode(self):
        """Few envs, no observation noise, the nominal robot (no randomization: the exported policy's
        metadata reads gains and armature from this env), no disturbances, robots anywhere on a small
        terrain grid."""
        super().play_mode()
        self.scene.num_envs = min(self.scene.num_envs, 16)
        for name in RANDOMIZATION_EVENTS + ("push_robot", "torso_external_force"):
            setattr(self.events, name, None)
        self.scene.terrain.max_init_terrain_level = None
        if self.scene.terrain.terrain_generator is not None:
            self.scene.terrain.terrain_generator.num_rows = 5
            self.scene.terrain.terrain_generator.num_cols = 5
            self.scene.terrain.terrain_generator.curriculum = False
