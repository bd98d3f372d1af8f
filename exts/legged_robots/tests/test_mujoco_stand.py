"""Plain MuJoCo (C engine): the generated MJCF holds the default pose under PD with zero action."""

import mujoco
import numpy as np
import pytest
from stand_check import HEIGHT_TOLERANCE, MAX_DRIFT, MAX_TILT, STAND_SECONDS, VARIANTS, hold_gains

from legged_robots.assets import paths
from legged_robots.assets.lus2 import description as d

pytestmark = pytest.mark.sim


@pytest.mark.parametrize("variant", VARIANTS)
def test_zero_action_stands(variant):
    model = mujoco.MjModel.from_xml_path(str(paths.lus2_scene_mjcf(variant)))
    data = mujoco.MjData(model)
    mujoco.mj_resetDataKeyframe(model, data, model.key("stand").id)
    joints = [model.joint(model.actuator_trnid[i, 0]) for i in range(model.nu)]  # mapped by name below
    qadr = np.array([j.qposadr[0] for j in joints])
    dadr = np.array([j.dofadr[0] for j in joints])
    kp, kd = np.array([hold_gains(j.name) for j in joints]).T
    limit = model.actuator_ctrlrange[:, 1]
    default = d.default_joint_positions()
    target = np.array([default[j.name] for j in joints])
    assert np.allclose(data.qpos[qadr], target), "the 'stand' keyframe is the default pose"

    nominal = d.standing_height()
    heights = []
    for _ in range(int(STAND_SECONDS / model.opt.timestep)):
        data.ctrl[:] = np.clip(kp * (target - data.qpos[qadr]) - kd * data.qvel[dadr], -limit, limit)
        mujoco.mj_step(model, data)
        heights.append(data.qpos[2])
    assert model.opt.timestep == pytest.approx(d.INTEGRATION_DT)
    assert np.max(np.abs(np.array(heights) - nominal)) < HEIGHT_TOLERANCE
    # it sways slowly (a few cm, lightly damped) but stays upright where it was put
    assert np.linalg.norm(data.qpos[:2]) < MAX_DRIFT
    up_z = 1 - 2 * (data.qpos[4] ** 2 + data.qpos[5] ** 2)  # world z of the base z axis (quat wxyz)
    assert np.arccos(np.clip(up_z, -1, 1)) < MAX_TILT
