"""``interpret report``: open a whole model up in one command, then build the gallery index.

Example:
    $ interpret report
    $ interpret report --model mnist-cnn --quick
"""

from __future__ import annotations

import click

from interpret.cli.common import data_option, gallery_option, model_option, seed_option

SECTION_NAMES = (
    "summary,training,samples,kernels,featuremaps,maximize,classes,fooling,attack,explain,"
    "dream,diversity,inversion,maco,trust,twin,index"
)


@click.command()
@model_option
@click.option(
    "--sections",
    default=None,
    metavar="LIST",
    help=f"Comma-separated subset of: {SECTION_NAMES}.  [default: all]",
)
@click.option("--quick", is_flag=True, help="A few optimisation steps per technique (a preview).")
@data_option(
    "Samples, feature maps, dataset examples, attribution maps, trust, inversion and the attack "
    "use these."
)
@seed_option
@gallery_option
def report(
    model: str,
    sections: str | None,
    quick: bool,
    data: str | None,
    seed: int,
    gallery_dir: str | None,
) -> None:
    """Open MODEL up: summary, training curves, samples, kernels, feature maps, every
    filter and class maximized (with dataset examples), fooling images, an attack
    robustness curve and a DeepDream; then build index.html. Works offline on the
    shipped weights. Prints the time each section took.
    """
    from interpret.model_report import report as run

    chosen = [s.strip() for s in sections.split(",") if s.strip()] if sections else None

    def announce(section) -> None:
        what = (
            f"skipped ({section.skipped})" if section.skipped else f"{len(section.artifacts)} files"
        )
        click.echo(f"{section.name}: {what} in {section.seconds:.1f}s", err=True)

    out = run(
        model,
        gallery=gallery_dir,
        sections=chosen,
        quick=quick,
        seed=seed,
        data=data,
        progress=True,
        on_section=announce,
    )
    click.echo(out.table())
    if out.index is not None:
        click.echo(f"open {out.index}")


COMMANDS = [report]
