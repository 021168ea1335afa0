"""The engine every technique shares: a Keras model turned into differentiable functions.

``models`` resolves a zoo name or a file; ``probe`` turns the model into functions of a
[0, 1] image (any layer, logits with a softmax unwrapped); ``objectives`` are what gets
climbed or explained; ``reader`` feeds the probe's outputs to an objective; ``ascent``
is the one optimisation loop with the pluggable ``updates``; ``grad`` is the gradient
of an objective with respect to the input or a layer. ``specs``, ``checks``,
``progress`` and ``errors`` say once how lists are typed, how input is checked, how
progress is shown and how a bad input is reported.

May import: ``interpret._tf``, ``interpret._fast``, and ``interpret.zoo``'s catalogue
(``names``, ``load``, ``card``) in ``models``, which resolves zoo names. Nothing else of the
package.
"""
