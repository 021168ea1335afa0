"""Perceptual alignment, measured: does the *other* model read a model's class images as the class?

For each standard / robust pair of the zoo, every class is rendered by each model
(``interpret.maximize(model, classes="all")`` at its defaults, 256 steps, but starting
from grey plus noise of sd ``--init-sd``, :data:`interpret.model_compare.INIT_SD`) with seeds
0..SEEDS-1, and each render is classified by both models. A robust model's class
images look like the class (Santurkar et al. 2019), so its standard twin should read
them as their class far more often than the robust model reads the standard model's
renders (which are "unreadable noise the network is sure about").

The third protocol, ``seeded-pgd``, is Santurkar et al. 2019's own: each class image
starts from a draw of a Gaussian fitted to the model's training images (mean and full
covariance of all classes together, so the start favours no class; the full set is
needed: ``INTERPRET_DATA_DIR`` or a download), then takes ``--pgd-steps`` targeted L2
PGD steps (normalised gradient steps of 2.5 * eps / steps on the class's log-probability,
projected onto the L2 ball of radius ``--l2-eps`` around the start and onto [0, 1];
:func:`interpret.attack`). The default radius changes each pixel by 0.1 root-mean-square
(2.8 on MNIST, 5.5 on CIFAR-10); both models of a pair get the same starts.

The fourth protocol, ``tsipras``, is Tsipras et al. 2019's large-eps adversarial examples
("Robustness May Be at Odds with Accuracy", ICLR 2019, Section 3 and Figure 3): each class
image starts from a real test image of another class (for class t and seed s, a test image
drawn uniformly, by a generator seeded with s, from those whose label is not t: no class is
favoured and both models get the same starts), then takes the same targeted L2 PGD as
``seeded-pgd`` (``--pgd-steps`` steps, radius ``--l2-eps``). The paper's settings: L2 PGD
from a test image, the radius "equal for all models and much larger than the one used for
training" (its Figure 3 caption; the per-dataset value is in its Appendix A, which we could
not read, so this benchmark keeps seeded-pgd's default of 0.1 per pixel root-mean-square,
2.8 on MNIST and 5.5 on CIFAR-10, chosen before any run). The paper follows the loss of the
start's own class (untargeted); here the step is targeted at t so that each image has a
class to be read as. Needs the full test set (``INTERPRET_DATA_DIR`` or a download).

Each pair first prints the share of input pixels whose saliency is exactly zero
(:func:`zero_gradient_share`): where gradient steps cannot change the score.

With ``--images DIR`` the seed-0 sheet of each pair (``interpret compare --parts
classes``) is also written there as ``robust-classes-DATASET.png`` (the README's pictures).

Run:
    nice python benchmarks/robust_alignment.py [--pairs mnist-cnn:mnist-cnn-robust ...]
        [--seeds 5] [--steps 256] [--init-sd 0.3]
        [--protocols priors plain seeded-pgd tsipras]
        [--l2-eps 2.8] [--pgd-steps 60] [--images docs/img] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

PAIRS = (
    "mnist-cnn:mnist-cnn-robust",
    "mnist-cnn:mnist-cnn-robust-l2",
    "cifar10-cnn:cifar10-cnn-robust",
)
# How the class images are made. "priors": maximize's defaults (Fourier parameterization,
# colour decorrelation, jitter and scale), which already steer a standard model's renders
# toward natural-looking strokes; "plain": gradient ascent on the pixels with none of those
# (Santurkar et al. 2019's setting), where only the model's own gradients shape the image.
PROTOCOLS = {
    "priors": {},
    "plain": {"param": "pixel", "decorrelate": False, "jitter": 0, "scale": 0.0},
    "seeded-pgd": {},  # not maximize: a data-fitted start, then targeted L2 PGD (see above)
    "tsipras": {},  # not maximize: a test image of another class, then targeted L2 PGD
}
PGD_PROTOCOLS = ("seeded-pgd", "tsipras")
RMS_CHANGE = 0.1  # the PGD protocols' default L2 radius: this much per pixel, root-mean-square


def fit_gaussian(dataset: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean and a square root of the covariance of the training images, all classes together."""
    from interpret.data.datasets import load

    x = load(dataset).x_train
    x = x.reshape(len(x), -1).astype("float32") / 255.0
    mean = x.mean(0)
    x -= mean
    values, vectors = np.linalg.eigh((x.T @ x).astype("float64") / len(x))
    return mean, (vectors * np.sqrt(np.clip(values, 0.0, None))).astype("float32")


