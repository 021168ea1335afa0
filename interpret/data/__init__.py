"""Images in: the zoo's data sets (``datasets``), a person's own picture (``images``).

Everything comes out as float32 [0, 1] NHWC (or uint8 where a data set is stored so),
with notes saying what was converted.

May import: ``interpret._tf``, ``interpret.core``.
"""
