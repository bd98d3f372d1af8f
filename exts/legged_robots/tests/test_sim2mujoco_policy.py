"""OnnxPolicy carries a recurrent policy's state from step to step and drops it on reset."""

import numpy as np
import torch

from st_runtime.metadata import PolicyMetadata
from st_runtime.policy import OnnxPolicy


class _Recurrent(torch.nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.rnn = torch.nn.LSTM(5, 8)
        self.head = torch.nn.Linear(8, 3)

    def forward(self, obs, h_in, c_in):
        out, (h, c) = self.rnn(obs.unsqueeze(0), (h_in, c_in))
        return self.head(out.squeeze(0)), h, c


def test_recurrent_state_is_carried_and_reset(tmp_path):
    path = tmp_path / "policy.onnx"
    torch.onnx.export(_Recurrent(), (torch.zeros(1, 5), torch.zeros(1, 1, 8), torch.zeros(1, 1, 8)), str(path),
                      input_names=["obs", "h_in", "c_in"], output_names=["actions", "h_out", "c_out"], dynamo=False)
    PolicyMetadata.for_joints(["a", "b", "c"], [{"name": "x", "func": "x", "dim": 5}]).write_onnx(path)
    policy = OnnxPolicy(path)
    assert policy.recurrent and policy.action_dim == 3
    obs = np.ones(5)
    first, second = policy(obs), policy(obs)
    assert not np.allclose(first, second)  # same input, different memory
    policy.reset()
    np.testing.assert_allclose(policy(obs), first, atol=1e-6)
    # the same sequence through torch, state carried by hand
    model = _Recurrent()
    h = c = torch.zeros(1, 1, 8)
    with torch.no_grad():
        a1, h, c = model(torch.ones(1, 5), h, c)
        a2, h, c = model(torch.ones(1, 5), h, c)
    np.testing.assert_allclose(second, a2[0].numpy(), atol=1e-5)


def test_observation_history_is_per_term_oldest_first_and_filled_on_reset():
    from types import SimpleNamespace as NS

    from st_runtime.observations import ObservationBuilder

    metadata = PolicyMetadata.for_joints(["a"], [
        {"name": "projected_gravity", "func": "isaaclab.envs.mdp.projected_gravity", "dim": 3, "scale": 2.0,
         "clip": None, "history_length": 3},
        {"name": "velocity_commands", "func": "isaaclab.envs.mdp.generated_commands", "dim": 2, "scale": None,
         "clip": [-0.5, 0.5], "history_length": 0}])
    assert metadata.observation.dim == 3 * 3 + 2
    builder = ObservationBuilder(metadata)
    robot = NS(projected_gravity=np.array([0.0, 0.0, -1.0]))
    first = builder.build(robot, None, [0.2, 0.9])
    np.testing.assert_allclose(first, [0, 0, -2] * 3 + [0.2, 0.5])  # history filled with the first value
    robot.projected_gravity = np.array([0.1, 0.0, -1.0])
    second = builder.build(robot, None, [0.2, 0.9])
    np.testing.assert_allclose(second[:9], [0, 0, -2, 0, 0, -2, 0.2, 0, -2])  # oldest first, scaled
    builder.reset()
    np.testing.assert_allclose(builder.build(robot, None, [0.0, 0.0])[:9], [0.2, 0, -2] * 3)