def test_starts(test: tuple[np.ndarray, np.ndarray], classes: list[int], seed: int) -> np.ndarray:
    """For each class t, a test image whose label is not t, drawn by a generator seeded ``seed``
    (uint8 images in, float32 in [0, 1] out).

    Example:
        >>> x = np.array([0, 51, 102, 153], np.uint8).reshape(4, 1, 1, 1)
        >>> starts = test_starts((x, np.array([0, 1, 0, 1])), [0, 1], seed=0)
        >>> [round(float(v) * 5) % 2 for v in starts.ravel()]  # class 0 gets a 1, class 1 a 0
        [1, 0]
    """
    x, y = test
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(y != t)) for t in classes]
    return x[picks].astype("float32") / 255.0


def seeded_pgd(
    handle: Any, starts: np.ndarray, classes: list[int], eps: float, steps: int
) -> np.ndarray:
    """Targeted L2 PGD from ``starts`` toward ``classes`` (Santurkar et al.'s class generation)."""
    from interpret import attack

    size = 2.5 * eps / steps
    return attack(handle, starts, classes, method="pgd", eps=eps, target=classes, norm="l2",
                  steps=steps, step_size=size, random_start=False).adversarial  # fmt: skip


def make_renders(handle: Any, classes: list[int], seed: int, o: dict) -> np.ndarray:
    """One image per class by ``o["protocol"]``: maximize's renders, or PGD from a start."""
    from interpret.model_compare import class_renders

    if o["protocol"] not in PGD_PROTOCOLS:
        return class_renders(
            handle, classes, o["steps"], seed, o["init_sd"], **PROTOCOLS[o["protocol"]]
        )
    if o["protocol"] == "tsipras":
        starts = test_starts(o["test"], classes, seed)
        return seeded_pgd(handle, starts, classes, o["l2_eps"], o["pgd_steps"])
    mean, root = o["gaussian"]
    noise = np.random.default_rng(seed).standard_normal((len(classes), root.shape[1]))
    starts = np.clip(mean + noise.astype("float32") @ root.T, 0.0, 1.0)
    starts = starts.reshape(len(classes), *handle.probe.input_shape)
    return seeded_pgd(handle, starts, classes, o["l2_eps"], o["pgd_steps"])


def prepare(handle: Any, o: dict) -> dict:
    """``o`` with what a PGD protocol needs: its start data and its default L2 radius."""
    from interpret.data.datasets import load

    if o["protocol"] not in PGD_PROTOCOLS:
        return o
    pixels = int(np.prod(handle.probe.input_shape))
    o = {**o, "l2_eps": o["l2_eps"] or round(RMS_CHANGE * np.sqrt(pixels), 1)}
    if o["protocol"] == "seeded-pgd":
        return {**o, "gaussian": fit_gaussian(handle.dataset)}
    data = load(handle.dataset)
    return {**o, "test": (data.x_test, data.y_test)}


def measure(standard: str, robust: str, seeds: int, o: dict) -> dict:
    """The four rates of one pair and protocol over ``seeds`` seeds (options ``o``)."""
    from interpret.core.models import resolve
    from interpret.model_compare import agreement

    a, b = resolve(standard), resolve(robust)
    classes = list(range(a.probe.n_classes))
    hits = {"standard_by_standard": [], "robust_by_robust": [], "robust_by_standard": [],
            "standard_by_robust": []}  # fmt: skip
    t0 = time.perf_counter()
    o = prepare(a, o)
    for seed in range(seeds):
        rs, rr = make_renders(a, classes, seed, o), make_renders(b, classes, seed, o)
        hits["standard_by_standard"].append(agreement(a.probe, rs, classes))
        hits["robust_by_robust"].append(agreement(b.probe, rr, classes))
        hits["robust_by_standard"].append(agreement(a.probe, rr, classes))
        hits["standard_by_robust"].append(agreement(b.probe, rs, classes))
        print(
            f"  seed {seed}: " + ", ".join(f"{k} {v[-1]:.1f}" for k, v in hits.items()), flush=True
        )
    out = {k: float(np.mean(v)) for k, v in hits.items()}
    settings = {k: o[k] for k in ("protocol", "steps", "init_sd", "l2_eps", "pgd_steps")}
    out.update(pair=[standard, robust], renders=len(classes) * seeds, **settings,
               seconds=round(time.perf_counter() - t0, 1))  # fmt: skip
    return out


