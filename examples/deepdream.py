"""DeepDream with the CIFAR-10 CNN on the photo that ships with matplotlib.

python examples/deepdream.py [--fast] [--gallery DIR]
"""

from _common import parse

import interpret

args = parse(__doc__)
settings = {"octaves": 2, "steps": 3} if args.fast else {}
result = interpret.dream("cifar10-cnn", layers={"conv2d_1": 1.0, "conv2d_2": 1.5}, **settings)
print(result.figures)
for art in result.save(args.gallery):
    print("wrote", art.png)
