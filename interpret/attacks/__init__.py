"""How predictions break: adversarial examples, fooling images, robust accuracy.

``options`` declares the methods and their defaults; ``gradient`` holds FGSM and PGD on
the shared loop; ``cw`` and ``deepfool`` keep their own in-graph loops; ``run`` is the
API (``attack``, ``evaluate_attack``); ``results`` what it returns; ``fooling`` makes
images from noise; ``report`` writes the figures. A new attack is a module here,
registered in ``options``.

May import: ``interpret.core``, ``interpret._fast``, ``interpret.data``, ``interpret.gallery``.
"""
