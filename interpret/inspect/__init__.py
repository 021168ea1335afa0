"""Looking inside without optimising: kernels, feature maps, convolution by hand, structure.

``kernels`` draws learned weights, ``featuremaps`` a layer's output for one input,
``convolution`` the sliding dot product with its numbers (for teaching), ``summary``
the model's structure, ``samples`` a grid of data-set images. Each returns a
:class:`~interpret.gallery.sheet.Sheet` (the figure and the numbers it shows).

May import: ``interpret.core``, ``interpret.data``, ``interpret.gallery``.
"""
