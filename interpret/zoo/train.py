"""Train a zoo model (or your own Keras model) and describe the result in a card.

Standard zoo recipes train with ``model.fit``; adversarial training (a robust zoo
recipe, or ``adversarial=`` on any model) and a user's own model train with the
custom loop of :mod:`interpret.zoo.fit`, whose card adds the adversarial settings,
the robust accuracy of each epoch and the final robust accuracy on the whole test set.

Example:
    >>> from interpret.zoo.train import train
    >>> model, card = train("mnist-mlp", epochs=1)  # the full set: INTERPRET_DATA_DIR or a download  # doctest: +SKIP
    >>> round(card["test_accuracy"], 2)  # doctest: +SKIP
    0.96
    >>> model, card = train("mnist-cnn", adversarial="fgsm-rs", eps=0.3)  # doctest: +SKIP
    >>> card["robust_accuracy"]["value"]  # doctest: +SKIP
    0.89
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from interpret._fast import precision as precision_lib
from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec
from interpret.core.updates import NORM_NAMES
from interpret.gallery.store import Gallery
from interpret.zoo.adversarial import Adversarial
from interpret.zoo.recipes import RECIPES, Recipe


def _augment_fn(tf: Any, shape: tuple[int, int, int]):
    """Random horizontal flip and a shift of up to 4 pixels (pad 4, random crop)."""

    def augment(x, y):
        x = tf.image.random_flip_left_right(x)
        x = tf.image.pad_to_bounding_box(x, 4, 4, shape[0] + 8, shape[1] + 8)
        x = tf.image.random_crop(x, shape)
        return x, y

    return augment


def make_dataset(x: np.ndarray, y: np.ndarray, recipe: Recipe, seed: int, training: bool) -> Any:
    """A ``tf.data`` pipeline of float images in [0, 1], shuffled and augmented when training.

    Example:
        >>> from interpret.data.datasets import split_sample
        >>> data = split_sample("mnist")
        >>> ds = make_dataset(data.x_train, data.y_train, RECIPES["mnist-cnn"], seed=0, training=True)
        >>> x, y = next(iter(ds))
        >>> x.shape, x.dtype.name, float(x.numpy().max()) <= 1.0
        (TensorShape([128, 28, 28, 1]), 'float32', True)
    """
    from interpret._tf import tf

    ds = tf.data.Dataset.from_tensor_slices((x, np.asarray(y).reshape(-1).astype("int32")))
    scale = 1 / 255.0 if np.asarray(x).dtype == np.uint8 else 1.0  # float images are in [0, 1]
    ds = ds.map(lambda a, b: (tf.cast(a, tf.float32) * scale, b))
    if training:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        if recipe.augment:
            ds = ds.map(_augment_fn(tf, x.shape[1:]), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(recipe.batch_size).prefetch(tf.data.AUTOTUNE)


def evaluate(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int = 500) -> float:
    """Top-1 accuracy of a logits model on uint8 (or float [0, 1]) images.

    Example:
        >>> from interpret import zoo
        >>> from interpret.data.datasets import sample
        >>> ds = sample("mnist")
        >>> evaluate(zoo.load("mnist-cnn"), ds.x_test, ds.y_test)
        0.994
    """
    x = x.astype("float32") / 255.0 if x.dtype == np.uint8 else x.astype("float32")
    logits = model.predict(x, batch_size=batch_size, verbose=0)
    return float(np.mean(np.argmax(logits, axis=1) == y.reshape(-1)))


@dataclass(frozen=True)
class Plan:
    """A checked training request: what is trained, with which recipe, under which name."""

    name: str
    recipe: Recipe
    zoo_name: str | None  # a zoo architecture to build, or None for the user's own model
    model: Any = None  # the user's own Keras model
    data: Any = None  # a Dataset, or None: load recipe.dataset


def plan(
    model: Any,
    data: Any = None,
    *,
    adversarial: str | Adversarial | None = None,
    eps: float | None = None,
    beta: float | None = None,
    attack_steps: int | None = None,
    step_size: float | None = None,
    eps_warmup: float | None = None,
    norm: str | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    precision: str | None = None,
    limit: int | None = None,
) -> Plan:
    """Check every training option before any work; returns the :class:`Plan`.

    Example:
        >>> plan("mnist-cnn", adversarial="pgd", eps=0.3).name
        'mnist-cnn-pgd'
        >>> plan("mnist-cnn", adversarial="free", eps=0.3)
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: unknown adversarial training method 'free' for adversarial=; choose one of: fgsm-rs, pgd, trades
    """
    from interpret.core import checks

    zoo_name = model if isinstance(model, str) and model in RECIPES else None
    if isinstance(model, str) and zoo_name is None and not Path(model).suffix:
        raise UserError(f"unknown zoo model {model!r}; trainable models: {', '.join(RECIPES)}")
    recipe = RECIPES[zoo_name] if zoo_name else Recipe(dataset="", epochs=10, batch_size=128)
    changes: dict[str, Any] = {}
    if epochs is not None:
        changes["epochs"] = checks.positive_int(epochs, "epochs")
    if batch_size is not None:
        changes["batch_size"] = checks.positive_int(batch_size, "batch_size")
    if learning_rate is not None:
        changes["learning_rate"] = checks.positive(learning_rate, "learning_rate")
    if precision is not None:
        changes["precision"] = precision_lib.resolve(precision)
    elif recipe.precision == "bfloat16" and not precision_lib.bfloat16_supported():
        changes["precision"] = "float32"  # the recipe's bfloat16 needs hardware this CPU lacks
    name = zoo_name or Path(str(getattr(model, "name", model))).stem
    asked = {"beta": beta, "attack_steps": attack_steps, "step_size": step_size,
             "eps_warmup": eps_warmup, "norm": norm}  # fmt: skip
    adv = _adversarial(adversarial, eps, asked, recipe.adversarial)
    if adv is not None:
        changes["adversarial"] = adv
        if adv != (recipe.adversarial and recipe.adversarial.checked()) and zoo_name:
            suffix = f"-{adv.method}" + ("-l2" if adv.norm == "l2" else "")
            name = zoo_name if recipe.adversarial else zoo_name + suffix
    if limit is not None:
        checks.positive_int(limit, "limit")
    if zoo_name is None and data is None:
        raise UserError(
            "training your own model needs {data} (mnist, cifar10, your .npz or class folders, "
            "or arrays)",
            "data",
        )
    return Plan(name, replace(recipe, **changes), zoo_name, None if zoo_name else model, data)


def _adversarial(
    method: Any, eps: Any, asked: dict[str, Any], default: Adversarial | None
) -> Adversarial | None:
    """The adversarial settings asked for (a method name, its eps and options), checked.

    ``asked``: :class:`Adversarial`'s options, None where not given (the recipe's or the
    method's default then).
    """
    from interpret.core import checks

    options, step_size = dict(asked), asked["step_size"]
    if method is None:
        given = [k for k, v in {"eps": eps, **options}.items() if v is not None]
        if default is None:
            if given:
                raise UserError(f"{{{given[0]}}} needs {{adversarial}}", given[0], "adversarial")
            return None
        base = default.checked()
        scale = 1.0 if eps is None else checks.positive(eps, "eps") / base.eps  # step/eps is kept
        method, eps = base.method, base.eps if eps is None else eps
        if step_size is None and default.step_size is not None:
            options["step_size"] = default.step_size * scale
        options = {k: getattr(default, k) if v is None else v for k, v in options.items()}
        options["guard"] = default.guard
    if isinstance(method, Adversarial):
        return method.checked()
    if eps is None and default is not None:
        eps = default.eps
    if eps is None:
        raise UserError(
            "adversarial training needs {eps} (the budget: in (0, 1] for Linf, > 0 for L2)", "eps"
        )
    given = {k: v for k, v in options.items() if v is not None}  # None: the default
    return Adversarial(str(method), eps, **given).checked()


def _dataset(p: Plan, shape: tuple) -> Any:
    """The plan's data as a Dataset (loading a named one; a person's own fitted to ``shape``)."""
    from interpret.data import datasets as data

    if p.data is None:
        return data.load(p.recipe.dataset)
    if isinstance(p.data, data.Dataset):
        return p.data
    if isinstance(p.data, str) and p.data in data.names():
        return data.load(p.data)
    if isinstance(p.data, (str, Path)):
        return own_dataset(p.data, shape)
    try:
        (x_train, y_train), (x_test, y_test) = p.data
    except (TypeError, ValueError):
        raise UserError(
            "give {data} as mnist, cifar10, an .npz file, a folder of class folders, a "
            "Dataset or ((x_train, y_train), (x_test, y_test))",
            "data",
        ) from None
    n = int(np.max(y_train)) + 1
    return data.Dataset("custom", np.asarray(x_train), np.asarray(y_train).reshape(-1),
                        np.asarray(x_test), np.asarray(y_test).reshape(-1),
                        tuple(str(i) for i in range(n)), "arrays")  # fmt: skip


HOLD_OUT = 5  # own data without a split: every 5th image is a test image


def own_dataset(spec: str | Path, shape: tuple) -> Any:
    """A person's own .npz or class folders as a train/test Dataset, fitted to ``shape``.

    An .npz with ``x_train``, ``y_train``, ``x_test``, ``y_test`` keeps its split; any
    other form (an .npz with ``x``, ``y``, a folder of class folders, read round-robin
    over the classes) holds out every 5th image for testing.

    Example:
        >>> ds = own_dataset("pets/", (32, 32, 3))  # doctest: +SKIP
        >>> ds.source  # doctest: +SKIP
        'folder pets/: 2 classes, 500 images; test: every 5th image (100)'
    """
    from interpret.data import datasets as data
    from interpret.data.user import load_user_data

    keys = ("x_train", "y_train", "x_test", "y_test")
    if str(spec).endswith(".npz") and Path(spec).is_file():
        with np.load(spec) as f:
            split = all(k in f.files for k in keys) and [f[k] for k in keys]
        if split:
            train = load_user_data((split[0], split[1]), shape, labels=True)
            test = load_user_data((split[2], split[3]), shape, labels=True)
            names = tuple(str(i) for i in range(int(max(train.y.max(), test.y.max())) + 1))
            source = f"{Path(spec).name}: x_train ({len(train)}), x_test ({len(test)})"
            return data.Dataset(Path(spec).stem, train.x, train.y, test.x, test.y, names, source)
    own = load_user_data(spec, shape, labels=True)
    test = np.arange(len(own)) % HOLD_OUT == HOLD_OUT - 1
    if test.sum() < 1 or (~test).sum() < 1:
        raise UserError(
            f"{{data}} {spec} has {len(own)} images; training holds out every {HOLD_OUT}th for "
            f"testing, so give at least {HOLD_OUT}",
            "data",
        )
    source = f"{own.source}; test: every {HOLD_OUT}th image ({int(test.sum())})"
    names = own.class_names or tuple(str(i) for i in range(int(own.y.max()) + 1))
    return data.Dataset(
        own.name, own.x[~test], own.y[~test], own.x[test], own.y[test], tuple(names), source
    )


def train(
    model: Any,
    data: Any = None,
    *,
    epochs: int | None = None,
    seed: int = 0,
    verbose: int | str = "auto",
    limit: int | None = None,
    dataset: Any = None,
    checkpoint: str | Path | None = None,
    progress: ProgressSpec = None,
    callbacks: list | None = None,
    **options: Any,
) -> tuple[Any, dict]:
    """Train zoo model ``model`` with its recipe (or your own Keras model on ``data``); return it and its card.

    ``epochs`` overrides the recipe; ``limit`` trains on the first N training
    images only (for quick checks); ``dataset`` trains on a given
    :class:`~interpret.data.datasets.Dataset` instead of loading the real one.
    ``options`` are those of :func:`plan`: ``adversarial`` (``fgsm-rs``, ``pgd``,
    ``trades``) with ``eps``, ``beta``, ``attack_steps``, ``step_size``, ``eps_warmup``, ``norm``
    (``linf``, the default, or ``l2``); ``batch_size``,
    ``learning_rate``, ``precision``. ``checkpoint`` (a directory) lets an
    interrupted adversarial run resume. ``callbacks`` are Keras callbacks (e.g.
    :mod:`interpret.callbacks`), called after every epoch of either loop. The card
    holds test and train accuracy, the per-epoch history, epochs, seed, data source and
    seconds (and, when adversarial, the settings and the robust accuracy).

    Example:
        >>> from interpret.data.datasets import split_sample
        >>> model, card = train("mnist-mlp", epochs=1, dataset=split_sample("mnist"), verbose=0)
        >>> card["train_images"], card["data_source"], list(card["history"])[:2]
        (400, 'bundled sample split 400/100', ['accuracy', 'loss'])
    """
    p = plan(model, dataset if data is None else data, epochs=epochs, limit=limit, **options)
    from interpret._tf import keras
    from interpret.zoo.architectures import build

    keras.utils.set_random_seed(seed)
    net = build(p.zoo_name) if p.zoo_name else _own_model(p.model)
    ds = _dataset(p, tuple(int(d) for d in net.input_shape[1:]))
    x_train, y_train = ds.x_train[:limit], ds.y_train[:limit]
    start = time.perf_counter()
    if p.recipe.adversarial is None and p.zoo_name:
        history = _keras_fit(net, p.recipe, ds, (x_train, y_train), seed, verbose, callbacks)
        extra: dict[str, Any] = {}
    else:
        history, extra = _custom_fit(
            p, net, ds, (x_train, y_train), seed, verbose, checkpoint, progress, callbacks
        )
    seconds = time.perf_counter() - start
    return net, _card(p, net, ds, (x_train, y_train), seed, history, seconds, extra)


def _own_model(model: Any) -> Any:
    from interpret.core.models import resolve

    return resolve(model).model


def _keras_fit(net: Any, recipe: Recipe, ds: Any, train_xy: tuple, seed: int, verbose: Any,
               callbacks: list | None) -> dict:  # fmt: skip
    """Standard training of a zoo recipe with ``model.fit`` (how the shipped weights were made)."""
    from interpret._tf import keras

    x, y = train_xy
    steps = recipe.epochs * int(np.ceil(len(x) / recipe.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(recipe.learning_rate, steps)
    net.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = net.fit(
        make_dataset(x, y, recipe, seed, training=True),
        validation_data=make_dataset(ds.x_test, ds.y_test, recipe, seed, training=False),
        epochs=recipe.epochs,
        verbose=verbose,
        callbacks=list(callbacks or []),
    )
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


def _custom_fit(p: Plan, net: Any, ds: Any, train_xy: tuple, seed: int, verbose: Any,
                checkpoint: Any, progress: ProgressSpec, callbacks: list | None) -> tuple[dict, dict]:  # fmt: skip
    """Adversarial (or own-model) training with the loop of :mod:`interpret.zoo.fit`, then the final PGD."""
    from interpret.core.probe import Probe
    from interpret.zoo.adversarial import robust_accuracy
    from interpret.zoo.fit import fit

    probe = Probe(net, name=p.name, class_names=ds.class_names)
    log = (lambda line: print(line, flush=True)) if verbose else None
    history = fit(probe, train_xy, (ds.x_test, ds.y_test), p.recipe, seed=seed,
                  checkpoint=checkpoint, progress=progress, log=log, callbacks=callbacks)  # fmt: skip
    extra: dict[str, Any] = {"train_seconds": history.pop("train_seconds"),
                             "fit_seconds": history.pop("fit_seconds"),
                             "guard": history.pop("guard"), "resumed_from": history.pop("resumed_from")}  # fmt: skip
    adv = p.recipe.adversarial
    if adv is None:
        return history, extra
    steps, step = p.recipe.robust_eval or (20, adv.eps / 4)
    began = time.perf_counter()
    x = ds.x_test.astype(np.float32) / 255 if ds.x_test.dtype == np.uint8 else ds.x_test
    clean, robust = robust_accuracy(probe, x, ds.y_test, eps=adv.eps, steps=steps,
                                    step_size=step, seed=seed, norm=adv.norm)  # fmt: skip
    extra["robust_accuracy"] = {
        "value": robust, "clean": clean, "attack": "pgd", "norm": adv.norm, "eps": adv.eps,
        "steps": steps, "step_size": step, "random_start": True, "images": int(len(x)),
        "seconds": round(time.perf_counter() - began, 1),
    }  # fmt: skip
    if log:
        log(
            f"final: clean {clean:.4f}, PGD-{steps} ({NORM_NAMES[adv.norm]} eps {adv.eps:.4f}, "
            f"step {step:.4f}) {robust:.4f}"
        )
    return history, extra


def _card(p: Plan, net: Any, ds: Any, train_xy: tuple, seed: int, history: dict,
          seconds: float, extra: dict) -> dict:  # fmt: skip
    from interpret._tf import keras
    from interpret.core.probe import Probe
    from interpret.data.datasets import names as data_names

    probe = Probe(net, name=p.name)
    x_train, y_train = train_xy
    x_test = ds.x_test.astype(np.float32) / 255 if ds.x_test.dtype == np.uint8 else ds.x_test
    x_tr = x_train.astype(np.float32) / 255 if x_train.dtype == np.uint8 else x_train
    card = {
        "model": p.name,
        "description": p.recipe.description,
        "dataset": p.recipe.dataset or (ds.name if ds.name in data_names() else None),
        "data_source": ds.source,
        "class_names": list(ds.class_names),
        "input_range": [0.0, 1.0] if p.zoo_name else list(probe.input_range),
        "params": int(net.count_params()),
        "recipe": p.recipe.to_dict(),
        "epochs": p.recipe.epochs,
        "seed": seed,
        "train_images": int(len(x_train)),
        "test_accuracy": _accuracy(probe, x_test, ds.y_test),
        "train_accuracy": _accuracy(probe, x_tr, y_train),
        "target_accuracy": p.recipe.target_accuracy,
        "history": history,
        "seconds": round(extra.get("fit_seconds", seconds), 1),
        "keras_version": keras.__version__,
    }
    if p.recipe.adversarial is not None:
        card["adversarial"] = p.recipe.adversarial.to_dict()
        card["twin"] = p.recipe.twin or p.zoo_name
    card.update({k: v for k, v in extra.items() if k != "fit_seconds"})
    if ds.name == "cifar10":
        card["data_note"] = CIFAR_NOTE
    return card


CIFAR_NOTE = "this CIFAR-10 copy went through JPEG compression once; the original data gives a few points more"


def _accuracy(probe: Any, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(probe.predict(x, batch_size=500).argmax(1) == np.asarray(y).reshape(-1)))


def first_test_images(name: str, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` test images of zoo model ``name``'s data set (uint8) and their labels.

    The full test set when it can be had, else the bundled sample (works offline).

    Example:
        >>> x, y = first_test_images("mnist-cnn", 20)
        >>> x.shape, y.shape
        ((20, 28, 28, 1), (20,))
    """
    from interpret.data import datasets as data

    if name not in RECIPES:
        raise UserError(f"unknown zoo model {name!r}; trainable models: {', '.join(RECIPES)}")
    x, y = data.load_test_images(RECIPES[name].dataset).split("test")
    return x[:n], y[:n]


