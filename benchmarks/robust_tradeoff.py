"""The clean / robust trade-off of one architecture trained adversarially at several eps.

Each model (a zoo name or a trained ``.keras`` file with its card beside it) is scored on
the first N test images: clean accuracy, and PGD-20 accuracy (step eps / 4, random
start, the shared attack code) at every eps of ``--eps``. Its training eps is read from
its card (0 for a standard model). The figure plots, per model, robust accuracy against
eps (left) and clean accuracy against robust accuracy at the model's own training eps
(right: the trade-off).

Run (CIFAR-10 models trained by ``interpret train cifar10-cnn-robust --eps E --out ...``):
    INTERPRET_DATA_DIR=/work/data nice python benchmarks/robust_tradeoff.py \
        --models cifar10-cnn runs/eps2.keras runs/eps4.keras cifar10-cnn-robust \
        [--eps 0 0.00784 0.01569 0.03137] [--n 10000] [--out docs/img/robust-tradeoff-cifar10.png]
        [--json rows.json] [--reuse earlier-rows.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def score(spec: str, eps_list: list[float], n: int) -> dict:
    from interpret.core.models import resolve
    from interpret.data import datasets
    from interpret.model_compare import robust_curve

    handle = resolve(spec)
    ds = datasets.load(handle.dataset or "cifar10")
    x, y = ds.x_test[:n].astype(np.float32) / 255, ds.y_test[:n].astype(np.int32)
    acc = robust_curve(handle, x, y, eps_list, seed=0)
    trained = float((handle.card.get("adversarial") or {}).get("eps", 0.0))
    own = robust_curve(handle, x, y, [trained], seed=0)[0] if trained not in eps_list else None
    return {
        "model": spec, "name": handle.name, "train_eps": trained, "clean": acc[eps_list.index(0.0)],
        "accuracy": dict(zip(map(float, eps_list), acc)),
        "robust_at_train_eps": own if own is not None else acc[eps_list.index(trained)],
        "card_seconds": handle.card.get("seconds"), "images": int(len(x)),
    }  # fmt: skip


def plot(rows: list[dict], eps_list: list[float], out: Path) -> None:
    from interpret.gallery.store import atomic_write_bytes, figure_png_bytes
    from interpret.gallery.style import new_figure

    fig, (ax1, ax2) = new_figure(10, 4, ncols=2)
    for r in rows:
        label = f"trained at eps {r['train_eps'] * 255:.0f}/255" if r["train_eps"] else "standard"
        ax1.plot(
            [e * 255 for e in eps_list], [r["accuracy"][e] for e in eps_list], "o-", label=label
        )
        ax2.plot(r["robust_at_train_eps"], r["clean"], "o", ms=8)
        ax2.annotate(label, (r["robust_at_train_eps"], r["clean"]), fontsize=8,
                     xytext=(4, 4), textcoords="offset points")  # fmt: skip
    ax1.set(xlabel="attack eps (x/255)", ylabel="accuracy under PGD-20", ylim=(0, 1))
    ax1.legend(fontsize=8)
    ax1.set_title(f"robust accuracy, {rows[0]['images']} CIFAR-10 test images")
    ax2.set(xlabel="PGD-20 accuracy at the training eps", ylabel="clean accuracy")
    ax2.set_title("clean vs robust accuracy (JPEG'd CIFAR-10 copy)")
    fig.tight_layout()
    atomic_write_bytes(out, figure_png_bytes(fig))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", required=True)
    ap.add_argument("--eps", nargs="*", type=float, default=[0.0, 2 / 255, 4 / 255, 8 / 255])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--out", default=None, help="PNG of the trade-off")
    ap.add_argument("--json", default=None)
    ap.add_argument(
        "--reuse", default=None, help="a previous --json: its models are not scored again"
    )
    args = ap.parse_args()
    eps_list = [float(e) for e in args.eps]
    done = {r["model"]: r for r in json.loads(Path(args.reuse).read_text())} if args.reuse else {}
    rows = []
    for spec in args.models:
        if spec in done:  # JSON keys are strings: back to the eps floats
            r = {**done[spec], "accuracy": {float(e): a for e, a in done[spec]["accuracy"].items()}}
        else:
            r = score(spec, eps_list, args.n)
        rows.append(r)
        curve = "  ".join(f"{e * 255:.0f}/255: {a:.4f}" for e, a in r["accuracy"].items())
        print(f"{r['name']:<22} train eps {r['train_eps'] * 255:4.1f}/255  clean {r['clean']:.4f}  "
              f"PGD-20 at own eps {r['robust_at_train_eps']:.4f}  | {curve}  ({r['card_seconds']}s to train)",
              flush=True)  # fmt: skip
    if args.out:
        plot(rows, eps_list, Path(args.out))
        print("wrote", args.out)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
