"""The robot in plain MuJoCo, driven the way it was trained: PD torques from the metadata's gains, clipped to its
effort limits, every integration step (ideal motors), or the metadata's explicit actuator model (command delay,
DC-motor torque-speed clip, strength; once per physics step, held through the substeps); sensors with latency;
joints found by name.

Optional dependencies (the runtime's extras: onnx/onnxruntime, mujoco, rosbags) are imported where they are used, so
the core installs with numpy alone."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import numpy as np

from .errors import PolicyMetadataError
from .metadata import PolicyMetadata, RobotSpec
from .sensors import encoder_angle, encoder_velocity, rotation_from_rpy


class MujocoRobot:
    """An MJCF with one floating base, set up from an exported policy's metadata.

    Timestep = ``sim_dt / solver_substeps`` (the training integrator step); the policy acts every
    ``decimation`` physics steps, i.e. every ``decimation * solver_substeps`` MuJoCo steps. Armature
    comes from the metadata; the MJCF's own actuators are left at zero and the PD torque is applied as a
    generalized force, so the MJCF's actuator settings cannot disagree with training."""

    def __init__(self, mjcf: str | Path, metadata: PolicyMetadata | RobotSpec | dict):
        import mujoco

        spec = metadata if isinstance(metadata, RobotSpec) else PolicyMetadata.parse(metadata).robot
        self._mj = mujoco
        self.path = Path(mjcf)
        self.model = mujoco.MjModel.from_xml_path(str(self.path))
        self.data = mujoco.MjData(self.model)
        m = self.model
        self.joint_names = list(spec.joint_names)
        substeps = int(spec.solver_substeps)
        m.opt.timestep = float(spec.sim_dt) / substeps
        self.steps_per_action = int(spec.decimation) * substeps
        self.policy_dt = float(spec.policy_dt)

        free = [j for j in range(m.njnt) if m.jnt_type[j] == int(mujoco.mjtJoint.mjJNT_FREE)]
        if len(free) != 1:
            raise PolicyMetadataError(f"{self.path.name}: expected one floating base (free joint), found {len(free)}")
        self.base_body = int(m.jnt_bodyid[free[0]])
        mjcf_joints = {m.joint(j).name: j for j in range(m.njnt) if j != free[0]}
        unknown = [n for n in self.joint_names if n not in mjcf_joints]
        if unknown:
            raise PolicyMetadataError(f"policy joint(s) {', '.join(unknown)} not in {self.path.name}; "
                                      f"its joints: {', '.join(mjcf_joints)}")
        extra = [n for n in mjcf_joints if n not in self.joint_names]
        if extra:
            raise PolicyMetadataError(f"{self.path.name} has joint(s) the policy does not drive: {', '.join(extra)}; "
                                      "use the MJCF of the robot variant the policy was trained on")
        ids = [mjcf_joints[n] for n in self.joint_names]
        self.qadr = np.array([m.jnt_qposadr[j] for j in ids])
        self.dadr = np.array([m.jnt_dofadr[j] for j in ids])
        n = len(ids)
        self.default_q = np.asarray(spec.default_joint_pos, float)
        self.kp = np.asarray(spec.stiffness, float)
        self.kd = np.asarray(spec.damping, float)
        self.effort_limit = np.asarray(spec.effort_limit, float)
        m.dof_armature[self.dadr] = np.asarray(spec.armature, float)
        m.dof_damping[self.dadr] = 0.0
        m.dof_frictionloss[self.dadr] = 0.0
        self.action_scale = np.broadcast_to(np.asarray(spec.action.scale, float), (n,)).copy()
        self.action_offset = np.broadcast_to(np.asarray(spec.action.offset, float), (n,)).copy()
        self.target = self.default_q.copy()
        self.torque = np.zeros(n)
        self.saturation = 0.0
        self.substeps = substeps
        self.actuators = spec.actuators  # None: ideal PD every integration step (as implicit PD in the solver)
        if self.actuators is not None:
            self._sat = np.asarray(self.actuators.saturation_effort, float)
            self._vmax = np.asarray(self.actuators.velocity_limit, float)
            self._vel_at_limit = self._vmax * (1.0 + self.effort_limit / self._sat)
        self.set_actuator(0, 1.0)
        self._robot_root = int(m.body_rootid[self.base_body])  # the robot's top body below the world
        self._key = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_KEY, "stand")
        self.imu_mount, self.encoder_resolution = None, 0.0
        self.set_latency(0.0, 0.0)

    # ------------------------------------------------------------------ state
    def reset(self, base_pos=None, base_quat_wxyz=None, joint_pos=None, base_lin_vel_w=None,
              base_ang_vel_b=None, joint_vel=None) -> None:
        """The 'stand' keyframe (else qpos0) with the policy's default joint positions, then any given state."""
        mj, m, d = self._mj, self.model, self.data
        mj.mj_resetData(m, d)
        if self._key >= 0:
            mj.mj_resetDataKeyframe(m, d, self._key)
        d.qpos[self.qadr] = self.default_q if joint_pos is None else joint_pos
        if base_pos is not None:
            d.qpos[0:3] = base_pos
        if base_quat_wxyz is not None:
            d.qpos[3:7] = base_quat_wxyz
        if base_lin_vel_w is not None:
            d.qvel[0:3] = base_lin_vel_w
        if base_ang_vel_b is not None:
            d.qvel[3:6] = base_ang_vel_b  # MuJoCo's free joint: angular velocity in the body frame
        if joint_vel is not None:
            d.qvel[self.dadr] = joint_vel
        d.ctrl[:] = 0.0
        self.target = self.default_q.copy()
        self._targets.clear()  # until a new target has waited out the delay the motors hold the reset pose (as Isaac
        self._targets.append(d.qpos[self.qadr].copy())  # Lab's DelayedDCMotor)
        self.torque = np.zeros(len(self.joint_names))
        self.saturation = 0.0
        mj.mj_forward(m, d)
        self._history.clear()
        self._history.append(self._snapshot())

    @property
    def joint_pos(self) -> np.ndarray:
        return self.data.qpos[self.qadr].copy()

    @property
    def joint_vel(self) -> np.ndarray:
        return self.data.qvel[self.dadr].copy()

    @property
    def base_pos(self) -> np.ndarray:
        return self.data.qpos[0:3].copy()

    @property
    def base_quat(self) -> np.ndarray:
        """w, x, y, z (MuJoCo's order)."""
        return self.data.qpos[3:7].copy()

    @property
    def base_rot(self) -> np.ndarray:
        return self.data.xmat[self.base_body].reshape(3, 3).copy()

    @property
    def base_lin_vel_b(self) -> np.ndarray:
        return self.base_rot.T @ self.data.qvel[0:3]

    @property
    def base_ang_vel_b(self) -> np.ndarray:
        return self.data.qvel[3:6].copy()

    @property
    def lin_vel_heading(self) -> np.ndarray:
        """xy velocity in the heading (yaw-only) frame."""
        r = self.base_rot
        yaw = np.arctan2(r[1, 0], r[0, 0])
        c, s = np.cos(yaw), np.sin(yaw)
        vx, vy = self.data.qvel[0], self.data.qvel[1]
        return np.array([c * vx + s * vy, -s * vx + c * vy])

    @property
    def yaw_rate(self) -> float:
        """World-frame z angular velocity."""
        return float((self.base_rot @ self.data.qvel[3:6])[2])

    @property
    def projected_gravity(self) -> np.ndarray:
        return self.base_rot.T @ np.array([0.0, 0.0, -1.0])

    def ray_hits_z(self, ray_caster: dict) -> np.ndarray:
        """World z where each ray of a height scanner (metadata ``ray_caster``) meets the ground; +inf where
        it meets nothing within ``max_distance``. Rays start at the attached body's origin plus the
        local start rotated by the body's yaw ('yaw'), full orientation ('base') or not at all ('world').
        Like Isaac Lab's, they see the terrain only, never the robot: they are cast in a copy of the MJCF
        without the robot (static ground; built on first use)."""
        mj, d = self._mj, self.data
        body = mj.mj_name2id(self.model, mj.mjtObj.mjOBJ_BODY, ray_caster["body"])
        if body < 0:
            raise PolicyMetadataError(f"height scanner body {ray_caster['body']!r} not in {self.path.name}")
        rot = d.xmat[body].reshape(3, 3)
        mode = ray_caster["ray_alignment"]
        if mode == "yaw":
            yaw = np.arctan2(rot[1, 0], rot[0, 0])
            c, s = np.cos(yaw), np.sin(yaw)
            align = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
        elif mode == "base":
            align = rot
        elif mode == "world":
            align = np.eye(3)
        else:
            raise PolicyMetadataError(f"unknown ray_alignment {mode!r}")
        starts = d.xpos[body] + np.asarray(ray_caster["ray_starts"], float) @ align.T
        dirs = np.asarray(ray_caster["ray_directions"], float)
        if mode == "base":
            dirs = dirs @ align.T
        ground, ground_data = self._ground()
        dist = np.array([mj.mj_ray(ground, ground_data, p, v, None, 1, -1, self._ray_geom)
                         for p, v in zip(starts, dirs)])
        hit = (dist >= 0) & (dist <= ray_caster["max_distance"])
        return np.where(hit, starts[:, 2] + dist * dirs[:, 2], np.inf)

    def _ground(self):
        if getattr(self, "_ground_model", None) is None:
            mj = self._mj
            spec = mj.MjSpec.from_file(str(self.path))
            spec.delete(spec.body(self.model.body(self._robot_root).name))
            for key in list(spec.keys):
                spec.delete(key)
            self._ground_model = spec.compile()
            self._ground_data = mj.MjData(self._ground_model)
            mj.mj_forward(self._ground_model, self._ground_data)
            self._ray_geom = np.zeros(1, dtype=np.int32)
        return self._ground_model, self._ground_data

    # ------------------------------------------------------------------ sensing with latency and errors
    def set_latency(self, imu_s: float, joint_s: float) -> None:
        """State latency of what the policy observes: the IMU (base angular velocity, gravity, base velocity) and the
        joint encoders each read as they were ``imu_s`` / ``joint_s`` ago, rounded to whole physics steps (the
        state is recorded every physics step, so a latency shorter than the policy period is resolved)."""
        if imu_s < 0 or joint_s < 0:
            raise ValueError(f"latency must be >= 0 s, got imu {imu_s}, joint {joint_s}")
        dt = float(self.model.opt.timestep)
        self.latency_steps = (int(round(imu_s / dt)), int(round(joint_s / dt)))
        self._new_history()

    def set_sensor_errors(self, imu_mount_rpy=(0.0, 0.0, 0.0), encoder_resolution: float = 0.0) -> None:
        """The IMU board mounted turned by roll, pitch, yaw [rad] (it reads R^T v), and joint encoders of
        ``encoder_resolution`` [rad per count] (0: exact), whose velocity is the difference of two counted angles
        one physics step apart: training's ``sensed_state`` models (st_runtime.sensors holds the twins)."""
        if encoder_resolution < 0:
            raise ValueError(f"encoder_resolution must be >= 0 rad per count, got {encoder_resolution}")
        rpy = np.asarray(imu_mount_rpy, float)
        self.imu_mount = None if not np.any(rpy) else rotation_from_rpy(rpy)
        self.encoder_resolution = float(encoder_resolution)
        self._new_history()

    def _new_history(self) -> None:
        # entries one integration step apart; the encoder's difference reaches one physics step (substeps) further
        spare = self.substeps if self.encoder_resolution else 0
        self._history = deque(maxlen=max(self.latency_steps[0], self.latency_steps[1] + spare) + 1)
        self._history.append(self._snapshot())
        self._sensor_view = self._history.maxlen > 1 or self.imu_mount is not None  # else sensed() is the robot

    def _snapshot(self) -> dict:
        return {"joint_pos": self.joint_pos, "joint_vel": self.joint_vel, "base_ang_vel_b": self.base_ang_vel_b,
                "projected_gravity": self.projected_gravity, "base_lin_vel_b": self.base_lin_vel_b}

    def sensed(self):
        """What the policy's sensors report now: the robot itself without latency or sensor errors, else a view
        whose IMU and joint readings are the recorded ones of ``latency_steps`` physics steps ago (the oldest kept
        after a reset), through the IMU mounting and the encoders of ``set_sensor_errors``."""
        if not self._sensor_view:
            return self
        return _Sensed(self, self._history, self.latency_steps)

    def feet_down(self, feet: list[str]) -> np.ndarray:
        """For each body in ``feet``, whether it touches anything that is not the robot (the floor, terrain)."""
        m, d = self.model, self.data
        ids = [m.body(f).id for f in feet]
        down = np.zeros(len(feet), dtype=bool)
        for c in range(d.ncon):
            b1, b2 = (int(m.geom_bodyid[g]) for g in (d.contact.geom1[c], d.contact.geom2[c]))
            for i, b in enumerate(ids):
                other = b2 if b1 == b else b1 if b2 == b else None
                if other is not None and int(m.body_rootid[other]) != self._robot_root:
                    down[i] = True
        return down

    # ------------------------------------------------------------------ actuators
    def set_actuator(self, delay_steps: int = 0, strength: float = 1.0) -> None:
        """The explicit actuator model's command delay [physics steps] and strength for the next run (training drew
        them per episode from the metadata's ranges); ignored by ideal actuators."""
        if delay_steps < 0 or strength <= 0:
            raise ValueError(f"actuator delay must be >= 0 steps and strength > 0, got {delay_steps}, {strength}")
        self.delay_steps, self.strength = int(delay_steps), float(strength)
        self._targets: deque = deque(maxlen=self.delay_steps + 1)
        self._targets.append(self.data.qpos[self.qadr].copy())  # the motors hold the pose they are at

    def _explicit_torque(self, q: np.ndarray, qd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(applied, wanted) torque of the explicit model for this physics step (the delayed target, DC clip,
        strength); the wanted one is the PD torque before any limit."""
        self._targets.append(self.target.copy())
        target = self._targets[0]  # delay_steps ago (the oldest kept, until that many were sent since the reset)
        wanted = self.kp * (target - q) - self.kd * qd
        v = np.clip(qd, -self._vel_at_limit, self._vel_at_limit)
        top = np.minimum(self._sat * (1.0 - v / self._vmax), self.effort_limit)
        bottom = np.maximum(self._sat * (-1.0 - v / self._vmax), -self.effort_limit)
        return self.strength * np.clip(wanted, bottom, top), wanted

    # ------------------------------------------------------------------ stepping
    def apply_action(self, action: np.ndarray) -> None:
        """Joint targets = offset + scale * action (the training action term)."""
        self.target = self.action_offset + self.action_scale * np.asarray(action, float)

    def step(self, push_velocity=None) -> None:
        """One policy period: ``steps_per_action`` MuJoCo steps of clipped PD toward the current targets.
        ``push_velocity`` (x, y) is added to the base velocity first, as Isaac Lab's push event does."""
        mj, m, d = self._mj, self.model, self.data
        if push_velocity is not None:
            d.qvel[0:2] += np.asarray(push_velocity, float)[:2]
        saturated = 0
        recording = self._sensor_view  # the sensors see every physics step (their latency counts in them)
        for i in range(self.steps_per_action):
            q, qd = d.qpos[self.qadr], d.qvel[self.dadr]
            if self.actuators is None:  # ideal PD, recomputed every integration step
                wanted = self.kp * (self.target - q) - self.kd * qd
                tau = np.clip(wanted, -self.effort_limit, self.effort_limit)
            elif i % self.substeps == 0:  # explicit: once per physics step, held through its substeps
                tau, wanted = self._explicit_torque(q, qd)
            saturated += int(np.count_nonzero(np.abs(wanted) >= self.effort_limit))
            d.qfrc_applied[self.dadr] = tau
            mj.mj_step(m, d)
            if recording:  # mj_step leaves body poses one step behind qpos; the snapshot reads them
                mj.mj_kinematics(m, d)
                self._history.append(self._snapshot())
        if not recording:
            mj.mj_kinematics(m, d)  # as above, for the observations read after this step
        self.torque = tau
        # share of (joint, integration step) samples at the effort limit during this period
        self.saturation = saturated / (self.steps_per_action * len(self.joint_names))


class _Sensed:
    """The robot seen through delayed sensors; everything not a sensor reading is the robot's own."""

    _IMU = ("base_ang_vel_b", "projected_gravity", "base_lin_vel_b")

    def __init__(self, robot: MujocoRobot, history: deque, steps: tuple[int, int]):
        self._robot, self._history, (self._imu, self._joint) = robot, history, steps

    def _past(self, steps: int) -> dict:
        return self._history[max(len(self._history) - 1 - steps, 0)]

    def __getattr__(self, name):
        r = self._robot
        if name in self._IMU:
            value = self._past(self._imu)[name].copy()
            return value if r.imu_mount is None or name == "base_lin_vel_b" else r.imu_mount.T @ value
        if name in ("joint_pos", "joint_vel") and r.encoder_resolution:
            res = r.encoder_resolution
            if name == "joint_pos":
                return encoder_angle(self._past(self._joint)["joint_pos"], res)
            physics_dt = float(r.model.opt.timestep) * r.substeps
            return encoder_velocity(self._past(self._joint)["joint_pos"],
                                    self._past(self._joint + r.substeps)["joint_pos"], res, physics_dt)
        if name in ("joint_pos", "joint_vel"):
            return self._past(self._joint)[name].copy()
        return getattr(r, name)
