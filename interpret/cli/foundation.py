"""Foundation commands: train, samples, models, layers.

Example:
    $ interpret train mnist-cnn --epochs 2
    $ interpret train mnist-cnn --adversarial fgsm-rs --eps 0.3
    $ interpret train mnist-cnn --adversarial pgd --norm l2 --eps 2
    $ interpret samples cifar10
    $ interpret models
    $ interpret layers cifar10-cnn
"""

from __future__ import annotations

import click

from interpret.attacks.options import NORM_NAMES, NORMS
from interpret.callbacks import SHARED, watchers
from interpret.cli.common import (
    api_option,
    data_option,
    echo_artifact,
    gallery_option,
    model_argument,
    seed_option,
)


def _recipe_precisions() -> str:
    """What ``train`` uses without --precision: each recipe's own, float32 for other models.

    Example:
        >>> _recipe_precisions()
        'bfloat16 for mnist-cnn-robust (float32 on a CPU without it), float32 otherwise'
    """
    from interpret.zoo.recipes import RECIPES, Recipe

    default = Recipe.precision
    fallback = {"bfloat16": " (float32 on a CPU without it)"}  # as train.plan decides
    other = [f"{r.precision} for {name}{fallback.get(r.precision, '')}"
             for name, r in RECIPES.items() if r.precision != default]  # fmt: skip
    return ", ".join([*other, f"{default} otherwise"])


@click.command()
@model_argument(default=None)
@click.option("--epochs", type=int, default=None, help="Override the recipe's epoch count.")
@click.option(
    "--limit",
    type=int,
    default=None,
    help="Train on the first N training images only (quick check).",
)
@click.option(
    "--adversarial",
    default=None,
    metavar="METHOD",
    help="Train adversarially: fgsm-rs (FGSM + random start), pgd (Madry) or trades. "
    "Robust zoo models (*-robust) do by their recipe.",
)
@click.option(
    "--eps",
    type=float,
    default=None,
    help="Budget of --adversarial: in (0, 1] for Linf, > 0 for L2 (e.g. 0.3 / 2.0 on MNIST).",
)
@click.option(
    "--norm",
    type=click.Choice(NORMS),
    default=None,
    help="The ball --adversarial's attack stays in [default: linf, or the robust recipe's].",
)
@click.option("--beta", type=float, default=None, help="TRADES' robustness weight [default: 6].")
@click.option("--attack-steps", type=int, default=None, help="Attack steps [default: 1 / 10 / 10].")
@click.option(
    "--step-size",
    type=float,
    default=None,
    help="Attack step [default: 1.25 eps for fgsm-rs, 2.5 eps / attack steps otherwise].",
)
@click.option(
    "--eps-warmup",
    type=float,
    default=None,
    metavar="EPOCHS",
    help="Ramp --eps (and the step) up linearly from 0 over this many epochs "
    "[default: 0, or the robust recipe's].",
)
@click.option(
    "--data",
    default=None,
    help="Training data: mnist, cifar10, or your own images: an .npz (x_train, y_train, "
    "x_test, y_test; or x, y) or a folder with one subfolder of images per class; where no "
    "split is given, every 5th image is held out for testing.",
)
@click.option(
    "--precision",
    default=None,
    help="Arithmetic of the steps: float32, bfloat16, auto [default: the recipe's: "
    f"{_recipe_precisions()}].",
)
@click.option(
    "--checkpoint",
    default=None,
    metavar="DIR",
    help="Checkpoint directory of an adversarial run [default: beside --out]; a run "
    "started again with the same settings resumes from it.",
)
@click.option(
    "--out",
    "out_path",
    default=None,
    metavar="FILE",
    help="Where to save the .keras file [default: gallery/MODEL/train/MODEL.keras].",
)
@click.option(
    "--install",
    is_flag=True,
    help="Also replace the zoo's shipped weights and card with the result.",
)
@click.option(
    "--watch",
    multiple=True,
    metavar="LAYER[:FILTERS]",
    help="Watch the network learn: render these filters (or 'classes[:LIST]') every "
    "--watch-every epochs into the gallery (one grid per epoch, a GIF over the epochs) and "
    "TensorBoard. Repeatable.",
)
@api_option(
    watchers,
    "attack_eps",
    "--watch-attack",
    type=float,
    metavar="EPS",
    help="Also PGD robust accuracy at EPS on the first 200 test images, every --watch-every epochs.",
)
@api_option(
    watchers,
    "explain_method",
    "--watch-explain",
    metavar="METHOD",
    help="Also attribution maps (gradcam, integrated-gradients, ...) of the first 4 test "
    "images, every --watch-every epochs.",
)
@click.option(
    "--watch-every",
    "every",
    type=int,
    default=SHARED["every"],
    show_default=True,
    help="Epochs between watches (and the last).",
)
@api_option(watchers, "steps", "--watch-steps", help="Render steps per watched epoch.")
@click.option(
    "--log-dir",
    default=None,
    metavar="DIR",
    help="TensorBoard directory [default when watching: GALLERY/MODEL/train/logs].",
)
@seed_option
@gallery_option
def train(
    model_spec: str,
    out_path: str | None,
    install: bool,
    watch: tuple[str, ...],
    attack_eps: float | None,
    explain_method: str | None,
    every: int,
    steps: int,
    log_dir: str | None,
    seed: int,
    gallery_dir: str | None,
    **options: object,
) -> None:
    """Train zoo MODEL on its real data set (INTERPRET_DATA_DIR or keras.datasets).

    Saves the .keras file, a JSON card (test/train accuracy, epochs, seed, data source,
    seconds; with --adversarial also the PGD accuracy of each epoch and the final PGD
    accuracy on the whole test set) and the training-curve plot into the gallery. MODEL
    may also be your own .keras file, trained on --data. With --watch, renders of the
    chosen filters after each epoch land in GALLERY/MODEL/watch/ and in TensorBoard
    (tensorboard --logdir GALLERY/MODEL/train/logs).
    """
    from interpret.gallery.store import Gallery
    from interpret.zoo.train import first_test_images, train_model

    watching = bool(watch) or attack_eps is not None or explain_method is not None
    if watching and log_dir is None:
        log_dir = str(Gallery(gallery_dir).root / model_spec / "train" / "logs")
    callbacks = watchers(
        watch,
        attack_eps=attack_eps,
        attack_data=first_test_images(model_spec) if attack_eps is not None else None,
        explain_method=explain_method,
        explain_data=first_test_images(model_spec, 4) if explain_method is not None else None,
        every=every,
        steps=steps,
        gallery=gallery_dir,
        log_dir=log_dir,
        name=model_spec,
        seed=seed,
    )
    result = train_model(
        model_spec,
        seed=seed,
        out=out_path,
        install=install,
        gallery=gallery_dir,
        callbacks=callbacks,
        progress=True,
        **{k: v for k, v in options.items() if v is not None},
    )
    card = result["card"]
    text = f"{card['model']}: test accuracy {card['test_accuracy']:.4f}"
    if "robust_accuracy" in card:
        r = card["robust_accuracy"]
        norm = NORM_NAMES[r.get("norm", "linf")]
        text += f", PGD-{r['steps']} accuracy {r['value']:.4f} at {norm} eps {r['eps']:.4g}"
    click.echo(
        f"{text}, train accuracy {card['train_accuracy']:.4f}, "
        f"{card['epochs']} epochs in {card['seconds']:.0f}s"
    )
    for path in result["paths"]:
        echo_artifact(path)
    watched = [art.png for cb in callbacks for art in getattr(cb, "artifacts", [])]
    for path in dict.fromkeys(watched):  # the files over the epochs are rewritten each time
        echo_artifact(path)
    if log_dir is not None and watching:
        click.echo(f"TensorBoard: tensorboard --logdir {log_dir}")


