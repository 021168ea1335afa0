"""Convolution by hand, for teaching: a kernel slid over a grayscale image, with the numbers.

As in a CNN layer, "convolution" here is the sliding dot product (cross-correlation,
kernel not flipped) with no padding, so an HxW image and a kxk kernel give an
(H-k+1)x(W-k+1) output. Pixel values are 0..255.

Example:
    >>> out = convolve(example_image(), KERNELS["vertical"])
    >>> out[0].tolist()
    [0.0, 0.0, 180.0, 180.0, 0.0, 0.0]
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from interpret.core.errors import UserError
from interpret.gallery.sheet import Sheet, label_slug

KERNELS: dict[str, np.ndarray] = {
    "vertical": np.array([[1, 0, -1]] * 3, "float64"),
    "horizontal": np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]], "float64"),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], "float64"),
    "blur": np.full((3, 3), 1.0 / 9.0),
}
MAX_SIDE = 256  # larger pictures are shrunk before convolving (the sidecar says so)
ANNOTATE_MAX = 12  # draw the numbers into the cells of arrays up to this size


def example_image() -> np.ndarray:
    """The classic 8x8 teaching image: left half 60, right half 0.

    Example:
        >>> example_image()[0].tolist()
        [60.0, 60.0, 60.0, 60.0, 0.0, 0.0, 0.0, 0.0]
    """
    img = np.zeros((8, 8), "float64")
    img[:, :4] = 60.0
    return img


def parse_kernel(text: str) -> np.ndarray:
    """A built-in kernel name or a kernel written as text -> 2-D float array.

    Text is rows separated by ``;`` (or new lines), numbers by ``,`` or spaces, e.g.
    ``"1,0,-1;1,0,-1;1,0,-1"``; JSON nested lists (``"[[1,0,-1],[1,0,-1]]"``) work too.

    Example:
        >>> parse_kernel("1 2; 3 4").tolist()
        [[1.0, 2.0], [3.0, 4.0]]
        >>> parse_kernel("blur").shape
        (3, 3)
    """
    t = str(text).strip()
    if t in KERNELS:
        return KERNELS[t].copy()
    hint = (
        "write rows separated by ';' and numbers by ',' (e.g. \"1,0,-1;1,0,-1;1,0,-1\") or use one of: "
        + ", ".join(KERNELS)
    )
    if not t:
        raise UserError(f"empty kernel; {hint}")
    if t.startswith("["):
        try:
            arr = np.asarray(json.loads(t), "float64")
        except (ValueError, TypeError):
            raise UserError(
                f"cannot read kernel {t!r}: not a list of numbers or ragged rows; {hint}"
            ) from None
    else:
        rows = [r for r in t.replace("\n", ";").split(";") if r.strip()]
        parsed = []
        for r in rows:
            try:
                parsed.append([float(v) for v in r.replace(",", " ").split()])
            except ValueError:
                raise UserError(
                    f"cannot read kernel row {r.strip()!r} as numbers; {hint}"
                ) from None
        lengths = sorted({len(r) for r in parsed})
        if len(lengths) > 1:
            raise UserError(
                f"kernel {t!r} is not 2-D: its rows have different lengths ({', '.join(map(str, lengths))}); {hint}"
            )
        arr = np.asarray(parsed, "float64")
    if arr.ndim != 2 or 0 in arr.shape:
        raise UserError(f"kernel {t!r} is not 2-D (it has shape {arr.shape}); {hint}")
    if not np.all(np.isfinite(arr)):
        raise UserError(f"kernel {t!r} has values that are not finite numbers")
    return arr


def convolve(image: np.ndarray, kernel: np.ndarray | str) -> np.ndarray:
    """Slide ``kernel`` over the 2-D ``image`` (no padding, stride 1) and return the raw sums.

    Example:
        >>> convolve(np.arange(9.0).reshape(3, 3), "1,0;0,-1").tolist()
        [[-4.0, -4.0], [-4.0, -4.0]]
    """
    k = parse_kernel(kernel) if isinstance(kernel, str) else np.asarray(kernel, "float64")
    img = np.asarray(image, "float64")
    if img.ndim != 2:
        raise UserError(f"convolve takes a 2-D grayscale image, got shape {img.shape}")
    if k.ndim != 2:
        raise UserError(f"kernel must be 2-D, got shape {k.shape}")
    kh, kw = k.shape
    h, w = img.shape
    if kh > h or kw > w:
        raise UserError(f"kernel {kh}x{kw} is larger than the {h}x{w} image")
    windows = np.lib.stride_tricks.sliding_window_view(img, (kh, kw))
    return np.einsum("ijkl,kl->ij", windows, k)


def gray255(image: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Any picture array (uint8, or float [0, 1]; gray or RGB) -> 2-D float 0..255, with notes.

    Example:
        >>> gray255(np.ones((2, 2, 3)))[0].tolist()
        [[255.0, 255.0], [255.0, 255.0]]
    """
    from interpret.data.images import to_channels

    img = np.asarray(image)
    notes: list[str] = []
    if img.ndim == 3:
        img, notes = to_channels(img, 1)
        img = img[..., 0]
    arr = img.astype("float64")
    if img.dtype != np.uint8:
        arr = arr * 255.0
    if max(arr.shape) > MAX_SIDE:
        from PIL import Image

        f = MAX_SIDE / max(arr.shape)
        size = (max(1, round(arr.shape[1] * f)), max(1, round(arr.shape[0] * f)))
        notes.append(f"shrunk {arr.shape[1]}x{arr.shape[0]} to {size[0]}x{size[1]}")
        arr = np.asarray(
            Image.fromarray(arr.astype("float32")).resize(size, Image.Resampling.BILINEAR),
            "float64",
        )
    return arr, notes


