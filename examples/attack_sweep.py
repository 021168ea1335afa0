"""An attack sweep: robust accuracy of mnist-cnn under PGD (Linf) as eps grows.

python examples/attack_sweep.py [--fast]
"""

from _common import parse

import interpret

args = parse(__doc__)
out = interpret.attack_report(
    "mnist-cnn",
    method="pgd",
    eps=[0.05, 0.1, 0.2, 0.3],
    n=50 if args.fast else 1000,
    seed=0,
    gallery=args.gallery,
)
print(out["table"])
for art in out["artifacts"]:
    print("wrote", art.png)
