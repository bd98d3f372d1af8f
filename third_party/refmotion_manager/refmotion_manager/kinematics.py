"""Forward kinematics of a floating-base robot from its MJCF, with MuJoCo (the C engine).

Heavy or optional dependencies (MuJoCo, mink, matplotlib, imageio, joblib, yaml) are imported where they are used:
reading clips needs none of them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import quat


class RobotModel:
    """Joint and link names of an MJCF robot with one free joint, and batched FK over frames."""

    def __init__(self, mjcf: str | Path):
        import mujoco  # imported here so MUJOCO_GL can be chosen by the caller first

        self._mj = mujoco
        self.path = Path(mjcf)
        if not self.path.is_file():
            raise FileNotFoundError(f"robot MJCF not found: {self.path}")
        self.model = mujoco.MjModel.from_xml_path(str(self.path))
        self.data = mujoco.MjData(self.model)
        m = self.model
        free = [j for j in range(m.njnt) if m.jnt_type[j] == int(mujoco.mjtJoint.mjJNT_FREE)]
        if len(free) != 1:
            raise ValueError(f"{self.path}: expected one free (floating-base) joint, found {len(free)}")
        self.root_body_id = int(m.jnt_bodyid[free[0]])
        self.root_name = m.body(self.root_body_id).name
        hinges = [j for j in range(m.njnt)
                  if m.jnt_type[j] in (int(mujoco.mjtJoint.mjJNT_HINGE), int(mujoco.mjtJoint.mjJNT_SLIDE))]
        self.joint_names = tuple(m.joint(j).name for j in hinges)
        self._qpos_adr = np.array([m.jnt_qposadr[j] for j in hinges])
        self._qvel_adr = np.array([m.jnt_dofadr[j] for j in hinges])
        # every body below the world except the root: these are the "links"
        self.link_names = tuple(m.body(b).name for b in range(1, m.nbody) if b != self.root_body_id)

    def body_id(self, name: str) -> int:
        bid = self._mj.mj_name2id(self.model, self._mj.mjtObj.mjOBJ_BODY, name)
        if bid < 0:
            raise KeyError(f"link {name!r} is not a body of {self.path.name}; bodies: {', '.join(self.link_names)}")
        return bid

    def joint_columns(self, joint_names) -> np.ndarray:
        """For each name in ``joint_names``, its index in ``self.joint_names`` (KeyError naming unknown ones)."""
        lookup = {j: i for i, j in enumerate(self.joint_names)}
        unknown = [j for j in joint_names if j not in lookup]
        if unknown:
            raise KeyError(f"joint(s) {', '.join(unknown)} not in {self.path.name}; joints: "
                           f"{', '.join(self.joint_names)}")
        return np.array([lookup[j] for j in joint_names], dtype=int)

    def set_state(self, root_pos, root_quat, joint_pos, joint_names, root_lin_vel_w=None, root_ang_vel_w=None,
                  joint_vel=None) -> None:
        """Write one frame into ``self.data`` (quaternion w, x, y, z; velocities in the world frame)."""
        d = self.data
        d.qpos[:] = self.model.qpos0
        d.qvel[:] = 0.0
        cols = self.joint_columns(joint_names)
        d.qpos[0:3], d.qpos[3:7] = root_pos, root_quat
        d.qpos[self._qpos_adr[cols]] = joint_pos
        if root_lin_vel_w is not None:
            d.qvel[0:3] = root_lin_vel_w
        if root_ang_vel_w is not None:  # MuJoCo's free joint takes angular velocity in the body frame
            d.qvel[3:6] = quat.rotate_inverse(np.asarray(root_quat, float), np.asarray(root_ang_vel_w, float))
        if joint_vel is not None:
            d.qvel[self._qvel_adr[cols]] = joint_vel

    def link_states(self, root_pos, root_quat, joint_pos, joint_names, links, root_lin_vel_w=None,
                    root_ang_vel_w=None, joint_vel=None) -> dict[str, np.ndarray]:
        """Per frame and link, in the base frame: pos (T, L, 3), rot (T, L, 4), and with velocities given,
        vel (T, L, 3) and ang_vel (T, L, 3) (world velocities expressed in the base frame)."""
        mj = self._mj
        T = len(root_pos)
        ids = [self.body_id(n) for n in links]
        with_vel = root_lin_vel_w is not None
        out = {"pos": np.zeros((T, len(ids), 3)), "rot": np.zeros((T, len(ids), 4))}
        if with_vel:
            out["vel"], out["ang_vel"] = np.zeros((T, len(ids), 3)), np.zeros((T, len(ids), 3))
        res = np.zeros(6)
        for t in range(T):
            self.set_state(root_pos[t], root_quat[t], joint_pos[t], joint_names,
                           None if not with_vel else root_lin_vel_w[t],
                           None if not with_vel else root_ang_vel_w[t],
                           None if not with_vel else joint_vel[t])
            mj.mj_kinematics(self.model, self.data)
            if with_vel:
                mj.mj_comPos(self.model, self.data)
                mj.mj_comVel(self.model, self.data)
            q_root = np.asarray(root_quat[t], float)
            for k, bid in enumerate(ids):
                out["pos"][t, k] = quat.rotate_inverse(q_root, self.data.xpos[bid] - root_pos[t])
                out["rot"][t, k] = quat.mul(quat.conj(q_root), self.data.xquat[bid])
                if with_vel:
                    # flg_local 0: the body frame's velocity, not the COM's
                    mj.mj_objectVelocity(self.model, self.data, mj.mjtObj.mjOBJ_XBODY, bid, res, 0)
                    out["ang_vel"][t, k] = quat.rotate_inverse(q_root, res[:3])
                    out["vel"][t, k] = quat.rotate_inverse(q_root, res[3:])
        out["rot"] *= np.where(out["rot"][..., :1] < 0, -1.0, 1.0)  # w >= 0: one sign per rotation
        return out
