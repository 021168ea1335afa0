"""The epoch loop of adversarial training: compiled steps, robust accuracy per epoch, the guard, checkpoints.

Each epoch runs :class:`~interpret.zoo.adversarial.TrainStep` over the shuffled
(and, for CIFAR-10, augmented) training set, then measures clean accuracy on the
test set and PGD accuracy on its first ``eval_images`` images. With a guard
(:attr:`~interpret.zoo.adversarial.Adversarial.guard`) it also measures PGD accuracy
on a fixed batch of training images; when that falls by more than the guard in one
epoch (catastrophic overfitting), the weights from before the fall are restored and
training stops, as Wong et al. 2020 do.

With ``checkpoint`` (a directory) the weights, optimizer state, random generator
and history are saved after every epoch, and a run started again with the same
settings resumes after the last finished epoch.

Example:
    >>> from interpret.zoo.fit import fit
    >>> history = fit(probe, (x, y), (xt, yt), recipe, seed=0)  # doctest: +SKIP
    >>> history["val_robust_accuracy"][-1]  # doctest: +SKIP
    0.91
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from interpret.core.progress import ProgressSpec, advance
from interpret.zoo.adversarial import Adversarial, TrainStep, robust_accuracy

GUARD_IMAGES = 512
PER_EPOCH = (
    "loss", "accuracy", "val_accuracy", "val_robust_accuracy", "guard_accuracy", "eps", "seconds", "wall",
)  # fmt: skip


def make_optimizer(recipe: Any, steps: int) -> Any:
    """Adam with the recipe's peak learning rate: linear warm-up over ``recipe.warmup`` of the steps, then cosine decay.

    Example:
        >>> from interpret.zoo.recipes import RECIPES
        >>> round(float(make_optimizer(RECIPES["mnist-cnn"], 100).learning_rate), 6)
        0.001
    """
    from interpret._tf import keras

    warm = int(round(getattr(recipe, "warmup", 0.0) * steps))
    if warm:
        schedule = keras.optimizers.schedules.CosineDecay(
            0.0, max(1, steps - warm), warmup_target=recipe.learning_rate, warmup_steps=warm
        )
    else:
        schedule = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, steps)
    return keras.optimizers.Adam(schedule)


def _fingerprint(recipe: Any, adv: Adversarial | None, seed: int, n: int) -> str:
    text = json.dumps([asdict(recipe), adv and adv.to_dict(), seed, n], sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


class _Checkpoint:
    """Weights + optimizer + generator (tf.train.Checkpoint) and the history (JSON) in one directory."""

    def __init__(self, directory: str | Path | None, fingerprint: str, **objects: Any):
        from interpret._tf import tf

        self.dir = Path(directory) if directory else None
        self.fingerprint = fingerprint
        self.ckpt = tf.train.Checkpoint(**objects)

    def restore(self) -> dict | None:
        """The saved history when a checkpoint of the same settings exists (state restored), else None."""
        if self.dir is None or not (self.dir / "history.json").is_file():
            return None
        saved = json.loads((self.dir / "history.json").read_text())
        prefix = self.dir / str(saved.get("prefix", ""))
        if (
            saved.get("fingerprint") != self.fingerprint
            or not prefix.with_suffix(".index").is_file()
        ):
            return None
        self.ckpt.restore(str(prefix)).expect_partial()
        return {k: v for k, v in saved.items() if k not in ("fingerprint", "prefix")}

    def save(self, history: dict) -> None:
        from interpret.gallery.store import atomic_write_json

        if self.dir is None:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        name = f"epoch-{len(history['loss'])}"
        self.ckpt.write(str(self.dir / name))
        meta = {**history, "fingerprint": self.fingerprint, "prefix": name}
        atomic_write_json(self.dir / "history.json", meta)
        for old in self.dir.glob("epoch-*"):
            if not old.name.startswith(name + "."):
                old.unlink(missing_ok=True)


def fit(
    probe: Any,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    recipe: Any,
    *,
    seed: int = 0,
    checkpoint: str | Path | None = None,
    progress: ProgressSpec = None,
    log: Callable[[str], None] | None = None,
    callbacks: list | None = None,
) -> dict:
    """Train ``probe.model`` in place with ``recipe`` (its ``adversarial`` settings, if any); return the history.

    ``train``/``test`` are (images, labels), uint8 or float [0, 1]. The history has
    one value per epoch for each of :data:`PER_EPOCH` (``accuracy`` on the batches
    the weights saw, ``val_accuracy`` clean on the test set, ``val_robust_accuracy``
    under PGD on its first ``recipe.eval_images``), plus ``guard`` (None, or where
    the guard stopped training), ``resumed_from``, ``train_seconds`` (the training
    steps) and ``fit_seconds`` (steps and per-epoch measurements), both summed over
    every epoch run, including those before a resume. ``callbacks`` are Keras callbacks,
    told of the start and end of training and of every epoch (with that epoch's row).

    Example: see the module docstring.
    """
    from interpret._fast import precision as precision_lib
    from interpret.zoo.train import make_dataset

    adv = recipe.adversarial.checked() if recipe.adversarial else None
    x, y = train
    per_epoch = int(np.ceil(len(x) / recipe.batch_size))
    optimizer = make_optimizer(recipe, recipe.epochs * per_epoch)
    step = TrainStep(probe, optimizer, adv, seed=seed)
    saver = _Checkpoint(checkpoint, _fingerprint(recipe, adv, seed, len(x)), model=probe.model,
                        optimizer=optimizer, generator=step.generator)  # fmt: skip
    optimizer.build(probe.model.trainable_variables)
    history = saver.restore() or {k: [] for k in PER_EPOCH}
    start = len(history["loss"])
    history.update(resumed_from=start or None, guard=history.get("guard"))
    guard_x, guard_y = _as_float(x[:GUARD_IMAGES]), np.asarray(y[:GUARD_IMAGES])
    previous = probe.model.get_weights()
    say = log or (lambda s: None)
    hooks = _callbacks(callbacks, probe.model, recipe.epochs)
    hooks.on_train_begin()
    with (
        precision_lib.compute(recipe.precision),
        advance(progress, (recipe.epochs - start) * per_epoch, f"training {probe.name}") as tick,
    ):
        for epoch in range(start, recipe.epochs):
            if history.get("guard"):
                break
            began = time.perf_counter()
            ds = make_dataset(x, y, recipe, seed * 1000 + epoch, training=True)
            loss, acc, seconds, eps = _epoch(step, ds, adv, epoch, per_epoch, tick)
            row = _measure(probe, test, (guard_x, guard_y), adv, recipe, seed)
            wall = round(time.perf_counter() - began, 1)
            row.update(loss=loss, accuracy=acc, eps=eps, seconds=seconds, wall=wall)
            for k in PER_EPOCH:
                history[k].append(row[k])
            say(_line(epoch, recipe.epochs, row))
            if _collapsed(adv, history):
                probe.model.set_weights(previous)
                history["guard"] = {"epoch": epoch + 1, "kept_epoch": epoch, "drop": _drop(history)}
                say(
                    f"guard: robust accuracy fell by {_drop(history):.2f}; keeping epoch {epoch}'s weights"
                )
            else:
                previous = probe.model.get_weights()
            saver.save(history)
            hooks.on_epoch_end(epoch, {k: v for k, v in row.items() if v is not None})
    hooks.on_train_end()
    history["train_seconds"] = round(float(sum(history["seconds"])), 1)
    history["fit_seconds"] = round(float(sum(history["wall"])), 1)
    return history


def _callbacks(callbacks: list | None, model: Any, epochs: int) -> Any:
    from interpret._tf import keras

    return keras.callbacks.CallbackList(list(callbacks or []), model=model, epochs=epochs)


def _as_float(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)


def _epoch(step: TrainStep, ds: Any, adv: Adversarial | None, epoch: int, per_epoch: int,
           tick: Any) -> tuple[float, float, float, float]:  # fmt: skip
    """One pass over ``ds``: (mean loss, mean accuracy, seconds, eps at the end)."""
    losses, accs, eps = [], [], 0.0
    started = time.perf_counter()
    for i, (xb, yb) in enumerate(ds):
        eps = adv.eps_at(epoch + (i + 1) / per_epoch) if adv else 0.0
        loss, acc = step(xb, yb, eps)
        losses.append(loss)
        accs.append(acc)
        tick(1)
    seconds = time.perf_counter() - started
    return float(np.mean(losses)), float(np.mean(accs)), round(seconds, 2), float(eps)


def _measure(probe: Any, test: tuple, guard: tuple, adv: Adversarial | None, recipe: Any,
             seed: int) -> dict:  # fmt: skip
    """Clean test accuracy; PGD accuracy on the first test images and on the guard batch."""
    xt, yt = test
    logits = probe.predict(_as_float(xt), batch_size=500)
    row = {"val_accuracy": float(np.mean(logits.argmax(1) == np.asarray(yt).reshape(-1)))}
    row["val_robust_accuracy"] = row["guard_accuracy"] = None
    if adv is None:
        return row
    n = recipe.eval_images
    settings = {"eps": adv.eps, "steps": recipe.eval_steps, "step_size": adv.eps / 4, "seed": seed,
                "norm": adv.norm}  # fmt: skip
    row["val_robust_accuracy"] = robust_accuracy(probe, _as_float(xt[:n]), yt[:n], **settings)[1]
    if adv.guard is not None:
        row["guard_accuracy"] = robust_accuracy(probe, guard[0], guard[1], **settings)[1]
    return row


def _drop(history: dict) -> float:
    g = history["guard_accuracy"]
    return float(g[-2] - g[-1]) if len(g) >= 2 and None not in g[-2:] else 0.0


def _collapsed(adv: Adversarial | None, history: dict) -> bool:
    return bool(adv and adv.guard is not None and _drop(history) > adv.guard)


def _line(epoch: int, epochs: int, row: dict) -> str:
    text = (
        f"epoch {epoch + 1}/{epochs}: loss {row['loss']:.4f}, train acc {row['accuracy']:.4f}, "
        f"test acc {row['val_accuracy']:.4f}"
    )
    if row["val_robust_accuracy"] is not None:
        text += f", PGD acc {row['val_robust_accuracy']:.4f} (eps {row['eps']:.4f})"
    if row["guard_accuracy"] is not None:
        text += f", guard {row['guard_accuracy']:.4f}"
    return text + f", {row['seconds']:.0f}s"
