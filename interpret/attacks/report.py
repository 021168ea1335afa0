"""Gallery output of the attack and fooling commands: tables, plots, sheets, sidecars.

``attack_report`` and ``fool_report`` are what ``interpret attack`` and
``interpret fool`` call: they run :func:`interpret.attacks.run.evaluate_attack` /
:func:`interpret.attacks.fooling.fool` and write the figures into the gallery.

Example:
    >>> import interpret
    >>> out = interpret.attack_report(
    ...     "mnist-cnn", method="pgd", eps=[0.1, 0.3], n=32, steps=10, gallery="/tmp/demo-gallery"
    ... )
    >>> print(out["table"])  # doctest: +ELLIPSIS
    pgd on mnist-cnn: clean accuracy 1.0000 (32/32); robust accuracy is counted on the 32 ...
    >>> [a.png.name for a in out["artifacts"]]
    ['pgd-linf-robust-accuracy.png', 'pgd-linf-examples-eps0.1.png']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from interpret.attacks.fooling import FoolResult, fool, log_confidence_gap
from interpret.attacks.options import (
    MINIMAL,
    check_eps,
    method_name,
    method_params,
    target_labels,
)
from interpret.attacks.results import Evaluation
from interpret.attacks.run import evaluate_attack
from interpret.core import checks
from interpret.core.errors import UserError
from interpret.core.progress import ProgressSpec
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
        >>> import interpret
        >>> from interpret.data.datasets import load_test_images
        >>> x, y = load_test_images("mnist").split("test")
        >>> ev = interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.1, 0.3])
        >>> fig = robustness_figure(ev)
        >>> fig.axes[0].get_ylabel()
        'robust accuracy'
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
        >>> import interpret
        >>> from interpret.data.datasets import load_test_images
        >>> x, y = load_test_images("mnist").split("test")
        >>> ev = interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.1, 0.3])
        >>> fig, shown = triplet_sheet(ev, 1, ev.class_names, rows=4)
        >>> shown, len(fig.axes)
        ([0, 2, 3, 4], 12)
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
        >>> import interpret
        >>> from interpret.data.datasets import load_test_images
        >>> x, y = load_test_images("mnist").split("test")
        >>> ev = interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.1, 0.3])
        >>> [r.n_attacked - r.robust for r in ev.rows]  # images fooled at each eps
        [4, 15]
        >>> sheet_row(ev), sheet_row(ev, rows=4)
        (1, 0)
    """
    for i, r in enumerate(ev.rows):
        if r.n_attacked - r.robust >= rows:
            return i
    return len(ev.rows) - 1


def save_evaluation(ev: Evaluation, gallery: Any = None) -> list[Artifact]:
    """The robust-accuracy plot and the triplet sheet of an evaluation, with sidecars.

    Example:
        >>> import interpret
        >>> from interpret.data.datasets import load_test_images
        >>> x, y = load_test_images("mnist").split("test")
        >>> ev = interpret.evaluate_attack("mnist-cnn", x[:16], y[:16], method="fgsm", eps=[0.1, 0.3])
        >>> [a.png.name for a in save_evaluation(ev, "/tmp/demo-gallery")]
        ['fgsm-linf-robust-accuracy.png', 'fgsm-linf-examples-eps0.3.png']
    """
    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    method = ev.method
    tag = f"{method}-{ev.parameters.get('norm', 'l2')}" if method not in MINIMAL else method
    meta = {
        "seed": ev.parameters["seed"],
        "parameters": {**ev.parameters, **ev.data_info},
        "figures": ev.figures(),
        **ev.model_info,
    }
    arts: list[Artifact] = []
    if any(r.eps is not None for r in ev.rows):
        arts.append(
            g.save_figure(
                robustness_figure(ev),
                model=ev.model,
                technique="attack",
                name=f"{tag}-robust-accuracy",
                meta=meta,
            )
        )
    i = sheet_row(ev)
    fig, picks = triplet_sheet(ev, i, ev.class_names)
    row = ev.rows[i]
    arts.append(
        g.save_figure(
            fig,
            model=ev.model,
            technique="attack",
            name=f"{tag}-examples-eps{row.eps if row.eps is not None else 'none'}",
            meta={**meta, "sheet_eps": row.eps, "shown": picks},
        )
    )
    return arts


