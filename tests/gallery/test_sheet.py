import json

from interpret.gallery.sheet import Sheet
from interpret.gallery.style import new_figure


def test_save_writes_png_and_sidecar_with_the_numbers(tmp_path):
    fig, _ = new_figure(2, 2)
    sheet = Sheet(
        fig,
        "demo",
        "one",
        layer="l",
        parameters={"a": 1},
        figures={"x": 2.5},
        notes=["n"],
        model="m",
        model_info={"model_source": "python"},
    )
    (art,) = sheet.save(tmp_path)
    assert art.png.parent.parent.name == "m"
    meta = json.loads(art.sidecar.read_text())
    assert art.png.read_bytes()[:4] == b"\x89PNG"
    assert (meta["layer"], meta["parameters"], meta["figures"], meta["notes"]) == (
        "l",
        {"a": 1},
        {"x": 2.5},
        ["n"],
    )
    assert meta["seed"] is None and meta["model_source"] == "python"
