"""The CAM family: class activation maps from a layer's feature maps.

Grad-CAM weighs each channel of the layer's output by its mean gradient and keeps
the positive part of the sum; Grad-CAM++ is Grad-CAM with another weighting (one
overridden method); LayerCAM weighs every position by its own positive gradient;
Score-CAM weighs each channel by the class probability of the image masked with
that (normalised, upsampled) channel. The gradient with respect to the layer is
:class:`~interpret.core.grad.Gradient` ``wrt=layer``: the layer's real output, found
inside nested models too, so a keras.applications base inside a Sequential works.

The plain version of Grad-CAM (keras-io)::

    with tf.GradientTape() as tape:
        acts, logits = model_with_two_outputs(x)
        score = logits[:, c]
    g = tape.gradient(score, acts)
    cam = relu(sum_k mean_ij(g[..., k]) * acts[..., k])

The maps come back at the input's resolution (bilinear) and, in ``raw``, at the
layer's own.

Example:
    >>> from interpret.attributions import explain
    >>> e = explain("mnist-cnn", np.ones((1, 28, 28, 1), "float32"), method="gradcam")
    >>> e.layer, e.raw.shape, e.maps.shape
    ('max_pooling2d_1', (1, 5, 5), (1, 28, 28))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from interpret.attributions.base import Maps, Run, chunks, upsample
from interpret.core.errors import UserError


def spatial_layers(probe) -> list[str]:
    """The layers a CAM can use: those with an (N, H, W, C) output, in graph order.

    Example:
        >>> from interpret.core.models import resolve
        >>> spatial_layers(resolve("mnist-mlp").probe)
        []
    """
    return [info.name for info in probe.layers if info.kind == "spatial"]


def cam_layer(probe, layer: str | None, method: str, others: str, reads: Sequence[str] = ()) -> str:
    """The layer a CAM method uses: ``layer`` checked, or the last with a spatial output.

    ``others`` names the methods that need no such layer, for the message. ``reads``:
    the layers an objective target reads (``"conv2d_1:3"``); the CAM layer must come at
    or before the deepest of them, or its maps would not feed the target.

    Example:
        >>> from interpret.core.models import resolve
        >>> probe = resolve("cifar10-cnn").probe
        >>> cam_layer(probe, None, "gradcam", ""), cam_layer(probe, None, "gradcam", "", ["conv2d_1"])
        ('conv2d_2', 'conv2d_1')
    """
    spatial = spatial_layers(probe)
    if reads:
        order = probe.layer_names
        deepest = max(reads, key=order.index)
        spatial = [s for s in spatial if order.index(s) <= order.index(deepest)]
    if layer is None:
        if not spatial:
            where = f" at or before {deepest}, the layer the target reads" if reads else ""
            raise UserError(
                f"{method} needs a layer with a spatial output (feature maps){where} and "
                f"{probe.name} has none; methods that work on it: {others}"
            )
        return spatial[-1]
    info = probe.layer(layer)
    if info.kind != "spatial":
        raise UserError(
            f"{{layer}} {layer} ({info.type}) has output shape {info.output_shape}, not feature "
            f"maps; {method} needs a spatial layer of {probe.name}: {', '.join(spatial) or 'none'}",
            "layer",
        )
    if layer not in spatial:
        raise UserError(
            f"{{layer}} {layer} comes after {deepest}, the layer the target reads, so its maps "
            f"do not feed the target; give one of {', '.join(spatial) or 'none'}",
            "layer",
        )
    return layer


class GradCAM:
    """Grad-CAM (Selvaraju et al. 2017): channels weighted by their mean gradient.

    Subclasses override :meth:`weights` (Grad-CAM++) or :meth:`combine` (LayerCAM).
    """

    def weights(self, acts: np.ndarray, grads: np.ndarray) -> np.ndarray:
        """(N, h, w, K) activations and gradients -> (N, K) channel weights.

        Example:
            >>> GradCAM().weights(None, np.ones((1, 2, 2, 3))).tolist()
            [[1.0, 1.0, 1.0]]
        """
        return grads.mean(axis=(1, 2))

    def combine(self, acts: np.ndarray, grads: np.ndarray) -> np.ndarray:
        """The map at the layer's resolution: relu(sum_k w_k A_k).

        Example:
            >>> a = np.ones((1, 2, 2, 1)); float(GradCAM().combine(a, -a).max())
            0.0
        """
        return np.maximum(np.einsum("nhwk,nk->nhw", acts, self.weights(acts, grads)), 0.0)

    def __call__(self, run: Run, x: np.ndarray) -> Maps:
        def reduce(out: list) -> list:
            values, acts, grads, used = out
            return [values, self.combine(acts, grads).astype(np.float32), used]

        values, raw, used = run.gradients(x, wrt=run.layer, combine=reduce)
        classes = None if run.target.objective is not None else used.astype(np.int32)
        return Maps(upsample(raw, x.shape[1:3]), values, classes, raw=raw)


class GradCAMPlusPlus(GradCAM):
    """Grad-CAM++ (Chattopadhyay et al. 2018), as in the authors' code.

    ``alpha = g^2 / (2 g^2 + sum_ij(A) g^3)``, normalised to sum to one over positions,
    and ``w_k = sum_ij alpha relu(g)``. The authors' ``exp(score)`` factor multiplies
    every weight of an image alike, so it is left out (it overflows float32 for large
    logits): the maps differ from theirs by one positive factor per image.
    """

    def weights(self, acts: np.ndarray, grads: np.ndarray) -> np.ndarray:
        """Grad-CAM++'s channel weights.

        Example:
            >>> g = np.array([[[[1.0]], [[0.0]]]]); a = np.ones_like(g)
            >>> GradCAMPlusPlus().weights(a, g).tolist()
            [[1.0]]
        """
        g2 = grads**2
        denom = 2.0 * g2 + acts.sum(axis=(1, 2), keepdims=True) * grads**3
        alpha = g2 / np.where(denom != 0.0, denom, 1.0)
        norm = alpha.sum(axis=(1, 2), keepdims=True)
        alpha = alpha / np.where(norm != 0.0, norm, 1.0)
        return (alpha * np.maximum(grads, 0.0)).sum(axis=(1, 2))


class LayerCAM(GradCAM):
    """LayerCAM (Jiang et al. 2021): each position weighted by its own positive gradient."""

    def combine(self, acts: np.ndarray, grads: np.ndarray) -> np.ndarray:
        """relu(sum_k relu(g_k) A_k), position by position.

        Example:
            >>> a = np.ones((1, 2, 2, 2)); LayerCAM().combine(a, a).tolist()
            [[[2.0, 2.0], [2.0, 2.0]]]
        """
        return np.maximum((np.maximum(grads, 0.0) * acts).sum(-1), 0.0)


def normalised_masks(acts: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(b, h, w, K) activations -> (b, K, H, W) masks, each upsampled and scaled to [0, 1].

    Example:
        >>> m = normalised_masks(np.arange(8.0).reshape(1, 2, 2, 2), (4, 4))
        >>> m.shape, float(m.min()), float(m.max())
        ((1, 2, 4, 4), 0.0, 1.0)
    """
    b, h, w, k = acts.shape
    flat = np.transpose(acts, (0, 3, 1, 2)).reshape(b * k, h, w)
    up = upsample(flat.astype(np.float32), size).reshape(b, k, *size)
    lo = up.min(axis=(2, 3), keepdims=True)
    hi = up.max(axis=(2, 3), keepdims=True)
    return (up - lo) / (hi - lo + 1e-7)


