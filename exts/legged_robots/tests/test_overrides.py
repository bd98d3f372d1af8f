"""Command-line overrides: values land with the field's type; a typo names the closest valid keys."""

import re
from dataclasses import dataclass, field

import pytest

from legged_robots.tasks.utils.overrides import OverrideError, apply_overrides


@dataclass
class Term:
    weight: float = 1.0
    params: dict = field(default_factory=lambda: {"std": 0.5})


@dataclass
class Rewards:
    feet_slide: Term = field(default_factory=Term)
    feet_air_time: Term = field(default_factory=Term)
    disabled: Term | None = None


@dataclass
class Env:
    rewards: Rewards = field(default_factory=Rewards)
    ranges: tuple = (0.0, 1.0)
    name: str = "x"
    size: tuple = (8.0, 8.0)
    debug: bool = False
    seconds: float = 20.0
    limit: float | None = None
    names: list = field(default_factory=lambda: ["a"])
    patterns: tuple = ("joint_dof_pos", "root_pos_z")


def test_tuples_arrive_as_tuples_however_written():
    env = Env()
    apply_overrides({"env": env}, ["env.ranges=(0.5,0.5)", "env.size=[10, 6]", "env.limit=null", "env.debug=true",
                                   "env.name=42"])
    assert env.ranges == (0.5, 0.5) and env.size == (10.0, 6.0) and isinstance(env.size[0], float)
    assert env.limit is None and env.debug is True and env.name == "42"
    apply_overrides({"env": env}, ["env.patterns=[joint_dof_pos,root_vel_*_b,left_*_link_pos_*_b]"])
    assert env.patterns == ("joint_dof_pos", "root_vel_*_b", "left_*_link_pos_*_b")  # names: any length


def test_values_are_parsed_and_typed():
    env = Env()
    rest = apply_overrides({"env": env}, ["env.rewards.feet_slide.weight=-1", "env.ranges=[-0.5,0.5]",
                                          "env.rewards.feet_air_time.params.std=2e-1", "physics=newton_mjwarp"])
    assert env.rewards.feet_slide.weight == -1.0 and isinstance(env.rewards.feet_slide.weight, float)
    assert env.ranges == (-0.5, 0.5) and env.rewards.feet_air_time.params["std"] == 0.2
    assert rest == ["physics=newton_mjwarp"]
    apply_overrides({"env": env}, ["env.name=[joint_dof_pos,*_ankle_roll_link_pos_*_b, 0.5]"])  # globs stay strings
    assert env.name == ["joint_dof_pos", "*_ankle_roll_link_pos_*_b", 0.5]


@pytest.mark.parametrize("override, message", [
    ("env.rewards.feet_slidee.weight=1", "env.rewards has no 'feet_slidee'; closest: env.rewards.feet_slide"),
    ("env.rewards.feet_slide.wieght=1", "closest: env.rewards.feet_slide.weight"),
    ("env.rewards.disabled.weight=1", "env.rewards.disabled is disabled (None)"),
    ("env.rewards.feet_slide.weight=abc", "expects a number"),
    ("env.rewards", "not of the form key=value"),
    ("env.ranges=(0.1,0.2,0.3)", "env.ranges expects 2 values, e.g. (0.0,1.0), got 3: (0.1,0.2,0.3)"),
    ("env.ranges=(0.1,fast)", "env.ranges expects numbers, e.g. (0.0,1.0); value 2 is 'fast'"),
    ("env.ranges=0.5", "env.ranges expects a tuple, e.g. (a,b) or [a,b], got 0.5"),
    ("env.debug=1", "env.debug expects true or false, got 1"),
    ("env.seconds=null", "env.seconds cannot be null; it expects a number, e.g. 20.0"),
    ("env.seconds=true", "env.seconds expects a number, got True"),
    ("env.names=a", "env.names expects a list, e.g. [a,b], got 'a'"),
])
def test_bad_overrides_name_the_problem(override, message):
    env = Env()
    with pytest.raises(OverrideError, match=re.escape(message)):
        apply_overrides({"env": env}, ["env.name=y", override])
    assert env == Env(), "one bad override and nothing is applied"


def test_terms_a_task_adds_after_construction_can_be_overridden_or_switched_off():
    """Tasks add terms in ``__post_init__`` (mimic's tracking rewards, critic terms): they are not dataclass fields,
    and are overridable like the others."""
    env = Env()
    env.rewards.track_root_pos_exp = Term(weight=2.0)
    env.rewards.extra_term = Term()
    apply_overrides({"env": env}, ["env.rewards.track_root_pos_exp.weight=0.5", "env.rewards.extra_term=null"])
    assert env.rewards.track_root_pos_exp.weight == 0.5 and env.rewards.extra_term is None
    with pytest.raises(OverrideError, match="closest: env.rewards.track_root_pos_exp"):
        apply_overrides({"env": env}, ["env.rewards.track_root_pos.weight=1"])
