"""AutoAttack, APGD and Square checked against ART 1.20.1 and timed against the floor.

Needs the real test sets (INTERPRET_DATA_DIR with mnist.npz and cifar10.npz) and, for the
peer columns, ART (``pip install -e ".[bench]"``). Usage:

    INTERPRET_DATA_DIR=/path/to/data python benchmarks/autoattack_compare.py \
        [--n 1000] [--only ours,art,speed,report] [--cases mnist-cnn:0.1,cifar10-cnn:8/255] \
        [--art-json FILE[,FILE]] [--ours-json FILE]

Sections (``--only``):

* ``ours``: per case (model, Linf eps), on the first ``n`` test images: clean accuracy,
  our PGD-40 (step eps/4, random start), APGD-CE (100 iterations, 1 restart), AutoAttack
  ``standard`` with the robust accuracy after each stage and its seconds, AutoAttack
  ``custom`` with ART's line-up less DeepFool (APGD-CE, APGD-DLR, Square 5000 with ART's
  rescaled schedule: isolates the line-up difference from ART), and Square alone with
  ``--square-queries`` queries;
* ``art``: the same images and eps through ART's ``AutoAttack`` (its own choice of
  attacks, listed in the output: ART has no FAB and runs DeepFool in its place) with the
  standard version's budgets (100 iterations, 1 restart, Square 5000 queries), and ART's
  ``SquareAttack`` with ``--square-queries``. With ``--art-lineup targeted``, ART's
  AutoAttack instead runs its APGD-CE and APGD-DLR untargeted, then ``targeted=True``
  against each of the other classes in turn (ART's nearest to APGD-T, the targeted DLR
  over 9 classes that its default line-up lacks; no Square, whose 9 targeted runs would
  take hours), stored under its own key. ART's runs are slow: with ``--art-json`` each
  finished case is stored in that file, and a later run with ``ours`` reads it to print the
  comparison (the timings then come from different moments of a shared machine: say so);
* ``report``: the comparison printed again from the stored ``--ours-json`` and
  ``--art-json`` (several ART files, comma-separated, are merged), nothing run;
* ``speed``: APGD-CE, 100 iterations, 1 restart, nobody dropped when fooled, against the
  bare compiled gradient loop with the same number of gradients (101 forward + backward
  passes with a signed step, nothing else), in interleaved rounds: medians and ranges of
  the wall-time ratio per round, and of the CPU-time ratio (less moved by other jobs on a
  shared machine);
  on mnist-cnn 0.3 and cifar10-cnn 8/255, or on the models and eps of ``--cases``.

Every robust accuracy is counted on all ``n`` images (misclassified clean images count as
not robust), the way AutoAttack and RobustBench report it; CIFAR-10 here went through JPEG
once (see the README).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np

from interpret._tf import keras, tf
from interpret.core.models import resolve
from interpret.data import datasets as data

# ART's AutoAttack line-up without DeepFool (which we do not have): apples to apples
ART_LINEUP = ("apgd-ce", "apgd-dlr", "square")
ART_SQUARE = {"square": {"rescale": True}}  # ART stretches the p schedule over its budget
CASES = ("mnist-cnn:0.1", "mnist-cnn:0.3", "cifar10-cnn:2/255", "cifar10-cnn:8/255")
DATASET = {"mnist-cnn": "mnist", "cifar10-cnn": "cifar10"}


def parse_case(text: str) -> tuple[str, float, str]:
    """'cifar10-cnn:8/255' -> ('cifar10-cnn', 0.0313..., '8/255')."""
    model, eps = text.split(":")
    num, _, den = eps.partition("/")
    return model, float(num) / (float(den) if den else 1.0), eps


def load(model: str, n: int) -> tuple[np.ndarray, np.ndarray, str]:
    ds = data.load(DATASET[model])
    return ds.x_test[:n].astype(np.float32) / 255.0, ds.y_test[:n].astype(np.int32), ds.source


# ---- ours ------------------------------------------------------------------------------


PARTS = ("pgd", "apgd-ce", "aa", "custom", "square")


def run_ours(
    model: str, eps: float, x: np.ndarray, y: np.ndarray, queries: int, seed: int, parts=PARTS
) -> dict:
    """PGD-40 (two step rules), APGD-CE, AutoAttack standard and custom, Square: over all n."""
    from interpret.attacks.autoattack import autoattack
    from interpret.attacks.run import attack
    from interpret.attacks.square import square

    probe = resolve(model).probe
    correct = probe.predict(x).argmax(1) == y
    xc, yc = x[correct], y[correct]
    out: dict = {"clean_correct": int(correct.sum())}
    rules = (("pgd40_eps/4", "pgd", eps / 4), ("pgd40_2.5eps/40", "pgd", 2.5 * eps / 40))
    for label, method, step in (*rules, ("apgd-ce", "apgd-ce", None)):
        if method in parts:
            budget = {"steps": 40, "step_size": step} if method == "pgd" else {}
            t = time.perf_counter()
            res = attack(probe, xc, yc, method=method, eps=eps, seed=seed, **budget)
            out[label] = {"robust": int((~res.success).sum()), "seconds": time.perf_counter() - t}
    versions = {"aa": {}, "custom": {"attacks": ART_LINEUP, "overrides": ART_SQUARE}}
    for part, options in versions.items():
        if part in parts:
            t = time.perf_counter()
            run = autoattack(probe, x, y, eps=eps, seed=seed, **options)
            out[f"{part}_seconds"] = time.perf_counter() - t
            out[f"{part}_stages"] = dict(run.table())
            out[f"{part}_stage_seconds"] = dict(zip(run.stages, run.seconds))
            out[f"{part}_robust"] = run.table()[-1][1]
            out[f"{part}_warnings"] = run.masking.warnings
    if "square" in parts:
        t = time.perf_counter()
        _, fooled, used = square(probe, xc, yc, eps=eps, queries=queries, rescale=True, seed=seed)
        out["square_seconds"] = time.perf_counter() - t
        out["square_robust"] = int((~fooled).sum())
        out["square_median_queries"] = float(np.median(used[fooled])) if fooled.any() else None
        out["square_queries"] = queries
    return out


def ours_section(args, cases, art: dict) -> None:
    store = Path(args.ours_json) if args.ours_json else None
    results = json.loads(store.read_text()) if store and store.exists() else {}
    for case in cases:
        model, eps, label = parse_case(case)
        x, y, source = load(model, args.n)
        print(f"\n{model}, eps {label} (Linf), first {len(x)} test images ({source})", flush=True)
        ours = run_ours(model, eps, x, y, args.square_queries, args.seed, args.parts.split(","))
        ours["measured"] = time.strftime("%Y-%m-%d %H:%M:%S")
        results[f"{case}:n{args.n}:q{args.square_queries}"] = ours
        if store:
            store.write_text(json.dumps(results, indent=1))
        key = f"{case}:n{args.n}:q{args.square_queries}"
        report(len(x), label, ours, art.get(key), art.get(key + ":targeted"))


def report_section(args, cases, art: dict) -> None:
    """The comparison printed again from stored results (``--ours-json``, ``--art-json``)."""
    ours = json.loads(Path(args.ours_json).read_text())
    for case in cases:
        model, _, label = parse_case(case)
        key = f"{case}:n{args.n}:q{args.square_queries}"
        print(f"\n{model}, eps {label} (Linf), first {args.n} test images (stored results)")
        if key in ours:
            report(args.n, label, ours[key], art.get(key), art.get(key + ":targeted"))
        else:
            print(f"  ours: not stored in {args.ours_json}")


def read_art(paths: str) -> dict:
    """ART's stored cases from one file or several (comma-separated), merged."""
    out: dict = {}
    for path in filter(None, paths.split(",")):
        if Path(path).exists():
            out.update(json.loads(Path(path).read_text()))
    return out


