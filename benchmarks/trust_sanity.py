"""Adebayo et al. (2018)'s sanity checks on our zoo models: the whole cascading (and
independent) randomisation curve of every attribution method, per similarity measure.

The paper's result: gradient and Grad-CAM maps lose their similarity to the trained
model's as the layers are randomised from the top, while Guided Backprop keeps a high
similarity. This prints, per model and method, the mean similarity at every stage
(trained, then each further layer randomised), uncorrected and chance-corrected (chance:
the same measure between the trained maps of two different images), the pass rule's
verdict and the random-logit check. Usage:

    INTERPRET_DATA_DIR=/path/to/data python benchmarks/trust_sanity.py \\
        [--models cifar10-cnn,mnist-cnn] [--n 100] [--methods all] [--options masks=1000] \\
        [--out docs/img]

``--out`` writes each model's similarity curves (and the randomisation figure of the first
image) as PNGs.
"""

from __future__ import annotations

import argparse
import time

from interpret.attributions import metrics as M
from interpret.attributions import sanity as S
from interpret.attributions.api import attribute
from interpret.attributions.methods import applicable, methods
from interpret.cli.trust import parse_options
from interpret.core.models import resolve
from interpret.data import datasets


def curves(out: S.Sanity, mode: str) -> list[str]:
    r = out.cascading if mode == "cascading" else out.independent
    head = "+" if mode == "cascading" else ""
    lines = [f"  {mode}: " + " | ".join(st if st == S.TRAINED else head + st for st in r.stages)]
    for m in out.methods:
        for k in S.MEASURES:
            raw = r.curve(m, k)
            cor = out.corrected(m, raw, k)
            lines.append(
                f"    {m:<22}{k:<13} chance {out.chance[m][k]:6.3f} | raw "
                + " ".join(f"{v:6.3f}" for v in raw)
                + " | corrected "
                + " ".join(f"{v:6.3f}" for v in cor)
            )
    return lines


def verdicts(out: S.Sanity) -> list[str]:
    lines = [
        f"  pass rule: corrected {out.measure} with the layers down to {out.stage} randomised < {out.threshold}"
    ]
    for m in out.methods:
        logit = out.random_logit[m][out.measure].mean()
        lines.append(
            f"    {m:<22} {out.similarity_at_rule(m):6.3f}  {'pass' if out.passed(m) else 'FAIL'}"
            f"   random logit: raw {logit:.3f}, corrected {out.corrected(m, logit):.3f}"
        )
    return lines


def save(name: str, out: S.Sanity, titles: dict, directory: str) -> None:
    from pathlib import Path

    from interpret.attributions.trust import TrustResult
    from interpret.attributions.trust_figures import cascade_figure, similarity_figure
    from interpret.gallery.store import figure_png_bytes

    result = TrustResult(name, out.methods, titles, None, out, out.images)
    Path(directory).mkdir(parents=True, exist_ok=True)
    (Path(directory) / f"trust-similarity-{name}.png").write_bytes(
        figure_png_bytes(similarity_figure(result, "cascading"), dpi=80)
    )
    (Path(directory) / f"trust-cascade-{name}.png").write_bytes(
        figure_png_bytes(cascade_figure(result, 0), dpi=80)
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="cifar10-cnn,mnist-cnn")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--methods", default="all")
    ap.add_argument("--options", default="")
    ap.add_argument("--no-independent", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    options = parse_options(args.options)
    for name in args.models.split(","):
        handle = resolve(name)
        probe = handle.probe
        chosen = applicable(probe) if args.methods == "all" else methods(args.methods)
        ds = datasets.load_test_images(handle.dataset)
        x = ds.x_test[: args.n].astype("float32") / 255.0
        y = ds.y_test[: args.n].astype("int32")
        t = M.predicted(probe, x)
        opts = {m.name: {k: v for k, v in options.items() if k in m.options} for m in chosen}

        def maps_fn(p, imgs, targets, method, opts=opts):
            return attribute(p, imgs, method, targets, seed=args.seed, **opts[method]).maps

        t0 = time.perf_counter()
        out = S.sanity_check(
            probe,
            x,
            [m.name for m in chosen],
            t,
            maps_fn=maps_fn,
            labels=y,
            independent=not args.no_independent,
            seed=args.seed,
            progress=True,
        )
        print(
            f"\n== {name}: {len(x)} images ({ds.source}); targets: the predicted class; "
            f"random logit: the true label vs a random other class; {time.perf_counter() - t0:.0f} s"
        )
        print("\n".join(curves(out, "cascading")))
        if out.independent is not None:
            print("\n".join(curves(out, "independent")))
        print("\n".join(verdicts(out)), flush=True)
        if args.out:
            save(name, out, {m.name: m.title for m in chosen}, args.out)


if __name__ == "__main__":
    main()
