"""A Keras model turned into differentiable functions of a [0, 1] image.

The probe walks the model's graph (Sequential, functional, and models nested in
either) and re-runs it from a new input, so that it can

* read any layer's output, including layers inside a nested model (no "graph
  disconnected");
* return logits: a final softmax (as a layer's activation, a ``Softmax`` layer or
  ``Activation("softmax")``) is replaced by the identity;
* map the one image space of this toolkit, float32 in [0, 1], to the range the
  model expects (detected from a leading ``Rescaling`` layer or given);
* run the fully convolutional prefix of a model on a canvas larger than its input.

Example:
    >>> import numpy as np
    >>> from interpret import zoo
    >>> from interpret.core.probe import Probe
    >>> probe = Probe(zoo.load("cifar10-cnn"))
    >>> f = probe.extractor(["conv2d_1"], size=(128, 128))
    >>> f(np.zeros((1, 128, 128, 3), "float32"))[0].shape
    TensorShape([1, 61, 61, 64])
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from interpret._fast.conv_grad import fast_input_grad
from interpret.core.errors import UserError

LOGITS = "logits"


@dataclass(frozen=True)
class LayerInfo:
    """What a layer is, for picking targets in it (``layer=``, ``filters=``)."""

    name: str
    type: str
    output_shape: tuple
    params: int
    kind: str  # "spatial" (N,H,W,C), "units" (N,C) or "other"
    size: int  # channels of a spatial layer, units of a dense one, 0 otherwise
    # filters/units of its own (Conv, Dense), not channels passed on (pooling, Rescaling)
    has_filters: bool = False

    @property
    def unit_word(self) -> str:
        """'filters', 'units' or '-'.

        Example:
            >>> LayerInfo("d", "Dense", (None, 4), 20, "units", 4).unit_word
            'units'
        """
        return {"spatial": "filters", "units": "units"}.get(self.kind, "-")


def _has_filters(layer: Any) -> bool:
    """Whether ``layer`` makes its own output channels: a Conv's filters, a Dense's units.

    Example:
        >>> from interpret._tf import keras
        >>> _has_filters(keras.layers.Dense(4)), _has_filters(keras.layers.Rescaling(0.5))
        (True, False)
    """
    return layer is not None and any(
        getattr(layer, attr, None) is not None for attr in ("filters", "units", "kernel")
    )


class _Missing:
    """Stands in for a tensor that cannot be computed (e.g. a Dense layer on an open canvas)."""


def _is_softmax(fn: Any) -> bool:
    return getattr(fn, "__name__", "") == "softmax"


def _softmax_kind(layer: Any) -> str:
    """'layer' for a Softmax/Activation(softmax) layer, 'activation' for Dense/Conv(softmax)."""
    from interpret._tf import keras

    if isinstance(layer, keras.layers.Softmax):
        return "layer"
    if isinstance(layer, keras.layers.Activation) and _is_softmax(layer.activation):
        return "layer"
    if _is_softmax(getattr(layer, "activation", None)):
        return "activation"
    return ""


def _linear_twin(layer: Any) -> Any:
    """A copy of ``layer`` with a linear activation and the same weights."""
    config = dict(layer.get_config())
    config["activation"] = "linear"
    config["name"] = f"{layer.name}_logits"
    twin = layer.__class__.from_config(config)
    twin.build(layer.input.shape if hasattr(layer, "input") else None)
    twin.set_weights(layer.get_weights())
    return twin


def _flat(x: Any) -> list:
    from interpret._tf import keras

    return list(keras.tree.flatten(x))


class _Tracer:
    """Re-runs a model's graph on new tensors, recording every layer's output by name."""

    def __init__(self, last_layer: Any, stop_at: str | None = None, wrap: Any = fast_input_grad):
        self.wrap = wrap
        self.taps: dict[str, Any] = {}
        self.ops: dict[str, Any] = {}  # name -> the layer or bare operation that made the tap
        self.inputs: dict[str, Any] = {}
        self.last_layer = last_layer
        self.stop_at = stop_at
        self._twins: dict[int, Any] = {}
        self._fast: dict[int, Any] = {}
        self.logits: Any = None

    def _call(self, op: Any, args: tuple, kwargs: dict) -> Any:
        from interpret._tf import keras

        if any(isinstance(a, _Missing) for a in _flat((args, kwargs))):
            out = _Missing()
        elif isinstance(op, keras.Model):
            out = self.run(op, args[0])
        else:
            kwargs = {k: v for k, v in kwargs.items() if k != "training"}
            if args:
                self.inputs[op.name] = args[0]
            if id(op) not in self._fast:
                self._fast[id(op)] = self.wrap(op)
            if isinstance(op, keras.layers.Layer):
                kwargs["training"] = False  # a bare operation (`x + y`, keras.ops) takes none
            try:
                out = self._fast[id(op)](*args, **kwargs)
            except Exception:
                out = _Missing()
            if op is self.last_layer and not isinstance(out, _Missing):
                kind = _softmax_kind(op)
                if kind == "layer":
                    self.logits = args[0]
                elif kind == "activation":
                    twin = self._twins.setdefault(id(op), _linear_twin(op))
                    self.logits = twin(*args, **kwargs)
                else:
                    self.logits = out
        if not isinstance(op, keras.layers.InputLayer):
            self.taps[op.name] = out
            self.ops[op.name] = op
        return out

    def run(self, model: Any, x: Any) -> Any:
        from interpret._tf import keras

        if isinstance(model, keras.Sequential):
            for layer in model.layers:
                x = self._call(layer, (x,), {})
                if self.stop_at is not None and layer.name == self.stop_at:
                    break
            return x
        if hasattr(model, "_run_through_graph") and getattr(model, "_nodes_by_depth", None):

            def operation_fn(op):
                return lambda *args, **kwargs: self._call(op, args, kwargs)

            out = model._run_through_graph(_flat(x), operation_fn=operation_fn)
            return out[0] if isinstance(out, (list, tuple)) and len(out) == 1 else out
        out = model(x, training=False)  # a subclassed model: opaque, but callable
        return out


def _first(outputs: Any) -> Any:
    """A one-output Keras model returns a bare tensor, not a list of one: take either."""
    return outputs[0] if isinstance(outputs, (list, tuple)) else outputs


def _last_layer(model: Any) -> Any:
    """The operation that produces the model's output, descending into nested models."""
    from interpret._tf import keras

    layer = model.layers[-1] if model.layers else model
    if isinstance(model, keras.Sequential):
        layer = model.layers[-1]
    else:
        try:
            layer = model.outputs[0]._keras_history.operation
        except (AttributeError, IndexError):
            layer = model.layers[-1]
    if isinstance(layer, keras.Model) and layer is not model:
        return _last_layer(layer)
    return layer


