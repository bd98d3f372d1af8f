"""Newton + MuJoCo C, one world at a time: the CPU physics preset ``newton_mujoco_c``.

On a CPU, Warp runs MuJoCo-Warp's kernels on one thread, one launch at a time, so a few dozen lus2 worlds
step at a few hundred env-steps/s. Plain MuJoCo C steps one such world in ~50 us. This solver keeps
everything Newton and Isaac Lab see exactly as MuJoCo-Warp's (``SolverMuJoCo``'s model conversion, its
per-world parameter arrays that randomization writes into, its state conversion kernels), and replaces only
the integration: each world is stepped by ``mujoco.mj_step`` on a thread pool (MuJoCo releases the GIL).

What each world gets, per env step:
  * its own parameters: the fields Newton keeps per world (masses, COM, inertia, friction, armature, joint
    friction and limits, actuator gains, ...) are written into the stepping thread's ``MjModel`` before the
    world is stepped, so domain randomization reaches every world (one model per thread, not per world: a
    terrain heightfield makes a model tens of MB);
  * its own integration state (qpos/qvel from Newton, ctrl and applied forces from Newton's control, and
    MuJoCo's warm start, kept per world and cleared when the world resets);
  * its contacts, copied into Newton's ``Contacts`` so Isaac Lab's contact sensors (forces, air time) work.

MuJoCo collides the geometry itself (``use_mujoco_contacts``). It collides meshes as convex hulls, so a
static triangle-mesh collider (generated rough terrain) is turned into a heightfield at build
(:meth:`NewtonMujocoCManager._inject_terrain_heightfields`).

MuJoCo and usd-core are imported when the solver is built: choosing the preset in a config loads neither.
"""

from __future__ import annotations

import copy
import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import warp as wp
from isaaclab.physics import PhysicsManager
from isaaclab_newton.physics import NewtonManager
from isaaclab_newton.physics.mjwarp_manager import NewtonMJWarpManager
from newton import Contacts, Model, State
from newton.solvers import SolverMuJoCo

from legged_robots.utils import available_cpus

from .by_device import PhysicsPresetError

logger = logging.getLogger(__name__)

PRESET = "newton_mujoco_c"
ALTERNATIVE = "newton_mjwarp"


def _unsupported(what: str) -> PhysicsPresetError:
    return PhysicsPresetError(f"physics={PRESET}: {what}. Use physics={ALTERNATIVE} for this run.")


# Newton's per-world MuJoCo model fields (SolverMuJoCo._expand_model_fields) that MuJoCo C reads while stepping.
_PER_WORLD_FIELDS = (
    "qpos0", "qpos_spring", "body_pos", "body_quat", "body_ipos", "body_iquat", "body_mass", "body_subtreemass",
    "body_inertia", "body_invweight0", "body_gravcomp", "jnt_solref", "jnt_solimp", "jnt_pos", "jnt_axis",
    "jnt_stiffness", "jnt_range", "jnt_actfrcrange", "jnt_margin", "dof_armature", "dof_damping", "dof_invweight0",
    "dof_frictionloss", "dof_solimp", "dof_solref", "geom_solmix", "geom_solref", "geom_solimp", "geom_size",
    "geom_rbound", "geom_pos", "geom_quat", "geom_friction", "geom_margin", "geom_gap", "site_pos", "site_quat",
    "eq_solref", "eq_solimp", "eq_data", "actuator_gainprm", "actuator_biasprm", "actuator_dynprm",
    "actuator_ctrlrange", "actuator_forcerange", "actuator_actrange", "actuator_gear", "actuator_cranklength",
    "actuator_acc0", "actuator_lengthrange", "pair_solref", "pair_solreffriction", "pair_solimp", "pair_margin",
    "pair_gap", "pair_friction", "tendon_solref_lim", "tendon_solimp_lim", "tendon_solref_fri",
    "tendon_solimp_fri", "tendon_range", "tendon_actfrcrange", "tendon_margin", "tendon_stiffness",
    "tendon_damping", "tendon_armature", "tendon_frictionloss", "tendon_lengthspring", "tendon_length0",
    "tendon_invweight0",
)
# What MuJoCo(-Warp)'s set_const_0 reads (besides the actuator gains of dampratio actuators, handled apart).
_CONST_0_INPUTS = ("qpos0", "body_pos", "body_quat", "body_ipos", "body_iquat", "body_mass", "body_inertia",
                   "dof_armature", "jnt_pos", "jnt_axis", "actuator_gear", "tendon_armature", "geom_pos", "geom_quat")