def report(
    n: int, label: str, ours: dict, art: dict | None, art_targeted: dict | None = None
) -> None:
    """Print one case: robust accuracy over all n images, and the per-stage tables."""
    pct = lambda k: f"{100 * k / n:6.2f}%"  # noqa: E731
    print(f"  clean accuracy {pct(ours['clean_correct'])}")
    for key in ("pgd40_eps/4", "pgd40_2.5eps/40", "apgd-ce"):
        if key in ours:
            print(f"  {key:<18}{pct(ours[key]['robust'])}  ({ours[key]['seconds']:.0f} s)")
    titles = {
        "aa": "AutoAttack standard",
        "custom": "AutoAttack custom, ART's line-up less DeepFool (APGD-CE, APGD-DLR, Square "
        "5000 on ART's rescaled schedule)",
    }
    for part, title in titles.items():
        if f"{part}_stages" in ours:
            print(f"  {title}, robust accuracy after each stage:")
            for stage, left in ours[f"{part}_stages"].items():
                sec = ours.get(f"{part}_stage_seconds", {}).get(stage)
                print(f"    {stage:<10}{pct(left)}" + (f"  ({sec:.0f} s)" if sec else ""))
            warned = ours.get(f"{part}_warnings") or "none"
            print(f"    total {ours[f'{part}_seconds']:.0f} s; warnings: {warned}")
    if "square_robust" in ours:
        print(
            f"  Square alone ({ours['square_queries']} queries, schedule rescaled as ART's): "
            f"{pct(ours['square_robust'])} ({ours['square_seconds']:.0f} s; median queries of "
            f"the fooled {ours['square_median_queries']})"
        )
    if art_targeted is not None and "aa_robust" in ours:
        t, gap = art_targeted, 100 * (ours["aa_robust"] - art_targeted["aa_robust"]) / n
        print(
            f"  ART AutoAttack, targeted=True ({', '.join(t['aa_attacks'])}, untargeted then "
            f"at each other class): final {pct(t['aa_robust'])} vs our standard "
            f"{pct(ours['aa_robust'])}: ours - ART = {gap:+.2f} points ({t['aa_seconds']:.0f} s; "
            f"measured {t['measured']})"
        )
    if art is None:
        print("  ART: not run for this case (run --only art first, same --art-json)")
        return
    report_art(n, pct, ours, art)


