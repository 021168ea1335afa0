"""Clean and robust accuracy of the zoo's standard and robust models on the whole test sets.

Each model is attacked with the shared attack code (``interpret.evaluate_attack``,
``method="pgd"``: Linf, random start, the final iterate), on every test image; the
robust accuracy is over *all* images (a clean mistake counts as broken), as papers
report it. MNIST: PGD-40, eps 0.3, step 0.01 (the acceptance attack, beside Madry et
al.'s anchors); CIFAR-10: PGD-20, step eps / 4, at the eps of the robust recipe. A model
trained in the L2 ball (its card's ``norm``) is attacked in that ball at its training eps,
PGD-40 with its recipe's final step; ``--norm`` and ``--eps`` choose the ball for every model.
AutoAttack (``standard``: APGD-CE, APGD-T, FAB-T, Square) runs on the first
``--autoattack-n`` of those images, with the robust accuracy left after each stage.

Run:
    INTERPRET_DATA_DIR=/work/data nice python benchmarks/robust_zoo.py \
        [--models mnist-cnn mnist-cnn-robust mnist-cnn-robust-l2 cifar10-cnn cifar10-cnn-robust
                  | PATH.keras ...]
        [--n 10000] [--autoattack-n 1000] [--norm linf|l2] [--eps E] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time

from interpret.core.updates import NORMS

ANCHORS = {
    "mnist": "Madry et al. 2018 (MNIST, eps 0.3): 98.53% clean, 89.62% PGD (reported), "
    "88.50% under AutoAttack (Croce & Hein 2020)",
}
SETTINGS = {
    "mnist": {"eps": 0.3, "steps": 40, "step_size": 0.01},
    "cifar10": {"eps": 8 / 255, "steps": 20},
}


def settings_for(handle, eps: float | None, norm: str | None = None) -> dict:
    """The attack of a model's data set; a robust card's eps (and norm) when given none."""
    base = {**SETTINGS[handle.dataset], "norm": "linf"}
    trained = handle.card.get("adversarial") or {}
    if norm is None and trained.get("norm") == "l2":
        step = handle.card["recipe"]["robust_eval"][1]
        base = {"eps": trained["eps"], "steps": 40, "step_size": step, "norm": "l2"}
    elif norm is not None and norm != "linf":
        base = {"eps": 2.0, "steps": 40, "norm": norm}  # MNIST's usual L2 budget
    if eps is not None:
        base = {k: v for k, v in base.items() if k != "step_size"} | {"eps": eps}
    elif trained.get("eps") and handle.dataset == "cifar10" and base["norm"] == "linf":
        base["eps"] = trained["eps"]
    base.setdefault("step_size", base["eps"] / 4)
    return base


def autoattack(handle, x, y, eps: float, norm: str) -> dict:
    """AutoAttack (standard version) on ``x``: robust accuracy over all of them, per stage."""
    from interpret.attacks.autoattack import autoattack as run

    t0 = time.perf_counter()
    res = run(handle.probe, x.astype("float32") / 255, y.astype("int32"), eps=eps, norm=norm,
              version="standard")  # fmt: skip
    table = res.table()
    return {
        "robust": table[-1][1] / len(x), "images": int(len(x)),
        "after_stage": {name: left / len(x) for name, left in table},
        "masking": str(res.masking), "seconds": round(time.perf_counter() - t0, 1),
    }  # fmt: skip


def evaluate(spec: str, n: int, eps: float | None, aa_n: int, norm: str | None = None) -> dict:
    from interpret.attacks.run import evaluate_attack
    from interpret.core.models import resolve
    from interpret.data import datasets

    handle = resolve(spec)
    ds = datasets.load(handle.dataset)
    x, y = ds.x_test[:n], ds.y_test[:n]
    s = settings_for(handle, eps, norm)
    t0 = time.perf_counter()
    ev = evaluate_attack(handle, x, y, method="pgd", eps=s["eps"], steps=s["steps"],
                         step_size=s["step_size"], norm=s["norm"], random_start=True, seed=0)  # fmt: skip
    row = {
        "model": handle.name, "dataset": handle.dataset, "images": int(ev.n),
        "clean": ev.clean_correct / ev.n, "robust": ev.rows[0].robust / ev.n,
        "attack": f"PGD-{s['steps']}", **s, "seconds": round(time.perf_counter() - t0, 1),
        "card_robust": (handle.card.get("robust_accuracy") or {}).get("value"),
    }  # fmt: skip
    row["autoattack"] = (
        autoattack(handle, x[:aa_n], y[:aa_n], s["eps"], s["norm"]) if aa_n else None
    )
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*",
                    default=["mnist-cnn", "mnist-cnn-robust", "mnist-cnn-robust-l2", "cifar10-cnn",
                             "cifar10-cnn-robust"])  # fmt: skip
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--eps", type=float, default=None)
    ap.add_argument("--norm", choices=NORMS, default=None,
                    help="attack every model in this ball [default: Linf, or the card's]")  # fmt: skip
    ap.add_argument("--autoattack-n", type=int, default=1000,
                    help="AutoAttack (standard) on the first N of the images; 0: none")  # fmt: skip
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    rows = []
    for spec in args.models:
        row = evaluate(spec, args.n, args.eps, args.autoattack_n, args.norm)
        rows.append(row)
        a = row["autoattack"]
        aa = (
            "not run"
            if a is None
            else f"{a['robust']:.4f} on {a['images']} images ({a['seconds']:.0f}s)"
        )
        print(
            f"{row['model']:<22} {row['dataset']:<8} clean {row['clean']:.4f}  {row['attack']} "
            f"{row['norm']} eps {row['eps']:.4f} step {row['step_size']:.4f}: {row['robust']:.4f}  "
            f"AutoAttack {aa}  ({row['images']} images, {row['seconds']:.0f}s; card {row['card_robust']})",
            flush=True,
        )
    for ds in sorted({r["dataset"] for r in rows} & set(ANCHORS)):
        print("anchor:", ANCHORS[ds])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
