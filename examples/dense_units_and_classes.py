"""Visualise dense units and output classes of the MNIST MLP: what each digit "looks like"
to the network, and how sure it is of its own renders.

    python examples/dense_units_and_classes.py [--fast]
"""

from _common import parse

import interpret

args = parse(__doc__)
steps = 16 if args.fast else 256
model = interpret.resolve("mnist-mlp")
gallery = interpret.Gallery(args.gallery)
units = interpret.maximize(model, "dense_2", range(16), steps=steps, seed=0)
classes = interpret.maximize(model, classes="all", steps=steps, seed=0)
for digit, p in zip(classes.labels, classes.probabilities):
    print(f"class {digit}: softmax of its own render {p:.5f}")
for art in units.save(gallery) + classes.save(gallery):
    print("wrote", art.png)
