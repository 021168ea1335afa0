"""interpret: train small Keras CNNs, then open them up.

``import interpret`` is cheap: the API functions load TensorFlow on first use.

Example:
    >>> import interpret
    >>> interpret.__version__
    '0.1.0'
    >>> interpret.zoo.load("cifar10-cnn").name
    'cifar10_cnn'
"""

from __future__ import annotations

import importlib
from typing import Any

from interpret import zoo
from interpret._version import __version__
from interpret.core.errors import UserError

# public name -> module that defines it (imported lazily, so TensorFlow loads on first use)
_API = {
    "train_model": "interpret.zoo.train",
    "sample_grid": "interpret.inspect.samples",
    "resolve": "interpret.core.models",
    "Probe": "interpret.core.probe",
    "Gallery": "interpret.gallery.store",
    "build_index": "interpret.gallery.html",
    "load_data": "interpret.data.datasets",
    "load_user_data": "interpret.data.user",
    "maximize": "interpret.visualize.maximize",
    "dataset_examples": "interpret.visualize.examples",
    "plot_filters": "interpret.inspect.kernels",
    "plot_featuremaps": "interpret.inspect.featuremaps",
    "plot_featuremaps_all": "interpret.inspect.featuremaps",
    "iter_featuremaps": "interpret.inspect.featuremaps",
    "feature_maps": "interpret.inspect.featuremaps",
    "convolve": "interpret.inspect.convolution",
    "plot_convolution": "interpret.inspect.convolution",
    "digit_shift_demo": "interpret.inspect.convolution",
    "plot_summary": "interpret.inspect.summary",
    "dream": "interpret.visualize.dream",
    "attack": "interpret.attacks.run",
    "evaluate_attack": "interpret.attacks.run",
    "fool": "interpret.attacks.fooling",
    "attack_report": "interpret.attacks.report",
    "fool_report": "interpret.attacks.report",
    "report": "interpret.model_report",
    "trust": "interpret.attributions.trust",
    "explain": "interpret.attributions.api",
    "Explanation": "interpret.attributions.explanation",
    "invert": "interpret.visualize.inversion",
    "direction": "interpret.visualize.directions",
    "interpolate": "interpret.visualize.directions",
    "interact": "interpret.visualize.directions",
    "maco": "interpret.visualize.maco",
    "compare": "interpret.model_compare",
}
_ALIASES = {"load_data": "load"}

__all__ = ["__version__", "zoo", "UserError", *_API]


def __dir__() -> list[str]:
    """The public names, the lazy ones included (what a notebook's tab completion offers)."""
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _API:
        module = importlib.import_module(_API[name])
        return getattr(module, _ALIASES.get(name, name))
    raise AttributeError(f"module 'interpret' has no attribute {name!r}")
