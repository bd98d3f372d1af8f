"""lus2 velocity tracking on flat ground (design sections 3.1-3.7, flat subset).

Shaped like Isaac Lab's velocity envs: scene, observations, actions, commands, rewards, terminations and
events are small cfg classes; ``Lus2FlatEnvCfg`` puts them together. Physics runs at 200 Hz (Newton integrates
in 2 substeps), the policy at 50 Hz; the numbers live in ``lus2.description`` so the MJCF matches.
"""

from __future__ import annotations

import math

from isaaclab_newton.physics import MJWarpSolverCfg, NewtonCfg, NewtonShapeCfg
from isaaclab_ov.physics import OvPhysxCfg
from isaaclab_physx.physics import PhysxCfg

import isaaclab.sim as sim_utils
from isaaclab.assets import ArticulationCfg, AssetBaseCfg
from isaaclab.envs import ManagerBasedRLEnvCfg
from isaaclab.managers import EventTermCfg as EventTerm
from isaaclab.managers import ObservationGroupCfg as ObsGroup
from isaaclab.managers import ObservationTermCfg as ObsTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.physics import PhysxAutoCfg
from isaaclab.scene import InteractiveSceneCfg
from isaaclab.sensors import ContactSensorCfg
from isaaclab.sim import SimulationCfg
from isaaclab.terrains import TerrainImporterCfg
from isaaclab.utils import configclass
from isaaclab.utils.noise import UniformNoiseCfg as Unoise
from isaaclab_tasks.utils import PresetCfg

from legged_robots.assets import lus2_articulation_cfg
from legged_robots.assets.lus2 import description as d
from legged_robots.assets.paths import ARROW_USD, GROUND_USD
from legged_robots.tasks import mdp

FEET = ".*_ankle_roll_link"
BASE_HEIGHT_MIN = 0.4  # m, design 3.7
BAD_ORIENTATION = 1.0  # rad, design 3.7


@configclass
class Lus2PhysicsCfg(PresetCfg):
    """Physics backends. ``newton_mjwarp`` (kit-less, CPU or GPU) is the default; PhysX needs Isaac Sim."""

    newton_mjwarp = NewtonCfg(
        solver_cfg=MJWarpSolverCfg(
            # per env: two foot boxes on the plane (<= 8 contacts) plus knees/hands/torso after a fall
            njmax=200,
            nconmax=40,
            cone="pyramidal",
            impratio=1.0,
            integrator="implicitfast",
            use_mujoco_contacts=False,
        ),
        num_substeps=d.SOLVER_SUBSTEPS,
        debug_mode=False,
        default_shape_cfg=NewtonShapeCfg(margin=0.0, ke=160000.0, kd=1100.0),
    )
    isaacsim_physx = PhysxCfg()
    ovphysx = OvPhysxCfg()
    physx = PhysxAutoCfg(isaacsim_physx=isaacsim_physx, ovphysx=ovphysx)
    default = newton_mjwarp


@configclass
class Lus2FlatSceneCfg(InteractiveSceneCfg):
    """Flat ground (our own USD), the robot, contact forces on every link, lights."""

    terrain = TerrainImporterCfg(
        prim_path="/World/ground",
        terrain_type="usd",
        usd_path=str(GROUND_USD),
        collision_group=-1,
        physics_material=sim_utils.RigidBodyMaterialCfg(
            friction_combine_mode="multiply",
            restitution_combine_mode="multiply",
            static_friction=1.0,
            dynamic_friction=1.0,
        ),
    )
    robot: ArticulationCfg = lus2_articulation_cfg("lus2_27dof").replace(prim_path="{ENV_REGEX_NS}/Robot")
    contact_forces = ContactSensorCfg(prim_path="{ENV_REGEX_NS}/Robot/.*_link", history_length=3,
                                      track_air_time=True)
    light = AssetBaseCfg(prim_path="/World/light",
                         spawn=sim_utils.DistantLightCfg(color=(0.75, 0.75, 0.75), intensity=3000.0))
    sky_light = AssetBaseCfg(prim_path="/World/skyLight",
                             spawn=sim_utils.DomeLightCfg(color=(0.13, 0.13, 0.13), intensity=1000.0))


@configclass
class CommandsCfg:
    """Design 3.6: base_velocity."""

    base_velocity = mdp.UniformVelocityCommandCfg(
        asset_name="robot",
        resampling_time_range=(5.0, 10.0),
        rel_standing_envs=0.02,
        rel_heading_envs=1.0,
        heading_command=True,
        heading_control_stiffness=0.5,
        debug_vis=True,
        ranges=mdp.UniformVelocityCommandCfg.Ranges(
            lin_vel_x=(-0.2, 0.2), lin_vel_y=(-0.1, 0.1), ang_vel_z=(-0.1, 0.1), heading=(-math.pi, math.pi)),
    )