# Layers that leave the pixel range as it is (augmentation is off at inference): a Rescaling
# after them, as in the Keras tutorial's model, still says what range the model takes.
RANGE_PRESERVING = frozenset({
    "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomCrop",
    "RandomContrast", "RandomBrightness", "RandomHeight", "RandomWidth", "Resizing",
    "CenterCrop", "Dropout", "GaussianNoise", "GaussianDropout", "SpatialDropout2D",
})  # fmt: skip


def _leading_layers(model: Any) -> Any:
    """The model's layers in order, nested models opened in place, input layers left out."""
    from interpret._tf import keras

    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leading_layers(layer)
        elif not isinstance(layer, keras.layers.InputLayer):
            yield layer


def detect_input_range(model: Any) -> tuple[float, float]:
    """The pixel range the model expects, read from a leading Rescaling/Normalization layer.

    A model that starts by rescaling (e.g. ``Rescaling(1/255)``, also after augmentation
    layers such as ``RandomFlip``) expects 0..255; anything else is assumed to take [0, 1].

    Example:
        >>> from interpret._tf import keras
        >>> detect_input_range(keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Rescaling(1 / 255)]))
        (0.0, 255.0)
    """
    from interpret._tf import keras

    first = next(
        (la for la in _leading_layers(model) if type(la).__name__ not in RANGE_PRESERVING), None
    )
    if first is None:
        return (0.0, 1.0)
    if isinstance(first, keras.layers.Rescaling):
        scale = float(np.mean(np.asarray(first.scale)))
        return (0.0, 255.0) if scale < 0.1 else (0.0, 1.0)
    if isinstance(first, keras.layers.Normalization):
        mean = getattr(first, "mean", None)
        if mean is not None and float(np.mean(np.asarray(mean))) > 2.0:
            return (0.0, 255.0)
    return (0.0, 1.0)


