"""Faithfulness of every attribution method on every zoo model, beside chance, and our
Deletion / Insertion / MuFidelity against Xplique 2.0.2's on the same maps.

Needs the real test sets (INTERPRET_DATA_DIR with mnist.npz and cifar10.npz; without them
the bundled 500-image samples, the same first 500 test images, are used) and, for the
agreement columns, xplique 2.0.2 (see benchmarks/trust_speed.py). Usage:

    INTERPRET_DATA_DIR=/path/to/data python benchmarks/trust_faithfulness.py \\
        [--models cifar10-cnn,mnist-cnn,mnist-mlp] [--n 500] [--agreement-n 100] [--out docs/img]
        [--metrics deletion --deletion-baseline blur --no-xplique --no-float32]

Per model: the maps of every applicable method (``interpret.attributions.api.attribute``,
default options, the predicted class) on the first ``--n`` test images, then
``metrics.evaluate`` with the default settings (32 steps; deletion to black, insertion
from the RISE blur; MuFidelity: 200 subsets of a 9x9 grid, 20% removed, Pearson; class
probability; bfloat16 forward passes where the CPU has them, the default, and the
largest change of any mean against float32 is printed), which adds the random attribution. Prints the table (mean +- standard
error) and whether each method's Deletion AUC is below and Insertion AUC above the random
one's. Then, for the same maps, model and images, Xplique's ``Deletion``, ``Insertion``
(``baseline_mode``: the same blurred images) and ``MuFidelity`` (``grid_size=9``,
``subset_percent=0.2``, ``nb_samples=200``, baseline 0; Spearman, its only correlation,
so ours is run with ``correlation="spearman"`` too), all with ``activation="softmax"``:
the relative difference of the means. MuFidelity's subsets are random in both (drawn
differently), so its means are compared, as the issue asks; ours shares one draw of
subsets between all images (and maps), Xplique draws anew for every few images, so one
draw of ours moves the mean by several percent: ``--mufidelity-seeds K`` averages K
draws on both sides, and ``--shared-subsets`` hands Xplique our draw (only its subset
sampler is replaced), which compares the arithmetic exactly. ``--out`` saves the
deletion/insertion curves of each model as a PNG.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from interpret._tf import tf
from interpret.attributions import metrics as M
from interpret.attributions.api import attribute
from interpret.attributions.methods import applicable
from interpret.core.models import resolve
from interpret.data import datasets


def all_maps(probe, x, t, names: str = "all") -> dict[str, np.ndarray]:
    out = {}
    for m in applicable(probe):
        if names != "all" and m.name not in names.split(","):
            continue
        t0 = time.perf_counter()
        out[m.name] = attribute(probe, x, m.name, t).maps
        print(f"  maps {m.name:<22} {time.perf_counter() - t0:6.1f} s", flush=True)
    return out


def shared_mufidelity(xm, keep: np.ndarray):
    """Xplique's MuFidelity drawing no subsets of its own: every batch of images gets ours.

    Only ``_perturb_samples`` is replaced (the same arithmetic: ``x * mask + (1 - mask) *
    baseline``, masks (n, K, H, W, 1)); the drops, the map sums and the Spearman correlation
    stay Xplique's code.
    """

    class Shared(xm.MuFidelity):
        def _perturb_samples(self, inputs, nb_perturbations):
            assert nb_perturbations == len(keep), "one pass of every subset per batch"
            masks = tf.constant(keep[None, ..., None])
            masks = tf.repeat(masks, tf.shape(inputs)[0], axis=0)
            x = tf.repeat(inputs[:, tf.newaxis], nb_perturbations, axis=1)
            x = x * masks + (1.0 - masks) * self.baseline_mode
            return tf.reshape(x, (-1, *self.inputs.shape[1:])), masks

    return Shared


def xplique_means(
    model, x, t, maps, s: M.MetricSettings, seeds: int = 1, keep: np.ndarray | None = None
) -> dict[str, dict[str, float]]:
    """Xplique's means; MuFidelity averaged over ``seeds`` runs (tf.random seeds 0, 1, ...),
    or on our subsets ``keep`` when given."""
    import xplique.metrics as xm

    def mufidelity(m, seed: int) -> float:
        tf.random.set_seed(seed)
        cls = xm.MuFidelity if keep is None else shared_mufidelity(xm, keep)
        metric = cls(
            model,
            x,
            onehot,
            grid_size=s.grid,
            subset_percent=s.removed,
            nb_samples=s.subsets,
            **kw,
        )
        return float(metric(m))

    onehot = tf.one_hot(t, model.output_shape[-1]).numpy()
    blur = M.baseline_images(x, "blur")
    kw = dict(batch_size=512, activation="softmax")
    out = {}
    for name, m in maps.items():
        out[name] = {
            "deletion": float(
                xm.Deletion(model, x, onehot, steps=s.steps, baseline_mode=0.0, **kw)(m)
            ),
            "insertion": float(
                xm.Insertion(model, x, onehot, steps=s.steps, baseline_mode=lambda _: blur, **kw)(m)
            ),
            "mufidelity": float(
                np.mean([mufidelity(m, i) for i in range(1 if keep is not None else seeds)])
            ),
        }
    return out


def report(name: str, f: M.Faithfulness) -> list[str]:
    lines = [f"{'method':<22}" + "".join(f"{k:>22}" for k in f.metrics) + "   beats random"]
    for m in [*[k for k in f.scores if k != M.RANDOM], M.RANDOM]:
        cells = "".join(f"{f.mean(m, k):>14.3f} \u00b1{f.sem(m, k):.3f}" for k in f.metrics)
        ok = (
            ""
            if m == M.RANDOM
            else "   "
            + " ".join(f"{'yes' if f.beats_chance(m, k) else 'NO':>4}" for k in f.metrics)
        )
        lines.append(f"{m:<22}{cells}{ok}")
    return lines


def agreement(ours: dict, peer: dict, metrics: tuple) -> list[str]:
    lines = [f"{'method':<22}" + "".join(f"{k + ' ours/xplique/rel':>36}" for k in metrics)]
    worst = 0.0
    for m, values in peer.items():
        cells = ""
        for k in metrics:
            a, b = ours[m][k], values[k]
            rel = abs(a - b) / max(abs(b), 1e-12)
            worst = max(worst, rel)
            cells += f"{a:>14.4f}{b:>10.4f}{100 * rel:>10.2f}% "
        lines.append(f"{m:<22}{cells}")
    lines.append(f"largest relative difference: {100 * worst:.2f}%")
    return lines


def save_curves(name: str, f: M.Faithfulness, out: str) -> None:
    from pathlib import Path

    from interpret.attributions.trust import TrustResult
    from interpret.attributions.trust_figures import curves_figure
    from interpret.gallery.store import figure_png_bytes

    titles = {m: m for m in f.scores if m != M.RANDOM}
    result = TrustResult(name, list(titles), titles, f, None, np.zeros((0,)), source="")
    fig = curves_figure(result)
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / f"trust-curves-{name}.png").write_bytes(figure_png_bytes(fig, dpi=80))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="cifar10-cnn,mnist-cnn,mnist-mlp")
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--no-xplique", action="store_true")
    ap.add_argument("--no-float32", action="store_true", help="skip the float32 re-run")
    ap.add_argument("--metrics", default="all")
    ap.add_argument("--deletion-baseline", default="black", help="black, blur, mean, a number")
    ap.add_argument(
        "--agreement-n", type=int, default=None, help="the first N images for Xplique [--n]"
    )
    ap.add_argument("--methods", default="all", help="comma-separated methods [all]")
    ap.add_argument(
        "--mufidelity-seeds",
        type=int,
        default=1,
        help="average MuFidelity over this many subset draws on both sides (ours: seeds 0..K-1)",
    )
    ap.add_argument(
        "--shared-subsets",
        action="store_true",
        help="Xplique's MuFidelity on our subsets (seed 0): the same draw on both sides",
    )
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    for name in args.models.split(","):
        handle = resolve(name)
        probe = handle.probe
        ds = datasets.load_test_images(handle.dataset)
        x = ds.x_test[: args.n].astype("float32") / 255.0
        t = M.predicted(probe, x)
        print(f"\n== {name}: {len(x)} images ({ds.source}), the predicted class", flush=True)
        maps = all_maps(probe, x, t, args.methods)
        t0 = time.perf_counter()
        chosen = M.MetricSettings(deletion_baseline=args.deletion_baseline)
        f = M.evaluate(probe, x, maps, t, metrics=args.metrics, settings=chosen)
        print(f"  metrics {time.perf_counter() - t0:.1f} s")
        print("\n".join(report(name, f)))
        if args.out:
            save_curves(name, f, args.out)
        if f.precision != "float32" and not args.no_float32:  # how far bfloat16 moves them
            f32 = M.evaluate(
                probe, x, maps, t, metrics=args.metrics, settings=chosen, precision="float32"
            )
            diffs = {
                k: max(abs(f.mean(m, k) - f32.mean(m, k)) for m in f.scores) for k in f.metrics
            }
            print(
                f"  {f.precision} vs float32, largest difference of a mean per metric: "
                + ", ".join(f"{k} {v:.4f}" for k, v in diffs.items())
            )
        if args.no_xplique:
            continue
        k = args.agreement_n or len(x)
        xa, ta, ma = x[:k], t[:k], {m: v[:k] for m, v in maps.items()}
        s = M.MetricSettings(correlation="spearman")
        ours = M.evaluate(probe, xa, ma, ta, metrics="deletion,insertion", settings=s, random=False)
        means = {m: {k: ours.mean(m, k) for k in ours.metrics} for m in ma}
        seeds = 1 if args.shared_subsets else args.mufidelity_seeds
        draws = [
            M.evaluate(probe, xa, ma, ta, metrics="mufidelity", settings=s, seed=i, random=False)
            for i in range(seeds)
        ]
        for m in ma:
            values = [d.mean(m, "mufidelity") for d in draws]
            means[m]["mufidelity"] = float(np.mean(values))
            print(f"  ours {m} mufidelity per draw: " + " ".join(f"{v:.4f}" for v in values))
        keep = M.subset_masks(s.subsets, s.grid, s.removed, xa.shape[1:3], 0)
        peer = xplique_means(
            handle.model, xa, ta, ma, s, seeds, keep if args.shared_subsets else None
        )
        print(
            f"\n  agreement with Xplique 2.0.2 on the first {k} images (same maps, model, images, "
            "settings; MuFidelity: Spearman)"
        )
        print(
            "\n".join(agreement(means, peer, ("deletion", "insertion", "mufidelity"))), flush=True
        )


if __name__ == "__main__":
    main()
