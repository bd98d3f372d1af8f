"""One rank of test_train_play's distributed skrl run: the real scripts/skrl/train.py, with its trainer's
learn wrapped to save this rank's final policy weights into $WEIGHTS_DIR/rank<r>.pt (the script itself lets
only rank 0 write files)."""

import os
import runpy
import sys
from pathlib import Path

import torch

from legged_robots.tasks.utils.skrl_runner import SkrlTraining

_learn = SkrlTraining.learn


def learn(self, *args, **kwargs):
    _learn(self, *args, **kwargs)
    policy = self.agent.checkpoint_modules["policy"].state_dict()
    torch.save(policy, Path(os.environ["WEIGHTS_DIR"]) / f"rank{os.environ['RANK']}.pt")


SkrlTraining.learn = learn
script = str(Path(__file__).resolve().parents[1] / "scripts" / "skrl" / "train.py")
sys.argv = [script, *sys.argv[1:]]
runpy.run_path(script, run_name="__main__")
