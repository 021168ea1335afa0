"""A model's structure as a figure: layers, output shapes, parameter counts and where they are.

Example:
    >>> import interpret
    >>> sheet = interpret.plot_summary("cifar10-cnn")
    >>> sheet.figures["total_params"]
    122570
"""

from __future__ import annotations

from typing import Any

import numpy as np

from interpret.gallery.sheet import Sheet


def summary_rows(model: Any) -> list[dict]:
    """One dict per layer: name, type, output_shape, params, share (fraction of all parameters).

    Example:
        >>> [r["name"] for r in summary_rows("mnist-mlp")][:2]
        ['flatten', 'dense']
    """
    from interpret.core.models import resolve

    infos = resolve(model).probe.layers
    total = sum(i.params for i in infos) or 1
    return [
        {
            "name": i.name,
            "type": i.type,
            "output_shape": list(i.output_shape),
            "params": int(i.params),
            "share": i.params / total,
        }
        for i in infos
    ]


def summary_table(model: Any) -> str:
    """The text table of :func:`summary_rows` (same as ``interpret layers``) with a total line.

    Example:
        >>> print(summary_table("mnist-mlp"))
        layer    type     output shape  params   filters/units
        flatten  Flatten  (None, 784)   0        -
        dense    Dense    (None, 256)   200,960  256 units
        dense_1  Dense    (None, 256)   65,792   256 units
        dense_2  Dense    (None, 256)   65,792   256 units
        dense_3  Dense    (None, 10)    2,570    10 units
        <BLANKLINE>
        total parameters: 335,114
    """
    from interpret.core.models import resolve

    probe = resolve(model).probe
    total = sum(i.params for i in probe.layers)
    return f"{layer_table(probe.layers)}\n\ntotal parameters: {total:,}"


def plot_summary(model: Any) -> Sheet:
    """The text table beside a bar per layer of its parameter count and share of the total.

    Example:
        >>> sheet = plot_summary("mnist-cnn")
        >>> int(sheet.data["params"].sum()) == sheet.figures["total_params"] == 464522
        True
    """
    from interpret.core.models import resolve
    from interpret.gallery.style import new_figure

    handle = resolve(model)
    rows = summary_rows(handle)
    table = summary_table(handle)
    n = len(rows)
    params = np.array([r["params"] for r in rows])
    total = int(params.sum())
    lines = table.splitlines()[: n + 1]  # header + one line per layer (same order as rows)
    chars = max(len(line) for line in lines)
    lines = [line.ljust(chars) for line in lines]  # right-aligned tick labels line up
    label_w = chars * 0.068 + 0.3  # inches of monospace text
    fig, bax = new_figure(label_w + 5.0, 0.3 * n + 1.9)
    fig.subplots_adjust(left=label_w / (label_w + 5.0), right=0.97, top=1 - 0.45 / (0.3 * n + 1.9))
    ys = np.arange(n)
    colors = [
        "#4c72b0" if "Conv" in r["type"] else "#dd8452" if r["params"] else "#bbbbbb" for r in rows
    ]
    bax.barh(ys, params, color=colors)
    bax.set_yticks([-1, *ys])
    bax.set_yticklabels(lines, family="monospace", fontsize=8)
    bax.get_yticklabels()[0].set_fontweight("bold")
    bax.tick_params(axis="y", length=0)
    bax.set_ylim(n - 0.5, -1.6)
    top = max(1, int(params.max()))
    for y, r in zip(ys, rows):
        if r["params"]:
            bax.text(
                r["params"] + top * 0.01,
                y,
                f"{r['params']:,} ({100 * r['share']:.1f}%)",
                va="center",
                fontsize=7,
            )
    bax.set_xlim(0, top * 1.45)
    bax.set_xlabel("parameters (blue: convolution, orange: other layers with weights)")
    bax.grid(axis="y", visible=False)
    conv = int(sum(r["params"] for r in rows if "Conv" in r["type"]))
    dense = int(sum(r["params"] for r in rows if r["type"] == "Dense"))
    fig.suptitle(
        f"{handle.name}: {total:,} parameters, {n} layers "
        f"({100 * conv / max(total, 1):.1f}% in convolutions, {100 * dense / max(total, 1):.1f}% in dense layers)"
    )
    return Sheet.of(
        handle,
        fig,
        "summary",
        "summary",
        parameters={},
        figures={
            "total_params": total,
            "conv_params": conv,
            "dense_params": dense,
            "layers": rows,
        },
        data={"params": params, "table": np.array(table)},
    )


def layer_table(infos) -> str:
    """Format LayerInfo rows as an aligned text table; only layers with filters or units
    of their own (Conv, Dense) show a count, the rest (pooling, Rescaling, Flatten) ``-``.

    Example:
        >>> print(layer_table([]))  # doctest: +NORMALIZE_WHITESPACE
        layer  type  output shape  params  filters/units
    """
    rows = [("layer", "type", "output shape", "params", "filters/units")]
    for info in infos:
        own = info.kind != "other" and info.has_filters  # not a Rescaling's "3 filters"
        count = f"{info.size} {info.unit_word}" if own else "-"
        rows.append((info.name, info.type, str(info.output_shape), f"{info.params:,}", count))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
