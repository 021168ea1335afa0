"""Data-parallel attack loops: one shard of the images per device, through MirroredStrategy.

The robustness attacks (APGD, FAB, Square, AutoAttack) keep their per-image state in a
dict of tensors and advance it with a compiled *pure* step, ``state = step(state, *args)``.
A :class:`Runner` runs that step either on one device or, through
``tf.distribute.MirroredStrategy``, on every visible device at once, each on its own shard
of the rows. Nothing in a step mixes images, and every random number comes from a stream
per image (:mod:`interpret.attacks.noise`), so the answer does not depend on the split:
robust accuracy on two devices equals the single-device run's for the same seed.

``devices`` (the ``devices=`` parameter of the attacks):

* ``"auto"`` (default): the strategy already in scope if there is one, else every GPU when
  there are two or more, else every logical CPU when there are two or more (set with
  ``tf.config.set_logical_device_configuration`` before TensorFlow starts), else one device;
* ``"one"``: one device, no strategy;
* a ``tf.distribute.Strategy``: that one.

Example:
    >>> runner = make_runner("one")
    >>> runner.replicas, [p.tolist() for p in runner.split(3)]
    (1, [[0, 1, 2]])
    >>> double = runner.compile(lambda s, k: {"v": s["v"] * k})
    >>> state = runner.put([{"v": np.arange(3, dtype="float32")}])
    >>> runner.rows(double(state, tf.constant(2.0)))["v"].tolist()
    [0.0, 2.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from interpret.core.errors import UserError

DEVICE_CHOICES = ("auto", "one")


class Runner:
    """Runs compiled pure steps on the shards of a batch (one per replica).

    Example: see the module docstring.
    """

    def __init__(self, strategy: Any = None):
        self.strategy = strategy
        self.replicas = 1 if strategy is None else int(strategy.num_replicas_in_sync)

    @property
    def name(self) -> str:
        """How the run was placed, for sidecars: 'one device' or 'MirroredStrategy x2'."""
        if self.strategy is None:
            return "one device"
        return f"{type(self.strategy).__name__} x{self.replicas}"

    def split(self, n: int) -> list[np.ndarray]:
        """Row indices of ``n`` rows cut into one contiguous, balanced part per replica."""
        return [np.asarray(p, np.int64) for p in np.array_split(np.arange(n), self.replicas)]

    def compile(self, fn: Callable) -> Callable:
        """``fn(state, *args) -> state`` compiled once (per replica under a strategy)."""
        from interpret._tf import tf

        if self.strategy is None:
            return tf.function(fn, autograph=False, reduce_retracing=True)
        strategy = self.strategy

        def replicated(state: Any, *args: Any) -> Any:
            return strategy.run(fn, args=(state, *args))

        return tf.function(replicated, autograph=False, reduce_retracing=True)

    def put(self, parts: list[Any]) -> Any:
        """One dict of arrays (or one array) per replica -> the state on the devices."""
        from interpret._tf import tf

        def to_device(part: Any) -> Any:
            return tf.nest.map_structure(tf.constant, part)

        if self.strategy is None:
            (part,) = parts
            return to_device(part)
        return self.strategy.experimental_distribute_values_from_function(
            lambda ctx: to_device(parts[ctx.replica_id_in_sync_group])
        )

    def select(self, state: Any, keep: list[np.ndarray]) -> Any:
        """The state with only the rows ``keep`` (one boolean mask per replica) left."""
        from interpret._tf import tf

        if not hasattr(self, "_gather"):
            self._gather = self.compile(lambda s, idx: {k: tf.gather(v, idx) for k, v in s.items()})
        return self._gather(state, self.put([np.flatnonzero(m).astype(np.int32) for m in keep]))

    def local(self, value: Any) -> list[np.ndarray]:
        """One tensor of the state as NumPy, one array per replica."""
        if self.strategy is None:
            return [value.numpy()]
        return [v.numpy() for v in self.strategy.experimental_local_results(value)]

    def parts(self, state: Any, keys: list[str] | None = None) -> list[dict[str, np.ndarray]]:
        """The state (or some of its keys) as NumPy, one dict per replica."""
        keys = list(state) if keys is None else keys
        cols = {k: self.local(state[k]) for k in keys}
        return [{k: cols[k][r] for k in keys} for r in range(self.replicas)]

    def rows(self, state: Any, keys: list[str] | None = None) -> dict[str, np.ndarray]:
        """The state (or some of its keys) as NumPy with the replicas' rows concatenated."""
        keys = list(state) if keys is None else keys
        return {k: np.concatenate(self.local(state[k])) for k in keys}


_STRATEGIES: dict[tuple, Any] = {}


def visible_strategy() -> Any:
    """The strategy ``devices="auto"`` picks, or None for one device.

    Example:
        >>> visible_strategy() is None  # one CPU here
        True
    """
    from interpret._tf import tf

    if tf.distribute.has_strategy():
        return tf.distribute.get_strategy()
    for kind in ("GPU", "CPU"):
        found = [d.name for d in tf.config.list_logical_devices(kind)]
        if len(found) > 1:
            key = tuple(found)
            if key not in _STRATEGIES:  # one per device set: compiled steps are tied to it
                _STRATEGIES[key] = tf.distribute.MirroredStrategy(found)
            return _STRATEGIES[key]
        if found and kind == "GPU":
            return None
    return None


_RUNNERS: dict[int, Runner] = {}


def _runner(strategy: Any) -> Runner:
    """One runner per strategy (its compiled helpers are kept)."""
    key = id(strategy)
    if key not in _RUNNERS or _RUNNERS[key].strategy is not strategy:
        _RUNNERS[key] = Runner(strategy)
    return _RUNNERS[key]


def make_runner(devices: Any = "auto") -> Runner:
    """A :class:`Runner` for ``devices`` ("auto", "one" or a ``tf.distribute.Strategy``).

    Example:
        >>> make_runner("one").name
        'one device'
        >>> make_runner("all")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: unknown devices 'all' for devices=; give 'auto', 'one' or a tf.distribute.Strategy
    """
    if devices is None or (isinstance(devices, str) and devices.strip().lower() == "auto"):
        return _runner(visible_strategy())
    if isinstance(devices, str) and devices.strip().lower() == "one":
        return _runner(None)
    if hasattr(devices, "run") and hasattr(devices, "num_replicas_in_sync"):
        return _runner(devices)
    raise UserError(
        f"unknown devices {devices!r} for {{devices}}; give 'auto', 'one' or a tf.distribute.Strategy",
        "devices",
    )
