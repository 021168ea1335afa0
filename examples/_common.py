"""Command-line flags shared by the examples: --fast (few steps, for CI) and --gallery DIR."""

import argparse


def parse(description: str, gallery: str = "gallery") -> argparse.Namespace:
    """Parse ``--fast`` and ``--gallery`` (default ``gallery``) for an example script."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fast", action="store_true", help="a quick run with few steps (CI)")
    parser.add_argument("--gallery", default=gallery, help="where to write the pictures")
    return parser.parse_args()
