"""How an iterative attack searches a batch: its norm and budget, the images' streams, devices.

APGD's and FAB's outer loops (one run per target list and restart, each on the images
not yet fooled) read the same six settings; a :class:`Plan` carries them, built once
from an attack's public keywords.

Example:
    >>> plan = Plan.of(3, norm="linf", steps=10, restarts=2, seed=0, ids=None, devices="one")
    >>> plan.ids.tolist(), plan.runner.name
    ([0, 1, 2], 'one device')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from interpret.attacks.distributed import Runner, make_runner


@dataclass(frozen=True)
class Plan:
    """``norm``, ``steps``, ``restarts``, ``seed``; ``ids``: the images' places in the whole
    evaluation (their random streams); ``runner``: the devices (:mod:`.distributed`)."""

    norm: str
    steps: int
    restarts: int
    seed: int
    ids: np.ndarray
    runner: Runner

    @classmethod
    def of(
        cls, n: int, *, norm: str, steps: int, restarts: int, seed: int, ids: Any, devices: Any
    ) -> Plan:
        """The plan for ``n`` images; ``ids`` None: ``0..n-1``; ``devices``: a Runner or its spec."""
        runner = devices if isinstance(devices, Runner) else make_runner(devices)
        ids = np.arange(n) if ids is None else np.asarray(ids)
        return cls(norm, int(steps), int(restarts), int(seed), ids, runner)
