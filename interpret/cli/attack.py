"""Adversarial commands: ``interpret attack`` and ``interpret fool``.

Example:
    $ interpret attack --model mnist-cnn --method pgd --eps 0.05,0.1,0.2,0.3 --n 1000
    $ interpret attack --model cifar10-cnn --method autoattack --eps 8/255 --n 1000
    $ interpret attack --model mnist-cnn --method square --eps 0.3 --queries 1000
    $ interpret attack --model my_model.keras --data my_images/ --method fgsm --eps 0.03
    $ interpret fool --model mnist-cnn --class all --method evolve
"""

from __future__ import annotations

import click

from interpret._fast.precision import CHOICES as PRECISIONS
from interpret.attacks.fooling import FOOL_METHODS, OBJECTIVES
from interpret.attacks.fooling import fool as fool_api
from interpret.attacks.options import DEFAULTS, DEVICES, METHODS, NORMS, VERSIONS
from interpret.attacks.report import attack_report
from interpret.cli import common

EPS = attack_report.__kwdefaults__["eps"]


def _defaults(option: str) -> str:
    """Each method's default for ``option``, e.g. 'pgd 40, cw 200, deepfool 50'."""
    return ", ".join(f"{m} {d[option]}" for m, d in DEFAULTS.items() if option in d)


@click.command()
@common.model_option
@common.api_option(attack_report, "method", help=f"One of: {', '.join(METHODS)}.")
@click.option(
    "--eps",
    default=None,
    help="Perturbation budgets, comma separated, in [0, 1] pixel units, fractions allowed "
    "(8/255); Linf, or L2 with --norm l2; cw/deepfool/fab: caps, or 'none'.  [default: "
    + ",".join(f"{e:g}" for e in EPS)
    + "]",
)
@common.api_option(attack_report, "n", help="First N test images (or of --data).")
@click.option(
    "--norm",
    type=click.Choice(NORMS),
    default=None,
    help="The ball (fgsm, pgd, apgd-*, fab*, square, autoattack) [linf].",
)
@click.option("--steps", type=int, default=None, help=f"Iterations ({_defaults('steps')}).")
@click.option(
    "--step-size", type=float, default=None, help=f"Step ({_defaults('step_size')}; cw: Adam's)."
)
@click.option(
    "--no-random-start", is_flag=True, help="pgd: start at the image, not a random point."
)
@click.option(
    "--restarts", type=int, default=None, help=f"Random restarts ({_defaults('restarts')})."
)
@click.option(
    "--targets",
    type=int,
    default=None,
    help="apgd-t/fab-t: target classes, ranked 2nd.. by the clean logits [9].",
)
@click.option("--queries", type=int, default=None, help="square: queries per image [5000].")
@click.option(
    "--version",
    type=click.Choice(list(VERSIONS)),
    default=None,
    help="autoattack: standard (APGD-CE, APGD-T, FAB-T, Square), plus, or custom [standard].",
)
@click.option(
    "--attacks",
    default=None,
    help="autoattack custom: its stages in order, e.g. apgd-ce,square.",
)
@click.option(
    "--devices",
    type=click.Choice(DEVICES),
    default=None,
    help="Robustness attacks: auto = data-parallel over every GPU (or logical CPU) [auto].",
)
@click.option("--target", default=None, help="Target class (index or name): a targeted attack.")
@click.option("--dataset", default=None, help="mnist or cifar10 [default: the model card's].")
@common.data_option("Attack these labelled images instead of the test set.")
@common.api_option(attack_report, "batch_size", help="Images per compiled call.")
@click.option(
    "--precision",
    type=click.Choice(PRECISIONS),
    default=None,
    help="fgsm/pgd arithmetic [default: float32]; bfloat16 is ~1.8x faster on CPUs with AMX "
    "or AVX512-BF16 but a slightly weaker attack. Results are always scored in float32.",
)
@common.seed_option
@common.gallery_option
def attack(
    model: str,
    eps: str | None,
    no_random_start: bool,
    gallery_dir: str | None,
    **kwargs,
) -> None:
    """Robust accuracy against an attack for several eps, on MODEL's first N test images
    (or the first N of your own labelled images: --data FILE.npz or a folder of class folders).

    Prints a table (robust accuracy counted on the images the model got right to begin
    with, mean L2/Linf of the successful perturbations, seconds) and writes a
    robust-accuracy-vs-eps plot and a sheet of original / amplified perturbation /
    adversarial triplets to the gallery.
    """
    from interpret.attacks.options import MINIMAL, method_name
    from interpret.core.specs import parse_float_list

    method = method_name(kwargs.pop("method"))
    if eps is None:
        eps_list = list(EPS)
    elif eps.strip().lower() == "none":
        eps_list = None
    else:
        eps_list = parse_float_list(eps, "eps")
    if method == "pgd" and no_random_start:
        kwargs["random_start"] = False
    options = {k: v for k, v in kwargs.items() if v is not None}
    if method in MINIMAL:
        options.pop("norm", None)  # both are L2 attacks
    out = attack_report(
        model, method=method, eps=eps_list, gallery=gallery_dir, progress=True, **options
    )
    click.echo(out["table"])
    for art in out["artifacts"]:
        common.echo_artifact(art.png)


@click.command()
@common.model_option
@common.api_option(
    fool_api, "classes", "--class", help="Classes: index, name, list (1,7) or 'all'."
)
@common.api_option(
    fool_api,
    "method",
    type=click.Choice(FOOL_METHODS),
    help="Gradient ascent from noise, or the gradient-free evolution.",
)
@common.api_option(fool_api, "threshold", help="Softmax probability to reach.")
@common.api_option(fool_api, "steps", help="gradient: most steps.")
@common.api_option(fool_api, "step_size", help="gradient: step.")
@common.api_option(
    fool_api, "objective", type=click.Choice(OBJECTIVES), help="gradient: what is climbed."
)
@common.api_option(fool_api, "generations", help="evolve: budget.")
@common.api_option(fool_api, "population", help="evolve: offspring per generation.")
@common.seed_option
@common.gallery_option
def fool(model: str, gallery_dir: str | None, **options) -> None:
    """Images MODEL assigns to each class with confidence >= --threshold, made from noise.

    Writes a labelled grid with the confidences and one PNG (+ sidecar) per class.
    """
    from interpret.attacks.report import fool_report

    out = fool_report(model, gallery=gallery_dir, progress=True, **options)
    res = out["result"]
    for name, c, ok in zip(res.class_names, res.confidence, res.reached):
        click.echo(f"class {name}: confidence {c:.6f}{'' if ok else '  (below threshold)'}")
    click.echo(
        f"{int(res.reached.sum())}/{len(res.classes)} classes at >= {res.threshold:g} after "
        f"{res.iterations} {'steps' if res.method == 'gradient' else 'generations'} "
        f"({res.evaluations} image evaluations, {res.seconds:.1f}s)"
    )
    for art in out["artifacts"]:
        common.echo_artifact(art.png)


COMMANDS = [attack, fool]
