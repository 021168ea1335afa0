"""Sanity checks for attribution maps (Adebayo et al. 2018): do the maps depend on the model?

A map that explains a model must change when the model does. Adebayo et al. showed
that some popular methods (Guided Backprop, Guided Grad-CAM) give nearly the same
maps for a trained network and for one whose weights are random: they show the
image more than the model. The checks here:

* **Cascading randomisation**: re-initialise the layers with weights one after another
  from the top (logits) down, each with its own initializer (``kernel_initializer``,
  ``bias_initializer``, BatchNorm's ``gamma_initializer``... seeded), recomputing the
  maps after each; a faithful method's maps lose their resemblance quickly.
* **Independent randomisation**: re-initialise one layer at a time, the others trained.
* **Random logit**: the map for the true class against the map for a random other class.

Everything runs on one copy of the model (the user's model is never touched): its
layers' variables are overwritten in place for each stage, so every method's compiled
functions are traced once and reused for every stage. The same random weights are used
for a layer in both modes.

Similarity of each randomised map to the trained model's, per image, as in the paper:
Spearman rank correlation of the absolute values and of the signed values, SSIM, and
the Pearson correlation of the two maps' histograms of oriented gradients (HOG). SSIM
and HOG see the maps as the figures show them: absolute value, divided by the 99th
percentile, clipped to [0, 1].

**Chance level.** Maps of one method resemble each other whatever the image: with
unpadded convolutions the border pixels get small gradients in every map, and on
MNIST's black background a map multiplied by the input is zero on the same pixels.
So each similarity has a chance level: the same measure between the trained model's
maps of two *different* images (each image paired with the next). The corrected
similarity ``(s - chance) / (1 - chance)`` is 1 for identical maps and 0 for maps no more
alike than those of unrelated images.

**Pass rule.** A method passes when, once the top layers are randomised -- every layer
with weights above the model's first (input-side) one: the classifier and every feature
layer but the first --, the chance-corrected rank correlation of the absolute maps with
the trained model's is below :data:`THRESHOLD` = 0.3. Why that stage: nothing the model
learned survives it but its first filter bank (generic edge detectors), so what a map
still shares with the trained model's there comes from the image and those edges, not
from what the model learned. Why 0.3: it is the usual bound between a weak and a
moderate correlation, and the bar this project's issue sets for "lost its similarity";
a map may keep a weak resemblance, no more. Why corrected: uncorrected, the border
prior alone keeps the gradient's rank correlation near 0.7 on cifar10-cnn for a fully
random model -- and for two different images. The uncorrected curves are reported too.

Example:
    >>> from interpret.attributions.sanity import ssim, rank_correlation
    >>> a = np.random.default_rng(0).random((2, 16, 16))
    >>> rank_correlation(a, a).round(3).tolist(), ssim(a, a).round(3).tolist()
    ([1.0, 1.0], [1.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from interpret.attributions.metrics import correlate
from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec, advance

MEASURES = ("spearman-abs", "spearman", "ssim", "hog")
MEASURE_TITLES = {
    "spearman-abs": "Spearman (absolute)",
    "spearman": "Spearman (signed)",
    "ssim": "SSIM",
    "hog": "HOG similarity",
}
MODES = ("cascading", "independent")
TRAINED = "trained"
THRESHOLD = 0.3
PASS_MEASURE = "spearman-abs"
MIN_IMAGES = 2  # the chance level pairs each image with another

MapsFn = Callable[[Any, np.ndarray, np.ndarray, str], np.ndarray]


# ---- similarity ------------------------------------------------------------------------------


def rank_correlation(a: np.ndarray, b: np.ndarray, absolute: bool = True) -> np.ndarray:
    """(N,) Spearman rank correlation of two stacks of maps (of their absolute values by default).

    Example:
        >>> a = np.array([[[1.0, -2.0], [3.0, 0.5]]])
        >>> rank_correlation(a, -a).tolist(), rank_correlation(a, -a, absolute=False).tolist()
        ([1.0], [-1.0])
    """
    f = np.abs if absolute else np.asarray
    return correlate(f(a).reshape(len(a), -1), f(b).reshape(len(b), -1), "spearman")


def visual(maps: np.ndarray) -> np.ndarray:
    """Maps as figures show them: |map| divided by its 99th percentile, clipped to [0, 1].

    Example:
        >>> float(visual(np.array([[[0.0, -4.0], [2.0, 1.0]]])).max())
        1.0
    """
    m = np.abs(np.asarray(maps, np.float32))
    top = np.percentile(m.reshape(len(m), -1), 99, axis=1)[:, None, None]
    return np.clip(m / np.where(top > 0, top, 1.0), 0.0, 1.0)


def ssim(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N,) structural similarity of the two stacks as :func:`visual` shows them.

    TensorFlow's SSIM (Gaussian window 11, sigma 1.5; smaller for maps under 11 pixels).

    Example: see the module docstring.
    """
    from interpret._tf import tf

    va, vb = visual(a)[..., None], visual(b)[..., None]
    size = min(11, a.shape[1], a.shape[2])
    size -= 1 - size % 2
    return tf.image.ssim(va, vb, max_val=1.0, filter_size=size, filter_sigma=1.5).numpy()


