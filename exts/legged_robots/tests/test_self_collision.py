"""Self-collision: the pairs in ``description.SELF_COLLISION_PAIRS`` collide, and only they, in plain MuJoCo (the
MJCF's <contact> pairs) and in both Newton presets (the USD's filtered pairs compiled into MuJoCo's masks); a leg
driven into its arm is a self-contact the ``self_collisions`` penalty counts, on both presets."""

import mujoco
import pytest
import torch

from legged_robots.assets.lus2 import description as d
from legged_robots.assets.paths import lus2_scene_mjcf

WANTED = {frozenset(p) for p in d.SELF_COLLISION_PAIRS}
ABDUCTED = -2.66  # right hip roll [rad]: the thigh swings out into the right forearm


def _robot_body_pairs(m) -> set:
    """Body pairs of the robot MuJoCo may collide: explicit pairs, or contype/conaffinity not excluded."""
    def name(b):
        return m.body(b).name.rsplit("Robot_", 1)[-1]

    excluded = {int(s) for s in m.exclude_signature[: m.nexclude]}
    out = {frozenset((name(m.geom_bodyid[g1]), name(m.geom_bodyid[g2])))
           for g1, g2 in zip(m.pair_geom1, m.pair_geom2)}
    for g1 in range(m.ngeom):
        for g2 in range(g1 + 1, m.ngeom):
            b1, b2 = sorted((int(m.geom_bodyid[g1]), int(m.geom_bodyid[g2])))
            if b1 == b2 or b1 == 0 or m.body_rootid[b1] != m.body_rootid[b2]:
                continue
            if not (m.geom_contype[g1] & m.geom_conaffinity[g2] or m.geom_contype[g2] & m.geom_conaffinity[g1]):
                continue
            if (b1 << 16 | b2) in excluded or m.body_parentid[b2] == b1 or m.body_parentid[b1] == b2:
                continue
            out.add(frozenset((name(b1), name(b2))))
    return out


def test_plain_mujoco_collides_exactly_the_listed_pairs_and_the_abducted_leg_hits_its_arm():
    m = mujoco.MjModel.from_xml_path(str(lus2_scene_mjcf("lus2_27dof")))
    assert _robot_body_pairs(m) == WANTED
    data = mujoco.MjData(m)
    mujoco.mj_resetDataKeyframe(m, data, 0)
    mujoco.mj_forward(m, data)
    robot = [(m.body(m.geom_bodyid[c.geom1]).name, m.body(m.geom_bodyid[c.geom2]).name) for c in data.contact]
    assert all("world" in pair for pair in robot)  # standing: only the feet on the floor
    data.qpos[m.jnt_qposadr[m.joint("right_hip_roll_joint").id]] = ABDUCTED
    mujoco.mj_forward(m, data)
    touching = {frozenset((m.body(m.geom_bodyid[c.geom1]).name, m.body(m.geom_bodyid[c.geom2]).name))
                for c in data.contact}
    assert frozenset(("right_hip_yaw_link", "right_elbow_link")) in touching


@pytest.mark.sim
@pytest.mark.parametrize("physics", ["newton_mujoco_c", "newton_mjwarp"])
def test_both_presets_collide_the_listed_pairs_and_penalize_a_self_contact(physics):
    from legged_robots.tasks import make_env

    torch.set_num_threads(1)
    def still(cfg):  # the default pose at the origin, no pushes: the same start every time
        cfg.events.reset_base.params["pose_range"] = {}
        cfg.events.reset_base.params["velocity_range"] = {}
        cfg.events.reset_robot_joints.params["position_range"] = (0.0, 0.0)
        cfg.events.push_robot = cfg.events.torso_external_force = None

    env = make_env("St-Velocity-Flat-Lus2", num_envs=2, device="cpu", edit=still, overrides=[f"physics={physics}"])
    try:
        env.reset()
        u = env.unwrapped
        if physics == "newton_mujoco_c":  # the model MuJoCo C steps is Newton's MuJoCo conversion
            assert _robot_body_pairs(u.sim.physics_manager._solver.mj_model) == WANTED
        rewards = u.reward_manager
        term = rewards._term_cfgs[rewards.active_terms.index("self_collisions")]
        sensor = u.scene["self_contact"]
        robot = u.scene["robot"]
        j = robot.find_joints(["right_hip_roll_joint"])[0][0]
        scale = u.action_manager.get_term("joint_pos").cfg.scale
        action = torch.zeros(2, u.action_manager.total_action_dim)
        for _ in range(10):  # land and settle
            env.step(action)
        action[1, j] = (ABDUCTED - float(robot.data.default_joint_pos.torch[1, j])) / scale  # env 1 swings it out
        counts, pressed = [], set()
        for _ in range(12):
            env.step(action)
            counts.append(term.func(u, **term.params).clone())
            for b, p in (sensor.data.force_matrix_w.torch[1].norm(dim=-1) > 1.0).nonzero().tolist():
                pressed.add((sensor.sensor_names[b], sensor.filter_object_names[p]))
        counts = torch.stack(counts)
        assert counts[:, 0].sum() == 0  # standing still: no self-contact
        assert counts[:, 1].sum() >= 1  # the thigh swung into the arm (it pushes the hand away, so not every step)
        assert pressed and all(partner == "right_hip_yaw_link" and body.startswith("right_")
                               for body, partner in pressed), pressed
    finally:
        env.close()