def scorecam(run: Run, x: np.ndarray) -> Maps:
    """Score-CAM (Wang et al. 2020): channel k weighted by the target's softmax probability
    of ``x * mask_k``; ``top=N`` keeps each image's N channels of largest spread
    (Faster Score-CAM).

    Example:
        >>> from interpret.attributions import explain
        >>> e = explain("mnist-cnn", np.ones((1, 28, 28, 1), "float32"), method="scorecam", top=8)
        >>> e.raw.shape
        (1, 5, 5)
    """
    scores, used = run.scores(x)
    probability = run.target.objective is None
    extract = run.probe.extractor([run.layer], logits=True)  # the one Grad-CAM builds too
    top = min(
        run.options["top"] or run.probe.layer(run.layer).size, run.probe.layer(run.layer).size
    )
    raws = []
    for s in chunks(len(x), max(1, run.forward_batch // top)):
        acts = extract(x[s])[0].numpy()
        if top < acts.shape[-1]:
            order = np.argsort(-acts.std(axis=(1, 2)), axis=-1)[:, :top]
            acts = np.take_along_axis(acts, order[:, None, None, :], axis=-1)
        masks = normalised_masks(acts, x.shape[1:3])
        weights = np.concatenate(
            [
                run.masked_scores(x[s], used[s], masks[:, p], 0.0, probability)[0]
                for p in chunks(masks.shape[1], run.forward_batch)
            ],
            axis=1,
        )
        raws.append(np.maximum(np.einsum("nhwk,nk->nhw", acts, weights), 0.0))
        run.step(s.stop - s.start)
    raw = np.concatenate(raws).astype(np.float32)
    classes = None if run.target.objective is not None else used
    return Maps(upsample(raw, x.shape[1:3]), scores, classes, raw=raw)