def hog(images: np.ndarray, cell: int = 4, block: int = 2, orientations: int = 9) -> np.ndarray:
    """Histograms of oriented gradients of (N, H, W) images, as ``skimage.feature.hog`` makes them.

    Central differences, unsigned orientations in ``orientations`` bins per cell of
    ``cell`` x ``cell`` pixels, blocks of ``block`` x ``block`` cells normalised by
    L2-Hys; returns (N, features).

    Example:
        >>> hog(np.random.default_rng(0).random((2, 16, 16))).shape
        (2, 324)
    """
    x = np.asarray(images, np.float64)
    gr, gc = np.zeros_like(x), np.zeros_like(x)
    gr[:, 1:-1] = x[:, 2:] - x[:, :-2]
    gc[:, :, 1:-1] = x[:, :, 2:] - x[:, :, :-2]
    magnitude = np.hypot(gr, gc)
    angle = np.rad2deg(np.arctan2(gr, gc)) % 180
    n, (rows, cols) = len(x), (x.shape[1] // cell, x.shape[2] // cell)
    bins = np.minimum((angle / (180 / orientations)).astype(int), orientations - 1)
    onehot = (bins[..., None] == np.arange(orientations)) * magnitude[..., None]
    cropped = onehot[:, : rows * cell, : cols * cell]
    cells = cropped.reshape(n, rows, cell, cols, cell, orientations).sum(axis=(2, 4)) / cell**2
    br, bc = rows - block + 1, cols - block + 1
    blocks = np.stack(
        [cells[:, i : i + br, j : j + bc] for i in range(block) for j in range(block)], axis=3
    ).reshape(n, br, bc, -1)
    eps = 1e-5
    out = blocks / np.sqrt((blocks**2).sum(-1, keepdims=True) + eps**2)
    out = np.minimum(out, 0.2)
    out = out / np.sqrt((out**2).sum(-1, keepdims=True) + eps**2)
    return out.reshape(n, -1)


def hog_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N,) Pearson correlation of the HOG features of the two stacks (as :func:`visual` shows them).

    Example:
        >>> a = np.random.default_rng(0).random((1, 16, 16))
        >>> hog_similarity(a, a).round(3).tolist()
        [1.0]
    """
    cell = max(2, min(a.shape[1], a.shape[2]) // 8)
    return correlate(hog(visual(a), cell), hog(visual(b), cell), "pearson")


def similarities(a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """Every measure of :data:`MEASURES`, per image, between two stacks of maps.

    Example:
        >>> a = np.random.default_rng(0).random((2, 16, 16))
        >>> {k: v.round(2).tolist() for k, v in similarities(a, a).items()}["hog"]
        [1.0, 1.0]
    """
    return {
        "spearman-abs": rank_correlation(a, b, absolute=True),
        "spearman": rank_correlation(a, b, absolute=False),
        "ssim": ssim(a, b),
        "hog": hog_similarity(a, b),
    }


# ---- the randomised copy ---------------------------------------------------------------------


def weighted_layers(probe: Any) -> list[str]:
    """Names of the layers with weights, input side first (nested models' layers included).

    Example:
        >>> from interpret.core.models import resolve
        >>> weighted_layers(resolve("mnist-cnn").probe)
        ['conv2d', 'conv2d_1', 'dense', 'dense_1']
    """
    return [info.name for info in probe.layers if probe.layer_object(info.name).weights]


def initializer_for(layer: Any, variable: Any) -> Any:
    """The initializer ``layer`` made ``variable`` with (``kernel`` -> ``kernel_initializer``...).

    None when the layer keeps no such attribute (the caller then shuffles the trained values).

    Example:
        >>> from interpret._tf import keras
        >>> d = keras.layers.Dense(2); d.build((None, 3))
        >>> type(initializer_for(d, d.kernel)).__name__
        'GlorotUniform'
    """
    name = variable.name.split("/")[-1].split(":")[0]
    for attr in (f"{name}_initializer", f"{name.replace('_kernel', '')}_initializer"):
        init = getattr(layer, attr, None)
        if init is not None:
            return init
    if name == "kernel":
        return getattr(layer, "depthwise_initializer", None)
    return None


def random_values(layer: Any, seed: int) -> list[np.ndarray]:
    """Fresh values for each of ``layer``'s weights from its own initializers, seeded.

    A weight without a known initializer gets its trained values shuffled (same
    distribution, structure destroyed).

    Example:
        >>> from interpret._tf import keras
        >>> d = keras.layers.Dense(2); d.build((None, 3))
        >>> [v.shape for v in random_values(d, seed=0)]
        [(3, 2), (2,)]
    """
    from interpret._tf import keras

    out = []
    for i, var in enumerate(layer.weights):
        init = initializer_for(layer, var)
        shape, dtype = tuple(var.shape), var.dtype
        if init is None:
            values = np.asarray(var.numpy()).copy()
            np.random.default_rng((seed, i)).shuffle(values.reshape(-1))
            out.append(values)
            continue
        config = init.get_config()
        if "seed" in config:
            config["seed"] = int(seed) * 1000 + i
        fresh = init.__class__.from_config(config)
        out.append(np.asarray(keras.ops.convert_to_numpy(fresh(shape, dtype=dtype))))
    return out


def model_copy(model: Any) -> Any:
    """A copy of ``model`` with the same weights (a fused softmax turned linear: logits out).

    The probe would unwrap the softmax anyway; a linear head keeps the copy's weights
    in its own variables only, so overwriting them reaches every compiled function.

    Example:
        >>> from interpret import zoo
        >>> m = zoo.load("mnist-cnn"); c = model_copy(m)
        >>> c is not m and len(c.weights) == len(m.weights)
        True
    """
    from interpret._tf import keras

    def clone(layer: Any) -> Any:
        config = layer.get_config()
        if config.get("activation") == "softmax":
            config["activation"] = "linear"
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy


class RandomisedCopy:
    """A copy of the probe's model whose layers can be set to random or trained weights.

    Example:
        >>> from interpret.core.models import resolve
        >>> rc = RandomisedCopy(resolve("mnist-cnn").probe, seed=0)
        >>> rc.set(["dense_1"]); rc.randomised
        ('dense_1',)
    """

    def __init__(self, probe: Any, seed: int = 0, layers: Sequence[str] | None = None):
        from interpret.core.probe import Probe

        self.model = model_copy(probe.model)
        self.probe = Probe(
            self.model,
            input_range=probe.input_range,
            class_names=probe.class_names,
            name=f"{probe.name}-randomised",
        )
        self.layers = list(layers if layers is not None else weighted_layers(probe))
        self._objects = {name: self.probe.layer_object(name) for name in self.layers}
        self._trained = {name: layer.get_weights() for name, layer in self._objects.items()}
        self._random = {
            name: random_values(layer, seed + i)
            for i, (name, layer) in enumerate(self._objects.items())
        }
        self.randomised: tuple[str, ...] = ()

    def set(self, randomised: Sequence[str]) -> None:
        """Give the layers in ``randomised`` their random weights, every other its trained ones.

        Example: see the class.
        """
        for name, layer in self._objects.items():
            layer.set_weights(self._random[name] if name in randomised else self._trained[name])
        self.randomised = tuple(randomised)


# ---- the checks ------------------------------------------------------------------------------


def stages(layers: Sequence[str], mode: str) -> list[tuple[str, tuple[str, ...]]]:
    """(label, layers randomised) for each stage, ``trained`` first; cascading goes top down.

    Example:
        >>> stages(["a", "b", "c"], "cascading")
        [('trained', ()), ('c', ('c',)), ('b', ('c', 'b')), ('a', ('c', 'b', 'a'))]
        >>> stages(["a", "b"], "independent")[1:]
        [('b', ('b',)), ('a', ('a',))]
    """
    top_down = list(reversed(layers))
    out = [(TRAINED, ())]
    for i, name in enumerate(top_down):
        out.append((name, tuple(top_down[: i + 1]) if mode == "cascading" else (name,)))
    return out


def rule_stage(layers: Sequence[str]) -> str:
    """The cascading stage the pass rule reads: every layer above the first randomised.

    Example:
        >>> rule_stage(["conv2d", "conv2d_1", "dense", "dense_1"])
        'conv2d_1'
    """
    return layers[1] if len(layers) > 1 else layers[0]


@dataclass
class Randomisation:
    """Similarity of each method's maps to the trained model's, stage after stage.

    ``similarity[method][measure]`` is (stages, N); ``examples[method]`` the maps of the
    first few images at every stage, (stages, k, H, W).

    Example: see :class:`Sanity`.
    """

    mode: str
    stages: list[str]
    randomised: list[tuple[str, ...]]
    similarity: dict[str, dict[str, np.ndarray]]
    examples: dict[str, np.ndarray]

    def curve(self, method: str, measure: str = PASS_MEASURE) -> np.ndarray:
        """The mean similarity over images at every stage (the paper's curve).

        Example: see :class:`Sanity`.
        """
        return self.similarity[method][measure].mean(axis=1)


@dataclass
class Sanity:
    """The sanity checks of several methods on one model.

    Example:
        >>> from interpret.core import objectives as obj
        >>> from interpret.core.grad import Gradient
        >>> from interpret.data.datasets import sample
        >>> def gradient(probe, x, t, method):  # a stand-in method: |d logit / d x|
        ...     grad = probe.memo("doc", lambda: Gradient(probe, obj.class_logit))
        ...     return np.abs(grad(x, t)[1][..., 0])
        >>> x = sample("mnist").x_test[:4].astype("float32") / 255
        >>> t = np.array([7, 2, 1, 0], "int32")
        >>> out = sanity_check("mnist-cnn", x, ["gradient"], t, maps_fn=gradient, independent=False)
        >>> out.cascading.stages, out.stage
        (['trained', 'dense_1', 'dense', 'conv2d_1', 'conv2d'], 'conv2d_1')
        >>> curve = out.cascading.curve("gradient")
        >>> float(curve[0]), bool(curve[-1] < 1), float(out.corrected("gradient", 1.0))
        (1.0, True, 1.0)
        >>> out.similarity_at_rule("gradient") < 1, isinstance(out.passed("gradient"), bool)
        (True, True)
    """

    model: str
    methods: list[str]
    layers: list[str]
    targets: np.ndarray
    images: np.ndarray  # the first few images, for figures
    cascading: Randomisation
    independent: Randomisation | None
    random_logit: dict[str, dict[str, np.ndarray]]
    seed: int
    chance: dict[str, dict[str, float]] = field(default_factory=dict)
    threshold: float = THRESHOLD
    measure: str = PASS_MEASURE
    stage: str = ""
    parameters: dict = field(default_factory=dict)

    def corrected(self, method: str, values: Any, measure: str | None = None) -> Any:
        """Similarities with the method's chance level taken out: ``(s - c) / (1 - c)``.

        Example: see :class:`Sanity`.
        """
        c = self.chance[method][measure or self.measure]
        return (np.asarray(values) - c) / max(1.0 - c, 1e-6)

    def similarity_at_rule(self, method: str) -> float:
        """The corrected mean similarity the pass rule reads (see the module docstring).

        Example: see :class:`Sanity`.
        """
        i = self.cascading.stages.index(self.stage)
        return float(self.corrected(method, self.cascading.curve(method, self.measure)[i]))

    def passed(self, method: str) -> bool:
        """Whether the method's maps lost their similarity once the top layers were randomised.

        Example: see :class:`Sanity`.
        """
        return self.similarity_at_rule(method) < self.threshold


def chance_level(maps: np.ndarray) -> dict[str, float]:
    """Each measure's mean between the maps of different images (each with the next).

    Example:
        >>> maps = np.random.default_rng(0).random((4, 16, 16))
        >>> abs(chance_level(maps)["spearman-abs"]) < 0.2
        True
    """
    return {k: float(v.mean()) for k, v in similarities(maps, np.roll(maps, 1, axis=0)).items()}


def check_layers(probe: Any) -> list[str]:
    """The layers to randomise, checked: the cascade needs two or more.

    Example:
        >>> from interpret.core.models import resolve
        >>> check_layers(resolve("mnist-mlp").probe)
        ['dense', 'dense_1', 'dense_2', 'dense_3']
    """
    layers = weighted_layers(probe)
    if len(layers) < 2:
        found = f"one ({layers[0]})" if layers else "none"
        raise UserError(
            f"the sanity checks randomise a model's layers with weights one after another from "
            f"the top and need two or more; {probe.name} has {found}: turn {{sanity}} off",
            "sanity",
        )
    return layers


def sanity_check(
    model: Any,
    images: np.ndarray,
    methods: Sequence[str],
    targets: np.ndarray,
    *,
    maps_fn: MapsFn,
    trained: Mapping[str, np.ndarray] | None = None,
    labels: np.ndarray | None = None,
    independent: bool = True,
    random_logit: bool = True,
    examples: int = 2,
    seed: int = 0,
    progress: ProgressSpec = None,
) -> Sanity:
    """Run the sanity checks of ``methods`` on checked ``images`` and ``targets``.

    ``maps_fn(probe, images, targets, method) -> (N, H, W)`` computes a method's maps on
    a probe (the trained model's or the randomised copy's); ``trained`` may hold the
    trained model's maps already computed. ``labels`` (else ``targets``) are the true
    classes of the random-logit check.

    Example: see :class:`Sanity`.
    """
    from interpret.core.models import as_probe

    probe = as_probe(model)
    layers = check_layers(probe)
    if len(images) < MIN_IMAGES:
        raise UserError(
            f"the sanity checks need at least {MIN_IMAGES} images (the chance level pairs each "
            f"image's map with another's); {{images}} has {len(images)}",
            "images",
        )
    copy = RandomisedCopy(probe, seed=seed, layers=layers)
    modes = ["cascading", *(["independent"] if independent else [])]
    total = len(methods) * (1 + sum(len(layers) for _ in modes) + (1 if random_logit else 0))
    base = {m: np.asarray(trained[m]) for m in methods if trained and m in trained}
    with advance(progress, total * len(images), "sanity checks") as step:
        for m in methods:
            if m not in base:
                base[m] = maps_fn(probe, images, targets, m)
            step(len(images))
        results = {
            mode: _randomise(copy, layers, mode, base, images, targets, maps_fn, examples, step)
            for mode in modes
        }
        logit = (
            _random_logit(probe, images, targets, labels, base, maps_fn, seed, step)
            if random_logit
            else {}
        )
    copy.set(())
    return Sanity(
        model=probe.name,
        methods=list(methods),
        layers=layers,
        targets=targets,
        images=images[:examples],
        cascading=results["cascading"],
        independent=results.get("independent"),
        random_logit=logit,
        seed=seed,
        chance={m: chance_level(v) for m, v in base.items()},
        stage=rule_stage(layers),
        parameters={"independent": independent, "random_logit": random_logit, "examples": examples},
    )


def _randomise(
    copy: RandomisedCopy,
    layers: list[str],
    mode: str,
    base: dict[str, np.ndarray],
    images: np.ndarray,
    targets: np.ndarray,
    maps_fn: MapsFn,
    examples: int,
    step: Any,
) -> Randomisation:
    plan = stages(layers, mode)
    sims: dict[str, dict[str, list]] = {m: {k: [] for k in MEASURES} for m in base}
    shown: dict[str, list] = {m: [] for m in base}
    for _label, randomised in plan:
        if randomised:
            copy.set(randomised)
        for m, trained in base.items():
            maps = trained if not randomised else maps_fn(copy.probe, images, targets, m)
            for k, v in similarities(trained, maps).items():
                sims[m][k].append(v)
            shown[m].append(maps[:examples])
            if randomised:
                step(len(images))
    return Randomisation(
        mode=mode,
        stages=[label for label, _ in plan],
        randomised=[r for _, r in plan],
        similarity={m: {k: np.stack(v) for k, v in d.items()} for m, d in sims.items()},
        examples={m: np.stack(v) for m, v in shown.items()},
    )


def other_classes(labels: np.ndarray, n_classes: int, seed: int) -> np.ndarray:
    """For each label a random different class, seeded.

    Example:
        >>> bool((other_classes(np.array([0, 1, 2] * 10), 3, seed=0) != np.array([0, 1, 2] * 10)).all())
        True
    """
    rng = np.random.default_rng((seed, 2))
    shift = rng.integers(1, n_classes, size=len(labels))
    return ((np.asarray(labels) + shift) % n_classes).astype(np.int32)


def _random_logit(
    probe: Any,
    images: np.ndarray,
    targets: np.ndarray,
    labels: np.ndarray | None,
    base: dict[str, np.ndarray],
    maps_fn: MapsFn,
    seed: int,
    step: Any,
) -> dict[str, dict[str, np.ndarray]]:
    true = targets if labels is None else np.asarray(labels, np.int32)
    others = other_classes(true, probe.n_classes, seed)
    out = {}
    for m, trained in base.items():
        first = trained if labels is None else maps_fn(probe, images, true, m)
        out[m] = similarities(first, maps_fn(probe, images, others, m))
        step(len(images))
    return out
