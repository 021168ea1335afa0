"""Options and helpers shared by the commands.

A command's options are named like the API parameters they feed (``--filter`` sets
``filters=``), and their defaults, choices and help come from the API: a
function's signature (:func:`api_option`) or a settings dataclass
(:func:`settings_options`). So a default is declared once, in the API, and a
:class:`~interpret.core.errors.UserError` about parameter ``filters`` is shown with
the flag the person typed (see :func:`spellings`).

Example:
    >>> def run(model, *, steps: int = 20): ...
    >>> @click.command()
    ... @api_option(run, "steps", help="Ascent steps.")
    ... def demo(steps): ...
    >>> demo.params[0].default, spellings(demo)
    (20, {'steps': '--steps'})
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import click

model_option = click.option(
    "--model",
    "-m",
    default="cifar10-cnn",
    show_default=True,
    help="Zoo name (cifar10-cnn, mnist-mlp, mnist-cnn, or the robust twins mnist-cnn-robust, "
    "mnist-cnn-robust-l2, cifar10-cnn-robust) or path to a .keras/.h5 file.",
)


def model_argument(func: Callable | None = None, *, default: str | None = "cifar10-cnn") -> Any:
    """MODEL as a positional argument (``interpret layers mnist-cnn``) or as ``--model``,
    as every other command takes it; given both ways, they must agree. With
    ``default=None`` (``train``) one of the two is required.

    Example:
        >>> @click.command()
        ... @model_argument
        ... def cmd(model_spec): print(model_spec)
        >>> cmd(["-m", "mnist-cnn"], standalone_mode=False)
        mnist-cnn
    """
    import functools

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def merged(*args: Any, model_spec: str | None, model_flag: str | None, **kw: Any) -> Any:
            if model_spec and model_flag and model_spec != model_flag:
                raise click.UsageError(
                    f"MODEL given twice ({model_spec}, --model {model_flag}); give one"
                )
            chosen = model_spec or model_flag or default
            if chosen is None:
                raise click.UsageError("give MODEL (a zoo name or a .keras/.h5 file)")
            return func(*args, model_spec=chosen, **kw)

        said = f" [default: {default}]" if default else ""
        merged = click.option(
            "--model", "-m", "model_flag", default=None, metavar="MODEL",
            help=f"The same as the MODEL argument{said}.",
        )(merged)  # fmt: skip
        return click.argument("model_spec", metavar="[MODEL]", required=False)(merged)

    return decorate(func) if func is not None else decorate


gallery_option = click.option(
    "--gallery",
    "gallery_dir",
    default=None,
    metavar="DIR",
    help="Gallery directory to write into [default: $INTERPRET_GALLERY or ./gallery].",
)
seed_option = click.option(
    "--seed", default=0, show_default=True, type=int, help="Random seed (recorded in the sidecar)."
)
DATA_HELP = (
    "Your own images: an .npz file (keys x, y or x_test, y_test; uint8 or float) or a folder "
    "with one subfolder of images per class; resized to the model's input."
)


def data_option(purpose: str = "") -> Any:
    """The ``--data FILE.npz|DIR`` option (parameter ``data``), read by
    :func:`interpret.data.user.load_user_data`; ``purpose`` says what the command does with it.

    Example:
        >>> @click.command()
        ... @data_option("Images to attack.")
        ... def cmd(data): ...
        >>> cmd.params[0].opts, cmd.params[0].metavar
        (['--data'], 'FILE.npz|DIR')
    """
    text = f"{purpose} {DATA_HELP}".strip()
    return click.option("--data", "data", default=None, metavar="FILE.npz|DIR", help=text)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _click_type(default: Any, annotation: Any = None) -> Any:
    if isinstance(default, bool):
        return bool
    if isinstance(default, int):
        return int
    if isinstance(default, float):
        return float
    text = str(annotation)
    if "int" in text and "float" not in text:
        return int
    if "float" in text:
        return float
    return None


def api_option(func: Callable, name: str, *decls: str, **kwargs: Any) -> Any:
    """A click option for parameter ``name`` of API function ``func``, default from its signature.

    ``decls`` are extra spellings (``"-f"``); the flag is ``--name`` unless given.

    Example:
        >>> def f(*, octaves: int = 4): ...
        >>> api_option(f, "octaves", help="Scales.")  # doctest: +ELLIPSIS
        <function option.<locals>.decorator at ...>
    """
    param = inspect.signature(func).parameters[name]
    default = None if param.default is inspect.Parameter.empty else param.default
    flags = [d for d in decls if d.startswith("--")] or [_flag(name)]
    short = [d for d in decls if not d.startswith("--")]
    kwargs.setdefault("default", default)
    kwargs.setdefault("show_default", default is not None)
    if "type" not in kwargs and not kwargs.get("is_flag"):
        kind = _click_type(default, param.annotation)
        if kind is not None:
            kwargs["type"] = kind
    return click.option(*flags, *short, name, **kwargs)


def settings_options(cls: type, skip: tuple[str, ...] = ()) -> Callable:
    """Add one option per field of a settings dataclass (default, help, choices from the field).

    Example:
        >>> from interpret.visualize.render import RenderSettings
        >>> @click.command()
        ... @settings_options(RenderSettings)
        ... def cmd(**settings): ...
        >>> [p.name for p in cmd.params][:3]
        ['steps', 'lr', 'param']
    """

    def decorate(f: Callable) -> Callable:
        for fld in reversed([f_ for f_ in dataclasses.fields(cls) if f_.name not in skip]):
            meta, default = fld.metadata, fld.default
            kw: dict[str, Any] = {"help": meta.get("help", ""), "default": default}
            if isinstance(default, bool):
                flag = _flag(fld.name)
                f = click.option(f"{flag}/--no-{flag[2:]}", fld.name, show_default=True, **kw)(f)
                continue
            if "choices" in meta:
                kw["type"] = click.Choice(list(meta["choices"]))
            else:
                kind = _click_type(default, fld.type)
                if kind is not None:
                    kw["type"] = kind
            f = click.option(_flag(fld.name), fld.name, show_default=default is not None, **kw)(f)
        return f

    return decorate


def spellings(command: click.Command) -> dict[str, str]:
    """Parameter name -> how the person typed it: the longest flag, or an argument's metavar.

    Example:
        >>> @click.command()
        ... @click.option("--filter", "-f", "filters")
        ... @click.argument("model_name", metavar="MODEL")
        ... def cmd(filters, model_name): ...
        >>> spellings(cmd)
        {'filters': '--filter', 'model_name': 'MODEL'}
    """
    out = {}
    for p in command.params:
        if isinstance(p, click.Option):
            out[p.name] = max(p.opts, key=len)
        elif isinstance(p, click.Argument):
            out[p.name] = p.make_metavar(click.Context(command)) if p.metavar is None else p.metavar
    return out


def echo_artifact(path: Any) -> None:
    """Tell the user where an artifact landed.

    Example:
        >>> echo_artifact("gallery/x.png")
        wrote gallery/x.png
    """
    click.echo(f"wrote {path}")