def train_model(
    model: Any,
    data: Any = None,
    *,
    epochs: int | None = None,
    seed: int = 0,
    limit: int | None = None,
    dataset: Any = None,
    out: str | None = None,
    install: bool = False,
    gallery: str | Gallery | None = None,
    verbose: int | str = "auto",
    checkpoint: str | Path | None = None,
    progress: ProgressSpec = None,
    callbacks: list | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Train zoo model ``model`` (or your own Keras model on ``data``); save the .keras file, its card and curves.

    Returns ``{"model", "card", "paths"}``. ``install=True`` also replaces the zoo's
    shipped weights. ``options``: ``adversarial="fgsm-rs"|"pgd"|"trades"`` with
    ``eps`` (and ``beta``, ``attack_steps``, ``step_size``, ``eps_warmup``), ``batch_size``,
    ``learning_rate``, ``precision`` (see :func:`plan`). An adversarial run keeps a
    checkpoint beside its output (``checkpoint`` to choose where) and resumes from
    it when started again with the same settings.

    Example:
        >>> from interpret.data.datasets import split_sample
        >>> res = train_model(  # trains a model, like train() above: seconds  # doctest: +SKIP
        ...     "mnist-mlp", epochs=1, dataset=split_sample("mnist"), gallery="/tmp/demo-gallery", verbose=0
        ... )
        >>> [p.name for p in res["paths"]]  # doctest: +SKIP
        ['mnist-mlp.keras', 'mnist-mlp.json', 'training-curves.png']
        >>> res = train_model(my_keras_model, "mnist", adversarial="fgsm-rs", eps=0.3)  # doctest: +SKIP
    """
    from interpret import zoo
    from interpret.gallery.plots import plot_history
    from interpret.gallery.store import atomic_write_json

    p = plan(model, dataset if data is None else data, epochs=epochs, limit=limit, **options)
    if install and (p.zoo_name is None or p.name != p.zoo_name):
        raise UserError(
            f"{{install}} replaces a zoo model's weights; {p.name} is not one (train a robust "
            "zoo model under its own name, e.g. mnist-cnn-robust)",
            "install",
        )
    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    target = Path(out) if out else g.root / p.name / "train" / f"{p.name}.keras"
    if checkpoint is None and p.recipe.adversarial is not None:
        checkpoint = target.with_name(f"{target.stem}.checkpoint")
    net, card = train(model, data, epochs=epochs, seed=seed, verbose=verbose, limit=limit,
                      dataset=dataset, checkpoint=checkpoint, progress=progress,
                      callbacks=callbacks, **options)  # fmt: skip
    zoo.save_model(net, target)
    card_file = atomic_write_json(target.with_suffix(".json"), card)
    title = f"{p.name}: test accuracy {card['test_accuracy']:.4f}"
    if "robust_accuracy" in card:
        r = card["robust_accuracy"]
        title += f", PGD-{r['steps']} accuracy {r['value']:.4f} at eps {r['eps']:.3g}"
    figures = {k: card[k] for k in ("test_accuracy", "train_accuracy", "seconds")}
    if "robust_accuracy" in card:
        figures["robust_accuracy"] = card["robust_accuracy"]["value"]
    curves = g.save_figure(
        plot_history(card["history"], title=title),
        model=p.name,
        technique="train",
        name="training-curves",
        meta={"seed": seed, "parameters": card["recipe"], "figures": figures},
    )
    paths = [target, card_file, curves.png]
    if install:
        paths.append(zoo.install(p.name, net, card))
    return {"model": net, "card": card, "paths": paths}
