"""Why this prediction? Attribution maps: one map per image saying which pixels mattered.

One module per family, each method a few lines over the shared engine:

* ``gradients``: saliency, gradient x input, SmoothGrad, SquareGrad, VarGrad,
  Integrated Gradients, Guided Backprop (over :class:`interpret.core.grad.Gradient`;
  ``guided`` holds Guided Backprop's one gradient override);
* ``cam``: Grad-CAM, Grad-CAM++, LayerCAM (the gradient with respect to a layer),
  Score-CAM (forward passes of masked images);
* ``perturbation``: Occlusion and RISE (batched forward passes of masked images);
* ``targets``: what is explained (the predicted class, a class, the true label, or any
  :mod:`interpret.core.objectives` objective such as a filter);
* ``methods``: the registry (names as in the literature, short aliases) and ``options``
  the methods' options, checked once;
* ``base``: what every method is given (:class:`~interpret.attributions.base.Run`) and
  returns (:class:`~interpret.attributions.base.Maps`), and the memory budget;
* ``api``: :func:`~interpret.attributions.api.explain` (checked, returns an
  :class:`~interpret.attributions.explanation.Explanation`) and
  :func:`~interpret.attributions.api.attribute` (maps straight from a Probe);
* ``sheets``: the pictures (input, heatmap, overlay; images x methods); ``inputs``
  picks images from files or a data set;
* ``metrics``, ``sanity``, ``trust``: whether a map can be trusted (faithfulness metrics
  beside a random map's, Adebayo's randomisation checks, the verdict of
  :func:`~interpret.attributions.trust.trust`).

May import: ``interpret.core``, ``interpret._fast``, ``interpret.gallery``,
``interpret.data``. Not the CLI.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "explain": "interpret.attributions.api",
    "attribute": "interpret.attributions.api",
    "Explanation": "interpret.attributions.explanation",
    "Explanations": "interpret.attributions.explanation",
    "trust": "interpret.attributions.trust",
}


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'interpret.attributions' has no attribute {name!r}")