def report_art(n: int, pct, ours: dict, art: dict) -> None:
    """ART's side of one case and the gaps (ours - ART, in points of the n images)."""
    print(f"  ART AutoAttack ({', '.join(art['aa_attacks'])}):")
    for stage, left in art["aa_stages"].items():
        print(f"    {stage:<10}{pct(left)}")
    for part, name in (("aa", "standard"), ("custom", "custom (ART's line-up less DeepFool)")):
        if f"{part}_robust" in ours:
            gap = 100 * (ours[f"{part}_robust"] - art["aa_robust"]) / n
            sec = ours[f"{part}_seconds"]
            print(
                f"    ART final {pct(art['aa_robust'])} vs our {name} {pct(ours[f'{part}_robust'])}"
                f": ours - ART = {gap:+.2f} points; time {art['aa_seconds']:.0f} s vs ours "
                f"{sec:.0f} s = ours {art['aa_seconds'] / sec:.1f}x faster"
            )
    print(f"    (measured {art['measured']} and {ours['measured']} on a shared machine)")
    if "square_robust" in ours:
        sq_gap = 100 * (ours["square_robust"] - art["square_robust"]) / n
        print(
            f"  ART SquareAttack ({art['square_queries']} queries): {pct(art['square_robust'])} "
            f"vs ours {pct(ours['square_robust'])}: {sq_gap:+.2f} points; "
            f"{art['square_seconds']:.0f} s vs {ours['square_seconds']:.0f} s"
        )


# ---- speed ----------------------------------------------------------------------------


def bare_loop(probe, gradients: int):
    """The floor: ``gradients`` compiled (forward, backward, signed step) calls, nothing else."""
    f = probe.extractor((), logits=True)

    @tf.function(reduce_retracing=True)
    def step(x, y):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=f(x)[0])
            )
        return x + 0.01 * tf.sign(tape.gradient(loss, x))

    def run(x, y):
        x, y = tf.constant(x), tf.constant(y)
        for _ in range(gradients):
            x = step(x, y)
        return x.numpy()

    return run


