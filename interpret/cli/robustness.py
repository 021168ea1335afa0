"""``interpret robustness``: clean and robust accuracy per attack and eps, as the field reports it.

Example:
    $ interpret robustness --model mnist-cnn --eps 0.1,0.3
    $ interpret robustness --model cifar10-cnn --eps 2/255,8/255 --attacks pgd,apgd-ce,autoattack
    $ interpret robustness --model my_model.keras --data my_images/ --eps 8/255
"""

from __future__ import annotations

import click

from interpret.attacks.options import DEVICES, NORMS, VERSIONS
from interpret.attacks.robustness import robustness_report as api
from interpret.cli import common


@click.command()
@common.model_option
@click.option(
    "--eps",
    required=True,
    help="Budgets, comma separated, in [0, 1] pixel units; fractions allowed (2/255,8/255).",
)
@click.option(
    "--attacks",
    default="pgd,autoattack",
    show_default=True,
    help="Comma separated: fgsm, pgd, apgd-ce, apgd-dlr, apgd-t, fab, fab-t, square, autoattack.",
)
@common.api_option(api, "norm", type=click.Choice(NORMS), help="The ball the attacks stay in.")
@common.api_option(
    api,
    "version",
    type=click.Choice([v for v in VERSIONS if v != "custom"]),
    help="AutoAttack's version (custom: run its stages as separate --attacks).",
)
@common.api_option(api, "n", help="First N test images (or of --data).")
@click.option("--dataset", default=None, help="mnist or cifar10 [default: the model card's].")
@common.data_option("Evaluate on these labelled images instead of the test set.")
@common.api_option(api, "batch_size", help="Images per compiled call.")
@common.api_option(
    api,
    "devices",
    type=click.Choice(DEVICES),
    help="auto: data-parallel over every GPU (or logical CPU) when there are several.",
)
@common.seed_option
@common.gallery_option
def robustness(model: str, eps: str, gallery_dir: str | None, **options) -> None:
    """Clean accuracy and robust accuracy per attack and eps on MODEL's first N test images
    (or the first N of your own labelled images: --data FILE.npz or a folder of class folders).

    Robust accuracy is counted over all N images (AutoAttack's and RobustBench's way),
    with AutoAttack's accuracy after each of its stages; warnings flag gradient masking.
    Writes the accuracy-vs-eps plot and AutoAttack's adversarial examples to the gallery.
    """
    from interpret.core.specs import parse_float_list

    out = api(
        model, eps=parse_float_list(eps, "eps"), gallery=gallery_dir, progress=True, **options
    )
    click.echo(out["table"])
    for art in out["artifacts"]:
        common.echo_artifact(art.png)


COMMANDS = [robustness]
