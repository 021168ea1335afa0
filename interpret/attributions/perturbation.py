"""The perturbation family: hide parts of the image and watch the score (no gradients).

* Occlusion (Zeiler & Fergus 2014): a ``patch`` x ``patch`` square of ``fill`` slides
  over the image by ``stride``; a pixel's value is the mean drop of the target's score
  over the patches that hid it (signed: positive where hiding hurts).
* RISE (Petsiuk et al. 2018): ``masks`` random masks, each a grid of cells of side
  ``cell`` kept with probability ``keep``, smoothly upsampled and randomly shifted;
  a pixel's value is the mean score of the masks that kept it, minus the mean score
  of all masks (the paper's map less one constant per image, so that 0 means "no
  effect" and the map is signed).

Every (image, mask) pair is one evaluation of one batched forward pass (within the
memory budget), the same masks for every image.

Example:
    >>> from interpret.attributions import explain
    >>> x = np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32)
    >>> e = explain("mnist-cnn", x, method="occlusion", patch=7)
    >>> e.maps.shape, e.parameters["stride"]
    ((2, 28, 28), 7)
"""

from __future__ import annotations

import math

import numpy as np

from interpret.attributions.base import Maps, Run, chunks, upsample


def occlusion_masks(size: tuple[int, int], patch: int, stride: int) -> np.ndarray:
    """(k, H, W) masks, 0 inside one patch and 1 elsewhere; the last row and column of
    patches sit on the far edges, so every pixel is hidden by at least one.

    Example:
        >>> m = occlusion_masks((4, 4), 2, 2)
        >>> m.shape, m[0, :2, :2].tolist()
        ((4, 4, 4), [[0.0, 0.0], [0.0, 0.0]])
    """
    h, w = size

    def anchors(n: int) -> list[int]:
        out = list(range(0, n - patch + 1, stride))
        return out + [n - patch] if out[-1] + patch < n else out

    masks = []
    for y in anchors(h):
        for x in anchors(w):
            m = np.ones((h, w), np.float32)
            m[y : y + patch, x : x + patch] = 0.0
            masks.append(m)
    return np.stack(masks)


def occlusion(run: Run, x: np.ndarray) -> Maps:
    """Mean score drop when a patch hides each pixel.

    Example: see the module docstring.
    """
    o = run.options
    scores, used = run.scores(x)
    masks = occlusion_masks(x.shape[1:3], o["patch"], o["stride"])
    hidden = (1.0 - masks).reshape(len(masks), -1)
    count = hidden.sum(0)
    maps = np.zeros((len(x), hidden.shape[1]), np.float32)
    for s in chunks(len(x), max(1, run.forward_batch // len(masks))):
        for p in chunks(len(masks), run.forward_batch):
            drop = scores[s, None] - run.masked_scores(x[s], used[s], masks[p], o["fill"])[0]
            maps[s] += drop @ hidden[p]
        run.step(s.stop - s.start)
    maps = (maps / np.maximum(count, 1.0)).reshape(x.shape[:3])
    classes = None if run.target.objective is not None else used
    return Maps(maps, scores, classes, figures={"patches": len(masks)})


def rise_grids(n: int, size: tuple[int, int], cell: int, keep: float, seed: int) -> tuple:
    """The random part of ``n`` RISE masks: kept cells (n, gh + 1, gw + 1) and shifts (n, 2).

    Example:
        >>> grids, shifts = rise_grids(3, (8, 8), 4, 0.5, 0)
        >>> grids.shape, shifts.shape
        ((3, 3, 3), (3, 2))
    """
    gh, gw = (math.ceil(side / cell) for side in size)
    rng = np.random.default_rng([seed, 0x415E])
    grids = (rng.random((n, gh + 1, gw + 1)) < keep).astype(np.float32)
    return grids, rng.integers(0, cell, (n, 2))


def rise_masks(
    grids: np.ndarray, shifts: np.ndarray, size: tuple[int, int], cell: int
) -> np.ndarray:
    """(k, H, W) soft masks: each grid upsampled bilinearly to cells of ``cell`` pixels, shifted.

    Example:
        >>> g, s = rise_grids(2, (8, 8), 4, 0.5, 0)
        >>> m = rise_masks(g, s, (8, 8), 4)
        >>> m.shape, bool(m.min() >= 0 and m.max() <= 1)
        ((2, 8, 8), True)
    """
    h, w = size
    k, gh, gw = grids.shape
    up = upsample(grids, (gh * cell, gw * cell))
    rows = shifts[:, 0, None] + np.arange(h)[None]
    cols = shifts[:, 1, None] + np.arange(w)[None]
    return up[np.arange(k)[:, None, None], rows[:, :, None], cols[:, None, :]]


def rise(run: Run, x: np.ndarray) -> Maps:
    """Mean score of the masks that keep each pixel, less the mean over all masks.

    Example:
        >>> from interpret.attributions import explain
        >>> x = np.random.default_rng(0).random((1, 28, 28, 1), dtype=np.float32)
        >>> explain("mnist-cnn", x, method="rise", masks=64).maps.shape
        (1, 28, 28)
    """
    o = run.options
    size = x.shape[1:3]
    scores, used = run.scores(x)
    grids, shifts = rise_grids(o["masks"], size, o["cell"], o["keep"], run.seed)
    part = min(o["masks"], run.forward_batch)
    kept = np.zeros((len(x), size[0] * size[1]), np.float64)
    total = np.zeros(len(x), np.float64)
    cover = np.zeros(size[0] * size[1], np.float64)
    cached = o["masks"] * size[0] * size[1] * 4 <= run.memory * 2**20 / 4
    every = rise_masks(grids, shifts, size, o["cell"]) if cached else None
    for s in chunks(len(x), max(1, run.forward_batch // part)):
        for p in chunks(o["masks"], part):
            m = every[p] if cached else rise_masks(grids[p], shifts[p], size, o["cell"])
            flat = m.reshape(len(m), -1)
            sc = run.masked_scores(x[s], used[s], m, o["fill"])[0]
            kept[s] += sc @ flat
            total[s] += sc.sum(1)
            if s.start == 0:
                cover += flat.sum(0)
        run.step(s.stop - s.start)
    maps = kept / np.maximum(cover, 1e-12) - (total / o["masks"])[:, None]
    classes = None if run.target.objective is not None else used
    return Maps(maps.reshape(x.shape[:3]).astype(np.float32), scores, classes)
