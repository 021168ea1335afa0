"""Regenerate the showcase in docs/showcase/: `interpret report` on every zoo model, then the index.

(`gallery/`, where results land by default, is not tracked; the showcase is.)

INTERPRET_DATA_DIR=/path/to/data python examples/showcase.py   # full test sets for examples
python examples/showcase.py --fast --gallery /tmp/preview      # cheap sections only
"""

from _common import parse

import interpret

args = parse(__doc__, gallery="docs/showcase")
sections = ["summary", "training", "kernels", "index"] if args.fast else None
for name in interpret.zoo.names():
    out = interpret.report(
        name, gallery=args.gallery, quick=args.fast, sections=sections, progress=True
    )
    print(out.table())
    print("wrote", out.index)
