"""The gradient family against plain GradientTape oracles on a tiny CNN."""

from __future__ import annotations

import numpy as np
import pytest

from interpret.attributions import attribute
from interpret.attributions.gradients import baseline_images, path_points, smoothgrad_noise
from interpret.core.probe import Probe


@pytest.fixture(scope="module")
def setup():
    from tests.maxi_models import small_cnn

    model = small_cnn()
    x = np.random.default_rng(0).random((3, 12, 12, 3), dtype=np.float32)
    return model, Probe(model), x


def tape_gradient(model, x, classes):
    """The plain version: d logit[c] / d x, one class per image."""
    from interpret._tf import tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model(x, training=False)
        score = tf.reduce_sum(tf.gather(logits, classes, axis=1, batch_dims=1))
    return tape.gradient(score, x).numpy(), logits.numpy()


def test_saliency_and_gradient_x_input_match_the_tape(setup):
    model, probe, x = setup
    out = attribute(probe, x, "saliency")
    g, logits = tape_gradient(model, x, logits_argmax := np.argmax(model(x), 1))
    assert out.targets.tolist() == logits_argmax.tolist()
    np.testing.assert_allclose(out.scores, logits.max(1), rtol=1e-5)
    np.testing.assert_allclose(out.maps, np.abs(g).max(-1), rtol=1e-4, atol=1e-6)
    gxi = attribute(probe, x, "gradient-x-input", target=2)
    g2, _ = tape_gradient(model, x, np.full(3, 2))
    np.testing.assert_allclose(gxi.maps, (g2 * x).sum(-1), rtol=1e-4, atol=1e-6)


def test_smoothgrad_family_is_the_mean_square_and_variance_of_noisy_gradients(setup):
    model, probe, x = setup
    n, sigma = 6, 0.1
    noise = smoothgrad_noise(x.shape[1:], n, sigma, 3)
    top = np.argmax(model(x), 1)
    grads = np.stack([tape_gradient(model, x + noise[s], top)[0] for s in range(n)], 1)
    want = {
        "smoothgrad": grads.mean(1).sum(-1),
        "squaregrad": (grads**2).mean(1).sum(-1),
        "vargrad": grads.var(1).sum(-1),
    }
    for name, expected in want.items():
        # a budget of a few images per call splits samples across calls: same maps
        for memory in (256, 0.1):
            got = attribute(probe, x, name, samples=n, noise=sigma, seed=3, memory=memory)
            np.testing.assert_allclose(got.maps, expected, rtol=2e-3, atol=1e-6)


@pytest.mark.parametrize("rule", ["trapezoid", "riemann"])
@pytest.mark.parametrize("baseline", ["black", "white", "blurred", "noise"])
def test_integrated_gradients_completeness_within_one_percent_at_256_steps(setup, rule, baseline):
    _, probe, x = setup
    # the class whose score moves most along the path: a relative error means something
    moved = np.asarray(probe.logits(x)) - np.asarray(probe.logits(baseline_images(x, baseline, 0)))
    target = np.abs(moved).argmax(1)
    out = attribute(probe, x, "ig", target, steps=256, rule=rule, baseline=baseline)
    c = out.figures["completeness"]
    np.testing.assert_allclose(out.maps.sum((1, 2)), c["map_sum"], rtol=1e-5)
    assert max(c["relative_error"]) < 0.01, c


def test_integrated_gradients_tolerance_refines_only_the_images_that_need_it(setup):
    _, probe, x = setup
    plain = attribute(probe, x, "ig", steps=2, baseline="white")
    err = np.asarray(plain.figures["completeness"]["relative_error"])
    tol = float(np.median(err))  # some images already meet it at 2 steps, some do not
    out = attribute(probe, x, "ig", steps=2, baseline="white", tolerance=tol)
    c = out.figures["completeness"]
    steps, new = np.asarray(c["steps"]), np.asarray(c["relative_error"])
    met = err <= tol
    assert met.any() and (~met).any()
    np.testing.assert_array_equal(out.maps[met], plain.maps[met])  # untouched
    assert (steps[met] == 2).all() and (steps[~met] > 2).all()
    assert ((new <= tol) | (steps == 2 * 64)).all()
    # a refined map is the plain map at its own step count
    i = int(np.flatnonzero(~met)[0])
    again = attribute(probe, x[i : i + 1], "ig", steps=int(steps[i]), baseline="white")
    np.testing.assert_allclose(out.maps[i], again.maps[0], rtol=1e-5, atol=1e-7)


def test_integrated_gradients_match_the_plain_path_sum(setup):
    model, probe, x = setup
    steps = 5
    alphas, weights = path_points(steps, "trapezoid")
    base = baseline_images(x, "blurred", 0)
    top = np.argmax(model(x), 1)
    avg = sum(
        w * tape_gradient(model, base + a * (x - base), top)[0] for a, w in zip(alphas, weights)
    )
    out = attribute(probe, x, "ig", steps=steps, baseline="blurred", rule="trapezoid", memory=0.05)
    np.testing.assert_allclose(out.maps, ((x - base) * avg).sum(-1), rtol=1e-3, atol=1e-6)


def test_guided_backprop_matches_a_hand_built_guided_network(setup):
    from interpret._tf import tf

    model, probe, x = setup

    @tf.custom_gradient
    def guided_relu(z):
        y = tf.nn.relu(z)
        return y, lambda dy: dy * tf.cast(dy > 0, dy.dtype) * tf.cast(z > 0, dy.dtype)

    def forward(v):
        c1, c2, d1, out = (model.get_layer(n) for n in ("c1", "c2", "d1", "out"))
        h = guided_relu(tf.nn.conv2d(v, c1.kernel, 1, "VALID") + c1.bias)
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = guided_relu(tf.nn.conv2d(h, c2.kernel, 1, "VALID") + c2.bias)
        h = guided_relu(tf.reshape(h, (len(x), -1)) @ d1.kernel + d1.bias)
        return h @ out.kernel + out.bias

    v = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(v)
        score = tf.reduce_sum(forward(v)[:, 1])
    want = tape.gradient(score, v).numpy().sum(-1)
    got = attribute(probe, x, "guided-backprop", target=1)
    np.testing.assert_allclose(got.maps, want, rtol=1e-4, atol=1e-6)
    plain = tape_gradient(model, x, np.full(len(x), 1))[0].sum(-1)
    assert not np.allclose(got.maps, plain, atol=1e-4)  # the gate changed the gradient


def test_path_points_weights_sum_to_one():
    for rule in ("trapezoid", "riemann"):
        a, w = path_points(7, rule)
        assert len(a) == 7 and abs(w.sum() - 1) < 1e-6 and 0 <= a.min() and a.max() <= 1
