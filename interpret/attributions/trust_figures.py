"""The pictures of :func:`interpret.trust`: the ranked table, the curves, the randomisation figures.

* ``trust-table``: the ranked verdict with every metric beside its chance level, green
  where a method beats the random attribution, red where it does not;
* ``deletion-insertion``: the mean class-score curves of every method and the random one;
* ``cascading-randomisation-<i>``: the paper's Figure 2 -- rows are methods, columns the
  trained model's map and then the map after each further layer is randomised, top down;
* ``cascading-similarity`` / ``independent-similarity``: the paper's Figure 4 -- each
  similarity measure at every stage, per method, and the chance-corrected rank correlation
  the pass rule reads, with its threshold.

Maps in the randomisation figures are drawn as the similarity measures see them: the
absolute value over its 99th percentile, clipped to [0, 1] (black 0, white 1).

Example:
    >>> import interpret
    >>> out = interpret.trust("mnist-cnn", n=4)  # every method, tested: a minute  # doctest: +SKIP
    >>> [name for name, _, _ in figures(out)][:2]  # doctest: +SKIP
    ['trust-table', 'deletion-insertion']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret.attributions import metrics as M
from interpret.attributions import sanity as S
from interpret.gallery.style import _pyplot, new_figure, show_image

GOOD, BAD, PLAIN = "#d9f2d9", "#f7d4d4", "white"


def figures(result: Any) -> list[tuple[str, Any, dict]]:
    """(name, figure, extra sidecar fields) for every picture of a trust result.

    Example: see the module docstring.
    """
    out = [("trust-table", table_figure(result), {})]
    if {"deletion", "insertion"} & set(result.faithfulness.metrics):
        out.append(("deletion-insertion", curves_figure(result), {}))
    s = result.sanity
    if s is not None:
        for i in range(len(s.images)):
            out.append(
                (f"cascading-randomisation-{i}", cascade_figure(result, i), {"image_index": i})
            )
        out.append(("cascading-similarity", similarity_figure(result, "cascading"), {}))
        if s.independent is not None:
            out.append(("independent-similarity", similarity_figure(result, "independent"), {}))
    return out


def table_figure(result: Any) -> Any:
    """The ranked table as a coloured grid (the text of :meth:`TrustResult.table`).

    Example: see the module docstring.
    """
    f = result.faithfulness
    rows = result.rows()
    sanity = result.sanity is not None
    head = ["#", "method", *[_short(k) for k in f.metrics]]
    head += ["cascade \u03c1'", "logit \u03c1'", "sanity"] if sanity else []
    head += ["verdict"]
    cells, colours = [], []
    for row in rows:
        chance = row["method"] == M.RANDOM
        line = [str(row.get("rank", "")), row["title"]]
        shade = [PLAIN, PLAIN]
        for k in f.metrics:
            line.append(f"{row[k]:.3f}" + ("" if chance else f" \u00b1{row[f'{k}_sem']:.3f}"))
            shade.append(PLAIN if chance else GOOD if row[f"{k}_beats_chance"] else BAD)
        if sanity:
            line += _sanity_cells(row)
            ok = row.get("sanity") == "pass"
            shade += [PLAIN] * 2 + [PLAIN if chance else GOOD if ok else BAD]
        line.append(row.get("verdict", "chance level"))
        shade.append({"trusted": GOOD, "not trusted": BAD}.get(row.get("verdict"), PLAIN))
        cells.append(line)
        colours.append(shade)
    import textwrap

    width = 1.0 * len(head) + 1.6
    fig, ax = new_figure(width, 0.3 * len(rows) + 1.4)
    ax.axis("off")
    table = ax.table(
        cellText=cells, cellColours=colours, colLabels=head, loc="upper center", cellLoc="center"
    )
    table.auto_set_font_size(False)
    table.set_fontsize(7.5)
    table.auto_set_column_width(list(range(len(head))))
    ax.set_title(result._title(), fontsize=8.5)
    note = "\n".join(
        textwrap.fill(part, int(width * 17)) for part in result._footnote().split("\n")
    )
    ax.text(0.0, -0.02, note, fontsize=6.5, va="top", ha="left", transform=ax.transAxes)
    return fig


def _short(metric: str) -> str:
    from interpret.attributions.trust import SHORT

    return SHORT[metric]


def _sanity_cells(row: dict) -> list[str]:
    if row["method"] == M.RANDOM:
        return ["", "", ""]
    logit = row.get("random_logit_corrected")
    return [
        f"{row['cascade_corrected']:.2f}",
        "-" if logit is None else f"{logit:.2f}",
        row["sanity"],
    ]


def curves_figure(result: Any) -> Any:
    """Mean deletion and insertion curves (class score against fraction of pixels changed).

    Example: see the module docstring.
    """
    f = result.faithfulness
    modes = [k for k in ("deletion", "insertion") if k in f.metrics]
    fig, axes = new_figure(5.0 * len(modes), 3.8, ncols=len(modes), squeeze=False)
    for ax, mode in zip(axes[0], modes):
        for i, m in enumerate(result.methods):
            ax.plot(
                f.fractions,
                f.curves[m][mode].mean(0),
                color=f"C{i % 10}",
                lw=1.3,
                ls="-" if i < 10 else "--",
                label=f"{result.titles[m]} ({f.mean(m, mode):.3f})",
            )
        ax.plot(
            f.fractions,
            f.curves[M.RANDOM][mode].mean(0),
            "k:",
            lw=2,
            label=f"random ({f.mean(M.RANDOM, mode):.3f})",
        )
        verb = "removed" if mode == "deletion" else "inserted"
        base = f.settings.deletion_baseline if mode == "deletion" else f.settings.insertion_baseline
        ax.set_xlabel(f"fraction of pixels {verb}, most important first (baseline: {base})")
        ax.set_ylabel(f"class {f.settings.score} (mean over {len(f.targets)} images)")
        better = "lower" if mode == "deletion" else "higher"
        ax.set_title(f"{mode}: area under the curve ({better} is better)")
        ax.legend(fontsize=6.5, loc="upper right" if mode == "deletion" else "lower right")
    fig.suptitle(f"{result.model}: {mode_text(f)}", fontsize=9)
    fig.tight_layout()
    return fig


def mode_text(f: M.Faithfulness) -> str:
    """What the curves are of, in a line.

    Example: see the module docstring.
    """
    return f"the predicted class, {f.settings.steps} steps, seed {f.seed}"


def cascade_figure(result: Any, index: int = 0) -> Any:
    """The paper's Figure 2 for one image: rows methods, columns trained then each stage.

    Example: see the module docstring.
    """
    s = result.sanity
    r = s.cascading
    cols = len(r.stages) + 1
    plt = _pyplot()
    fig, axes = plt.subplots(
        len(s.methods), cols, figsize=(1.15 * cols, 1.2 * len(s.methods) + 0.9), squeeze=False
    )
    for row, m in enumerate(s.methods):
        show_image(axes[row, 0], s.images[index], "input" if row == 0 else None)
        axes[row, 0].set_ylabel(result.titles[m], fontsize=7, rotation=0, ha="right", va="center")
        maps = S.visual(r.examples[m][:, index])
        sims = r.similarity[m][S.PASS_MEASURE][:, index]
        for j, stage in enumerate(r.stages):
            ax = axes[row, j + 1]
            show_image(ax, maps[j], None, cmap="gray", vmin=0, vmax=1)
            top = ("trained" if stage == S.TRAINED else f"+ {stage}") if row == 0 else ""
            ax.set_title(
                f"{top}\n\u03c1 {sims[j]:.2f}" if top else f"\u03c1 {sims[j]:.2f}", fontsize=6.5
            )
            if stage == s.stage:
                for spine in ax.spines.values():
                    spine.set_visible(True)
                    spine.set_color("C3")
    fig.suptitle(
        f"{result.model}: cascading randomisation, top layer first (Adebayo et al. 2018, Fig. 2); "
        f"\u03c1 = rank correlation of |map| with the trained map; red frame: the stage the pass rule reads",
        fontsize=7.5,
    )
    fig.tight_layout()
    return fig


def similarity_figure(result: Any, mode: str) -> Any:
    """Each measure at every stage, one line per method, and the corrected rank correlation.

    Example: see the module docstring.
    """
    s = result.sanity
    r = s.cascading if mode == "cascading" else s.independent
    panels = [*S.MEASURES, "corrected"]
    fig, axes = new_figure(3.1 * len(panels), 3.4, ncols=len(panels), squeeze=False)
    x = np.arange(len(r.stages))
    for ax, measure in zip(axes[0], panels):
        for i, m in enumerate(s.methods):
            y = r.curve(m, measure if measure != "corrected" else S.PASS_MEASURE)
            if measure == "corrected":
                y = s.corrected(m, y)
            ax.plot(
                x,
                y,
                marker="o",
                ms=3,
                color=f"C{i % 10}",
                ls="-" if i < 10 else "--",
                label=result.titles[m],
            )
        ax.set_xticks(
            x,
            [st if st == S.TRAINED else f"+{st}" if mode == "cascading" else st for st in r.stages],
            rotation=60,
            fontsize=6.5,
            ha="right",
        )
        ax.axhline(0, color="grey", lw=0.6)
        if measure == "corrected":
            ax.axhline(s.threshold, color="C3", ls="--", lw=1)
            if mode == "cascading":
                ax.axvline(r.stages.index(s.stage), color="C3", ls=":", lw=1)
            ax.set_title(
                "rank corr. |map|, chance-corrected\n(pass rule: below the dashed line)", fontsize=8
            )
        else:
            ax.set_title(S.MEASURE_TITLES[measure], fontsize=8)
        ax.set_ylim(-0.45, 1.05)
    axes[0, 0].set_ylabel("similarity to the trained model's map")
    axes[0, -1].legend(fontsize=6, loc="upper right")
    what = (
        "layers randomised cumulatively from the top"
        if mode == "cascading"
        else "one layer randomised at a time"
    )
    fig.suptitle(
        f"{result.model}: {mode} randomisation ({what}); mean over {len(s.targets)} images",
        fontsize=9,
    )
    fig.tight_layout()
    return fig
