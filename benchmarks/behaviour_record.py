"""Record, then compare, the outputs of a fixed set of seeded calls through the public API.

A refactor that moves code must not change what it computes. This script runs a fixed
set of seeded calls in float32 and saves every output array to an npz; run it before
and after a change, then compare the two files: each array is reported as
bit-identical, or with its largest absolute difference.

The calls (all offline, on the shipped zoo weights and the bundled test images):

* maximize: 8 filters of cifar10-cnn conv2d_2 and 2 classes, 64 steps;
* attack: FGSM and PGD (Linf, eps 0.1) on 64 mnist-cnn test images;
* fool: 3 classes of mnist-cnn, gradient method, 100 steps;
* dream: mnist-cnn on a 96x96 crop of the sample photo, 2 octaves x 3 steps;
* attack: C&W (2 search steps x 50) and DeepFool on 16 mnist-cnn test images.

Run:
    python benchmarks/behaviour_record.py record before.npz
    python benchmarks/behaviour_record.py record after.npz
    python benchmarks/behaviour_record.py compare before.npz after.npz
"""

from __future__ import annotations

import argparse
import sys

import numpy as np


def outputs() -> dict[str, np.ndarray]:
    """Run the fixed calls; every array they return, by name."""
    import interpret
    from interpret.data import datasets as data

    out: dict[str, np.ndarray] = {}
    m = interpret.maximize("cifar10-cnn", "conv2d_2", "0-7", steps=64, seed=0, precision="float32")
    out["maximize_filters_images"] = m.images
    out["maximize_filters_activations"] = m.activations
    c = interpret.maximize("cifar10-cnn", classes=[3, 5], steps=64, seed=1, precision="float32")
    out["maximize_classes_images"] = c.images
    out["maximize_classes_probabilities"] = c.probabilities

    x, y = data.load_test_images("mnist").split("test")
    x = x[:64].astype("float32") / 255.0
    y = y[:64].astype("int32")
    for method, opts in (("fgsm", {}), ("pgd", {"steps": 20})):
        r = interpret.attack(
            "mnist-cnn", x, y, method=method, eps=0.1, seed=0, precision="float32", **opts
        )
        out[f"{method}_adversarial"] = r.adversarial
        out[f"{method}_success"] = r.success
    for method, opts in (("cw", {"steps": 50, "binary_search_steps": 2}), ("deepfool", {})):
        r = interpret.attack("mnist-cnn", x[:16], y[:16], method=method, seed=0, **opts)
        out[f"{method}_adversarial"] = r.adversarial
        out[f"{method}_l2"] = r.l2

    f = interpret.fool("mnist-cnn", [1, 4, 7], steps=100, seed=0)
    out["fool_images"] = f.images
    out["fool_confidence"] = f.confidence

    from interpret.data.images import as_image, read_image, sample_photo

    photo = as_image(read_image(sample_photo()))[:96, 100:196]
    d = interpret.dream("mnist-cnn", photo, octaves=2, steps=3, seed=0)
    out["dream_image"] = d.image
    return out


def compare(a: dict, b: dict) -> bool:
    """Print one line per array; True when all are bit-identical."""
    same = True
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            print(f"{name:34s} only in {'the first' if name in a else 'the second'} file")
            same = False
            continue
        x, y = np.asarray(a[name]), np.asarray(b[name])
        if x.shape != y.shape:
            print(f"{name:34s} shapes differ: {x.shape} vs {y.shape}")
            same = False
        elif np.array_equal(x, y):
            print(f"{name:34s} bit-identical {x.shape}")
        else:
            diff = np.abs(x.astype("float64") - y.astype("float64")).max()
            print(f"{name:34s} differs: max |diff| {diff:.3g}")
            same = False
    return same


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record", help="run the calls and save their outputs")
    rec.add_argument("path")
    cmp_ = sub.add_parser("compare", help="compare two recordings")
    cmp_.add_argument("a")
    cmp_.add_argument("b")
    args = ap.parse_args()
    if args.cmd == "record":
        np.savez(args.path, **outputs())
        print(f"wrote {args.path}")
    else:
        ok = compare(dict(np.load(args.a)), dict(np.load(args.b)))
        print("all bit-identical" if ok else "NOT all bit-identical")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
