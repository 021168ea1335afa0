from __future__ import annotations

import numpy as np
import pytest

from interpret.attacks.distributed import make_runner
from interpret.attacks.plan import Plan


def test_plan_defaults_ids_and_builds_the_runner():
    plan = Plan.of(4, norm="l2", steps=5, restarts=2, seed=3, ids=None, devices="one")
    assert plan.ids.tolist() == [0, 1, 2, 3]
    assert (plan.norm, plan.steps, plan.restarts, plan.seed) == ("l2", 5, 2, 3)
    assert plan.runner.replicas == 1


def test_plan_keeps_given_ids_and_runner():
    runner = make_runner("one")
    plan = Plan.of(2, norm="linf", steps=1, restarts=1, seed=0, ids=[7, 9], devices=runner)
    assert plan.runner is runner and plan.ids.tolist() == [7, 9]
    with pytest.raises(Exception, match="unknown devices"):
        Plan.of(1, norm="linf", steps=1, restarts=1, seed=0, ids=None, devices="all")
    assert isinstance(plan.ids, np.ndarray)
