"""A rough-terrain policy's height scan, rebuilt in MuJoCo from the exported ray pattern, equals Isaac
Lab's (the rough task on our flat ground, so both simulators have the same terrain)."""

import numpy as np
import pytest
import torch
from isaac_state import mujoco_at_isaac_state
from isaaclab.terrains import TerrainImporterCfg

from legged_robots.assets.paths import GROUND_USD, lus2_scene_mjcf
from legged_robots.sim2mujoco.compare import split_terms
from legged_robots.tasks import make_env
from legged_robots.tasks.utils.policy_metadata import policy_metadata
from st_runtime.mujoco_robot import MujocoRobot
from st_runtime.observations import ObservationBuilder

pytestmark = pytest.mark.sim
TASK = "St-Velocity-Rough-Lus2"


def _flat_ground(cfg):
    cfg.scene.terrain = TerrainImporterCfg(prim_path="/World/ground", terrain_type="usd", usd_path=str(GROUND_USD),
                                           collision_group=-1, physics_material=cfg.scene.terrain.physics_material)
    cfg.curriculum.terrain_levels = None


def test_height_scan_and_every_other_term_match_isaac_lab(tmp_path):
    torch.set_num_threads(1)
    env = make_env(f"{TASK}-Play", num_envs=1, edit=_flat_ground)
    try:
        env.reset()
        u = env.unwrapped
        md = policy_metadata(env, TASK)
        scan = next(t for t in md["observation"]["terms"] if t["name"] == "height_scan")
        assert scan["params"]["offset"] == 0.5 and len(scan["ray_caster"]["ray_starts"]) == 187
        gen = torch.Generator().manual_seed(2)
        for _ in range(8):  # tilt and turn the robot a little so the yaw-aligned pattern matters
            env.step(0.6 * torch.randn(1, 27, generator=gen))
        obs = u.observation_manager.compute_group("policy")[0].numpy()
        r = u.scene["robot"]
        mj = mujoco_at_isaac_state(r, md)
        builder = ObservationBuilder(md)
        builder.step = 8  # the gait clock: eight policy steps since the reset
        command = u.command_manager.get_command("base_velocity")[0].numpy()
        ours = builder.term_values(mj, u.action_manager.action[0].numpy(), command)
        theirs = split_terms(builder, obs)
        for name in ours:
            np.testing.assert_allclose(ours[name], theirs[name], atol=1e-4, err_msg=name)
        heights = ours["height_scan"]
        assert heights.std() < 1e-6 and abs(heights.mean() - (r.data.root_pos_w.torch[0, 2].item() - 0.5)) < 1e-4
    finally:
        env.close()
    _check_pattern_on_a_step(md, tmp_path)


def _check_pattern_on_a_step(md, tmp_path):
    """On flat ground every ray reads the same; a 10 cm step in front of a robot turned 30 degrees tells
    which ray lands where: each must read the step exactly where its yaw-rotated start lies over it."""
    import mujoco

    spec = mujoco.MjSpec.from_file(str(lus2_scene_mjcf("lus2_27dof")))
    spec.worldbody.add_geom(type=mujoco.mjtGeom.mjGEOM_BOX, size=[1.0, 2.0, 0.05], pos=[1.3, 0.0, 0.05])
    path = tmp_path / "step.xml"
    path.write_text(spec.to_xml())
    mj = MujocoRobot(path, md)
    yaw = np.deg2rad(30.0)
    mj.reset(base_pos=[0.0, 0.0, 0.95], base_quat_wxyz=[np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2)])
    caster = next(t for t in md["observation"]["terms"] if t["name"] == "height_scan")["ray_caster"]
    starts = np.asarray(caster["ray_starts"])
    x_world = np.cos(yaw) * starts[:, 0] - np.sin(yaw) * starts[:, 1]
    expected = np.where(x_world > 0.3, 0.1, 0.0)
    on_edge = np.abs(x_world - 0.3) < 1e-6
    np.testing.assert_allclose(mj.ray_hits_z(caster)[~on_edge], expected[~on_edge], atol=1e-9)
    assert 0 < (expected > 0).sum() < len(expected)  # some rays on the step, some not