@configclass
class ActionsCfg:
    """Joint position targets around the default pose (action scale 0.25, as deployed on lus2)."""

    joint_pos = mdp.JointPositionActionCfg(asset_name="robot", joint_names=[".*"], scale=0.25,
                                           use_default_offset=True, preserve_order=True)


@configclass
class ObservationsCfg:
    """Design 3.5."""

    @configclass
    class PolicyCfg(ObsGroup):
        """Proprioception, then the goal (velocity command). Noise on in training."""

        base_ang_vel = ObsTerm(func=mdp.base_ang_vel, noise=Unoise(n_min=-0.2, n_max=0.2))
        projected_gravity = ObsTerm(func=mdp.projected_gravity, noise=Unoise(n_min=-0.05, n_max=0.05))
        joint_pos = ObsTerm(func=mdp.joint_pos_rel, noise=Unoise(n_min=-0.01, n_max=0.01))
        joint_vel = ObsTerm(func=mdp.joint_vel_rel, noise=Unoise(n_min=-1.5, n_max=1.5))
        actions = ObsTerm(func=mdp.last_action)
        velocity_commands = ObsTerm(func=mdp.generated_commands, params={"command_name": "base_velocity"})

        def __post_init__(self):
            self.enable_corruption = True
            self.concatenate_terms = True

    @configclass
    class CriticCfg(ObsGroup):
        """Root state, joint/action state and the command, noise-free."""

        base_height = ObsTerm(func=mdp.base_pos_z)
        base_quat = ObsTerm(func=mdp.root_quat_w)
        base_lin_vel = ObsTerm(func=mdp.base_lin_vel)
        base_ang_vel = ObsTerm(func=mdp.base_ang_vel)
        projected_gravity = ObsTerm(func=mdp.projected_gravity)
        joint_pos = ObsTerm(func=mdp.joint_pos_rel)
        joint_vel = ObsTerm(func=mdp.joint_vel_rel)
        actions = ObsTerm(func=mdp.last_action)
        velocity_commands = ObsTerm(func=mdp.generated_commands, params={"command_name": "base_velocity"})

        def __post_init__(self):
            self.enable_corruption = False
            self.concatenate_terms = True

    policy: PolicyCfg = PolicyCfg()
    critic: CriticCfg = CriticCfg()


def _joints(*patterns: str) -> SceneEntityCfg:
    return SceneEntityCfg("robot", joint_names=list(patterns))


@configclass
class RewardsCfg:
    """Design 3.4, core terms, with the design's example weights."""

    termination_penalty = RewTerm(func=mdp.is_terminated, weight=-450.0)
    alive = RewTerm(func=mdp.is_alive, weight=5.0)
    track_lin_vel_xy_exp = RewTerm(func=mdp.track_lin_vel_xy_yaw_frame_exp, weight=2.0,
                                   params={"command_name": "base_velocity", "std": 0.5})
    track_ang_vel_z_exp = RewTerm(func=mdp.track_ang_vel_z_world_exp, weight=2.0,
                                  params={"command_name": "base_velocity", "std": 0.5})
    feet_air_time = RewTerm(
        func=mdp.feet_air_time_positive_biped, weight=0.8,
        params={"command_name": "base_velocity", "threshold": 0.4,
                "sensor_cfg": SceneEntityCfg("contact_forces", body_names=FEET)})
    feet_slide = RewTerm(
        func=mdp.feet_slide, weight=-1.0,
        params={"sensor_cfg": SceneEntityCfg("contact_forces", body_names=FEET),
                "asset_cfg": SceneEntityCfg("robot", body_names=FEET)})
    action_rate_l2 = RewTerm(func=mdp.action_rate_l2, weight=-5.0e-2)
    dof_torques_l2 = RewTerm(func=mdp.joint_torques_l2, weight=-4.0e-6)
    dof_acc_l2 = RewTerm(func=mdp.joint_acc_l2, weight=-1.0e-8)
    dof_pos_limits = RewTerm(func=mdp.joint_pos_limits, weight=-10.0)
    # deviation from the default pose of joints that are not essential for walking
    joint_deviation_hip = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1,
                                  params={"asset_cfg": _joints(".*_hip_yaw_joint", ".*_hip_roll_joint")})
    joint_deviation_feet = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1,
                                   params={"asset_cfg": _joints(".*_ankle_roll_joint")})
    joint_deviation_arms = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1,
                                   params={"asset_cfg": _joints(".*_shoulder_.*_joint", ".*_elbow_joint")})
    joint_deviation_wrist = RewTerm(func=mdp.joint_deviation_l1, weight=-0.2,
                                    params={"asset_cfg": _joints(".*_wrist_.*_joint")})
    joint_deviation_torso = RewTerm(func=mdp.joint_deviation_l1, weight=-0.1,
                                    params={"asset_cfg": _joints("torso_joint")})


