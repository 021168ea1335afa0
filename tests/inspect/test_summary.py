from interpret.core.models import resolve
from interpret.inspect.summary import plot_summary, summary_rows, summary_table
from tests._inspect_models import mlp, rgb_cnn


def test_rows_follow_the_model():
    model = rgb_cnn()
    rows = summary_rows(model)
    assert [r["name"] for r in rows] == ["conv_a", "pool", "conv_b", "flat", "out"]
    assert [r["params"] for r in rows] == [model.get_layer(r["name"]).count_params() for r in rows]
    assert rows[0]["output_shape"] == [None, 6, 6, 4]
    assert abs(sum(r["share"] for r in rows) - 1.0) < 1e-9


def test_figure_bars_are_the_parameter_counts():
    handle = resolve(rgb_cnn())
    sheet = plot_summary(handle)
    ax = sheet.figure.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == [
        handle.model.get_layer(n).count_params()
        for n in ["conv_a", "pool", "conv_b", "flat", "out"]
    ]
    assert sheet.figures["total_params"] == handle.model.count_params()
    assert sheet.figures["conv_params"] == 4 * 27 + 4 + 5 * 16 + 5
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("layer") and labels[1].startswith("conv_a")


def test_text_table_has_every_layer_and_the_total():
    text = summary_table(mlp())
    assert (
        "hidden" in text
        and "Dense" in text
        and f"total parameters: {16 * 5 + 5 + 5 * 2 + 2:,}" in text
    )