def convolution_input(
    image: str | os.PathLike | np.ndarray | None = None,
    *,
    index: int | None = None,
    dataset: str | None = None,
    split: str = "test",
) -> tuple[np.ndarray, list[str], str]:
    """The image to convolve: the 8x8 example (default), a picture file, an array or a sample.

    Returns ``(gray 0..255 2-D array, notes, label)``.

    Example:
        >>> convolution_input()[2]
        '8x8 example (left 60, right 0)'
    """
    if image is not None and index is not None:
        raise UserError(
            "give one input: an image file ({image}) or a data-set index ({index}), not both",
            "image",
            "index",
        )
    if index is not None:
        from interpret.data import datasets as data

        if not dataset:
            raise UserError(
                f"{{index}} needs {{dataset}} ({', '.join(data.names())})", "index", "dataset"
            )
        from interpret.data.images import dataset_image

        raw, source_notes, label = dataset_image(dataset, index, split)
        arr, notes = gray255(raw)
        return arr, source_notes + notes, label
    if image is None:
        return example_image(), [], "8x8 example (left 60, right 0)"
    if isinstance(image, np.ndarray):
        arr, notes = gray255(image)
        return arr, notes, "array"
    from interpret.data.images import read_image

    arr, notes = gray255(read_image(image))
    return arr, notes, os.path.basename(str(image))


def _annotate(ax: Any, values: np.ndarray, fmt: str = "{:g}", gray: bool = False) -> None:
    """Write each value into its cell (small arrays only), in a colour that reads on the cell."""
    if max(values.shape) > ANNOTATE_MAX:
        return
    span = float(np.abs(values).max()) or 1.0
    for (i, j), v in np.ndenumerate(values):
        dark = v < 128 if gray else abs(v) > 0.6 * span
        ax.text(
            j,
            i,
            fmt.format(round(float(v), 2)),
            ha="center",
            va="center",
            fontsize=7,
            color="white" if dark else "black",
        )


