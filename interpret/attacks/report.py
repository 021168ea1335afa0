"""Gallery output of the attack and fooling commands: tables, plots, sheets, sidecars.

``attack_report`` and ``fool_report`` are what ``interpret attack`` and
``interpret fool`` call: they run :func:`interpret.attacks.run.evaluate_attack` /
:func:`interpret.attacks.fooling.fool` and write the figures into the gallery.

Example:
    >>> import interpret
    >>> out = interpret.attack_report("mnist-cnn", method="pgd", eps=[0.1, 0.3], n=100)  # doctest: +SKIP
    >>> print(out["table"])  # doctest: +SKIP
    >>> out = interpret.fool_report("mnist-cnn", classes="all")  # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret.attacks.run import (
    MINIMAL,
    Evaluation,
    check_eps,
    evaluate_attack,
    method_name,
    method_params,
)
from interpret.core.errors import UserError
from interpret.core.progress import Progress, no_progress
from interpret.gallery.store import Artifact, Gallery

SHEET_ROWS = 8


def amplify(delta: np.ndarray) -> tuple[np.ndarray, float]:
    """Map a perturbation to [0, 1] around grey 0.5, scaled so its largest entry fills the range.

    Returns the image and the amplification factor.

    Example:
        >>> img, k = amplify(np.array([[-0.1, 0.0, 0.05]]))
        >>> img.round(2).tolist(), k
        ([[0.0, 0.5, 0.75]], 5.0)
    """
    m = float(np.abs(delta).max())
    k = 0.5 / m if m > 0 else 1.0
    return np.clip(0.5 + k * delta, 0.0, 1.0), k


def confidence_text(p: float) -> str:
    """A confidence near 1 written so its distance from 1 stays visible.

    Example:
        >>> confidence_text(0.97), confidence_text(0.9999973)
        ('0.97000', '1-2.7e-06')
    """
    return f"{p:.5f}" if p < 0.99999 else f"1-{1 - p:.1e}"


def robustness_figure(ev: Evaluation) -> Any:
    """Robust accuracy (on initially-correct images) against eps.

    Example:
        >>> fig = robustness_figure(ev)  # doctest: +SKIP
    """
    from interpret.gallery.style import new_figure

    fig, ax = new_figure(5.0, 3.4)
    rows = [r for r in ev.rows if r.eps is not None]
    eps = [r.eps for r in rows]
    ax.plot(eps, [r.robust_accuracy for r in rows], "o-", color="C3")
    for r in rows:
        ax.annotate(
            f"{r.robust_accuracy:.3f}",
            (r.eps, r.robust_accuracy),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=7,
        )
    norm = (
        "L2"
        if ev.method in MINIMAL
        else ev.parameters.get("norm", "linf").replace("inf", "\u221e").upper()
    )
    ax.set_xlabel(f"eps ({norm}, images in [0, 1])")
    ax.set_ylabel("robust accuracy")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(
        f"{ev.model}: {ev.method} - counted on the {ev.clean_correct} initially-correct of {ev.n} images",
        fontsize=8,
    )
    return fig


def triplet_sheet(
    ev: Evaluation, row_index: int, class_names: Sequence[str], rows: int = SHEET_ROWS
) -> tuple[Any, list[int]]:
    """Original / amplified perturbation / adversarial, with labels and confidences.

    Shows the first ``rows`` images fooled at ``ev.rows[row_index]``.

    Example:
        >>> fig, shown = triplet_sheet(ev, 1, [str(i) for i in range(10)])  # doctest: +SKIP
    """
    from interpret.gallery.style import _pyplot, show_image

    row = ev.rows[row_index]
    res = row.result
    ok = (
        res.success
        if row.eps is None or ev.method not in MINIMAL
        else res.success & (res.l2 <= row.eps + 1e-6)
    )
    picks = [int(i) for i in np.flatnonzero(ok)[:rows]]
    plt = _pyplot()
    n = max(1, len(picks))
    fig, axes = plt.subplots(n, 3, figsize=(3 * 1.6, n * 1.75 + 0.4), squeeze=False)
    for r, i in enumerate(picks):
        x = ev.images[i]
        adv = res.adversarial[i]
        pert, k = amplify(adv - x)
        y, p = int(res.labels[i]), int(res.pred[i])
        show_image(axes[r, 0], x, f"{class_names[y]} ({res.clean_confidence[i]:.3f})")
        show_image(axes[r, 1], pert, f"x{k:.0f}  L2 {res.l2[i]:.2f}  Linf {res.linf[i]:.2f}")
        show_image(axes[r, 2], adv, f"-> {class_names[p]} ({res.confidence[i]:.3f})")
    if not picks:
        axes[0, 0].text(0.5, 0.5, "no image was fooled", ha="center")
        for ax in axes.flat:
            ax.axis("off")
    eps = "unbounded" if row.eps is None else f"eps {row.eps:g}"
    fig.suptitle(
        f"{ev.model}: {ev.method}, {eps}\noriginal | perturbation (amplified) | adversarial",
        fontsize=8,
    )
    fig.tight_layout()
    return fig, picks


def sheet_row(ev: Evaluation, rows: int = SHEET_ROWS) -> int:
    """The smallest eps at which at least ``rows`` images were fooled (else the largest eps).

    Example:
        >>> sheet_row(ev)  # doctest: +SKIP
        1
    """
    for i, r in enumerate(ev.rows):
        if r.n_attacked - r.robust >= rows:
            return i
    return len(ev.rows) - 1


def attack_report(
    model: Any,
    *,
    method: str = "pgd",
    eps: Sequence[float] | None = (0.05, 0.1, 0.2, 0.3),
    n: int = 1000,
    dataset: str | None = None,
    target: Any = None,
    seed: int = 0,
    batch_size: int = 1000,
    gallery: str | Gallery | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> dict:
    """Evaluate an attack on the first ``n`` test images and write plot + sheet to the gallery.

    Everything is validated before any work starts. ``progress(total, label)`` is a
    context manager yielding a bar with ``update(n)`` (e.g.
    :func:`interpret.cli.common.progress`). Returns ``{"evaluation", "table", "artifacts"}``.

    Example:
        >>> out = attack_report("mnist-cnn", method="fgsm", eps=[0.1], n=200)  # doctest: +SKIP
    """
    from interpret.core.models import resolve
    from interpret.data import datasets as data

    method = method_name(method)
    method_params(method, options)  # unknown or bad options fail before anything is loaded
    handle = resolve(model)
    probe = handle.probe
    eps_list = [None] if eps is None else list(eps)
    for e in eps_list:  # validate before loading anything big
        check_eps(e, method, options.get("norm") or "linf", probe.input_shape)
    if int(n) != n or n < 1:
        raise UserError(f"--n must be a whole number >= 1, got {n}")
    if target is not None:
        probe.class_index(target)
    name = dataset or handle.dataset
    if not name:
        raise UserError(
            f"model {handle.name} has no card naming its data set; pass --dataset mnist or cifar10"
        )
    ds = data.load_test_images(name)
    x_all, y_all = ds.split("test")
    if n > len(x_all):
        raise UserError(f"--n {n} is more than the {len(x_all)} test images of {name}")
    x = x_all[:n].astype(np.float32) / 255.0
    y = y_all[:n].astype(np.int32)
    runs = 1 if method in MINIMAL else len(eps_list)
    with (progress or no_progress)(runs * n, f"{method} on {handle.name}") as bar:
        ev = evaluate_attack(
            probe,
            x,
            y,
            method=method,
            eps=eps_list if eps is not None else None,
            target=target,
            seed=seed,
            batch_size=batch_size,
            on_batch=bar.update,
            **options,
        )
    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    tag = f"{method}-{ev.parameters.get('norm', 'l2')}" if method not in MINIMAL else method
    meta = {
        "seed": seed,
        "parameters": {
            **ev.parameters,
            "n": n,
            "dataset": name,
            "images": f"first {n} test images",
            "data_source": ds.source,
        },
        "figures": ev.figures(),
        **handle.describe(),
    }
    arts: list[Artifact] = []
    if any(r.eps is not None for r in ev.rows):
        arts.append(
            g.save_figure(
                robustness_figure(ev),
                model=handle.name,
                technique="attack",
                name=f"{tag}-robust-accuracy",
                meta=meta,
            )
        )
    i = sheet_row(ev)
    fig, picks = triplet_sheet(ev, i, probe.class_names)
    row = ev.rows[i]
    arts.append(
        g.save_figure(
            fig,
            model=handle.name,
            technique="attack",
            name=f"{tag}-examples-eps{row.eps if row.eps is not None else 'none'}",
            meta={**meta, "sheet_eps": row.eps, "shown": picks},
        )
    )
    return {"evaluation": ev, "table": ev.table(), "artifacts": arts}


def fool_report(
    model: Any,
    classes: Any = "all",
    *,
    method: str = "gradient",
    seed: int = 0,
    gallery: str | Gallery | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> dict:
    """Make fooling images (:func:`interpret.attacks.fooling.fool`) and save the grid and each image.

    ``progress`` as in :func:`attack_report`; options go to :func:`~interpret.attacks.fooling.fool`,
    which checks them all before it starts. Returns ``{"result", "artifacts"}``.

    Example:
        >>> out = fool_report("mnist-cnn", "all", method="evolve")  # doctest: +SKIP
    """
    from interpret.attacks.fooling import fool, log_confidence_gap
    from interpret.core.models import resolve
    from interpret.gallery.style import image_grid

    handle = resolve(model)
    fool(handle.probe, classes, method=method, seed=seed, dry_run=True, **options)  # validate
    total = options.get("steps", 1000) if method == "gradient" else options.get("generations", 2000)
    with (progress or no_progress)(total, f"fooling {handle.name} ({method})") as bar:
        res = fool(
            handle.probe, classes, method=method, seed=seed, on_progress=bar.update, **options
        )
    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    figures = {
        "confidence": {n: float(c) for n, c in zip(res.class_names, res.confidence)},
        "reached": int(res.reached.sum()),
        "of": len(res.classes),
        "iterations": res.iterations,
        "evaluations": res.evaluations,
        "seconds": res.seconds,
    }
    meta = {"seed": seed, "parameters": res.parameters, "figures": figures, **handle.describe()}
    titles = [
        f"{name}: {confidence_text(c)}" + ("" if ok else " (short)")
        for name, c, ok in zip(res.class_names, res.confidence, res.reached)
    ]
    cols = min(5, len(res.classes))
    fig, _ = image_grid(
        list(res.images),
        titles=titles,
        cols=cols,
        cell=2.0,
        suptitle=f"{handle.name}: fooling images ({res.method}), softmax >= {res.threshold:g}: "
        f"{int(res.reached.sum())}/{len(res.classes)}",
    )
    fig.tight_layout(h_pad=1.5)  # room for the titles between rows
    arts = [
        g.save_figure(
            fig, model=handle.name, technique="fool", name=f"{res.method}-grid", meta=meta
        )
    ]
    gap = log_confidence_gap(res.confidence)
    for k, c in enumerate(res.classes):
        arts.append(
            g.save_image(
                res.images[k],
                model=handle.name,
                technique="fool",
                name=f"{res.method}-class-{c}-{res.class_names[k]}",
                meta={
                    "seed": seed,
                    "parameters": res.parameters,
                    "class": c,
                    "class_name": res.class_names[k],
                    "figures": {
                        "confidence": float(res.confidence[k]),
                        "minus_log10_one_minus_p": None if math.isinf(gap[k]) else float(gap[k]),
                        "top_class": int(res.top_class[k]),
                        "reached": bool(res.reached[k]),
                    },
                    **handle.describe(),
                },
            )
        )
    return {"result": res, "artifacts": arts}