@click.command()
@click.argument("dataset", type=click.Choice(["mnist", "cifar10"]), required=False)
@data_option("Or a grid of 25 of your own images, fitted to --model's input.")
@click.option(
    "--model", "-m", "model_spec", default="cifar10-cnn", show_default=True,
    help="With --data: the model whose input the images are fitted to (a zoo name or .keras file).",
)  # fmt: skip
@seed_option
@gallery_option
def samples(
    dataset: str | None, data: str | None, model_spec: str, seed: int, gallery_dir: str | None
) -> None:
    """A 5x5 grid of DATASET test images with their class names (or of your own, --data).

    Example: interpret samples --data pets/ --model my.keras
    """
    from interpret.inspect.samples import data_grid, sample_grid

    if (dataset is None) == (data is None):
        raise click.UsageError("give DATASET (mnist or cifar10) or --data, one of them")
    if data is not None:
        echo_artifact(data_grid(data, model_spec, seed=seed, gallery=gallery_dir).png)
    else:
        echo_artifact(sample_grid(dataset, seed=seed, gallery=gallery_dir).png)


@click.command()
def models() -> None:
    """List the zoo models with their test accuracy (and PGD accuracy at the training eps)."""
    import json

    from interpret import zoo

    click.echo(
        f"{'name':<20}{'data':<9}{'params':>9}  {'test acc':>8}  {'robust acc':>16}  description"
    )
    for name in zoo.names():
        try:
            card = json.loads(zoo.card_path(name).read_text())
        except OSError:
            card = {}
        acc = f"{card['test_accuracy']:.4f}" if "test_accuracy" in card else "untrained"
        robust = card.get("robust_accuracy")
        l2 = " L2" if robust and robust.get("norm") == "l2" else ""
        rob = f"{robust['value']:.4f} @{robust['eps']:.3g}{l2}" if robust else "-"
        click.echo(
            f"{name:<20}{card.get('dataset', '-'):<9}{card.get('params', 0):>9,}  {acc:>8}  {rob:>16}  "
            f"{card.get('description', '')}"
        )


@click.command()
@model_argument
def layers(model_spec: str) -> None:
    """Each layer of MODEL: name, type, output shape, parameters, filters/units.

    These are the names --layer accepts, and the counts --filter ranges over. Layers
    without filters or units of their own (pooling, Rescaling) show -: theirs are the
    channels they pass on, the last number of the output shape.
    """
    from interpret.core.models import resolve
    from interpret.inspect.summary import layer_table

    handle = resolve(model_spec)
    click.echo(layer_table(handle.probe.layers))
    click.echo(
        f"total parameters: {handle.model.count_params():,}; input range {handle.probe.input_range}"
    )


COMMANDS = [train, samples, models, layers]