class Extractor:
    """A Keras model whose call always returns a list of tensors, even for one output.

    Other attributes (``trainable_weights``, ``outputs``...) are the wrapped model's.

    Example:
        >>> import numpy as np
        >>> from interpret.core.models import resolve
        >>> (acts,) = resolve("mnist-cnn").probe.extractor(["conv2d"])(np.zeros((2, 28, 28, 1)))
        >>> acts.shape
        TensorShape([2, 28, 28, 32])
    """

    def __init__(self, model: Any):
        self.model = model

    def __call__(self, images: Any, training: bool = False) -> list:
        out = self.model(images, training=training)
        return list(out) if isinstance(out, (list, tuple)) else [out]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


class Probe:
    """Differentiable views of a Keras model, all taking float32 [0, 1] NHWC images.

    Args:
        model: a built Keras model with one image input.
        input_range: the pixel range the model expects; detected when omitted.
        class_names: names of the output classes, if known.
        name: how the model is called in messages and the gallery.

    Example:
        >>> import numpy as np
        >>> from interpret import zoo
        >>> probe = Probe(zoo.load("mnist-cnn"), name="mnist-cnn")
        >>> probe.layer("conv2d_1").size
        64
        >>> probe.logits(np.zeros((2, 28, 28, 1), "float32")).shape
        TensorShape([2, 10])
    """

    def __init__(
        self,
        model: Any,
        *,
        input_range: tuple[float, float] | None = None,
        class_names: Sequence[str] | None = None,
        name: str | None = None,
    ):
        if len(model.inputs) != 1:
            raise UserError(
                f"model {name or model.name!r} has {len(model.inputs)} inputs; interpret needs one image input"
            )
        shape = tuple(model.inputs[0].shape)
        if len(shape) != 4:
            raise UserError(
                f"model {name or model.name!r} takes inputs of shape {shape}; interpret needs images (N, H, W, C)"
            )
        self.model = model
        self.name = name or model.name
        self.input_shape: tuple[int, int, int] = tuple(shape[1:])  # type: ignore[assignment]
        self.input_range = tuple(float(v) for v in (input_range or detect_input_range(model)))
        self._last = _last_layer(model)
        self._cache: dict[Any, Any] = {}
        self._twins: dict[str, Any] = {}
        self.layers: list[LayerInfo] = self._describe()
        self.n_classes = int(self.logits_shape[-1])
        self.class_names = (
            tuple(class_names) if class_names else tuple(str(i) for i in range(self.n_classes))
        )

    # ---- graph construction -------------------------------------------------
    def _trace(
        self, size: tuple[int, int] | None, stop_at: str | None = None
    ) -> tuple[Any, _Tracer]:
        from interpret._tf import keras

        h, w, c = self.input_shape
        shape = (size[0], size[1], c) if size else (h, w, c)
        inp = keras.Input(shape, name="image01")
        lo, hi = self.input_range
        x = keras.layers.Rescaling(scale=hi - lo, offset=lo, name="to_model_range")(inp)
        tracer = _Tracer(self._last, stop_at=stop_at, wrap=self.wrap_layer)
        tracer.run(self.model, x)
        return inp, tracer

    def _describe(self) -> list[LayerInfo]:
        inp, tracer = self._trace(None)
        if tracer.logits is None or isinstance(tracer.logits, _Missing):
            raise UserError(f"could not trace model {self.name!r} from its input to its output")
        self.logits_shape = tuple(tracer.logits.shape)
        infos = []
        for lname, out in tracer.taps.items():
            if lname == "to_model_range" or isinstance(out, _Missing) or not hasattr(out, "shape"):
                continue
            shape = tuple(out.shape)
            kind = {4: "spatial", 2: "units"}.get(len(shape), "other")
            layer = self._find_layer(lname)
            if isinstance(layer, self._keras().Model):
                continue
            infos.append(
                LayerInfo(
                    name=lname,
                    type=type(tracer.ops[lname] if layer is None else layer).__name__,
                    output_shape=shape,
                    params=int(layer.count_params()) if layer is not None and layer.built else 0,
                    kind=kind,
                    size=int(shape[-1]) if kind != "other" else 0,
                    has_filters=_has_filters(layer),
                )
            )
        return infos

    def wrap_layer(self, layer: Any) -> Any:
        """What the re-run graph calls in place of ``layer``: the layer with a faster gradient.

        A subclass may change a layer's gradient here (Guided Backprop's rectifiers,
        :mod:`interpret.attributions.guided`); the forward pass must stay the layer's.

        Example:
            >>> from interpret.core.models import resolve
            >>> probe = resolve("cifar10-cnn").probe
            >>> probe.wrap_layer(probe.layer_object("dense")) is probe.layer_object("dense")
            True
        """
        return fast_input_grad(layer)

    @staticmethod
    def _keras():
        from interpret._tf import keras

        return keras

    def _find_layer(self, lname: str) -> Any:
        keras = self._keras()
        stack = [self.model]
        while stack:
            m = stack.pop()
            for layer in m.layers:
                if layer.name == lname:
                    return layer
                if isinstance(layer, keras.Model):
                    stack.append(layer)
        return None

    # ---- public API -----------------------------------------------------------
    @property
    def softmax_head(self) -> bool:
        """Whether the model itself ends in a softmax (the probe's logits strip it).

        Example:
            >>> from interpret import zoo
            >>> Probe(zoo.load("mnist-cnn")).softmax_head
            False
        """
        return _softmax_kind(self._last) != ""

    @property
    def layer_names(self) -> list[str]:
        """Every layer a target can name, in graph order.

        Example:
            >>> from interpret import zoo
            >>> Probe(zoo.load("mnist-mlp")).layer_names[:2]
            ['flatten', 'dense']
        """
        return [info.name for info in self.layers]

    def layer(self, name: str) -> LayerInfo:
        """Look a layer up by name; a wrong name lists the valid ones.

        Example:
            >>> from interpret.core.models import resolve
            >>> resolve("cifar10-cnn").probe.layer("conv9")
            Traceback (most recent call last):
            ...
            interpret.core.errors.UserError: unknown layer 'conv9' in cifar10-cnn; layers: conv2d, ...
        """
        for info in self.layers:
            if info.name == name:
                return info
        raise UserError(
            f"unknown layer {name!r} in {self.name}; layers: {', '.join(self.layer_names)}"
        )

    def layer_object(self, name: str) -> Any:
        """The Keras layer object behind a name (also inside nested models).

        Example:
            >>> from interpret.core.models import resolve
            >>> tuple(resolve("cifar10-cnn").probe.layer_object("conv2d").kernel.shape)
            (3, 3, 3, 32)
        """
        self.layer(name)
        return self._find_layer(name)

    def spatial_layers(self) -> list[str]:
        """Names of the layers with (N, H, W, C) outputs.

        Example:
            >>> from interpret import zoo
            >>> Probe(zoo.load("cifar10-cnn")).spatial_layers()[:2]
            ['conv2d', 'max_pooling2d']
        """
        return [info.name for info in self.layers if info.kind == "spatial"]

    def extractor(
        self,
        layers: Sequence[str] = (),
        *,
        size: tuple[int, int] | None = None,
        logits: bool = False,
        pre_activation: bool | Collection[str] = False,
    ) -> Any:
        """A Keras model: [0, 1] images -> list of the named layers' outputs (+ logits last).

        ``size=(H, W)`` builds it on an open canvas of that size through the fully
        convolutional part of the model (only layers reachable without a fixed
        input size can be named then; ``size=(None, None)`` accepts any size).

        ``pre_activation=True`` returns, for each named layer that ends in a
        nonlinearity (a fused ``activation=`` or an activation layer), the value
        *before* it; :meth:`activation` gives the function that completes it. A
        collection of names does so for those layers only (the others are the model's
        own tensors: a fused layer read before its activation runs a second time).

        Example:
            >>> import numpy as np
            >>> from interpret.core.models import resolve
            >>> f = resolve("cifar10-cnn").probe.extractor(["conv2d_2"], logits=True)
            >>> acts, logits = f(np.zeros((2, 32, 32, 3), "float32"))
            >>> acts.shape, logits.shape
            (TensorShape([2, 4, 4, 64]), TensorShape([2, 10]))
        """
        for name in layers:
            self.layer(name)
        pre = frozenset(layers if pre_activation is True else pre_activation or ())
        key = (tuple(layers), size, logits, pre)
        if key in self._cache:
            return self._cache[key]
        if size is not None and logits:
            raise UserError(
                "logits need the model's own input size; drop {size} for class targets", "size"
            )
        inp, tracer = self._trace(size)
        outputs = []
        for name in layers:
            out = tracer.taps.get(name)
            if out is None or isinstance(out, _Missing):
                raise UserError(
                    f"layer {name} cannot run on a {size[0]}x{size[1]} canvas (it needs the model's fixed "
                    f"{self.input_shape[0]}x{self.input_shape[1]} input); choose a conv layer or drop {{size}}",
                    "size",
                )
            if name in pre:
                out = self._pre_activation(name, tracer, out)
            outputs.append(out)
        if logits:
            outputs.append(tracer.logits)
        model = Extractor(self._keras().Model(inp, outputs, name=f"probe_{len(self._cache)}"))
        self._cache[key] = model
        return model

    def _pre_activation(self, name: str, tracer: _Tracer, out: Any) -> Any:
        kind, _ = self._activation_kind(name)
        if kind == "fused":
            layer = self._find_layer(name)
            twin = self._twins.get(name)
            if twin is None:
                twin = self._twins[name] = fast_input_grad(_linear_twin(layer))
            return twin(tracer.inputs[name])
        if kind == "layer":
            return tracer.inputs[name]
        return out

    def _activation_kind(self, name: str) -> tuple[str, Any]:
        keras = self._keras()
        layer = self._find_layer(name)
        if isinstance(layer, (keras.layers.ReLU, keras.layers.Activation, keras.layers.LeakyReLU)):
            return "layer", layer
        fn = getattr(layer, "activation", None)
        if callable(fn) and getattr(fn, "__name__", "linear") != "linear":
            return "fused", fn
        return "", None

    def activation(self, name: str) -> tuple[str, Any]:
        """The nonlinearity that ends layer ``name``: ``(kind, fn)``.

        ``kind`` is ``"relu"`` for a plain ReLU (so callers may leak its gradient),
        ``"other"`` for any other nonlinearity (``fn`` completes the pre-activation),
        ``""`` when the layer has none (its pre-activation is its output).

        Example:
            >>> from interpret import zoo
            >>> Probe(zoo.load("cifar10-cnn")).activation("conv2d")[0]
            'relu'
        """
        self.layer(name)
        kind, obj = self._activation_kind(name)
        if not kind:
            return "", None
        keras = self._keras()
        if kind == "layer":
            if isinstance(obj, keras.layers.ReLU):
                plain = (
                    obj.max_value is None
                    and float(obj.negative_slope) == 0.0
                    and float(obj.threshold) == 0.0
                )
                return ("relu" if plain else "other"), obj
            if isinstance(obj, keras.layers.Activation):
                fn = obj.activation
                return ("relu" if getattr(fn, "__name__", "") == "relu" else "other"), fn
            return "other", obj
        return ("relu" if getattr(obj, "__name__", "") == "relu" else "other"), obj

    def memo(self, key: Any, build: Any) -> Any:
        """``build()`` once per probe and ``key``; later calls return the same object.

        Compiled loops and gradients are kept here, so they are traced once per model
        and configuration and live as long as the probe.

        Example:
            >>> from interpret.core.models import resolve
            >>> probe = resolve("mnist-cnn").probe
            >>> probe.memo("answer", lambda: object()) is probe.memo("answer", lambda: None)
            True
        """
        full = ("memo", key)
        if full not in self._cache:
            self._cache[full] = build()
        return self._cache[full]

    def logits(self, images: Any) -> Any:
        """Pre-softmax class scores of [0, 1] images.

        Example:
            >>> import numpy as np
            >>> from interpret.core.models import resolve
            >>> resolve("cifar10-cnn").probe.logits(np.zeros((1, 32, 32, 3), "float32")).shape
            TensorShape([1, 10])
        """
        return _first(self.extractor((), logits=True)(images))

    def predict(self, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
        """Softmax probabilities of [0, 1] images as a NumPy array, batched.

        Example:
            >>> import numpy as np
            >>> from interpret.core.models import resolve
            >>> p = resolve("mnist-cnn").probe.predict(np.zeros((2, 28, 28, 1), "float32"))
            >>> p.shape, p.sum(axis=1).round(4).tolist()
            ((2, 10), [1.0, 1.0])
        """
        from interpret._tf import tf

        f = self.extractor((), logits=True)
        out = [
            tf.nn.softmax(_first(f(np.asarray(images[i : i + batch_size], "float32")))).numpy()
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(out) if out else np.zeros((0, self.n_classes), "float32")

    def class_indices(self, spec: Any, param: str = "classes") -> list[int]:
        """Classes given as ``all`` (or None), an index, a name, a range ``0-4``, a comma
        list ``3,cat`` or a sequence of these -> indices (:func:`~interpret.core.specs.parse_indices`).

        Example:
            >>> from interpret.core.models import resolve
            >>> resolve("cifar10-cnn").probe.class_indices("cat,0-1")
            [3, 0, 1]
        """
        from interpret.core.specs import parse_indices

        return parse_indices(
            spec, self.n_classes, "class", names=self.class_names, where=self.name, param=param
        )
