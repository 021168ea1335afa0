"""Per-image random streams: the same numbers whatever the batch, starts on the ball's surface."""

from __future__ import annotations

import numpy as np

from interpret.attacks import noise


def test_an_image_draws_the_same_numbers_alone_or_in_a_batch():
    together = noise.uniform(noise.streams(4, "s", [0, 1, 2, 3]), (5,))
    alone = noise.uniform(noise.streams(4, "s", [2]), (5,))
    np.testing.assert_array_equal(together[2], alone[0])
    other_seed = noise.uniform(noise.streams(5, "s", [2]), (5,))
    other_stream = noise.uniform(noise.streams(4, "t", [2]), (5,))
    assert not np.array_equal(alone, other_seed) and not np.array_equal(alone, other_stream)


def test_ball_start_lies_on_the_surface_of_the_ball():
    x = np.full((3, 6, 6, 2), 0.5, np.float32)
    gens = noise.streams(0, "b", range(3))
    linf = noise.ball_start(x, 0.1, "linf", gens)
    np.testing.assert_allclose(np.abs(linf - x).reshape(3, -1).max(1), 0.1, atol=1e-6)
    l2 = noise.ball_start(x, 0.3, "l2", noise.streams(0, "b", range(3)))
    np.testing.assert_allclose(np.sqrt(((l2 - x) ** 2).reshape(3, -1).sum(1)), 0.3, atol=1e-5)
    half = noise.ball_start(x, 0.3, "l2", noise.streams(0, "b", range(3)), scale=0.5)
    np.testing.assert_allclose(np.sqrt(((half - x) ** 2).reshape(3, -1).sum(1)), 0.15, atol=1e-5)
