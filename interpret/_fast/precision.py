"""Which arithmetic the gradient loops run in: float32, or bfloat16 on CPUs built for it.

Recent x86 CPUs (Intel AMX or AVX512-BF16) multiply bfloat16 numbers several
times faster than float32 ones. TensorFlow's oneDNN build can rewrite a compiled
graph so its convolutions and matmuls (forward and backward) run in bfloat16
while variables, inputs and outputs stay float32: the ``auto_mixed_precision_onednn_bfloat16``
graph rewrite. :func:`compute` turns that rewrite on for the loops run inside it
and restores the previous setting afterwards.

``"auto"`` (the default of ``maximize`` and of PGD/FGSM in ``attack``) means
bfloat16 where the CPU supports it and float32 elsewhere. Every reported figure
(an activation reached, an attack's success, a confidence) is re-measured in
float32 on the final images, so precision changes how fast a result is found,
not how it is scored. The minimal-perturbation attacks (C&W, DeepFool), the
fooling images and DeepDream always run in float32.

The switch is process-wide while a loop runs: do not run other TensorFlow work
in another thread at the same time if it must stay in float32.

Example:
    >>> from interpret._fast import precision
    >>> precision.resolve("float32")
    'float32'
    >>> with precision.compute("float32"):
    ...     pass
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator

from interpret.core.errors import UserError

CHOICES = ("auto", "float32", "bfloat16")
_REWRITE = "auto_mixed_precision_onednn_bfloat16"
_CPU_FLAGS = ("amx_bf16", "avx512_bf16")


@functools.lru_cache(maxsize=1)
def bfloat16_supported() -> bool:
    """Whether this machine runs bfloat16 in hardware through TensorFlow's oneDNN kernels.

    True on Linux x86 CPUs that report AMX-BF16 or AVX512-BF16, unless oneDNN is
    switched off (``TF_ENABLE_ONEDNN_OPTS=0``).

    Example:
        >>> isinstance(bfloat16_supported(), bool)
        True
    """
    if os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1").strip() in ("0", "false", "False"):
        return False
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return any(flag in flags for flag in _CPU_FLAGS)
    except OSError:
        return False
    return False


def resolve(precision: str) -> str:
    """``"auto"`` -> ``"bfloat16"`` or ``"float32"`` for this machine; checks the name.

    Asking for ``"bfloat16"`` on a CPU without bfloat16 hardware is an error (it
    would be emulated, and slower than float32).

    Example:
        >>> resolve("auto") in ("bfloat16", "float32")
        True
    """
    name = str(precision).strip().lower()
    if name not in CHOICES:
        raise UserError(f"unknown precision {precision!r}; choose one of: {', '.join(CHOICES)}")
    if name == "auto":
        return "bfloat16" if bfloat16_supported() else "float32"
    if name == "bfloat16" and not bfloat16_supported():
        raise UserError(
            "this CPU has no bfloat16 hardware (AMX-BF16 or AVX512-BF16) or oneDNN is off; "
            "use float32 (or auto) for {precision}",
            "precision",
        )
    return name


def bfloat16_active() -> bool:
    """Whether the bfloat16 rewrite is on right now (inside ``compute("bfloat16")``).

    Example:
        >>> bfloat16_active()
        False
    """
    from interpret._tf import tf

    return bool(tf.config.optimizer.get_experimental_options().get(_REWRITE, False))


@contextlib.contextmanager
def compute(precision: str) -> Iterator[str]:
    """Run the compiled loops inside in ``precision`` (``resolve``'d); yields the name used.

    Example:
        >>> with compute("auto") as used:
        ...     used in ("bfloat16", "float32")
        True
    """
    from interpret._tf import tf

    used = resolve(precision)
    before = bfloat16_active()
    want = used == "bfloat16"
    if want == before:
        yield used
        return
    tf.config.optimizer.set_experimental_options({_REWRITE: want})
    try:
        yield used
    finally:
        tf.config.optimizer.set_experimental_options({_REWRITE: before})
