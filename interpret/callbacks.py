"""Keras callbacks that show a network while it learns: ``Visualize``, ``Attack``, ``Explain``.

Each runs after every ``every`` epochs (and after the last one) and writes

- into the gallery, under ``<gallery>/<model>/watch/``: one artifact per logged epoch
  (``...-epoch003.png``) and one over the epochs (``Visualize``, ``Explain``: an animated
  GIF with a frame per logged epoch; ``Attack``: accuracy against epoch), with sidecars;
- given ``log_dir``, TensorBoard summaries in ``<log_dir>/interpret`` (step = epoch):
  ``tf.summary.image`` of what it drew and ``tf.summary.scalar`` of what it measured, so
  ``tensorboard --logdir <log_dir>`` shows them beside Keras' own ``TensorBoard`` logs.

Every callback takes these keywords (:data:`SHARED`, said once here):

- ``every`` (1): log after every ``every`` epochs;
- ``gallery`` (``$INTERPRET_GALLERY`` or ``./gallery``): a folder or a ``Gallery``;
- ``log_dir`` (None: no TensorBoard): where the TensorBoard summaries go;
- ``name`` (the Keras model's name): the model's folder in the gallery;
- ``seed`` (0): recorded in every sidecar, and the seed of what is drawn at random.

Everything a callback needs from the model (the layer, the data) is checked when
training begins, before the first epoch. Each logged epoch reads the model afresh
(a softmax head is unwrapped into a copy of its weights, so a probe cannot be kept).
Importing this module does not import TensorFlow: the classes become Keras callbacks
on first use.

Example:
    >>> from interpret.callbacks import Attack, Explain, Visualize
    >>> watch = [
    ...     Visualize("conv2d_1", "0-11", every=2, log_dir="logs"),
    ...     Attack(x_val, y_val, eps=0.03, log_dir="logs"),
    ...     Explain(x_val[:4], y_val[:4], method="gradcam", log_dir="logs"),
    ... ]  # doctest: +SKIP
    >>> model.fit(x, y, epochs=10, callbacks=watch)  # doctest: +SKIP
    >>> watch[1].history  # doctest: +SKIP
    [{'epoch': 2, 'clean_accuracy': 0.41, 'robust_accuracy': 0.12}, ...]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from interpret.core import checks
from interpret.core.errors import UserError
from interpret.gallery.store import Artifact, Gallery

TECHNIQUE = "watch"
#: The keywords every callback takes, with their defaults (see the module docstring).
SHARED: dict[str, Any] = {"every": 1, "gallery": None, "log_dir": None, "name": None, "seed": 0}
_WRITERS: dict[str, Any] = {}  # one TensorBoard writer per log directory, shared by callbacks


class _Watch:
    """What every callback shares: when to log, the gallery, the TensorBoard writer."""

    def __init__(self, options: dict[str, Any]):
        """Take the shared keywords (:data:`SHARED`) out of a callback's ``options``."""
        super().__init__()
        shared = {key: options.pop(key, default) for key, default in SHARED.items()}
        self.every = checks.positive_int(shared["every"], "every")
        gallery = shared["gallery"]
        self.gallery = gallery if isinstance(gallery, Gallery) else Gallery(gallery)
        self.log_dir = None if shared["log_dir"] is None else str(shared["log_dir"])
        self.name = shared["name"]
        self.seed = int(shared["seed"])
        self.logged: list[int] = []  # the epochs (1-based) logged so far
        self.artifacts: list[Artifact] = []

    # ---- Keras hooks -------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        self.prepare(self._handle())

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        done = int(epoch) + 1
        last = (getattr(self, "params", None) or {}).get("epochs")
        if done % self.every and done != last:
            return
        self.logged.append(done)
        self.artifacts += self.log(self._handle(), done)
        if self.log_dir is not None:
            self._writer().flush()

    # ---- what a callback defines -------------------------------------------------------
    def prepare(self, handle: Any) -> None:
        """Check everything against the model before the first epoch."""

    def log(self, handle: Any, epoch: int) -> list[Artifact]:
        """Measure and draw after ``epoch``; write summaries; return the artifacts."""
        raise NotImplementedError

    # ---- helpers -----------------------------------------------------------------------
    @property
    def model_name(self) -> str:
        """The gallery folder: ``name`` or the Keras model's name."""
        return self.name or getattr(self.model, "name", "model")

    def _handle(self) -> Any:
        from interpret.core.models import resolve

        handle = resolve(self.model)
        handle.name = self.model_name
        return handle

    def _writer(self) -> Any:
        from interpret._tf import tf

        path = str(Path(self.log_dir) / "interpret")
        if path not in _WRITERS:
            _WRITERS[path] = tf.summary.create_file_writer(path)
        return _WRITERS[path]

    def summary(self, epoch: int, scalars: dict[str, float], images: dict[str, np.ndarray]) -> None:
        """Write scalars and RGB images (H, W, 3 uint8) at step ``epoch``, if logging."""
        if self.log_dir is None:
            return
        from interpret._tf import tf

        with self._writer().as_default():
            for tag, value in scalars.items():
                tf.summary.scalar(tag, float(value), step=epoch)
            for tag, image in images.items():
                tf.summary.image(tag, np.asarray(image, np.uint8)[None], step=epoch)

    def meta(self, epoch: int, **more: Any) -> dict:
        """Sidecar fields shared by a callback's artifacts."""
        return {"seed": self.seed, "epoch": epoch, "epochs_logged": list(self.logged), **more}