def speed_section(args) -> None:
    from interpret.attacks.apgd import Loss, run_once
    from interpret.attacks.distributed import make_runner

    print(
        f"\nAPGD-CE, 100 iterations, 1 restart, no image dropped when fooled (101 gradients), "
        f"against the bare compiled loop of 101 (forward, backward, signed step); "
        f"{args.repeats} interleaved rounds"
    )
    for case in (args.cases or "mnist-cnn:0.3,cifar10-cnn:8/255").split(","):
        model, eps, _ = parse_case(case)
        probe = resolve(model).probe
        x, y, _ = load(model, args.n)
        bare = bare_loop(probe, 101)
        runner = make_runner("one")
        t_ = np.zeros(len(x), np.int32)

        def ours(x=x, y=y, probe=probe, runner=runner, eps=eps, t_=t_):
            run_once(
                probe,
                x,
                y,
                t_,
                x,
                eps=eps,
                norm="linf",
                loss=Loss("ce", False),
                steps=100,
                runner=runner,
                drop=False,
            )

        contenders = {"bare": lambda x=x, y=y, bare=bare: bare(x, y), "apgd-ce": ours}
        for fn in contenders.values():
            fn()  # warm-up: tracing
        times, cpu = {k: [] for k in contenders}, {k: [] for k in contenders}
        for _ in range(args.repeats):
            for k, fn in contenders.items():
                t, c = time.perf_counter(), time.process_time()
                fn()
                times[k].append(time.perf_counter() - t)
                cpu[k].append(time.process_time() - c)
        ratio = np.array(times["apgd-ce"]) / np.array(times["bare"])
        cpu_ratio = np.array(cpu["apgd-ce"]) / np.array(cpu["bare"])
        print(
            f"  {model}, {len(x)} images: bare median {np.median(times['bare']):.2f} s "
            f"(range {min(times['bare']):.2f}-{max(times['bare']):.2f}), APGD-CE median "
            f"{np.median(times['apgd-ce']):.2f} s (range {min(times['apgd-ce']):.2f}-"
            f"{max(times['apgd-ce']):.2f}); ratio per round median {np.median(ratio):.2f} "
            f"(range {ratio.min():.2f}-{ratio.max():.2f}); CPU time (this process, all "
            f"threads) ratio median {np.median(cpu_ratio):.2f} (range {cpu_ratio.min():.2f}-"
            f"{cpu_ratio.max():.2f})"
        )


# ---- ART ------------------------------------------------------------------------------


def art_classifier(probe):
    from art.estimators.classification import TensorFlowV2Classifier

    logits = probe.extractor((), logits=True)
    return TensorFlowV2Classifier(
        model=keras.Model(logits.inputs, logits.outputs[0]),
        nb_classes=probe.n_classes,
        input_shape=tuple(probe.input_shape),
        loss_object=keras.losses.CategoricalCrossentropy(from_logits=True),
        clip_values=(0.0, 1.0),
    )


def art_attacks(clf, eps: float, batch: int) -> list:
    """ART's AutoAttack line-up (APGD-CE, APGD-DLR, DeepFool, Square) at the standard budgets."""
    from art.attacks.evasion import AutoProjectedGradientDescent, DeepFool, SquareAttack

    apgd = {
        "norm": np.inf,
        "eps": eps,
        "eps_step": 2 * eps,  # the paper's initial step; ART's own default is 0.1
        "max_iter": 100,
        "targeted": False,
        "nb_random_init": 1,
        "batch_size": batch,
        "verbose": False,
    }
    return [
        AutoProjectedGradientDescent(clf, loss_type="cross_entropy", **apgd),
        AutoProjectedGradientDescent(clf, loss_type="difference_logits_ratio", **apgd),
        DeepFool(clf, max_iter=100, epsilon=1e-3, nb_grads=10, batch_size=batch, verbose=False),
        SquareAttack(
            clf,
            norm=np.inf,
            max_iter=5000,
            eps=eps,
            p_init=0.8,
            nb_restarts=1,
            batch_size=batch,
            verbose=False,
        ),
    ]


ART_STAGES = ("apgd-ce", "apgd-dlr", "deepfool", "square")