_PER_WORLD_OPT_FIELDS = ("tolerance", "ls_tolerance", "density", "viscosity", "gravity", "wind", "magnetic")


class _Worker:
    """One thread's ``MjModel`` + ``MjData``, and the views the world loop copies through."""

    def __init__(self, mujoco, model):
        self.m, self.d = model, mujoco.MjData(model)
        d = self.d
        self.state = (d.qpos, d.qvel, d.ctrl, d.qfrc_applied, d.xfrc_applied)
        self.params: list[tuple[np.ndarray, np.ndarray]] = []  # (view into self.m, per-world values)
        self.scalars: list[tuple[object, str, np.ndarray]] = []  # (owner, attribute, per-world values)


class SolverMuJoCoC(SolverMuJoCo):
    """``SolverMuJoCo`` whose worlds are integrated by MuJoCo C, one ``MjData`` step at a time per world.

    Construction is MuJoCo-Warp's (``use_mujoco_cpu=False``): the Warp model and data arrays are the per-world
    store that Newton's conversions and ``notify_model_changed`` already maintain (on a CPU, ``.numpy()`` of
    them is a view, not a copy). Only :meth:`step` (:meth:`step_worlds`: several steps at once), :meth:`reset`
    and the contact report differ.
    """

    def __init__(self, model: Model, *, num_threads: int | None = None, **kwargs):
        if wp.get_device(model.device).is_cuda:
            raise _unsupported(f"it steps MuJoCo C on the CPU, but the device is {model.device}")
        for flag in ("use_mujoco_cpu", "enable_sleeping"):
            if kwargs.get(flag):
                raise _unsupported(f"{flag}=True is not supported")
        kwargs.update(use_mujoco_cpu=False, use_mujoco_contacts=True, separate_worlds=True)
        super().__init__(model, **kwargs)
        import mujoco

        self._mj = mujoco
        self.nworld = model.world_count
        self.nconmax_world = max(1, int(self.mjw_data.naconmax // max(self.nworld, 1)))
        self.num_threads = max(1, min(num_threads or available_cpus(), self.nworld))
        self._workers = [_Worker(mujoco, copy.copy(self.mj_model) if i else self.mj_model)
                         for i in range(self.num_threads)]
        self._chunks = np.array_split(np.arange(self.nworld), self.num_threads)
        self._pool = ThreadPoolExecutor(self.num_threads,
                                        thread_name_prefix="mujoco_c") if self.num_threads > 1 else None
        self._warmstart = np.zeros((self.nworld, self.mj_model.nv))
        self._bad_state_warnings = (mujoco.mjtWarning.mjWARN_BADQPOS, mujoco.mjtWarning.mjWARN_BADQVEL,
                                    mujoco.mjtWarning.mjWARN_BADQACC)
        self.record_contacts = True
        # per-world contacts of the last step, turned into Newton contacts by update_contacts()
        k = self.nconmax_world
        self._con_count = np.zeros(self.nworld, dtype=np.int64)
        self._con_geom = np.zeros((self.nworld, k, 2), dtype=np.int64)
        self._con_pos = np.zeros((self.nworld, k, 3))
        self._con_frame = np.zeros((self.nworld, k, 9))
        self._con_dist = np.zeros((self.nworld, k))
        self._con_force = np.zeros((self.nworld, k, 6))
        self._con_overflow = 0
        self._geom_to_shape = self.mjc_geom_to_newton_shape.numpy()
        self._shape_body = self.model.shape_body.numpy()
        # a heightfield geom keeps the pose and size compiled into the MuJoCo model (see _correct)
        hfield = self._hfield_geoms = np.flatnonzero(self.mj_model.geom_type == mujoco.mjtGeom.mjGEOM_HFIELD)
        self._pinned = {name: (hfield, getattr(self.mj_model, name)[hfield].copy())
                        for name in ("geom_pos", "geom_quat", "geom_size", "geom_rbound")} if len(hfield) else {}
        self._sync_parameters()

    # -- parameters -----------------------------------------------------------------------------------

    def _fields(self):
        """(owner in the MuJoCo-Warp model, owner in an MjModel, field name) of every per-world parameter."""
        m = self.mj_model
        for name in _PER_WORLD_FIELDS:
            if getattr(self.mjw_model, name, None) is not None and hasattr(m, name):
                yield self.mjw_model, lambda mm: mm, name
        for name in _PER_WORLD_OPT_FIELDS:
            if getattr(self.mjw_model.opt, name, None) is not None and hasattr(m.opt, name):
                yield self.mjw_model.opt, lambda mm: mm.opt, name
        yield self.mjw_model.stat, lambda mm: mm.stat, "meaninertia"

    def _sync_parameters(self) -> None:
        """Copy Newton's per-world MuJoCo parameters into the workers' models: the ones equal in every world
        once, the others before each world steps (``_Worker.params``)."""
        for w in self._workers:
            w.params.clear()
            w.scalars.clear()
        for src_owner, owner_of, name in self._fields():
            values = getattr(src_owner, name).numpy()
            per_world = values.reshape(values.shape[0] if values.ndim else 1, -1).astype(np.float64)
            if src_owner is self.mjw_model:
                self._correct(name, per_world)
            varies = per_world.shape[0] > 1 and not np.all(per_world == per_world[:1])
            for w in self._workers:
                owner = owner_of(w.m)
                dst = getattr(owner, name)
                if np.ndim(dst) == 0:
                    if varies:
                        w.scalars.append((owner, name, per_world[:, 0].copy()))
                    else:
                        setattr(owner, name, float(per_world[0, 0]))
                    continue
                if dst.size != per_world.shape[1]:
                    raise RuntimeError(f"{PRESET}: MuJoCo-Warp field {name} {values.shape} does not map onto "
                                       f"MuJoCo C's {dst.shape}")
                if varies:
                    w.params.append((dst, per_world.reshape(per_world.shape[0], *dst.shape)))
                else:
                    dst[...] = per_world[0].reshape(dst.shape)

    def _correct(self, name: str, per_world: np.ndarray) -> None:
        """Two places where Newton's MuJoCo model does not mean to MuJoCo C what Newton means:

        * contact gap: Newton detects contacts ``gap`` beyond the surface and pushes from contact; MuJoCo
          detects at ``margin`` and pushes from ``margin - gap``. Newton copies its gap as MuJoCo's (with zero
          margins), so MuJoCo would push only after 1 cm of penetration and feet chatter. MuJoCo's gap is 0
          here (no detection band; it carries no force anyway), its margin Newton's margin.
        * heightfields: the pose and size Newton writes lack the height offset it compiled into the model.
        """
        if name == "geom_gap":
            per_world[:] = 0.0
        elif name == "geom_margin":
            shape = self._geom_to_shape[: per_world.shape[0]]
            margin = self.model.shape_margin.numpy()[shape]
            per_world[:] = np.where(shape >= 0, margin, per_world.reshape(shape.shape)).reshape(per_world.shape)
            if len(self._hfield_geoms) and np.any(per_world > 0):
                raise _unsupported("MuJoCo 3.12 reports wrong contact distances between a heightfield and a geom "
                                   "with a contact margin > 0; set the shapes' margin to 0")
        if name in self._pinned:
            rows, kept = self._pinned[name]
            geoms = per_world.reshape(per_world.shape[0], self._geom_to_shape.shape[1], -1)
            geoms[:, rows] = kept.reshape(len(rows), -1)

    def notify_model_changed(self, flags: int) -> None:
        super().notify_model_changed(flags)
        if hasattr(self, "_workers"):  # the base constructor calls this before our state exists
            self._sync_parameters()

    def _set_const_0_with_physical_meaninertia(self) -> None:
        """Newton recomputes MuJoCo's qpos0 constants (invweights, acc0, meaninertia) on every joint or actuator
        change, i.e. at every reset that randomizes actuator gains: ~90 ms of Warp launches on a CPU. Their
        inputs are kinematics, inertia and armature, so skip the recomputation when none of those changed."""
        inputs = [getattr(self.mjw_model, n).numpy() for n in _CONST_0_INPUTS if getattr(self.mjw_model, n, None)
                  is not None]
        biasprm = self.mjw_model.actuator_biasprm.numpy()
        if biasprm.size and np.any(biasprm[..., 2] > 0):  # MuJoCo's dampratio actuators also read the gains
            inputs += [self.mjw_model.actuator_gainprm.numpy(), biasprm]
        inputs.append(self.model.body_flags.numpy())
        last = getattr(self, "_const_0_inputs", None)
        if last is not None and len(last) == len(inputs) and all(np.array_equal(a, b) for a, b in zip(last, inputs)):
            return
        super()._set_const_0_with_physical_meaninertia()
        self._const_0_inputs = [a.copy() for a in inputs]

    # -- stepping ------------------------------------------------------------------------------------

    def step(self, state_in: State, state_out: State, control, contacts, dt: float) -> None:
        self.step_worlds(state_in, state_out, control, dt, 1)

    def step_worlds(self, state_in: State, state_out: State, control, dt: float, nsteps: int) -> None:
        """``nsteps`` MuJoCo steps of ``dt`` in every world, with control and applied forces held."""
        self._apply_mjc_control(self.model, state_in, control, self.mjw_data)
        self._update_mjc_data(self.mjw_data, self.model, state_in)
        data = self.mjw_data
        io = (data.qpos.numpy(), data.qvel.numpy(), data.ctrl.numpy(), data.qfrc_applied.numpy(),
              data.xfrc_applied.numpy())
        if self._pool is None:
            self._step_chunk(self._workers[0], self._chunks[0], io, dt, nsteps)
        else:
            futures = [self._pool.submit(self._step_chunk, w, c, io, dt, nsteps)
                       for w, c in zip(self._workers, self._chunks)]
            for f in futures:
                f.result()
        self._update_newton_state(self.model, state_out, data, state_prev=state_in)
        self._step += nsteps

    def _step_chunk(self, worker: _Worker, worlds, io, dt: float, nsteps: int) -> None:
        mj_step, m, d = self._mj.mj_step, worker.m, worker.d
        m.opt.timestep = dt
        qpos, qvel, ctrl, qfrc, xfrc = io
        d_qpos, d_qvel, d_ctrl, d_qfrc, d_xfrc = worker.state
        warm, d_warm = self._warmstart, d.qacc_warmstart
        record = self.record_contacts
        bad = [d.warning[i] for i in self._bad_state_warnings]
        for w in worlds:
            for dst, src in worker.params:
                dst[...] = src[w]
            for owner, name, src in worker.scalars:
                setattr(owner, name, src[w])
            d_qpos[:] = qpos[w]
            d_qvel[:] = qvel[w]
            d_ctrl[:] = ctrl[w]
            d_qfrc[:] = qfrc[w]
            d_xfrc[:] = xfrc[w]
            d_warm[:] = warm[w]
            mj_step(m, d, nsteps)  # releases the GIL
            if bad[0].number or bad[1].number or bad[2].number:
                # MuJoCo met a NaN/huge value and silently reset this world to its model pose; report the state
                # as lost instead (NaN), so the physics guard ends the episode rather than the robot teleporting
                for warning in bad:
                    warning.number = 0
                qvel[w] = np.nan
                warm[w] = 0.0
                self._con_count[w] = 0
                continue
            qpos[w] = d_qpos
            qvel[w] = d_qvel
            warm[w] = d_warm
            if record:
                self._record_contacts(m, d, w)

    def _record_contacts(self, m, d, w: int) -> None:
        """Keep world ``w``'s contacts (the worker's MjData is the next world's in a moment). Per contact
        ``mj_contactForce`` beat a vectorized pyramid decode here (7 vs 13 us for 8 contacts)."""
        n = d.ncon
        if n > self.nconmax_world:
            self._con_overflow = max(self._con_overflow, n)
            n = self.nconmax_world
        self._con_count[w] = n
        if n == 0:
            return
        c = d.contact
        self._con_geom[w, :n] = c.geom[:n]
        self._con_pos[w, :n] = c.pos[:n]
        self._con_frame[w, :n] = c.frame[:n]
        self._con_dist[w, :n] = c.dist[:n]
        force, contact_force = self._con_force[w], self._mj.mj_contactForce
        for i in range(n):
            contact_force(m, d, i, force[i])  # contact frame, on geom 2

    # -- resets and contacts -------------------------------------------------------------------------

    def reset(self, state: State, world_mask=None, flags=None) -> None:
        super().reset(state, world_mask=world_mask, flags=flags)
        if world_mask is None:
            self._warmstart[:] = 0.0
        else:
            self._warmstart[world_mask.numpy()[: self.nworld].astype(bool)] = 0.0

    def get_max_contact_count(self) -> int:
        return self.nworld * self.nconmax_world

    def update_contacts(self, contacts: Contacts, state: State | None = None) -> None:
        """Newton contacts from each world's MuJoCo contacts of the last step: shapes, normal, points in their
        bodies' frames and the force on shape 0, as Newton's contact sensor reads them."""
        if self._con_overflow:
            logger.warning(f"{PRESET}: a world had {self._con_overflow} contacts, more than nconmax="
                           f"{self.nconmax_world}; the contact report dropped the rest (raise solver_cfg.nconmax)")
            self._con_overflow = 0
        counts = self._con_count
        total = int(counts.sum())
        contacts.rigid_contact_count.numpy()[0] = total
        contacts.n_contacts = total
        if total == 0:
            return
        worlds = np.repeat(np.arange(self.nworld), counts)
        slot = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        geoms = self._con_geom[worlds, slot]
        shapes = (self._geom_to_shape[worlds, geoms[:, 0]], self._geom_to_shape[worlds, geoms[:, 1]])
        pos, dist = self._con_pos[worlds, slot], self._con_dist[worlds, slot]
        frame = self._con_frame[worlds, slot].reshape(total, 3, 3)  # rows: normal (geom 1 -> 2), tangents
        normal = frame[:, 0]
        contacts.rigid_contact_shape0.numpy()[:total] = shapes[0]
        contacts.rigid_contact_shape1.numpy()[:total] = shapes[1]
        contacts.rigid_contact_normal.numpy()[:total] = normal
        if contacts.force is not None:
            force = contacts.force.numpy()
            # contact frame -> world, and the force on geom 1 (Newton's shape 0) instead of geom 2
            force[:total, :3] = -np.einsum("ci,cij->cj", self._con_force[worlds, slot, :3], frame)
            force[:total, 3:] = 0.0
        if state is None or state.body_q is None:
            return
        body_q = state.body_q.numpy()
        for shape, sign, out in ((shapes[0], -0.5, contacts.rigid_contact_point0),
                                 (shapes[1], 0.5, contacts.rigid_contact_point1)):
            point = pos + sign * dist[:, None] * normal  # MuJoCo's pos is the midpoint
            body = self._shape_body[shape]
            moving = body >= 0
            if moving.any():
                tf = body_q[body[moving]]
                point[moving] = _quat_rotate_inv(tf[:, 3:7], point[moving] - tf[:, :3])
            out.numpy()[:total] = point

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


def _quat_rotate_inv(q_xyzw: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate ``v`` by the inverse of unit quaternions ``q`` (Warp's x, y, z, w order)."""
    u, w = -q_xyzw[:, :3], q_xyzw[:, 3:4]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


class NewtonMujocoCManager(NewtonMJWarpManager):
    """Isaac Lab's MuJoCo-Warp manager with :class:`SolverMuJoCoC` as its solver and no Newton collision
    pipeline (MuJoCo collides)."""

    @classmethod
    def _create_solver(cls, model: Model, solver_cfg) -> SolverMuJoCoC:
        kwargs = cls._filter_solver_kwargs(SolverMuJoCo, solver_cfg)
        kwargs.pop("ls_parallel", None)
        return SolverMuJoCoC(model, num_threads=getattr(solver_cfg, "num_threads", None), **kwargs)

    @classmethod
    def _build_solver(cls, model: Model, solver_cfg) -> None:
        requested = NewtonManager._active_extended_state_attributes
        if requested & {"body_qdd", "body_parent_f"}:
            raise _unsupported(f"sensors that need {sorted(requested & {'body_qdd', 'body_parent_f'})} (IMU, "
                               f"PVA, joint-wrench) are not supported: MuJoCo C does not fill them here")
        super()._build_solver(model, solver_cfg)
        NewtonManager._needs_collision_pipeline = False

    @classmethod
    def _run_solver_substeps(cls, contacts) -> None:
        """The physics step's substeps as one ``mj_step(nstep)`` per world (body forces held, as the base loop
        re-applies the same staged forces every substep)."""
        if cls._state_force_callbacks:  # something must run between substeps: one at a time
            super()._run_solver_substeps(contacts)
            return
        state = cls.backend.state_0
        cls._apply_staged_body_forces(state)
        cls._solver.record_contacts = cls._report_contacts
        cls._solver.step_worlds(state, state, cls.backend.control, cls._solver_dt, cls._num_substeps)
        state.clear_forces()

    @classmethod
    def _reset_solver_internals(cls, world_mask) -> None:
        if world_mask is None or not world_mask.numpy().any():
            return
        cls._solver.reset(cls.backend.state_0, world_mask=world_mask, flags=0)

    @classmethod
    def _solver_specific_clear(cls) -> None:
        if isinstance(cls._solver, SolverMuJoCoC):
            cls._solver.close()
        super()._solver_specific_clear()

    @classmethod
    def _inject_terrain_heightfields(cls, stage, builder, *, root_paths):
        """Static triangle-mesh colliders become heightfields (MuJoCo would collide their convex hulls)."""
        from pxr import Sdf, Usd, UsdGeom, UsdPhysics

        resolution = _heightfield_resolution()
        for root in root_paths:
            for prim in Usd.PrimRange(stage.GetPrimAtPath(root)):
                if not prim.IsA(UsdGeom.Mesh) or not prim.HasAPI(UsdPhysics.CollisionAPI):
                    continue
                if any(p.HasAPI(UsdPhysics.RigidBodyAPI) for p in _ancestors(prim)):
                    continue
                if not any(p.GetAttribute(_HF_TAG).HasAuthoredValue() for p in _ancestors(prim)
                           if p.GetAttribute(_HF_TAG)):
                    prim.CreateAttribute(_HF_TAG, Sdf.ValueTypeNames.Float).Set(resolution)
                    logger.info(f"{PRESET}: static mesh collider {prim.GetPath()} -> heightfield, {resolution} m grid")
        return super()._inject_terrain_heightfields(stage, builder, root_paths=root_paths)


_HF_TAG = "newton:heightfield:resolution"  # Isaac Lab's TerrainImporter tag, read by Newton's manager


def _ancestors(prim):
    while prim.IsValid() and not prim.IsPseudoRoot():
        yield prim
        prim = prim.GetParent()


def _heightfield_resolution() -> float:
    cfg = PhysicsManager._cfg
    solver_cfg = getattr(cfg, "solver_cfg", None)
    return float(getattr(solver_cfg, "terrain_heightfield_resolution", 0.1))