@configclass
class TerminationsCfg:
    """Design 3.7 (the tracking-error terminations belong to the AMP/mimic tasks)."""

    time_out = DoneTerm(func=mdp.time_out, time_out=True)
    base_height = DoneTerm(func=mdp.root_height_below_minimum, params={"minimum_height": BASE_HEIGHT_MIN})
    bad_orientation = DoneTerm(func=mdp.bad_orientation, params={"limit_angle": BAD_ORIENTATION})


@configclass
class EventsCfg:
    """Resets and pushes (the full domain randomization of design 3.2 comes with the rough task)."""

    reset_base = EventTerm(
        func=mdp.reset_root_state_uniform, mode="reset",
        params={"pose_range": {"x": (-0.5, 0.5), "y": (-0.5, 0.5), "yaw": (-math.pi, math.pi)},
                "velocity_range": {"x": (-0.2, 0.2), "y": (-0.2, 0.2), "z": (-0.1, 0.1),
                                   "roll": (-0.1, 0.1), "pitch": (-0.1, 0.1), "yaw": (-0.1, 0.1)}})
    reset_robot_joints = EventTerm(
        func=mdp.reset_joints_by_offset, mode="reset",
        params={"position_range": (-0.05, 0.05), "velocity_range": (0.0, 0.0)})
    push_robot = EventTerm(
        func=mdp.push_by_setting_velocity, mode="interval", interval_range_s=(10.0, 15.0),
        params={"velocity_range": {"x": (-0.5, 0.5), "y": (-0.5, 0.5)}})


@configclass
class Lus2FlatEnvCfg(ManagerBasedRLEnvCfg):
    """lus2 (27 joints) walking on flat ground."""

    sim: SimulationCfg = SimulationCfg(physics=Lus2PhysicsCfg())
    scene: Lus2FlatSceneCfg = Lus2FlatSceneCfg(num_envs=4096, env_spacing=2.5)
    observations: ObservationsCfg = ObservationsCfg()
    actions: ActionsCfg = ActionsCfg()
    commands: CommandsCfg = CommandsCfg()
    rewards: RewardsCfg = RewardsCfg()
    terminations: TerminationsCfg = TerminationsCfg()
    events: EventsCfg = EventsCfg()

    def __post_init__(self):
        self.decimation = d.POLICY_DECIMATION
        self.episode_length_s = 20.0
        self.sim.dt = d.PHYSICS_DT
        self.sim.render_interval = self.decimation
        self.sim.physics_material = self.scene.terrain.physics_material
        self.scene.contact_forces.update_period = self.sim.dt
        self.commands.base_velocity.marker_pos_offset = (0.0, 0.0, 1.0)
        # debug arrows: ours, not the ones on NVIDIA's content server
        for vis in (self.commands.base_velocity.goal_vel_visualizer_cfg,
                    self.commands.base_velocity.current_vel_visualizer_cfg,
                    self.scene.contact_forces.normal_force_visualizer_cfg,
                    self.scene.contact_forces.friction_force_visualizer_cfg):
            vis.markers["arrow"].usd_path = str(ARROW_USD)

    def play_mode(self):
        """Few envs, no observation noise, no pushes."""
        super().play_mode()
        self.scene.num_envs = min(self.scene.num_envs, 16)
        self.events.push_robot = None


@configclass
class Lus2FlatPlayEnvCfg(Lus2FlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()


@configclass
class Lus2_21dofFlatEnvCfg(Lus2FlatEnvCfg):
    """lus2 with 21 joints (no wrists)."""

    def __post_init__(self):
        super().__post_init__()
        self.scene.robot = lus2_articulation_cfg("lus2_21dof").replace(prim_path="{ENV_REGEX_NS}/Robot")
        self.rewards.joint_deviation_wrist = None


@configclass
class Lus2_21dofFlatPlayEnvCfg(Lus2_21dofFlatEnvCfg):
    def __post_init__(self):
        super().__post_init__()
        self.play_mode()
