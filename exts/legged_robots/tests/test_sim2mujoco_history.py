"""A policy with observation history and a speed-dependent gait clock, rebuilt in MuJoCo from its export: the
same observation as Isaac Lab's (its own module: it builds its own env, and one simulation context lives at a
time, so it cannot share test_sim2mujoco.py's module-wide env)."""

import numpy as np
import pytest
import torch
from isaac_state import mujoco_at_isaac_state

from legged_robots.sim2mujoco.compare import split_terms
from st_runtime.observations import ObservationBuilder

pytestmark = pytest.mark.sim
TASK = "St-Velocity-Flat-Lus2"


def test_a_policy_with_history_and_a_speed_dependent_clock_is_rebuilt_frame_for_frame():
    """The policy group with 3 frames of history and the gait clock speeding up with the command (0.8 s to 0.5 s
    between 0.5 and 1.0 m/s): the export gives each term's one-frame size, its history and the clock's numbers;
    MuJoCo's first observation after a reset (every frame the reset state) is Isaac Lab's, value for value, and
    over 40 steps of changing commands the rebuilt clock's three frames follow Isaac Lab's (one model both sides)."""
    from legged_robots.tasks import make_env
    from legged_robots.tasks.utils.playback import hold_command
    from legged_robots.tasks.utils.policy_metadata import policy_metadata

    def edit(cfg):
        cfg.observations.policy.history_length = 3
        for term in (cfg.observations.policy.gait_phase, cfg.observations.critic.gait_phase, cfg.rewards.feet_gait,
                     cfg.rewards.feet_swing_height):
            term.params["fast_period"] = 0.5
        hold_command(cfg, (0.3, 0.0, 0.0), TASK)

    env = make_env(f"{TASK}-Play", num_envs=1, edit=edit)
    try:
        obs, _ = env.reset()
        u = env.unwrapped
        md = policy_metadata(env, TASK)
        assert [(t["dim"], t["history_length"]) for t in md["observation"]["terms"]] == \
            [(3, 3), (3, 3), (27, 3), (27, 3), (27, 3), (3, 3), (2, 3)]
        assert md["observation"]["terms"][-1]["params"]["fast_period"] == 0.5
        mj = mujoco_at_isaac_state(u.scene["robot"], md)
        builder = ObservationBuilder(md)
        command = u.command_manager.get_command("base_velocity")
        ours = builder.build(mj, np.zeros(27), command[0].numpy())
        theirs = obs["policy"][0].numpy()
        assert ours.shape == theirs.shape == (92 * 3,)
        np.testing.assert_allclose(ours, theirs, atol=1e-4)
        fixed, term = [], u.command_manager.get_term("base_velocity")
        for k in range(40):  # 0.3 m/s, then 1.0, 0.7 and 0 m/s, ten steps each
            if k % 10 == 0 and k:  # resampled at the step's end, as training's commands change
                speed = (0.3, 1.0, 0.7, 0.0)[k // 10]
                term.cfg.ranges.lin_vel_x, term.time_left[:] = (speed, speed), 0.0
            obs, *_ = env.step(torch.zeros(1, 27))
            clock_isaac = split_terms(builder, obs["policy"][0].numpy())["gait_phase"]
            clock_ours = split_terms(builder, builder.build(mj, np.zeros(27), command[0].numpy()))["gait_phase"]
            np.testing.assert_allclose(clock_ours, clock_isaac, atol=1e-5, err_msg=f"step {k + 1}")
            fixed.append(np.arctan2(*clock_isaac[-2:]) % (2 * np.pi) - 2 * np.pi * ((k + 1) * 0.02 / 0.8 % 1.0))
        assert np.abs(np.angle(np.exp(1j * np.array(fixed)))).max() > 0.3  # not the fixed clock
    finally:
        env.close()
