"""Visualise 12 filters of a conv layer: the images they respond to most, beside the
test images that excite them most (the classic "12 filters" figure).

    python examples/visualize_filters.py [--fast]
"""

from _common import parse

import interpret

args = parse(__doc__)
model = interpret.resolve("cifar10-cnn")
result = interpret.maximize(
    model, "conv2d_1", range(12), steps=16 if args.fast else 256, examples=4, seed=0
)
for filt, act, best in zip(result.targets, result.activations, result.examples.scores[:, 0]):
    print(f"filter {filt:2d}: render {act:6.2f}  best test image {best:6.2f}")
for art in result.save(args.gallery):
    print("wrote", art.png)
