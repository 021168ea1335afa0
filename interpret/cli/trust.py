"""``interpret trust``: which attribution methods can be trusted on a model, with the evidence.

Example:
    $ interpret trust --model cifar10-cnn
    $ interpret trust --model mnist-cnn --method saliency,gradcam,guided-backprop --n 500
    $ interpret trust --model my_model.keras --data my_images/ --n 50
"""

from __future__ import annotations

import click

from interpret.attributions.metrics import METRICS, MetricSettings
from interpret.attributions.trust import trust as trust_api
from interpret.cli import common


def parse_options(text: str | None) -> dict:
    """``"masks=1000,steps=32"`` -> ``{"masks": 1000, "steps": 32}`` (numbers where they parse).

    Example:
        >>> parse_options("masks=1000, baseline=blurred, keep=0.3")
        {'masks': 1000, 'baseline': 'blurred', 'keep': 0.3}
    """
    from interpret.core.errors import UserError

    out: dict = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise UserError(
                f"{{options}} takes name=value pairs separated by commas, got {part.strip()!r}",
                "options",
            )
        value = value.strip()
        for kind in (int, float):
            try:
                out[key.strip()] = kind(value)
                break
            except ValueError:
                continue
        else:
            out[key.strip()] = value
    return out


@click.command()
@common.model_option
@common.api_option(
    trust_api,
    "method",
    help="Attribution methods, comma separated, or 'all' (every one that applies).",
)
@common.api_option(
    trust_api, "metrics", help=f"Comma separated subset of: {', '.join(METRICS)}; or 'all'."
)
@common.api_option(trust_api, "n", help="Test images the metrics are measured on (the first N).")
@common.api_option(
    trust_api,
    "dataset",
    type=click.Choice(["mnist", "cifar10"]),
    help="Test set to read [default: the model card's].",
)
@common.data_option("Measure on the first N of these images instead of a test set.")
@common.api_option(
    trust_api,
    "sanity_n",
    type=int,
    help="The first of those the sanity checks run on.  [default: min(16, N)]",
)
@click.option(
    "--sanity/--no-sanity",
    default=True,
    show_default=True,
    help="Run the sanity checks (weight randomisation, random logit).",
)
@click.option(
    "--independent/--no-independent",
    default=True,
    show_default=True,
    help="Also randomise each layer on its own, besides the cascade.",
)
@click.option(
    "--options",
    default=None,
    metavar="NAME=VALUE,...",
    help="The methods' options, named as `interpret explain`'s (masks=1000,samples=25; "
    "steps here is Integrated Gradients', the metrics' is --steps).",
)
@common.settings_options(MetricSettings)
@common.seed_option
@common.gallery_option
def trust(gallery_dir: str | None, options: str | None, model: str, **kwargs) -> None:
    """Can MODEL's attribution maps be trusted? Runs every method on test images, scores
    each with Deletion, Insertion, MuFidelity, Average Drop and Increase in Confidence
    beside a random map's (the chance level), runs Adebayo et al.'s sanity checks
    (cascading and independent weight randomisation, random logit), prints the table
    and a ranked verdict, and writes the table, the curves and the randomisation figures
    to the gallery.
    """
    out = trust_api(model, options=parse_options(options), progress=True, **kwargs)
    click.echo(out.table())
    click.echo("")
    for v in out.verdict():
        click.echo(f"{v.rank:>2}. {v.title}: {v.status} ({'; '.join(v.reasons)})")
    for art in out.save(gallery_dir):
        common.echo_artifact(art.png)


COMMANDS = [trust]
