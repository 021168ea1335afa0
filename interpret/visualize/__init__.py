"""What a network has learned, as pictures made by optimisation.

``param`` stores the image (pixels or a Fourier spectrum), ``transforms`` move it each
step, ``render`` climbs an objective over it on the shared loop, ``maximize`` renders
filters, units and classes (``examples`` finds the data-set images that excite them),
``dream`` grows a photo's features (DeepDream). A new feature-visualization technique
is a module here that builds an objective and calls ``render``.

May import: ``interpret.core``, ``interpret._fast``, ``interpret.data``, ``interpret.gallery``.
"""
