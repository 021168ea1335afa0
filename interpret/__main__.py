"""``python -m interpret`` runs the CLI.

Example:
    $ python -m interpret --help
"""

from interpret.cli import main

main()
