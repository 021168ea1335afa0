"""interpret._fast.precision: choosing and scoping the bfloat16 rewrite."""

from __future__ import annotations

import numpy as np
import pytest

from interpret._fast import precision
from interpret.core.errors import UserError


def test_unknown_precision_names_the_choices():
    with pytest.raises(UserError, match="unknown precision 'half'; choose one of: auto, float32"):
        precision.resolve("half")


@pytest.mark.parametrize("supported,auto", [(True, "bfloat16"), (False, "float32")])
def test_auto_follows_the_hardware(monkeypatch, supported, auto):
    monkeypatch.setattr(precision, "bfloat16_supported", lambda: supported)
    assert precision.resolve("auto") == auto
    assert precision.resolve("float32") == "float32"


def test_bfloat16_without_hardware_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(precision, "bfloat16_supported", lambda: False)
    with pytest.raises(
        UserError, match=r"no bfloat16 hardware.*use float32 \(or auto\) for precision="
    ):
        precision.resolve("bfloat16")


def test_onednn_off_means_no_bfloat16(monkeypatch):
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")
    precision.bfloat16_supported.cache_clear()
    try:
        assert precision.bfloat16_supported() is False
    finally:
        monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS")
        precision.bfloat16_supported.cache_clear()


def test_compute_switches_the_rewrite_and_restores_it(monkeypatch):
    monkeypatch.setattr(precision, "bfloat16_supported", lambda: True)
    assert not precision.bfloat16_active()
    with precision.compute("bfloat16") as used:
        assert used == "bfloat16" and precision.bfloat16_active()
        with precision.compute("float32"):
            assert not precision.bfloat16_active()
        assert precision.bfloat16_active()
    assert not precision.bfloat16_active()
    with pytest.raises(RuntimeError):
        with precision.compute("bfloat16"):
            raise RuntimeError("boom")
    assert not precision.bfloat16_active()


needs_bf16 = pytest.mark.skipif(
    not precision.bfloat16_supported(), reason="this CPU has no bfloat16 hardware"
)


@needs_bf16
def test_bfloat16_pgd_keeps_the_image_in_float32(tiny_cnn):
    """The rewrite covers the gradient only: the ball and [0, 1] hold to float32 accuracy."""
    from interpret.attacks.run import attack

    x = np.random.default_rng(0).random((16, 16, 16, 3), dtype=np.float32)
    y = np.arange(16) % 5
    res = attack(tiny_cnn, x, y, method="pgd", eps=0.05, steps=5, precision="bfloat16")
    assert res.parameters["precision"] == "bfloat16"
    assert res.linf.max() <= 0.05 + 1e-6
    assert res.adversarial.min() >= 0.0 and res.adversarial.max() <= 1.0
    # float32 pixel values survive (bfloat16 keeps only 8 bits of mantissa)
    as_bf16 = res.adversarial.view(np.uint32) & 0xFFFF
    assert np.count_nonzero(as_bf16) > res.adversarial.size // 2


@needs_bf16
def test_bfloat16_maximize_is_measured_in_float32(tiny_cnn):
    from interpret.core import objectives as obj
    from interpret.core.probe import Probe
    from interpret.visualize.maximize import maximize
    from interpret.visualize.render import evaluate

    r16 = maximize(tiny_cnn, "c2", [0, 1], steps=64, precision="bfloat16")
    r32 = maximize(tiny_cnn, "c2", [0, 1], steps=64, precision="float32")
    assert r16.parameters["precision"] == "bfloat16" and r32.parameters["precision"] == "float32"
    target = obj.channel("c2", [0, 1])
    again = evaluate(Probe(tiny_cnn), target, r16.images)
    np.testing.assert_allclose(r16.activations, again, rtol=1e-5)
    # bfloat16 climbs as far as float32 does, far above the grey start
    grey = evaluate(Probe(tiny_cnn), target, np.full((2, 16, 16, 3), 0.5, np.float32))
    assert r32.activations.mean() > grey.mean() + 0.1
    assert r16.activations.mean() > grey.mean() + 0.5 * (r32.activations.mean() - grey.mean())
