"""interpret.explain: checks before work, one or several methods, results that save and show."""

from __future__ import annotations

import json

import numpy as np
import pytest

import interpret
from interpret.attributions import attribute
from interpret.attributions.explanation import Explanation, Explanations
from interpret.core.errors import UserError
from interpret.core.probe import Probe


@pytest.fixture(scope="module")
def model():
    from tests.maxi_models import small_cnn

    return small_cnn()


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(3).random((2, 12, 12, 3), dtype=np.float32)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "lime"}, "unknown method 'lime'; methods: saliency, .*rise"),
        ({"method": "ig", "steps": 0}, "steps= must be a whole number of at least 1, got 0"),
        ({"method": "smoothgrad", "samples": -2}, "samples= must be a whole number"),
        ({"method": "gradcam", "steps": 4}, "steps= is not an option of gradcam"),
        ({"method": "saliency", "layer": "c1"}, "layer= applies to the CAM methods"),
        ({"method": "rise", "keep": 1.0}, r"keep= must lie in \(0, 1\)"),
        ({"method": "occlusion", "patch": 2, "stride": 3}, "stride= 3 is more than"),
        ({"method": "ig", "baseline": "grey"}, "unknown baseline 'grey'"),
        ({"method": "saliency", "target": 7}, "class 7 is out of range"),
        ({"method": "saliency", "wobble": 1}, "unknown option 'wobble'"),
        ({"method": "saliency", "memory": 0}, "memory= must be greater than 0"),
    ],
)
def test_bad_input_is_refused_before_any_work(model, x, kwargs, message):
    with pytest.raises(UserError, match=message):
        interpret.explain(model, x, **kwargs)


def test_images_are_checked(model):
    with pytest.raises(UserError, match="x= has shape"):
        interpret.explain(model, np.zeros((1, 8, 8, 3), "float32"))
    with pytest.raises(UserError, match=r"must be float32 in \[0, 1\]"):
        interpret.explain(model, np.full((1, 12, 12, 3), 2.0, "float32"))


def test_picture_files_and_one_image_are_taken_too(model, x, tmp_path):
    from PIL import Image

    path = tmp_path / "photo.png"
    Image.fromarray((np.random.default_rng(0).random((20, 16, 3)) * 255).astype(np.uint8)).save(
        path
    )
    e = interpret.explain(model, str(path), method="saliency")
    assert e.maps.shape == (1, 12, 12) and e.labels == ["photo.png"]
    assert e.notes == ["photo.png: resized 16x20 to 12x12"]
    assert interpret.explain(model, [path, path], method="saliency").maps.shape == (2, 12, 12)
    one = interpret.explain(model, x[0], method="saliency")  # one HWC image
    np.testing.assert_array_equal(one.maps, interpret.explain(model, x[:1], method="saliency").maps)


def test_one_method_gives_an_explanation_several_give_explanations(model, x):
    one = interpret.explain(model, x, method="ig", steps=4, names=["a", "b"])
    assert isinstance(one, Explanation) and one.method == "integrated-gradients"
    assert one.parameters == {
        "steps": 4, "baseline": "black", "rule": "riemann", "tolerance": None,
        "target": "predicted class", "layer": None, "memory_mb": 256.0,
    }  # fmt: skip
    assert one.labels == ["a", "b"] and one.signed and one.seconds > 0
    many = interpret.explain(model, x, method=["gradcam++", "saliency"], target=[0, 1])
    assert isinstance(many, Explanations) and [e.method for e in many] == [
        "gradcam-plus-plus",
        "saliency",
    ]
    assert many["gradcam++"].layer == "c2" and many["saliency"].targets.tolist() == [0, 1]
    every = interpret.explain(model, x, method="all", samples=2, steps=2, masks=4)
    assert len(every) == 13


def test_save_writes_sheets_with_sidecars(model, x, tmp_path):
    es = interpret.explain(model, x, method="gradcam,occlusion", target="label", y=[1, 2], seed=4)
    arts = es.save(tmp_path)
    names = sorted(a.png.name for a in arts)
    assert names == [
        "compare-image-0-and-1-more.png",
        "gradcam-image-0-and-1-more.png",
        "occlusion-image-0-and-1-more.png",
    ]
    meta = json.loads(arts[0].sidecar.read_text())
    assert meta["technique"] == "explain" and meta["seed"] == 4 and meta["layer"] == "c2"
    assert meta["figures"]["targets"] == ["1", "2"] and len(meta["figures"]["scores"]) == 2
    assert "centred on 0" in meta["colour_scale"]
    assert es._repr_png_()[:4] == b"\x89PNG" and es[0]._repr_png_()[:4] == b"\x89PNG"


def test_attribute_sees_weights_changed_in_place(model, x):
    """What the trust checks do: randomise a layer's weights, explain again, same probe."""
    probe = Probe(model)
    before = attribute(probe, x, "gradcam", 0).maps
    saved = model.get_layer("c2").get_weights()
    try:
        rng = np.random.default_rng(0)
        model.get_layer("c2").set_weights([rng.normal(size=w.shape) for w in saved])
        after = attribute(probe, x, "gradcam", 0).maps
    finally:
        model.get_layer("c2").set_weights(saved)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(attribute(probe, x, "gradcam", 0).maps, before, rtol=1e-5)


def test_interpret_exports_explain():
    assert interpret.explain is interpret.attributions.api.explain
    assert interpret.Explanation is Explanation


def test_an_index_beyond_the_bundled_sample_says_how_to_get_the_rest(monkeypatch, tmp_path):
    from interpret.attributions.inputs import pick_images

    monkeypatch.setenv("INTERPRET_DATA_DIR", str(tmp_path))  # empty: the bundled 500 only
    with pytest.raises(
        UserError, match="index 600 .*set INTERPRET_DATA_DIR to a folder with mnist"
    ):
        pick_images("mnist-cnn", index=600)
