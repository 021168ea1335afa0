"""Adversarial commands: ``interpret attack`` and ``interpret fool``.

Example:
    $ interpret attack --model mnist-cnn --method pgd --eps 0.05,0.1,0.2,0.3 --n 1000
    $ interpret fool --model mnist-cnn --class all --method evolve
"""

from __future__ import annotations

import click

from interpret.cli.common import (
    echo_artifact,
    gallery_option,
    model_option,
    precision_option,
    progress,
    seed_option,
)
from interpret.core.specs import parse_float_list


@click.command()
@model_option
@click.option(
    "--method",
    default="pgd",
    show_default=True,
    help="fgsm, pgd, cw (Carlini-Wagner L2) or deepfool.",
)
@click.option(
    "--eps",
    default="0.05,0.1,0.2,0.3",
    show_default=True,
    help="Perturbation budgets, comma separated, in [0, 1] pixel units (Linf, or L2 with "
    "--norm l2; cw/deepfool: L2 caps, or 'none').",
)
@click.option("--n", "n", default=1000, show_default=True, type=int, help="First N test images.")
@click.option(
    "--norm", type=click.Choice(["linf", "l2"]), default=None, help="fgsm/pgd ball [linf]."
)
@click.option(
    "--steps",
    type=int,
    default=None,
    help="Iterations (pgd 40, cw 200 per search step, deepfool 50).",
)
@click.option(
    "--step-size", type=float, default=None, help="pgd step (0.01) or cw Adam rate (0.05)."
)
@click.option(
    "--no-random-start", is_flag=True, help="pgd: start at the image, not a random point."
)
@click.option("--target", default=None, help="Target class (index or name): a targeted attack.")
@click.option("--dataset", default=None, help="mnist or cifar10 [default: the model card's].")
@click.option("--batch-size", default=1000, show_default=True, type=int)
@precision_option(
    "float32",
    " fgsm/pgd only; bfloat16 is ~1.8x faster on CPUs with AMX or AVX512-BF16 but a "
    "slightly weaker attack.",
)
@seed_option
@gallery_option
def attack(
    model: str,
    method: str,
    eps: str,
    n: int,
    norm: str | None,
    steps: int | None,
    step_size: float | None,
    no_random_start: bool,
    target: str | None,
    dataset: str | None,
    batch_size: int,
    precision: str | None,
    seed: int,
    gallery_dir: str | None,
) -> None:
    """Robust accuracy against an attack for several eps, on MODEL's first N test images.

    Prints a table (robust accuracy counted on the images the model got right to begin
    with, mean L2/Linf of the successful perturbations, seconds) and writes a
    robust-accuracy-vs-eps plot and a sheet of original / amplified perturbation /
    adversarial triplets to the gallery.
    """
    from interpret.attacks.report import attack_report
    from interpret.attacks.run import MINIMAL, method_name

    m = method_name(method)
    eps_list = None if eps.strip().lower() == "none" else parse_float_list(eps, "--eps")
    options = {"norm": norm, "steps": steps, "step_size": step_size, "precision": precision}
    if m == "pgd":
        options["random_start"] = not no_random_start
    options = {k: v for k, v in options.items() if v is not None}
    if m in MINIMAL and "norm" in options:
        del options["norm"]  # both are L2 attacks
    out = attack_report(
        model,
        method=m,
        eps=eps_list,
        n=n,
        dataset=dataset,
        target=target,
        seed=seed,
        batch_size=batch_size,
        gallery=gallery_dir,
        progress=progress,
        **options,
    )
    click.echo(out["table"])
    for art in out["artifacts"]:
        echo_artifact(art.png)


@click.command()
@model_option
@click.option(
    "--class",
    "classes",
    default="all",
    show_default=True,
    help="Classes: index, name, list (1,7) or 'all'.",
)
@click.option(
    "--method",
    type=click.Choice(["gradient", "evolve"]),
    default="gradient",
    show_default=True,
    help="Gradient ascent from noise, or the gradient-free evolution.",
)
@click.option(
    "--threshold",
    default=0.9999,
    show_default=True,
    type=float,
    help="Softmax probability to reach.",
)
@click.option("--steps", default=1000, show_default=True, type=int, help="gradient: most steps.")
@click.option("--step-size", default=0.01, show_default=True, type=float, help="gradient: step.")
@click.option(
    "--objective",
    type=click.Choice(["log_softmax", "logit"]),
    default="log_softmax",
    show_default=True,
    help="gradient: what is climbed.",
)
@click.option("--generations", default=2000, show_default=True, type=int, help="evolve: budget.")
@click.option(
    "--population",
    default=256,
    show_default=True,
    type=int,
    help="evolve: offspring per generation.",
)
@seed_option
@gallery_option
def fool(
    model: str,
    classes: str,
    method: str,
    threshold: float,
    steps: int,
    step_size: float,
    objective: str,
    generations: int,
    population: int,
    seed: int,
    gallery_dir: str | None,
) -> None:
    """Images MODEL assigns to each class with confidence >= --threshold, made from noise.

    Writes a labelled grid with the confidences and one PNG (+ sidecar) per class.
    """
    from interpret.attacks.report import fool_report

    out = fool_report(
        model,
        classes,
        method=method,
        seed=seed,
        gallery=gallery_dir,
        progress=progress,
        threshold=threshold,
        steps=steps,
        step_size=step_size,
        objective=objective,
        generations=generations,
        population=population,
    )
    res = out["result"]
    for name, c, ok in zip(res.class_names, res.confidence, res.reached):
        click.echo(f"class {name}: confidence {c:.6f}{'' if ok else '  (below threshold)'}")
    click.echo(
        f"{int(res.reached.sum())}/{len(res.classes)} classes at >= {res.threshold:g} after "
        f"{res.iterations} {'steps' if method == 'gradient' else 'generations'} "
        f"({res.evaluations} image evaluations, {res.seconds:.1f}s)"
    )
    for art in out["artifacts"]:
        echo_artifact(art.png)


COMMANDS = [attack, fool]
