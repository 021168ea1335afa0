"""interpret.model_compare: two models of one task side by side, a sheet per part, checked up front."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interpret.core.errors import UserError
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def comparison():
    from interpret.model_compare import compare

    return compare(
        "mnist-cnn", "mnist-mlp", classes="0-3", steps=8, images=3, fool_steps=10,
        attack_images=12, eps=[0.0, 0.3],
    )  # fmt: skip


def test_every_part_is_one_sheet_with_both_models(comparison, tmp_path):
    assert comparison.models == ("mnist-cnn", "mnist-mlp")
    assert [s.name for s in comparison.sheets] == [
        "classes", "filters", "saliency", "fooling", "robustness",
    ]  # fmt: skip
    arts = comparison.save(tmp_path)
    assert {a.png.parent for a in arts} == {tmp_path / "mnist-cnn-vs-mnist-mlp" / "compare"}
    meta = json.loads(arts[0].sidecar.read_text())
    assert meta["parameters"]["models"] == ["mnist-cnn", "mnist-mlp"]
    assert meta["parameters"]["init_sd"] == 0.3  # both models' renders start alike
    assert [m["model"] for m in meta["models"]] == ["mnist-cnn", "mnist-mlp"]


def test_the_numbers_on_the_sheets_are_measured(comparison):
    from interpret.core.models import resolve
    from interpret.model_compare import agreement

    classes = comparison.figures["classes"]
    assert classes["a_renders_by_a"] >= 0.75 and 0 <= classes["a_renders_by_b"] <= 1
    curves = comparison.figures["robustness"]["accuracy"]
    for acc in curves.values():  # eps 0: clean accuracy; eps 0.3 PGD breaks standard models
        assert len(acc) == 2 and acc[1] <= acc[0]
    probe = resolve("mnist-cnn").probe
    assert agreement(probe, np.zeros((3, 28, 28, 1), "float32"), [1, 1, 1]) in (0.0, 1.0)


@pytest.mark.parametrize(
    "args,kwargs,message",
    [
        (("mnist-cnn", "cifar10-cnn"), {}, "compare two models of the same task"),
        (
            ("mnist-cnn", "mnist-mlp"),
            {"parts": "classes,dreams"},
            "unknown comparison part 'dreams'",
        ),
        (("mnist-mlp",), {}, "mnist-mlp has no zoo twin; give the second model"),
        (("mnist-cnn", "mnist-mlp"), {"steps": 0}, "steps= must be a whole number"),
        (("mnist-cnn", "mnist-mlp"), {"init_sd": -1}, "init_sd= must be 0 or more"),
        (("mnist-cnn", "mnist-mlp"), {"classes": "12"}, "class 12 is out of range"),
    ],
)
def test_bad_input(args, kwargs, message):
    from interpret.model_compare import compare

    with pytest.raises(UserError, match=message):
        compare(*args, **kwargs)


def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path):
    result = run_cli("compare", "mnist-cnn", "mnist-mlp", "--parts", "dreams", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--parts" in lines[0] and "unknown comparison part" in lines[0]
    assert not (tmp_path / "gallery").exists()


def test_your_own_models_on_your_own_data(tmp_path):
    from interpret.model_compare import compare
    from tests.conftest import make_user_data
    from tests.maxi_models import small_cnn

    npz, folder = make_user_data(tmp_path, shape=(12, 12, 3))
    a, b = small_cnn(seed=0), small_cnn(seed=1)
    out = compare(
        a, b, parts="saliency,robustness", data=str(folder), images=3, attack_images=6,
        eps=[0.0, 0.1],
    )  # fmt: skip
    saliency, robustness = out.sheets
    assert "folder own/: 3 classes, 12 images" in saliency.parameters["data"]
    assert "resized to 12x12" in saliency.parameters["data"]
    assert len(out.figures["robustness"]["accuracy"][a.name]) == 2
    with pytest.raises(UserError, match="pass dataset= mnist or cifar10, or your own"):
        compare(a, b, parts="saliency")
    with pytest.raises(UserError, match="missing.npz"):
        compare(a, b, parts="saliency", data=str(tmp_path / "missing.npz"))


def test_a_model_that_gets_every_image_wrong_draws_a_zero_curve(tmp_path):
    # robust_curve counts accuracy over all images, so a model with none right is 0.0 at every
    # eps: the comparison must draw that, not stop with evaluate_attack's "nothing to attack"
    from interpret.model_compare import compare
    from tests.maxi_models import small_cnn

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (6, 12, 12, 3), dtype=np.uint8)
    a = small_cnn(seed=0)
    b = small_cnn(seed=1)
    k, bias = b.get_layer("out").get_weights()
    b.get_layer("out").set_weights([k * 0, np.array([0.0, 0.0, 100.0], "float32")])  # always 2
    np.savez(tmp_path / "own.npz", x=x, y=np.arange(6) % 2)  # labels 0 and 1 only
    out = compare(a, b, parts="robustness", data=str(tmp_path / "own.npz"), attack_images=6,
                  eps=[0.0, 0.1])  # fmt: skip
    assert out.figures["robustness"]["accuracy"][b.name] == [0.0, 0.0]
