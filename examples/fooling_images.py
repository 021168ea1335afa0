"""Fooling images: noise that mnist-cnn calls each digit with >= 99.99% confidence,
made by gradient ascent from uniform noise.

    python examples/fooling_images.py [--fast]
"""

from _common import parse

import interpret

args = parse(__doc__)
out = interpret.fool_report(
    "mnist-cnn", "all", steps=20 if args.fast else 1000, seed=0, gallery=args.gallery
)
res = out["result"]
for name, conf, ok in zip(res.class_names, res.confidence, res.reached):
    print(f"class {name}: confidence {conf:.6f} {'reached' if ok else 'short'}")
print("wrote", out["artifacts"][0].png)