def run_art(
    model: str, eps: float, x: np.ndarray, y: np.ndarray, queries: int, seed: int,
    lineup: str = "default",
) -> dict:  # fmt: skip
    """ART's AutoAttack (standard budgets) and ART's SquareAttack on the same images.

    ``lineup="targeted"``: ART's AutoAttack with its two APGDs only, untargeted and then
    targeted at each other class (``targeted=True``); no separate Square run.
    """
    from art.attacks.evasion import AutoAttack, SquareAttack

    probe = resolve(model).probe
    clf = art_classifier(probe)
    onehot = np.eye(probe.n_classes, dtype=np.float32)[y]
    np.random.seed(seed)
    out: dict = {}
    targeted = lineup == "targeted"
    attacks = art_attacks(clf, eps, len(x))
    aa = AutoAttack(
        clf,
        norm=np.inf,
        eps=eps,
        eps_step=2 * eps,
        attacks=attacks[:2] if targeted else attacks,
        batch_size=len(x),
        targeted=targeted,
    )
    t = time.perf_counter()
    adv = aa.generate(x=x, y=onehot)
    out["aa_seconds"] = time.perf_counter() - t
    pred = clf.predict(adv).argmax(1)
    linf = np.abs(adv - x).reshape(len(x), -1).max(1)
    out["aa_robust"] = int(((pred == y) | (linf > eps * (1 + 1e-4))).sum())
    best = np.asarray(aa.best_attacks)
    out["clean_correct"] = int((best != aa.SAMPLE_MISCLASSIFIED).sum())
    left, stages = out["clean_correct"], {}
    for i, name in enumerate(ART_STAGES[: len(aa.attacks)]):
        left -= int((best == i).sum())  # targeted: fooled by this attack, either mode
        stages[name] = left
    out["aa_stages"] = stages
    out["aa_attacks"] = [
        type(a).__name__ + (f"({a.loss_type})" if hasattr(a, "loss_type") else "")
        for a in aa.attacks
    ]
    out["aa_targeted"] = targeted
    if targeted:
        return out
    sq = SquareAttack(
        clf,
        norm=np.inf,
        max_iter=queries,
        eps=eps,
        p_init=0.8,
        nb_restarts=1,
        batch_size=len(x),
        verbose=False,
    )
    correct = clf.predict(x).argmax(1) == y
    t = time.perf_counter()
    sq_adv = sq.generate(x=x[correct], y=onehot[correct])
    out["square_seconds"] = time.perf_counter() - t
    out["square_robust"] = int((clf.predict(sq_adv).argmax(1) == y[correct]).sum())
    out["square_queries"] = queries
    return out


def art_key_suffix(args) -> str:
    return ":targeted" if args.art_lineup == "targeted" else ""


def art_section(args, cases) -> dict:
    import art

    store = Path(args.art_json) if args.art_json else None
    results = json.loads(store.read_text()) if store and store.exists() else {}
    for case in cases:
        model, eps, label = parse_case(case)
        key = f"{case}:n{args.n}:q{args.square_queries}" + art_key_suffix(args)
        if key in results and not args.rerun:
            print(f"ART {case}: stored in {store}, skipped (--rerun to repeat)")
            continue
        x, y, _ = load(model, args.n)
        print(f"ART {art.__version__} on {model} eps {label}, {len(x)} images ...", flush=True)
        res = run_art(model, eps, x, y, args.square_queries, args.seed, args.art_lineup)
        res["measured"] = time.strftime("%Y-%m-%d %H:%M:%S")
        results[key] = res
        print(json.dumps(res), flush=True)
        if store:
            store.write_text(json.dumps(results, indent=1))
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cases", default=None, help="model:eps,... (default: all four cases)")
    ap.add_argument("--only", default="ours,art,speed")
    ap.add_argument("--square-queries", type=int, default=1000)
    ap.add_argument(
        "--art-json", default=None, help="store / read ART's results here (read: a,b merges)"
    )
    ap.add_argument("--ours-json", default=None, help="store our results here")
    ap.add_argument("--rerun", action="store_true", help="repeat ART cases already stored")
    ap.add_argument(
        "--art-lineup", choices=("default", "targeted"), default="default",
        help="ART's AutoAttack: its default line-up, or its two APGDs also targeted",
    )  # fmt: skip
    ap.add_argument("--parts", default=",".join(PARTS), help="what ours runs")
    ap.add_argument("--repeats", type=int, default=5, help="timing rounds")
    args = ap.parse_args()
    sections = set(args.only.split(","))
    cases = (args.cases or ",".join(CASES)).split(",")
    warnings.filterwarnings("ignore")
    print(
        f"TF {tf.__version__}, Keras {keras.__version__}, cpus {os.cpu_count()}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    art = {}
    if "art" in sections:
        art = art_section(args, cases)
    elif args.art_json:
        art = read_art(args.art_json)
    if "ours" in sections:
        ours_section(args, cases, art)
    if "report" in sections:
        report_section(args, cases, art)
    if "speed" in sections:
        speed_section(args)


if __name__ == "__main__":
    main()
