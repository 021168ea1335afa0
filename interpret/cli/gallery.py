"""``interpret gallery build|serve``: the browsable index of a gallery directory.

Example:
    $ interpret gallery build            # writes gallery/index.html
    $ interpret gallery serve --port 8000
"""

from __future__ import annotations

import click

from interpret.cli.common import echo_artifact


def _check_dir(directory: str | None):
    from interpret.core.errors import UserError
    from interpret.gallery.store import Gallery

    root = Gallery(directory).root
    if root.exists() and not root.is_dir():
        raise UserError(f"{str(root)!r} is a file, not a gallery directory")
    if not root.is_dir():
        raise UserError(
            f"gallery directory {str(root)!r} does not exist; run a command that writes "
            "artifacts (e.g. 'interpret report') or pass the right DIR"
        )
    return root


@click.group()
def gallery() -> None:
    """Build or serve the gallery's index.html.

    DIR defaults to $INTERPRET_GALLERY or ./gallery.
    """


@gallery.command()
@click.argument("directory", metavar="[DIR]", required=False)
def build(directory: str | None) -> None:
    """Rebuild DIR/index.html from the PNGs and their JSON sidecars.

    The page is static (no network resources) and opens straight from the file system.
    """
    from interpret.gallery.html import build_index, collect

    root = _check_dir(directory)
    path, count = build_index(root), len(collect(root))
    click.echo(f"{count} artifacts indexed")
    echo_artifact(path)


@gallery.command()
@click.argument("directory", metavar="[DIR]", required=False)
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0: any free port).")
@click.option("--no-build", is_flag=True, help="Serve the existing index.html without rebuilding.")
def serve(directory: str | None, port: int, no_build: bool) -> None:
    """Rebuild the index, then serve DIR on http://127.0.0.1:PORT/ until Ctrl-C."""
    from interpret.core.errors import UserError
    from interpret.gallery.html import build_index, make_server

    root = _check_dir(directory)
    if not 0 <= port <= 65535:
        raise UserError(f"--port must be between 0 and 65535, got {port}")
    if not no_build:
        build_index(root)
    try:
        server = make_server(root, port)
    except OSError as e:
        raise UserError(f"cannot listen on 127.0.0.1:{port}: {e.strerror or e}") from None
    host, bound = server.server_address[:2]
    click.echo(f"serving {root} at http://{host}:{bound}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [gallery]
