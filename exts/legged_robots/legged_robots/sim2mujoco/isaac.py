"""The same exported policy in Isaac Lab (Newton), one env, driven exactly like the MuJoCo side: the
ONNX through onnxruntime, commands written every step, the same initial state, the same pushes.

Heavy imports (torch, Isaac Lab, MuJoCo, ...) are made inside the functions that need them, so `--help` and a bad
command line answer before they load."""

from __future__ import annotations

import numpy as np


class IsaacLabRobot:
    """The task's play variant with one env, the nominal robot, no noise, and commands set from outside."""

    def __init__(self, task: str, joint_names: list[str] | None = None, device: str = "cpu",
                 physics: str | None = None, real_actuators: bool | None = None, metadata=None):
        """``joint_names``: the policy's joint order (default: the env's action order, as exported);
        ``physics``: a preset name (default: the device's); ``real_actuators``: the real-actuator model
        (``presets=real_actuators``) at a fixed delay and full strength (``set_actuator``), as the MuJoCo side;
        ``metadata``: an exported policy's, whose observation terms the env's policy group is cut to and whose actuator
        model picks ``real_actuators`` when that is not given."""
        import torch

        from legged_robots.tasks import make_env

        def edit(cfg):
            cfg.scene.num_envs = 1
            cmd = cfg.commands.base_velocity
            cmd.resampling_time_range = (1.0e9, 1.0e9)  # we write the command every step
            cmd.heading_command, cmd.rel_standing_envs, cmd.rel_heading_envs = False, 0.0, 0.0
            cmd.debug_vis = False
            cfg.curriculum.command_levels = None
            cfg.episode_length_s = 1.0e6  # the scenario decides when to stop
            cfg.events.reset_base.params["pose_range"] = {}
            cfg.events.reset_base.params["velocity_range"] = {}
            cfg.events.reset_robot_joints.params["position_range"] = (0.0, 0.0)
            if metadata is not None:
                from legged_robots.tasks.utils.playback import policy_terms_as_exported

                policy_terms_as_exported(cfg, metadata, metadata.task)

        self._torch = torch
        self.task = task.removesuffix("-Play")
        if real_actuators is None:
            real_actuators = metadata is not None and metadata.actuators is not None
        overrides = ([f"physics={physics}"] if physics else []) + (["presets=real_actuators"] if real_actuators else [])
        self.env = make_env(f"{self.task}-Play", num_envs=1, device=device, edit=edit, overrides=overrides)
        self.actuator_delay_steps = 0
        self.u = self.env.unwrapped
        self.robot = self.u.scene["robot"]
        self.cmd = self.u.command_manager.get_term("base_velocity")
        names = joint_names or list(self.u.action_manager.get_term("joint_pos")._joint_names)
        unknown = [n for n in names if n not in self.robot.joint_names]
        if unknown:
            from st_runtime.errors import PolicyMetadataError

            raise PolicyMetadataError(f"policy joint(s) {', '.join(unknown)} not in {self.task}'s robot")
        self.ids = [self.robot.joint_names.index(n) for n in names]
        self.policy_dt = float(self.u.step_dt)

    def close(self) -> None:
        self.env.close()

    def metadata(self) -> dict:
        """What ``play.py`` would export for this task (the nominal robot of its play variant)."""
        from legged_robots.tasks.utils.policy_metadata import policy_metadata

        return policy_metadata(self.env, self.task)

    def reset(self, base_pos, base_quat_wxyz, joint_pos) -> np.ndarray:
        """Put the robot in this state (joints in policy order) at rest; return the policy observation."""
        torch = self._torch
        self.env.reset()
        q = self.robot.data.default_joint_pos.torch.clone()
        q[0, self.ids] = torch.as_tensor(joint_pos, dtype=q.dtype)
        self.robot.write_joint_state_to_sim_index(position=q, velocity=torch.zeros_like(q))
        w, x, y, z = base_quat_wxyz
        pose = torch.tensor([[*base_pos, x, y, z, w]], dtype=torch.float32)  # Isaac Lab 3: x, y, z, w
        self.robot.write_root_pose_to_sim_index(root_pose=pose)
        self.robot.write_root_velocity_to_sim_index(root_velocity=torch.zeros(1, 6))
        self.u.sim.forward()
        self.u.scene.update(0.0)
        self.u.action_manager.reset()
        self.set_actuator(self.actuator_delay_steps)
        return self.observe()

    def set_actuator(self, delay_steps: int = 0) -> None:
        """Real-actuator model only: this command delay [physics steps] and strength 1, in every group, from now
        until the next reset (which keeps the delay)."""
        from legged_robots.assets.actuators import DelayedDCMotor

        self.actuator_delay_steps = int(delay_steps)
        for actuator in self.robot.actuators.values():
            if isinstance(actuator, DelayedDCMotor):
                for buf in actuator._delay_buffers:
                    buf.set_time_lag(self._torch.full((1,), self.actuator_delay_steps, dtype=self._torch.int))
                actuator.strength[:] = 1.0

    def set_command(self, command) -> None:
        self.cmd.vel_command_b[0] = self._torch.as_tensor(command, dtype=self.cmd.vel_command_b.dtype)

    def observe(self) -> np.ndarray:
        return self.u.observation_manager.compute_group("policy").detach().cpu().numpy()[0]

    def push(self, velocity) -> None:
        torch = self._torch
        vel = self.robot.data.root_vel_w.torch.clone()
        vel[0, :2] += torch.as_tensor(velocity, dtype=vel.dtype)[:2]
        self.robot.write_root_velocity_to_sim_index(root_velocity=vel)

    def step(self, action) -> np.ndarray:
        """One policy step; returns the next observation (no noise in the play variant)."""
        torch = self._torch
        obs, *_ = self.env.step(torch.as_tensor(np.asarray(action, np.float32)[None]))
        return obs["policy"].detach().cpu().numpy()[0]

    @property
    def joint_pos(self) -> np.ndarray:
        return self.robot.data.joint_pos.torch[0, self.ids].cpu().numpy().astype(float)

    @property
    def base_pos(self) -> np.ndarray:
        return self.robot.data.root_pos_w.torch[0].cpu().numpy().astype(float)

    @property
    def base_quat_wxyz(self) -> np.ndarray:
        x, y, z, w = self.robot.data.root_quat_w.torch[0].cpu().numpy().astype(float)
        return np.array([w, x, y, z])

    @property
    def lin_vel_heading(self) -> np.ndarray:
        """xy velocity in the heading (yaw-only) frame, as the training's tracking reward reads it."""
        from isaaclab.utils.math import quat_apply_inverse, yaw_quat

        d = self.robot.data
        vel = quat_apply_inverse(yaw_quat(d.root_quat_w.torch[:1]), d.root_lin_vel_w.torch[:1, :3])
        return vel[0, :2].cpu().numpy().astype(float)

    @property
    def yaw_rate(self) -> float:
        """World-frame z angular velocity."""
        return float(self.robot.data.root_ang_vel_w.torch[0, 2])