def plot_convolution(
    image: str | os.PathLike | np.ndarray | None = None,
    kernel: str | np.ndarray = "vertical",
    *,
    index: int | None = None,
    dataset: str | None = None,
    split: str = "test",
) -> Sheet:
    """Input, kernel (with its numbers), output clipped to 0..255, and the raw output.

    ``data`` holds ``input``, ``kernel``, ``output`` (raw) and ``clipped``.

    Example:
        >>> sheet = plot_convolution(kernel="vertical")
        >>> sheet.data["output"][0].tolist()
        [0.0, 0.0, 180.0, 180.0, 0.0, 0.0]
    """
    from interpret.gallery.style import new_figure, show_image

    k = parse_kernel(kernel) if isinstance(kernel, str) else np.asarray(kernel, "float64")
    if k.ndim != 2:
        raise UserError(f"kernel must be 2-D, got shape {k.shape}")
    img, notes, label = convolution_input(image, index=index, dataset=dataset, split=split)
    out = convolve(img, k)
    clipped = np.clip(out, 0, 255)
    kname = kernel if isinstance(kernel, str) and kernel in KERNELS else "custom"
    fig, axes = new_figure(13, 3.8, ncols=4, gridspec_kw={"width_ratios": [1, 0.6, 1, 1.2]})
    show_image(axes[0], img, None, cmap="gray", vmin=0, vmax=255)
    axes[0].set_title(f"input {img.shape[0]}x{img.shape[1]}\n{label}")
    _annotate(axes[0], img, gray=True)
    kl = float(np.abs(k).max()) or 1.0
    show_image(axes[1], k, None, cmap="RdBu_r", vmin=-kl, vmax=kl)
    axes[1].set_title(f"kernel {k.shape[0]}x{k.shape[1]} ({kname})")
    _annotate(axes[1], k, "{:.3g}")
    show_image(axes[2], clipped, None, cmap="gray", vmin=0, vmax=255)
    axes[2].set_title(f"output {out.shape[0]}x{out.shape[1]}, clipped to 0..255")
    _annotate(axes[2], clipped, gray=True)
    ol = float(np.abs(out).max()) or 1.0
    show_image(axes[3], out, None, cmap="RdBu_r", vmin=-ol, vmax=ol)
    axes[3].set_title(f"raw output (min {out.min():g}, max {out.max():g})")
    _annotate(axes[3], out)
    fig.colorbar(axes[3].images[0], ax=axes[3], shrink=0.8)
    fig.suptitle(
        "convolution by hand: each output pixel = sum(window × kernel), no padding, stride 1"
    )
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return Sheet(
        figure=fig,
        technique="convolve",
        name=f"convolve-{kname}-{label_slug(label)}",
        parameters={
            "kernel": k.tolist(),
            "kernel_name": kname,
            "image": None if image is None or isinstance(image, np.ndarray) else str(image),
            "index": index,
            "dataset": dataset,
            "split": split,
        },
        figures={
            "input_shape": list(img.shape),
            "output_shape": list(out.shape),
            "output_min": float(out.min()),
            "output_max": float(out.max()),
            "output": out.tolist() if out.size <= 144 else None,
        },
        notes=notes,
        data={"input": img, "kernel": k, "output": out, "clipped": clipped},
    )


def synthetic_digits(shift: int = 4) -> dict[str, np.ndarray]:
    """A 28x28 "1", the same "1" moved ``shift`` pixels right, and a "7" (0..255 floats).

    The 7's downstroke sits where the shifted 1 is, so in raw pixels the shifted 1
    differs from the 7 only by the 7's top bar.

    Example:
        >>> d = synthetic_digits()
        >>> sorted(d), d["one"].shape
        (['one', 'seven', 'shifted_one'], (28, 28))
    """
    if not 1 <= shift <= 10:
        raise UserError(f"shift must be 1-10 pixels, got {shift}")

    def stroke(col: int, top: int) -> np.ndarray:
        img = np.zeros((28, 28), "float64")
        img[top:24, col : col + 3] = 255.0
        return img

    one = stroke(11, 4)
    shifted = stroke(11 + shift, 4)
    seven = stroke(11 + shift, 7)
    seven[4:7, 6 : 14 + shift] = 255.0
    return {"one": one, "shifted_one": shifted, "seven": seven}


def mnist_digits(shift: int = 4, split: str = "test") -> tuple[dict[str, np.ndarray], str]:
    """The first "1" and the first "7" of MNIST ``split``, and that 1 moved ``shift`` pixels right.

    Example:
        >>> digits, source = mnist_digits()
        >>> sorted(digits), digits["one"].shape
        (['one', 'seven', 'shifted_one'], (28, 28))
    """
    from interpret.data import datasets as data

    if not 1 <= shift <= 10:
        raise UserError(f"shift must be 1-10 pixels, got {shift}")
    ds = data.load_test_images("mnist") if split == "test" else data.load("mnist")
    x, y = ds.split(split)
    if not (y == 1).any() or not (y == 7).any():
        raise UserError(f"mnist {split} ({ds.source}) has no 1 or no 7 to compare")
    i1, i7 = int(np.flatnonzero(y == 1)[0]), int(np.flatnonzero(y == 7)[0])
    one = x[i1, ..., 0].astype("float64")
    shifted = np.zeros_like(one)
    shifted[:, shift:] = one[:, :-shift]
    seven = x[i7, ..., 0].astype("float64")
    return {
        "one": one,
        "shifted_one": shifted,
        "seven": seven,
    }, f"mnist {split} #{i1} (1), #{i7} (7)" + (
        " from the bundled sample" if ds.source.startswith("bundled") else ""
    )