class _Visualize(_Watch):
    """Render chosen filters, units or classes every ``every`` epochs (:func:`interpret.maximize`).

    Args:
        layer, filters: the layer and its filters/units (``"0-11"``, ``[1, 5]``, ``"all"``).
        classes: instead, output classes (``"all"``, ``"cat,dog"``).
        steps: render steps per logged epoch (fewer than a standalone render: it repeats).
        every, gallery, log_dir, name, seed: see the module docstring.
        **settings: other render knobs (:class:`~interpret.visualize.render.RenderSettings`).

    Per logged epoch: the labelled grid (``<what>-epochNNN.png``); over the epochs: an
    animated GIF, one frame per logged epoch (``<what>-epochs.gif``, its poster the
    latest). TensorBoard: image ``visualize/<what>``, scalar
    ``visualize/<what>/activation_mean``.

    Example:
        >>> cb = Visualize("conv2d_1", "0-11", every=2, log_dir="logs")  # doctest: +SKIP
    """

    def __init__(
        self,
        layer: str | None = None,
        filters: Any = None,
        *,
        classes: Any = None,
        steps: int = 64,
        **settings: Any,
    ):
        from interpret.visualize.render import RenderSettings

        super().__init__(settings)
        if (layer is None) == (classes is None):
            raise UserError("give {layer} (with {filters}) or {classes}", "layer", "classes")
        self.layer, self.filters, self.classes = layer, filters, classes
        self.settings = {**settings, "steps": steps}
        RenderSettings.from_options(self.settings)  # bad knobs fail now, not after an epoch
        self.frames: list[np.ndarray] = []

    @property
    def what(self) -> str:
        """The file-name stem: ``conv2d_1-0-11`` or ``classes``."""
        if self.classes is not None:
            return "classes"
        spec = "all" if self.filters is None else self.filters
        return f"{self.layer}-{spec if isinstance(spec, str) else '_'.join(map(str, spec))}"

    def prepare(self, handle: Any) -> None:
        from interpret.visualize.maximize import _targets

        _targets(handle.probe, self.layer, self.filters, self.classes)  # layer, indices

    def log(self, handle: Any, epoch: int) -> list[Artifact]:
        from interpret.gallery.animation import tile
        from interpret.visualize.maximize import grid_figure, maximize

        res = maximize(
            handle, self.layer, self.filters, classes=self.classes, seed=self.seed, **self.settings
        )
        fig = grid_figure(res)
        fig.suptitle(f"{fig.get_suptitle()}, after epoch {epoch}")
        frame = tile(res.images, cols=int(np.ceil(np.sqrt(len(res.images)))))
        self.frames.append(frame)
        meta = self.meta(
            epoch,
            layer=self.layer,
            parameters={**res.parameters, "every": self.every},
            figures={"activations": [float(v) for v in res.activations]},
            **res.model_info,
        )
        where = {"model": self.model_name, "technique": TECHNIQUE}
        arts = [
            self.gallery.save_figure(fig, name=f"{self.what}-epoch{epoch:03d}", meta=meta, **where),
            self.gallery.save_animation(
                self.frames, name=f"{self.what}-epochs", steps=self.logged, meta=meta, **where
            ),
        ]
        mean = float(res.activations.mean())
        self.summary(
            epoch,
            {f"visualize/{self.what}/activation_mean": mean},
            {f"visualize/{self.what}": frame},
        )
        return arts


