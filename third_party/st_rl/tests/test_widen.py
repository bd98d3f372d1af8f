"""st_rl.widen: a one-frame policy widened to observation history acts exactly as before (rsl-rl's own model)."""

import pytest
import torch
from rsl_rl.models.mlp_model import MLPModel
from tensordict import TensorDict

from st_rl.widen import main, widen_history

pytestmark = pytest.mark.unit

DIMS, H = [3, 2, 4], 3


def _actor(dim):
    obs = TensorDict({"policy": torch.zeros(1, dim)}, batch_size=[1])
    return MLPModel(obs, {"actor": ["policy"]}, "actor", 2, hidden_dims=[16, 8], obs_normalization=True)


def _trained_actor():
    torch.manual_seed(0)
    actor = _actor(sum(DIMS))
    actor.obs_normalizer.train()
    for _ in range(5):  # statistics that are not the identity
        actor.obs_normalizer.update(torch.randn(64, sum(DIMS)) * 3 + 1)
    actor.eval()
    return actor


def _with_history(frame, older):
    """Isaac Lab's term-major history: each term's H frames, oldest first, the newest = ``frame``."""
    parts, s = [], 0
    for i, d in enumerate(DIMS):
        parts += [older[:, k, s:s + d] for k in range(H - 1)] + [frame[:, s:s + d]]
        s += d
    return torch.cat(parts, dim=1)


def test_the_widened_policy_acts_as_before_whatever_the_older_frames():
    actor = _trained_actor()
    opt = torch.optim.Adam(actor.parameters())
    actor(TensorDict({"policy": torch.randn(4, sum(DIMS))}, batch_size=[4])).sum().backward()
    opt.step()
    ck = {"actor_state_dict": actor.state_dict(), "optimizer_state_dict": opt.state_dict(),
          "infos": {"obs_dims": {"policy": sum(DIMS)}}}
    widen_history(ck, DIMS, H)
    wide = _actor(sum(DIMS) * H)
    wide.load_state_dict(ck["actor_state_dict"])  # strict: every shape fits
    wide.eval()
    frame, older = torch.randn(8, sum(DIMS)), torch.randn(8, H - 1, sum(DIMS)) * 5
    with torch.no_grad():
        before = actor(TensorDict({"policy": frame}, batch_size=[8]))
        after = wide(TensorDict({"policy": _with_history(frame, older)}, batch_size=[8]))
    assert torch.allclose(before, after, atol=1e-5)
    assert ck["infos"]["obs_dims"]["policy"] == sum(DIMS) * H
    moments = [s["exp_avg"] for s in ck["optimizer_state_dict"]["state"].values() if s["exp_avg"].ndim == 2]
    assert any(m.shape[1] == sum(DIMS) * H for m in moments)
    torch.optim.Adam(wide.parameters()).load_state_dict(ck["optimizer_state_dict"])  # the moments fit the model


def test_term_sizes_that_do_not_add_up_are_refused(tmp_path, capsys):
    ck = {"actor_state_dict": _trained_actor().state_dict()}
    with pytest.raises(ValueError, match="add up to 10"):
        widen_history(ck, [3, 3, 4], H)
    torch.save(ck, tmp_path / "in.pt")
    assert main([str(tmp_path / "in.pt"), str(tmp_path / "out.pt"), "--term_dims", "3", "3", "4",
                 "--history", "3"]) == 2
    assert "error:" in capsys.readouterr().err and not (tmp_path / "out.pt").exists()
