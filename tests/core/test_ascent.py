"""The one loop: it climbs, stops images that are done, restarts, reports chunks, traces once."""

from __future__ import annotations

import numpy as np

from interpret.core.ascent import Ascent
from interpret.core.updates import Adam, Ball, SignedStep


def _variable(values):
    from interpret._tf import tf

    return tf.Variable(np.asarray(values, np.float32), shape=tf.TensorShape([None, 2]))


def test_adam_climbs_a_quadratic_to_its_top():
    from interpret._tf import tf

    x = _variable([[0.0, 0.0], [3.0, -2.0]])
    target = tf.constant([[1.0, 2.0]])
    climb = Ascent(lambda step: -tf.reduce_sum((x - target) ** 2, axis=1), [x], Adam(0.1))
    assert climb.run(300) == 300
    np.testing.assert_allclose(x.numpy(), [[1.0, 2.0], [1.0, 2.0]], atol=1e-2)


def _racers(x):
    """Climb x[:, 0] with a signed step of 0.1; an image stops once x[:, 0] passes 0.5."""

    def score(step):
        return x[:, 0], x[:, 0] > 0.5

    return score


def test_stopped_images_freeze_and_the_loop_ends_when_all_have():
    x = _variable([[0.0, 0.0], [0.35, 0.0]])
    ball = Ball("linf", x0=x.numpy(), eps=1.0)
    climb = Ascent(_racers(x), [x], SignedStep(0.1, ball), stops=True)
    ran = climb.run(100)
    # image 1 passes 0.5 after 2 steps and freezes; image 0 needs 6 steps
    assert ran == 7  # the step on which the last stop flag is raised counts
    np.testing.assert_allclose(x.numpy()[:, 0], [0.6, 0.55], atol=1e-6)
    assert climb.steps_done == 7


def test_without_stops_every_step_runs():
    x = _variable([[0.0, 0.0]])
    climb = Ascent(lambda step: x[:, 0], [x], SignedStep(0.1, Ball("linf", x.numpy(), 0.3)))
    assert climb.run(10) == 10
    np.testing.assert_allclose(x.numpy(), [[0.3, 0.0]], atol=1e-6)  # held in the ball


def test_restart_clears_steps_stops_and_the_update_state():
    from interpret._tf import tf

    x = _variable([[0.0, 0.0]])
    adam = Adam(0.1)
    climb = Ascent(lambda step: -tf.reduce_sum((x - 1.0) ** 2, axis=1), [x], adam)
    climb.run(5)
    first = x.numpy().copy()
    x.assign([[0.0, 0.0]])
    climb.restart()
    assert climb.steps_done == 0
    assert all(float(tf.reduce_sum(tf.abs(s))) == 0 for pair in adam._slots for s in pair)
    climb.run(5)
    np.testing.assert_array_equal(x.numpy(), first)  # the same run again, not a continued one

    y = _variable([[0.0, 0.0], [0.6, 0.0]])
    stopper = Ascent(_racers(y), [y], SignedStep(0.1, Ball("linf", y.numpy(), 1.0)), stops=True)
    stopper.run(100)
    y.assign([[0.0, 0.0], [0.0, 0.0]])
    stopper.restart()
    assert stopper.run(3) == 3  # no image is still marked as stopped
    np.testing.assert_allclose(y.numpy()[:, 0], [0.3, 0.3], atol=1e-6)


def test_progress_moves_in_chunks_and_sums_to_the_steps_run():
    x = _variable([[0.0, 0.0]])
    seen = []
    climb = Ascent(lambda step: x[:, 0], [x], Adam(0.01))
    climb.run(10, chunk=4, advance=seen.append)
    assert seen == [4, 4, 2]

    y = _variable([[0.0, 0.0]])
    stopper = Ascent(_racers(y), [y], SignedStep(0.1, Ball("linf", y.numpy(), 1.0)), stops=True)
    seen = []
    assert stopper.run(50, chunk=4, advance=seen.append) == 7
    assert seen == [4, 3]  # the last, partial chunk is reported too


def test_the_step_is_traced_once_for_every_batch_size_and_run():
    from interpret._tf import tf

    traces = []
    x = _variable([[0.0, 0.0]])
    ball = Ball("linf", x.numpy(), 0.5)

    def score(step):
        traces.append(1)  # Python runs only while tracing
        return x[:, 0] + tf.cast(step, tf.float32) * 0.0, x[:, 0] > 0.25

    climb = Ascent(score, [x], SignedStep(0.1, ball), stops=True)
    for n in (1, 3, 7):
        start = np.zeros((n, 2), np.float32)
        x.assign(start)
        ball.set(start, 0.5)
        climb.restart()
        assert climb.run(20) == 4  # the 4th step sees 0.3 > 0.25 and stops every image
        np.testing.assert_allclose(x.numpy()[:, 0], np.full(n, 0.3), atol=1e-6)
    assert len(traces) == 1