class _Attack(_Watch):
    """Robust accuracy at ``eps`` every ``every`` epochs (:func:`interpret.evaluate_attack`).

    Args:
        x, y: validation images (float [0, 1] or uint8, NHWC) and labels; or
        data: instead, an .npz file or a folder of class subfolders
            (:func:`interpret.data.user.load_user_data`).
        n: the first ``n`` images are attacked (default: all given).
        eps: the perturbation budget (Linf, or L2 with ``norm="l2"``), [0, 1] pixel units.
        method: ``"pgd"`` (default) or another of :func:`interpret.evaluate_attack`'s.
        every, gallery, log_dir, name, seed: see the module docstring.
        **options: the attack's own options (``steps``, ``norm``, ...).

    Robust accuracy is counted on the images the model gets right at that epoch.
    ``history`` holds one row per logged epoch. Per logged epoch: the
    original / perturbation / adversarial sheet; over the epochs: clean and robust
    accuracy against epoch. TensorBoard: scalars ``attack/clean_accuracy`` and
    ``attack/robust_accuracy``, image ``attack/examples``.

    Example:
        >>> cb = Attack(x_test[:200], y_test[:200], eps=0.03, every=5)  # doctest: +SKIP
    """

    def __init__(
        self,
        x: Any = None,
        y: Any = None,
        *,
        data: Any = None,
        n: int | None = None,
        eps: float = 0.03,
        method: str = "pgd",
        **options: Any,
    ):
        from interpret.attacks.options import method_name, method_params

        super().__init__(options)
        if x is not None and y is None:
            raise UserError("give the labels {y} of the images {x}", "y", "x")
        self.source = _images(x, y, data)
        self.n = None if n is None else checks.positive_int(n, "n")
        self.eps = checks.non_negative(eps, "eps")
        self.method = method_name(method)
        self.options = options
        method_params(self.method, dict(options))  # unknown options fail now
        self.history: list[dict] = []
        self.images: Any = None

    def prepare(self, handle: Any) -> None:
        from interpret.data.user import load_user_data

        self.images = load_user_data(self.source, handle, self.n, labels=True)

    def log(self, handle: Any, epoch: int) -> list[Artifact]:
        from interpret.attacks.report import sheet_row, triplet_sheet
        from interpret.attacks.run import evaluate_attack

        data = self.images
        row = {"epoch": epoch, "clean_accuracy": 0.0, "robust_accuracy": 0.0}
        try:
            ev = evaluate_attack(
                handle,
                data.x,
                data.y,
                method=self.method,
                eps=[self.eps],
                seed=self.seed,
                **self.options,
            )
        except UserError:  # the model gets none of them right yet: nothing to attack
            ev = None
        if ev is not None:
            row = {**row, "clean_accuracy": ev.clean_accuracy}
            row["robust_accuracy"] = ev.rows[0].robust_accuracy
        self.history.append(row)
        where = {"model": self.model_name, "technique": TECHNIQUE}
        tag = f"{self.method}-eps{self.eps:g}"
        meta = self.meta(
            epoch,
            parameters={"method": self.method, "eps": self.eps, "n": len(data), **self.options},
            figures=row,
            history=self.history,
            **data.describe(),
            **handle.describe(),
        )
        arts = [
            self.gallery.save_figure(
                _history_figure(self), name=f"{tag}-epochs", meta=meta, **where
            )
        ]
        images = {}
        if ev is not None:
            fig = triplet_sheet(ev, sheet_row(ev), data.class_names)[0]
            images["attack/examples"] = _figure_rgb(fig)
            arts.insert(
                0, self.gallery.save_figure(fig, name=f"{tag}-epoch{epoch:03d}", meta=meta, **where)
            )
        scalars = {f"attack/{k}": v for k, v in row.items() if k != "epoch"}
        self.summary(epoch, scalars, images)
        return arts


