"""Give a trained policy observation history without retraining it: widen its first layer.

A checkpoint trained on one frame of terms of sizes ``d_1..d_k`` (92 values for lus2's velocity policy) is
rewritten for an env whose policy group has ``history_length = H`` (Isaac Lab's term-major order: each term's H
frames, oldest first). The newest frame of each term gets the old weights, the older frames zero weights, so the
widened policy acts exactly as before and learns to use the history when training goes on (``--resume``). The
observation normalizer's statistics are repeated per frame and the optimizer's moments widened with zeros.

    python -m st_rl.widen IN.pt OUT.pt --term_dims 3 3 27 27 27 3 2 --history 5
"""

from __future__ import annotations

import argparse
import sys

import torch


def _columns(term_dims: list[int], history: int) -> torch.Tensor:
    """Index, in the widened input, of each old input (the newest frame of its term)."""
    cols, start = [], 0
    for d in term_dims:
        newest = start + (history - 1) * d
        cols.extend(range(newest, newest + d))
        start += history * d
    return torch.tensor(cols)


def widen_history(checkpoint: dict, term_dims: list[int], history: int, group: str = "policy") -> dict:
    """The checkpoint with its actor's input widened from ``sum(term_dims)`` to ``history * sum(term_dims)``."""
    old = sum(term_dims)
    if history < 2:
        raise ValueError(f"history must be >= 2 (frames the widened policy sees), got {history}")
    actor = checkpoint["actor_state_dict"]
    first = next(k for k, v in actor.items() if k.endswith(".weight") and v.ndim == 2)
    if actor[first].shape[1] != old:
        raise ValueError(f"the checkpoint's actor takes {actor[first].shape[1]} inputs, the term sizes add up to "
                         f"{old} ({' + '.join(map(str, term_dims))})")
    new, cols = old * history, _columns(term_dims, history)
    weight = actor[first]
    wide = weight.new_zeros(weight.shape[0], new)
    wide[:, cols] = weight
    actor[first] = wide
    for key in [k for k in actor if k.startswith("obs_normalizer.") and actor[k].ndim == 2]:
        stat, out, start = actor[key], [], 0
        for d in term_dims:  # the same statistics for every frame of a term
            out.append(stat[:, start:start + d].repeat(1, history))
            start += d
        actor[key] = torch.cat(out, dim=1)
    for state in checkpoint.get("optimizer_state_dict", {}).get("state", {}).values():
        for key in ("exp_avg", "exp_avg_sq"):
            t = state.get(key)
            if t is not None and tuple(t.shape) == (weight.shape[0], old):
                w = t.new_zeros(t.shape[0], new)
                w[:, cols] = t
                state[key] = w
    infos = checkpoint.get("infos") or {}
    if isinstance(infos.get("obs_dims"), dict) and group in infos["obs_dims"]:
        infos["obs_dims"][group] = new
    return checkpoint


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m st_rl.widen", description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="checkpoint (model_N.pt) trained on one frame")
    p.add_argument("output", help="where to write the widened checkpoint")
    p.add_argument("--term_dims", type=int, nargs="+", required=True,
                   help="sizes of the policy group's terms, in order (the export's policy.json lists them)")
    p.add_argument("--history", type=int, required=True, help="the env's policy history_length")
    a = p.parse_args(argv)
    try:
        ck = torch.load(a.input, map_location="cpu", weights_only=False)
        widen_history(ck, a.term_dims, a.history)
    except (OSError, ValueError, KeyError, StopIteration) as e:
        print(f"error: {a.input}: {e}", file=sys.stderr)
        return 2
    torch.save(ck, a.output)
    print(f"[st_rl.widen] {a.output}: policy input {sum(a.term_dims)} -> {sum(a.term_dims) * a.history} "
          f"({a.history} frames per term, the older ones at zero weight)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