def attack_report(
    model: Any,
    *,
    method: str = "pgd",
    eps: Sequence[float] | None = (0.05, 0.1, 0.2, 0.3),
    n: int = 1000,
    dataset: str | None = None,
    data: Any = None,
    target: Any = None,
    seed: int = 0,
    batch_size: int = 1000,
    gallery: str | Gallery | None = None,
    progress: ProgressSpec = None,
    **options: Any,
) -> dict:
    """Evaluate an attack on the first ``n`` test images and write plot + sheet to the gallery.

    ``data`` attacks your own labelled images instead (an .npz with x and y, a folder
    of class subfolders, or ``(x, y)`` arrays: :func:`interpret.data.user.load_user_data`),
    the first ``n`` of them. Everything is checked before any work starts. Returns
    ``{"evaluation", "table", "artifacts"}``.

    Example:
        >>> out = attack_report("mnist-cnn", method="fgsm", eps=[0.1], n=20, gallery="/tmp/demo-gallery")
        >>> out["evaluation"].n, len(out["artifacts"])
        (20, 2)
    """
    from interpret.core.models import resolve

    method = method_name(method)
    method_params(method, options)  # unknown or bad options fail before anything is loaded
    handle = resolve(model)
    probe = handle.probe
    eps_list = [None] if eps is None else list(eps)
    for e in eps_list:  # check before loading anything big
        check_eps(e, method, options.get("norm") or "linf", probe.input_shape)
    n = checks.positive_int(n, "n")
    target_labels(probe, target, 1)
    x, y, data_info = attack_images(handle, n, dataset, data)
    ev = evaluate_attack(
        probe,
        x,
        y,
        method=method,
        eps=eps_list if eps is not None else None,
        target=target,
        seed=seed,
        batch_size=batch_size,
        progress=progress,
        **options,
    )
    ev.model_info = handle.describe()
    ev.data_info = data_info
    return {"evaluation": ev, "table": ev.table(), "artifacts": ev.save(gallery)}


def attack_images(handle: Any, n: int, dataset: str | None, data: Any) -> tuple:
    """(x, y, data_info): the first ``n`` images of ``data``, else of the test set.

    Shared by the attack and robustness reports; every problem is one UserError.
    """
    from interpret.data import datasets

    if data is not None:
        from interpret.data.user import load_user_data

        own = load_user_data(data, handle, n=n, labels=True)
        info = {"n": len(own), "images": f"first {len(own)} of {own.source}", **own.describe()}
        return own.x, own.y, info
    name = dataset or handle.dataset
    if not name:
        raise UserError(
            f"model {handle.name} has no card naming its data set; pass {{dataset}} mnist or "
            "cifar10, or your own labelled images as {data}",
            "dataset",
            "data",
        )
    ds = datasets.load_test_images(name)
    x_all, y_all = ds.split("test")
    if n > len(x_all):
        raise UserError(
            f"{{n}} {n} is more than the {len(x_all)} test images of {name}"
            + datasets.sample_hint(ds),
            "n",
        )
    info = {"n": n, "dataset": name, "images": f"first {n} test images", "data_source": ds.source}
    return x_all[:n], y_all[:n], info


def save_fooling(res: FoolResult, gallery: Any = None) -> list[Artifact]:
    """The labelled grid of fooling images and one PNG per class, with sidecars.

    Example:
        >>> import interpret
        >>> res = interpret.fool("mnist-cnn", "3,7", steps=100)
        >>> [a.png.name for a in save_fooling(res, "/tmp/demo-gallery")]
        ['gradient-grid.png', 'gradient-class-3-3.png', 'gradient-class-7-7.png']
    """
    g = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
    seed = res.parameters["seed"]
    figures = {
        "confidence": {n: float(c) for n, c in zip(res.class_names, res.confidence)},
        "reached": int(res.reached.sum()),
        "of": len(res.classes),
        "iterations": res.iterations,
        "evaluations": res.evaluations,
        "seconds": res.seconds,
    }
    meta = {"seed": seed, "parameters": res.parameters, "figures": figures, **res.model_info}
    fig = fooling_figure(res)
    arts = [
        g.save_figure(fig, model=res.model, technique="fool", name=f"{res.method}-grid", meta=meta)
    ]
    gap = log_confidence_gap(res.confidence)
    for k, c in enumerate(res.classes):
        arts.append(
            g.save_image(
                res.images[k],
                model=res.model,
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
                    **res.model_info,
                },
            )
        )
    return arts


def fooling_figure(res: FoolResult) -> Any:
    """The labelled grid of fooling images, each with the model's confidence in its class.

    Example:
        >>> fig = fooling_figure(res)  # doctest: +SKIP
    """
    from interpret.gallery.style import image_grid

    titles = [
        f"{name}: {confidence_text(c)}" + ("" if ok else " (short)")
        for name, c, ok in zip(res.class_names, res.confidence, res.reached)
    ]
    fig, _ = image_grid(
        list(res.images),
        titles=titles,
        cols=min(5, len(res.classes)),
        cell=2.0,
        suptitle=f"{res.model}: fooling images ({res.method}), softmax >= {res.threshold:g}: "
        f"{int(res.reached.sum())}/{len(res.classes)}",
    )
    fig.tight_layout(h_pad=1.5)  # room for the titles between rows
    return fig


def fool_report(
    model: Any,
    classes: Any = "all",
    *,
    gallery: str | Gallery | None = None,
    **options: Any,
) -> dict:
    """Make fooling images (:func:`interpret.attacks.fooling.fool`) and save the grid and each image.

    Options go to :func:`~interpret.attacks.fooling.fool`, which checks them all before
    it starts. Returns ``{"result", "artifacts"}``.

    Example:
        >>> out = fool_report("mnist-cnn", "7", steps=50, gallery="/tmp/demo-gallery")
        >>> len(out["artifacts"])
        2
    """
    from interpret.core.models import resolve

    handle = resolve(model)
    res = fool(handle.probe, classes, **options)
    res.model_info = handle.describe()
    return {"result": res, "artifacts": res.save(gallery)}
