"""Resolve the model a user names: a zoo name or a ``.keras``/``.h5`` file.

Example:
    >>> from interpret.core.models import resolve
    >>> handle = resolve("cifar10-cnn")
    >>> handle.name, handle.probe.input_shape
    ('cifar10-cnn', (32, 32, 3))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from interpret import zoo
from interpret.core.errors import UserError

MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


@dataclass
class ModelHandle:
    """A loaded model with what the toolkit knows about it."""

    name: str
    model: Any
    source: str  # "zoo" or the file path
    card: dict = field(default_factory=dict)
    input_range: tuple[float, float] | None = None

    @cached_property
    def probe(self):
        """The model's :class:`~interpret.core.probe.Probe` (built once).

        Example:
            >>> resolve("mnist-cnn").probe.n_classes
            10
        """
        from interpret.core.probe import Probe

        rng = self.input_range or (
            tuple(self.card["input_range"]) if "input_range" in self.card else None
        )
        return Probe(
            self.model, input_range=rng, class_names=self.card.get("class_names"), name=self.name
        )

    @property
    def dataset(self) -> str | None:
        """The data set the model was trained on, when known (zoo models).

        Example:
            >>> resolve("mnist-mlp").dataset
            'mnist'
        """
        return self.card.get("dataset")

    def describe(self) -> dict:
        """How the model was resolved, for sidecars.

        Example:
            >>> resolve("mnist-cnn").describe()
            {'model': 'mnist-cnn', 'model_source': 'zoo', 'input_range': [0.0, 1.0]}
        """
        return {
            "model": self.name,
            "model_source": self.source,
            "input_range": list(self.probe.input_range),
        }


def resolve(spec: Any = None, *, input_range: tuple[float, float] | None = None) -> ModelHandle:
    """Turn a zoo name, a model file path or a Keras model into a :class:`ModelHandle`.

    ``None`` means the default zoo model (cifar10-cnn).

    Example:
        >>> import os, tempfile
        >>> from interpret._tf import keras
        >>> path = os.path.join(tempfile.mkdtemp(), "my_model.keras")
        >>> keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]).save(path)
        >>> handle = resolve(path)
        >>> handle.name, handle.source == path
        ('my_model', True)
        >>> resolve("my_model.keras")
        Traceback (most recent call last):
        ...
        interpret.core.errors.UserError: model file my_model.keras does not exist; give a zoo name (cifar10-cnn, mnist-mlp, mnist-cnn, mnist-cnn-robust, mnist-cnn-robust-l2, cifar10-cnn-robust) or an existing .keras/.h5 file
    """
    if isinstance(spec, ModelHandle):
        return spec
    if spec is None:
        spec = zoo.DEFAULT_MODEL
    if not isinstance(spec, (str, Path)):  # already a Keras model
        return ModelHandle(
            name=getattr(spec, "name", "model"),
            model=spec,
            source="python",
            input_range=input_range,
        )
    text = str(spec)
    if text in zoo.names():
        return ModelHandle(
            name=text,
            model=zoo.load(text),
            source="zoo",
            card=zoo.card(text),
            input_range=input_range,
        )
    path = Path(text)
    if path.suffix.lower() in MODEL_SUFFIXES or path.exists():
        if path.is_dir():
            raise UserError(
                f"model {path} is a folder, not a model file; give a zoo name "
                f"({', '.join(zoo.names())}) or a .keras/.h5 file"
            )
        if not path.is_file():
            raise UserError(
                f"model file {path} does not exist; give a zoo name ({', '.join(zoo.names())}) or an existing .keras/.h5 file"
            )
        if path.suffix.lower() not in MODEL_SUFFIXES:
            raise UserError(
                f"model file {path} is not a .keras or .h5 file; save the model with model.save('name.keras')"
            )
        import zipfile

        if path.suffix.lower() == ".keras" and not zipfile.is_zipfile(path):
            # Keras itself says "File not found" of a file that is there but not a zip archive
            raise UserError(
                f"cannot load model file {path}: it is not a .keras archive (the zip file "
                f"model.save writes); re-save the model with model.save('{path.name}')"
            )
        from interpret._tf import keras

        try:
            model = keras.models.load_model(path, compile=False)
        except Exception as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise UserError(f"cannot load model file {path}: {first[:200]}") from e
        card = {}
        card_file = path.with_suffix(".json")
        if card_file.is_file():
            import json

            try:
                card = json.loads(card_file.read_text())
            except ValueError:
                card = {}
        return ModelHandle(
            name=path.stem, model=model, source=str(path), card=card, input_range=input_range
        )
    raise UserError(
        f"unknown model {text!r}; give a zoo name ({', '.join(zoo.names())}) or a path to a .keras/.h5 file"
    )


def as_probe(model: Any) -> Any:
    """A zoo name, model file, Keras model, ModelHandle or Probe -> its Probe.

    Example:
        >>> as_probe("mnist-cnn").n_classes
        10
    """
    from interpret.core.probe import Probe

    if isinstance(model, Probe):
        return model
    return resolve(model).probe