class _Explain(_Watch):
    """Attribution maps of fixed validation images every ``every`` epochs (:func:`interpret.explain`).

    Args:
        x, y: the images to explain (float [0, 1] or uint8, NHWC), labels optional; or
        data: instead, an .npz file or a folder of class subfolders
            (:func:`interpret.data.user.load_user_data`).
        n: the first ``n`` images are explained (default 4).
        method: one attribution method (``"gradcam"``, ``"integrated-gradients"``, ...).
        target: what is explained (default: the predicted class; ``"label"`` needs ``y``).
        layer: the CAM methods' layer (default: the last spatial one).
        every, gallery, log_dir, name, seed: see the module docstring.
        **options: the method's options (``steps``, ``samples``, ...).

    The method, target and options are tried on one image when training begins. Per
    logged epoch: the input / heatmap / overlay sheet (``<method>-epochNNN.png``); over
    the epochs: the sheets as an animated GIF (``<method>-epochs.gif``). TensorBoard:
    image ``explain/<method>``, scalar ``explain/<method>/score_mean`` (the model's mean
    score for the explained target).

    Example:
        >>> cb = Explain(x_test[:4], y_test[:4], method="gradcam", every=2)  # doctest: +SKIP
    """

    def __init__(
        self,
        x: Any = None,
        y: Any = None,
        *,
        data: Any = None,
        n: int = 4,
        method: str = "gradcam",
        target: Any = None,
        layer: str | None = None,
        **options: Any,
    ):
        super().__init__(options)
        self.source = _images(x, y, data)
        if not isinstance(method, str) or "," in method or method.strip().lower() == "all":
            raise UserError(
                f"{{method}} must name one attribution method, got {method!r}", "method"
            )
        self.n = checks.positive_int(n, "n")
        self.method, self.target, self.layer, self.options = method, target, layer, options
        self.frames: list[np.ndarray] = []
        self.images: Any = None

    def explain(self, handle: Any, count: int | None = None) -> Any:
        """The explanation of the first ``count`` images (all) by the model as it is now."""
        from interpret.attributions.api import explain

        data = self.images
        k = len(data) if count is None else count
        return explain(
            handle,
            data.x[:k],
            self.method,
            target=self.target,
            y=None if data.y is None else data.y[:k],
            layer=self.layer,
            names=[data.label(i) for i in range(k)],
            seed=self.seed,
            **self.options,
        )

    def prepare(self, handle: Any) -> None:
        from interpret.data.user import load_user_data

        self.images = load_user_data(self.source, handle, self.n)
        self.explain(handle, 1)  # method, target, layer and options checked on one image

    def log(self, handle: Any, epoch: int) -> list[Artifact]:
        e = self.explain(handle)
        fig = e.sheet()
        fig.suptitle(f"{fig.get_suptitle()}, after epoch {epoch}", fontsize=9)
        frame = _figure_rgb(fig, max_side=640)
        self.frames.append(frame)
        meta = self.meta(
            epoch,
            layer=e.layer,
            parameters={**e.parameters, "method": e.method, "every": self.every},
            figures={"scores": e.scores.tolist(), "images": list(e.labels)},
            **self.images.describe(),
            **handle.describe(),
        )
        where = {"model": self.model_name, "technique": TECHNIQUE}
        arts = [
            self.gallery.save_figure(fig, name=f"{e.method}-epoch{epoch:03d}", meta=meta, **where),
            self.gallery.save_animation(
                self.frames, name=f"{e.method}-epochs", steps=self.logged, meta=meta, **where
            ),
        ]
        score = float(np.mean(e.scores))
        self.summary(
            epoch, {f"explain/{e.method}/score_mean": score}, {f"explain/{e.method}": frame}
        )
        return arts


def _images(x: Any, y: Any, data: Any) -> Any:
    """What ``load_user_data`` reads when training begins: ``data``, or ``x`` (with ``y``)."""
    if (data is None) == (x is None):
        raise UserError("give the images: {x} (with labels {y}), or {data}", "x", "data")
    if data is not None:
        return data
    return x if y is None else (x, y)