def zero_gradient_share(name: str, n: int = 500) -> float:
    """The share of input pixels whose saliency (gradient of the true class's logit) is exactly
    zero on the first ``n`` test images: where no gradient step can change the score.

    A first layer that thresholds its input (a Linf-robust MNIST model learns this, Madry
    et al. 2018) gives no gradient on the dark background, so gradient-made class images
    cannot draw strokes there.
    """
    from interpret import explain
    from interpret.core.models import resolve
    from interpret.data import datasets

    x, y = datasets.first_test_images(resolve(name).dataset, n)
    return float((explain(name, x, method="saliency", target=y).maps == 0).mean())


def picture(
    standard: str, robust: str, steps: int, init_sd: float, directory: Path, dataset: str
) -> Path:
    """The seed-0 classes sheet of ``interpret compare``, copied to ``directory``.

    Named by the data set for a zoo model and its twin, by the robust model otherwise.
    """
    from interpret import zoo
    from interpret.model_compare import compare

    tmp = Path(tempfile.mkdtemp())
    (art,) = compare(standard, robust, parts="classes", steps=steps, init_sd=init_sd, seed=0).save(
        tmp
    )
    twins = standard in zoo.names() and zoo.twin(standard) == robust
    target = directory / f"robust-classes-{dataset if twins else Path(robust).stem}.png"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(art.png, target)
    return target


def report(row: dict, standard: str, robust: str) -> None:
    print(
        f"{robust}'s class renders read as their class by {standard}: "
        f"{row['robust_by_standard']:.0%}; {standard}'s by {robust}: {row['standard_by_robust']:.0%} "
        f"(each model on its own renders: {row['standard_by_standard']:.0%}, "
        f"{row['robust_by_robust']:.0%}; {row['renders']} renders each, {row['seconds']:.0f}s"
        + (f"; L2 eps {row['l2_eps']:g}" if row["protocol"] in PGD_PROTOCOLS else "")
        + ")",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", nargs="*", default=list(PAIRS))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--init-sd", type=float, default=None, help="default: compare's INIT_SD")
    ap.add_argument("--protocols", nargs="*", default=list(PROTOCOLS), choices=list(PROTOCOLS))
    ap.add_argument(
        "--l2-eps",
        type=float,
        default=None,
        help="seeded-pgd's and tsipras' L2 radius [default: 0.1 per pixel, root-mean-square]",
    )
    ap.add_argument("--pgd-steps", type=int, default=60, help="seeded-pgd's and tsipras' steps")
    ap.add_argument("--images", default=None, help="write the seed-0 sheets here")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    from interpret.core.models import resolve
    from interpret.model_compare import INIT_SD

    init_sd = INIT_SD if args.init_sd is None else args.init_sd
    rows = []
    for pair in args.pairs:
        standard, robust = pair.split(":")
        shares = [f"{m} {zero_gradient_share(m):.1%}" for m in (standard, robust)]
        print(
            "input pixels with exactly zero saliency, first 500 test images:", *shares, flush=True
        )
        for protocol in args.protocols:
            print(f"{standard} vs {robust}, {protocol}:", flush=True)
            o = {"protocol": protocol, "steps": args.steps, "init_sd": init_sd,
                 "l2_eps": args.l2_eps, "pgd_steps": args.pgd_steps}  # fmt: skip
            row = measure(standard, robust, args.seeds, o)
            rows.append(row)
            report(row, standard, robust)
        if args.images:
            dataset = resolve(standard).dataset
            print(
                "wrote", picture(standard, robust, args.steps, init_sd, Path(args.images), dataset)
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