def digit_shift_demo(
    source: str = "synthetic", shift: int = 4, kernel: str = "horizontal"
) -> Sheet:
    """Is a shifted "1" closer to a "7" or to the unshifted "1"? Raw pixels vs after ``kernel``.

    Distances are Euclidean, in 0..255 pixel units. ``source`` is ``"synthetic"``
    (drawn 28x28 digits) or ``"mnist"`` (the first 1 and 7 of the MNIST test set).

    Example:
        >>> sheet = digit_shift_demo()
        >>> f = sheet.figures
        >>> f["raw"]["shifted_one_to_seven"] < f["raw"]["shifted_one_to_one"]
        True
    """
    from interpret.gallery.style import new_figure, show_image

    if source == "synthetic":
        digits, label = synthetic_digits(shift), "synthetic 28x28 digits"
    elif source == "mnist":
        digits, label = mnist_digits(shift)
    else:
        raise UserError(f"unknown digit source {source!r}; use 'synthetic' or 'mnist'")
    k = parse_kernel(kernel)
    filtered = {n: convolve(d, k) for n, d in digits.items()}

    def dists(arrs: dict[str, np.ndarray]) -> dict[str, float]:
        s = arrs["shifted_one"]
        return {
            "shifted_one_to_one": float(np.linalg.norm(s - arrs["one"])),
            "shifted_one_to_seven": float(np.linalg.norm(s - arrs["seven"])),
        }

    raw, filt = dists(digits), dists(filtered)
    raw_closer = "7" if raw["shifted_one_to_seven"] < raw["shifted_one_to_one"] else "1"
    filt_closer = "7" if filt["shifted_one_to_seven"] < filt["shifted_one_to_one"] else "1"
    fig, axes = new_figure(9, 6.8, nrows=2, ncols=3)
    titles = {"one": '"1"', "shifted_one": f'"1" shifted {shift}px right', "seven": '"7"'}
    limit = max(float(np.abs(f).max()) for f in filtered.values()) or 1.0
    for c, name in enumerate(("one", "shifted_one", "seven")):
        show_image(axes[0, c], digits[name], titles[name], cmap="gray", vmin=0, vmax=255)
        show_image(
            axes[1, c],
            filtered[name],
            f"{titles[name]} after {kernel} kernel",
            cmap="RdBu_r",
            vmin=-limit,
            vmax=limit,
        )
    axes[0, 0].set_ylabel("raw pixels")
    axes[1, 0].set_ylabel(f"after the {kernel} kernel")
    for row, d, closer in ((0, raw, raw_closer), (1, filt, filt_closer)):
        axes[row, 1].set_xlabel(
            f"distance shifted 1 → 1 = {d['shifted_one_to_one']:.0f},  shifted 1 → 7 = "
            f"{d['shifted_one_to_seven']:.0f}\nthe shifted 1 is closer to the {closer}",
            fontsize=9,
            labelpad=6,
        )
    fig.suptitle(f"shifted 1 vs 7: Euclidean distance, 0..255 pixels ({label})")
    fig.subplots_adjust(left=0.05, right=0.98, top=0.9, bottom=0.1, hspace=0.42, wspace=0.08)
    return Sheet(
        figure=fig,
        technique="convolve",
        name=f"shifted-one-vs-seven-{source}",
        parameters={
            "source": source,
            "shift": shift,
            "kernel": kernel,
            "kernel_values": k.tolist(),
        },
        figures={
            "raw": raw,
            "filtered": filt,
            "raw_closer_to": raw_closer,
            "filtered_closer_to": filt_closer,
            "digits": label,
        },
        data={**digits, **{f"{n}_filtered": f for n, f in filtered.items()}},
    )
