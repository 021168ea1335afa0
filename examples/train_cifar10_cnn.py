"""Train the TensorFlow tutorial CNN on CIFAR-10 and plot its training curves.

INTERPRET_DATA_DIR=/path/to/data python examples/train_cifar10_cnn.py   # about 20 epochs
python examples/train_cifar10_cnn.py --fast       # 1 epoch on the bundled 500-image sample
"""

from _common import parse

import interpret
from interpret.data import datasets as data

args = parse(__doc__)
dataset = data.split_sample("cifar10") if args.fast else None  # None: the real data set
result = interpret.train_model(
    "cifar10-cnn", epochs=1 if args.fast else None, dataset=dataset, gallery=args.gallery, verbose=2
)
card = result["card"]
print(
    f"test accuracy {card['test_accuracy']:.4f} after {card['epochs']} epochs ({card['data_source']})"
)
for path in result["paths"]:
    print("wrote", path)