def _history_figure(cb: _Attack) -> Any:
    """Clean and robust accuracy against epoch."""
    from interpret.gallery.style import new_figure

    fig, ax = new_figure(5.0, 3.4)
    epochs = [r["epoch"] for r in cb.history]
    for key, style in (("clean_accuracy", "o-"), ("robust_accuracy", "s-")):
        ax.plot(epochs, [r[key] for r in cb.history], style, label=key.replace("_", " "))
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    ax.set_title(f"{cb.model_name}: {cb.method} at eps {cb.eps:g} ({len(cb.images)} images)")
    return fig


def _figure_rgb(fig: Any, max_side: int | None = None) -> np.ndarray:
    """A matplotlib figure as an RGB uint8 array, at most ``max_side`` pixels (stays open)."""
    import io

    from PIL import Image

    from interpret.gallery.store import figure_png_bytes

    with Image.open(io.BytesIO(figure_png_bytes(fig))) as im:
        rgb = im.convert("RGB")
        if max_side:
            rgb.thumbnail((max_side, max_side))
        return np.asarray(rgb)


def parse_watch(spec: str) -> dict:
    """``"conv2d_1:0-11"`` -> Visualize's targets; ``"conv2d_1"`` is every filter, ``"classes"``
    (or ``"classes:cat,dog"``) the output classes.

    Example:
        >>> parse_watch("conv2d_1:0-11"), parse_watch("classes")
        ({'layer': 'conv2d_1', 'filters': '0-11'}, {'classes': 'all'})
    """
    text = str(spec).strip()
    head, _, rest = text.partition(":")
    if not head:
        raise UserError(f"{{watch}} {spec!r}: give LAYER, LAYER:FILTERS or classes[:LIST]", "watch")
    if head == "classes":
        return {"classes": rest or "all"}
    return {"layer": head, "filters": rest or "all"}


def watchers(
    watch: Any = (),
    *,
    attack_eps: float | None = None,
    attack_data: Any = None,
    explain_method: str | None = None,
    explain_data: Any = None,
    steps: int = 64,
    **shared: Any,
) -> list:
    """The callbacks ``interpret train --watch ... --watch-attack EPS`` asks for.

    ``watch``: ``parse_watch`` specs (one Visualize each); ``attack_eps`` with
    ``attack_data`` (``(x, y)``, an .npz or a folder): an Attack; ``explain_method``
    with ``explain_data``: an Explain of its first 4 images. Given ``log_dir``,
    Keras' own ``TensorBoard`` callback joins them (loss and accuracy beside ours).

    Example:
        >>> [type(c).__name__ for c in watchers(["conv2d_1:0-3", "classes"])]
        ['Visualize', 'Visualize']
    """
    unknown = sorted(set(shared) - set(SHARED))
    if unknown:
        raise UserError(f"unknown option {unknown[0]!r}; the shared ones are {', '.join(SHARED)}")
    out = [__getattr__("Visualize")(steps=steps, **parse_watch(w), **shared) for w in watch]
    if attack_eps is not None:
        out.append(__getattr__("Attack")(data=attack_data, eps=attack_eps, **shared))
    if explain_method is not None:
        out.append(__getattr__("Explain")(data=explain_data, method=explain_method, **shared))
    if out and shared.get("log_dir") is not None:
        from interpret._tf import keras

        out.append(keras.callbacks.TensorBoard(str(shared["log_dir"])))
    return out


_LOGIC = {"Visualize": _Visualize, "Attack": _Attack, "Explain": _Explain}
__all__ = [*_LOGIC, "watchers", "parse_watch"]


def __getattr__(name: str) -> Any:
    """Make ``Visualize``/``Attack``/``Explain`` Keras callbacks on first use (TF loads then)."""
    if name not in _LOGIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from interpret._tf import keras

    logic = _LOGIC[name]
    cls = type(name, (logic, keras.callbacks.Callback), {"__doc__": logic.__doc__})
    cls.__module__ = __name__
    globals()[name] = cls
    return cls


def __dir__() -> list[str]:
    return sorted([*globals(), *_LOGIC])
