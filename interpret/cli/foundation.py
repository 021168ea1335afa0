"""Foundation commands: train, samples, models, layers.

Example:
    $ interpret train mnist-cnn --epochs 2
    $ interpret samples cifar10
    $ interpret models
    $ interpret layers cifar10-cnn
"""

from __future__ import annotations

import click

from interpret.callbacks import watchers
from interpret.cli.common import api_option, echo_artifact, gallery_option, seed_option


@click.command()
@click.argument("model_name", metavar="MODEL")
@click.option("--epochs", type=int, default=None, help="Override the recipe's epoch count.")
@click.option(
    "--limit",
    type=int,
    default=None,
    help="Train on the first N training images only (quick check).",
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
@api_option(watchers, "every", "--watch-every", help="Epochs between watches (and the last).")
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
    model_name: str,
    epochs: int | None,
    limit: int | None,
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
) -> None:
    """Train zoo MODEL on its real data set (INTERPRET_DATA_DIR or keras.datasets).

    Saves the .keras file, a JSON card (test/train accuracy, epochs, seed, data source,
    seconds) and the training-curve plot into the gallery. With --watch, renders of the
    chosen filters after each epoch land in GALLERY/MODEL/watch/ and in TensorBoard
    (tensorboard --logdir GALLERY/MODEL/train/logs).
    """
    from interpret.gallery.store import Gallery
    from interpret.zoo.train import first_test_images, train_model

    watching = bool(watch) or attack_eps is not None or explain_method is not None
    if watching and log_dir is None:
        log_dir = str(Gallery(gallery_dir).root / model_name / "train" / "logs")
    callbacks = watchers(
        watch,
        attack_eps=attack_eps,
        attack_data=first_test_images(model_name) if attack_eps is not None else None,
        explain_method=explain_method,
        explain_data=first_test_images(model_name, 4) if explain_method is not None else None,
        every=every,
        steps=steps,
        gallery=gallery_dir,
        log_dir=log_dir,
        name=model_name,
        seed=seed,
    )
    result = train_model(
        model_name,
        epochs=epochs,
        seed=seed,
        limit=limit,
        out=out_path,
        install=install,
        gallery=gallery_dir,
        callbacks=callbacks,
    )
    card = result["card"]
    click.echo(
        f"{model_name}: test accuracy {card['test_accuracy']:.4f}, train accuracy {card['train_accuracy']:.4f}, "
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
@click.argument("dataset", type=click.Choice(["mnist", "cifar10"]))
@seed_option
@gallery_option
def samples(dataset: str, seed: int, gallery_dir: str | None) -> None:
    """A 5x5 grid of DATASET test images with their class names."""
    from interpret.inspect.samples import sample_grid

    echo_artifact(sample_grid(dataset, seed=seed, gallery=gallery_dir).png)


@click.command()
def models() -> None:
    """List the zoo models with their test accuracy."""
    import json

    from interpret import zoo

    click.echo(f"{'name':<14}{'data':<9}{'params':>9}  {'test acc':>8}  description")
    for name in zoo.names():
        try:
            card = json.loads(zoo.card_path(name).read_text())
        except OSError:
            card = {}
        acc = f"{card['test_accuracy']:.4f}" if "test_accuracy" in card else "untrained"
        click.echo(
            f"{name:<14}{card.get('dataset', '-'):<9}{card.get('params', 0):>9,}  {acc:>8}  {card.get('description', '')}"
        )


@click.command()
@click.argument("model_spec", metavar="MODEL", default="cifar10-cnn")
def layers(model_spec: str) -> None:
    """Each layer of MODEL: name, type, output shape, parameters, filters/units.

    These are the names --layer accepts, and the counts --filter ranges over.
    """
    from interpret.core.models import resolve
    from interpret.inspect.summary import layer_table

    handle = resolve(model_spec)
    click.echo(layer_table(handle.probe.layers))
    click.echo(
        f"total parameters: {handle.model.count_params():,}; input range {handle.probe.input_range}"
    )


COMMANDS = [train, samples, models, layers]
