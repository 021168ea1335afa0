"""interpret.trust on tiny models: the table, the ranked verdict and its rule, the gallery
artifacts, the report section, and bad input refused before any work or write."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interpret.attributions import metrics as M
from interpret.attributions import sanity as S
from interpret.attributions.trust import STATUS, TrustResult, trust
from interpret.core.errors import UserError

FAST = dict(steps=4, subsets=8)


@pytest.fixture(scope="module")
def tiny():
    from interpret._tf import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((12, 12, 3)),
            keras.layers.Conv2D(4, 3, activation="relu", name="c1"),
            keras.layers.Conv2D(6, 3, activation="relu", name="c2"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(4, name="out"),
        ],
        name="tiny",
    )


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).random((6, 12, 12, 3), dtype=np.float32)


@pytest.fixture(scope="module")
def result(tiny, images):
    return trust(
        tiny,
        images,
        method="saliency,gradcam,guided-backprop",
        n=6,
        sanity_n=3,
        independent=False,
        **FAST,
    )


def test_table_and_verdict(result):
    assert result.methods == ["saliency", "gradcam", "guided-backprop"]
    assert set(result.faithfulness.scores) == {*result.methods, M.RANDOM}
    verdict = result.verdict()
    assert [v.rank for v in verdict] == [1, 2, 3]
    assert {v.method for v in verdict} == set(result.methods)
    assert all(v.status in STATUS for v in verdict)
    order = [STATUS.index(v.status) for v in verdict]
    assert order == sorted(order)
    text = result.table()
    assert "random (chance)" in text and "Guided Backprop" in text and "cascade" in text
    rows = result.rows()
    assert rows[0]["method"] == M.RANDOM and [r["method"] for r in rows[1:]] == [
        v.method for v in verdict
    ]
    assert result.sanity.stage == "c2" and result.sanity.independent is None


def test_the_rule_trusts_sane_and_faithful_methods_only():
    """Hand-made scores: only a method that beats chance on the counted metrics and passes
    the sanity check is trusted; the uncounted ones do not matter."""
    n = 4

    def scores(deletion, insertion, mufidelity, drop):
        return {
            "deletion": np.full(n, deletion),
            "insertion": np.full(n, insertion),
            "mufidelity": np.full(n, mufidelity),
            "average-drop": np.full(n, drop),
        }

    f = M.Faithfulness(
        metrics=["deletion", "insertion", "mufidelity", "average-drop"],
        scores={
            M.RANDOM: scores(0.5, 0.5, 0.1, 0.1),
            "good": scores(0.2, 0.8, 0.4, 0.9),  # a worse average drop: not counted
            "better": scores(0.1, 0.9, 0.4, 0.9),
            "blind": scores(0.1, 0.95, 0.4, 0.0),  # fails the sanity check
            "random-like": scores(0.6, 0.4, 0.0, 0.0),  # fails both
        },
        curves={},
        fractions=np.zeros(0),
        targets=np.zeros(n, np.int32),
        settings=M.MetricSettings(),
        seed=0,
    )
    stages = ["trained", "out", "c2", "c1"]
    sim = {"good": 0.1, "better": 0.2, "blind": 0.9, "random-like": 0.0}
    cascading = S.Randomisation(
        "cascading",
        stages,
        [(), ("out",), ("out", "c2"), ("out", "c2", "c1")],
        {m: {k: np.full((4, n), v) for k in S.MEASURES} for m, v in sim.items()},
        {},
    )
    sanity = S.Sanity(
        "m",
        list(sim),
        ["c1", "c2", "out"],
        np.zeros(n),
        np.zeros((0,)),
        cascading,
        None,
        {},
        0,
        chance={m: {k: 0.0 for k in S.MEASURES} for m in sim},
        stage="c2",
    )
    result = TrustResult("m", list(sim), {m: m for m in sim}, f, sanity, np.zeros((0,)))
    verdict = result.verdict()
    assert [(v.method, v.status) for v in verdict] == [
        ("better", "trusted"),
        ("good", "trusted"),
        ("blind", "partly"),
        ("random-like", "partly"),
    ]
    assert verdict[0].gap == pytest.approx(0.8)
    assert "fails the sanity check" in " ".join(verdict[2].reasons)
    assert "no better than a random map on deletion, insertion, mufidelity" in verdict[3].reasons[0]


def test_save_writes_the_table_curves_and_randomisation_figures(result, tmp_path):
    arts = result.save(tmp_path)
    names = sorted(a.png.name for a in arts)
    assert names == sorted(
        [
            "trust-table.png",
            "deletion-insertion.png",
            "cascading-randomisation-0.png",
            "cascading-randomisation-1.png",
            "cascading-similarity.png",
        ]
    )
    meta = json.loads((tmp_path / "tiny" / "trust" / "trust-table.json").read_text())
    assert meta["seed"] == 0 and meta["parameters"]["n"] == 6
    assert [r["method"] for r in meta["figures"]["table"]][0] == "random"
    assert meta["parameters"]["sanity_threshold"] == S.THRESHOLD


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"metrics": "deletion,faith"}, "unknown metric 'faith' for metrics="),
        ({"n": 7}, "n= is 7 but only 6 images are available"),
        ({"n": 1}, "n= must be a whole number of at least 2"),
        ({"n": 4, "sanity_n": 5}, "sanity_n= (5) must not exceed n= (4)"),
        ({"sanity_n": 1}, "sanity_n= must be a whole number of at least 2"),
        ({"method": "lime"}, "unknown method 'lime'"),
        ({"bogus": 1}, "unknown setting 'bogus'"),
    ],
)
def test_bad_input_is_refused_before_any_work(tiny, images, kwargs, message):
    with pytest.raises(UserError) as e:
        trust(tiny, images, **kwargs)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_your_own_data_file_and_its_sidecar(tiny, images, tmp_path):
    path = tmp_path / "mine.npz"
    pixels = (images * 255).astype(np.uint8)
    np.savez(path, x=pixels, y=np.arange(6) % 4)
    out = trust(
        tiny, data=str(path), method="saliency", n=4, sanity=False, metrics="deletion", steps=4
    )
    np.testing.assert_allclose(out.images, pixels[:4] / 255.0, atol=1e-6)
    assert out.source == "mine.npz: x, y (6 images)"
    assert out.meta()["parameters"]["data"] == str(path)
    with pytest.raises(UserError, match="give test images or data=, not both"):
        trust(tiny, images, data=str(path))
    with pytest.raises(UserError) as e:
        trust(tiny, n=4)  # a model of the person's own, no data set named
    assert "give dataset= (mnist, cifar10) or your own images as data=" in str(e.value)


def test_a_single_layer_to_randomise(images):
    from interpret._tf import keras

    single = keras.Sequential(
        [keras.Input((12, 12, 3)), keras.layers.Flatten(), keras.layers.Dense(3)], name="single"
    )
    with pytest.raises(UserError, match="single has one \\(dense"):
        trust(single, images, method="saliency", n=4)
    out = trust(single, images, method="saliency", n=4, sanity=False, metrics="deletion", steps=4)
    assert out.sanity is None and out.verdict()[0].status in STATUS


def test_cli_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys):
    from interpret._tf import keras
    from interpret.cli import main

    single = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    path = tmp_path / "single.keras"
    single.save(path)
    gallery = tmp_path / "g"
    cases = [
        (
            ["--model", "mnist-cnn", "--metrics", "deletion,faith"],
            "unknown metric 'faith' for --metrics",
        ),
        (["--model", str(path)], "turn --sanity off"),
        (["--model", "mnist-cnn", "--n", "501"], "--n is 501 but only 500 images are available"),
        (
            ["--model", "mnist-cnn", "--n", "501"],
            "set INTERPRET_DATA_DIR to a folder with mnist.npz",
        ),
        (["--model", str(path), "--no-sanity"], "give --dataset (mnist, cifar10) or your own"),
        (["--model", str(path), "--no-sanity", "--data", str(tmp_path / "none.npz")], "none.npz"),
    ]
    for args, message in cases:
        with pytest.raises(SystemExit) as exit_:
            main(["trust", *args, "--gallery", str(gallery)])
        err = capsys.readouterr().err.strip().splitlines()
        assert exit_.value.code == 2 and len(err) == 1 and message in err[0], err
        assert not gallery.exists()


def test_cli_on_your_own_data(tiny, tmp_path, capsys):
    from tests.cli import run

    path, data = tmp_path / "tiny.keras", tmp_path / "mine.npz"
    tiny.save(path)
    rng = np.random.default_rng(1)
    np.savez(data, x=rng.integers(0, 256, (5, 14, 14, 3), dtype=np.uint8), y=np.arange(5) % 4)
    args = ["trust", "--model", str(path), "--data", str(data), "--n", "4", "--method", "saliency"]
    fast = ["--no-sanity", "--steps", "4", "--subsets", "8", "--gallery", str(tmp_path / "g")]
    code, out, err = run([*args, *fast], capsys)
    assert code == 0, err
    assert "trust: tiny, 4 images (mine.npz: x, y (5 images))" in out
    meta = json.loads((tmp_path / "g" / "tiny" / "trust" / "trust-table.json").read_text())
    assert meta["parameters"]["data_notes"] == ["resized 14x14 to 12x12"]


def test_report_section(tmp_path):
    from interpret.model_report import report

    out = report("mnist-cnn", gallery=tmp_path, sections=["trust"], quick=True)
    (section,) = out.sections
    assert section.name == "trust" and not section.skipped
    assert any(a.png.name == "trust-table.png" for a in section.artifacts)
