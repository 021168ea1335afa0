"""interpret: train small Keras CNNs, then open them up.

``import interpret`` is cheap: the API functions load TensorFlow on first use.

Example:
    >>> import interpret
    >>> interpret.__version__
    '0.1.0'
    >>> model = interpret.zoo.load("cifar10-cnn")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

from interpret import zoo
from interpret._version import __version__
from interpret.errors import UserError

# public name -> module that defines it (imported lazily, so TensorFlow loads on first use)
_API = {
    "train_model": "interpret.api",
    "sample_grid": "interpret.api",
    "resolve": "interpret.models",
    "Probe": "interpret.probe",
    "Gallery": "interpret.gallery",
    "build_index": "interpret.gallery_html",
    "load_data": "interpret.data",
    "maximize": "interpret.maximization",
    "dataset_examples": "interpret.maximization",
    "plot_filters": "interpret.kernels",
    "plot_featuremaps": "interpret.featuremaps",
    "plot_featuremaps_all": "interpret.featuremaps",
    "feature_maps": "interpret.featuremaps",
    "convolve": "interpret.convolution",
    "plot_convolution": "interpret.convolution",
    "digit_shift_demo": "interpret.convolution",
    "plot_summary": "interpret.summary",
    "dream": "interpret.deepdream",
    "attack": "interpret.attacks",
    "evaluate_attack": "interpret.attacks",
    "fool": "interpret.fooling",
    "attack_report": "interpret.attack_report",
    "fool_report": "interpret.attack_report",
    "report": "interpret.model_report",
}
_ALIASES = {"load_data": "load"}

__all__ = ["__version__", "zoo", "UserError", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        module = importlib.import_module(_API[name])
        return getattr(module, _ALIASES.get(name, name))
    raise AttributeError(f"module 'interpret' has no attribute {name!r}")
