"""Shared CLI helpers: options named and defaulted like the API, and how a person spelled them."""

from __future__ import annotations

import dataclasses

import click
from click.testing import CliRunner

from interpret.cli.common import api_option, echo_artifact, settings_options, spellings


def api(model, *, octave_scale: float = 1.4, steps: int = 20, layers: str | None = None):
    """An API function whose signature the options read."""


@click.command()
@api_option(api, "octave_scale", help="Ratio.")
@api_option(api, "steps", "-s", help="Steps.")
@api_option(api, "layers", metavar="SPEC", help="Layers.")
def command(**options):
    click.echo(repr(sorted(options.items())))


def test_api_options_take_name_default_and_type_from_the_signature():
    out = CliRunner().invoke(command, [])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == repr([("layers", None), ("octave_scale", 1.4), ("steps", 20)])
    out = CliRunner().invoke(command, ["--octave-scale", "2", "-s", "3", "--layers", "c1"])
    assert out.output.strip() == repr([("layers", "c1"), ("octave_scale", 2.0), ("steps", 3)])
    bad = CliRunner().invoke(command, ["--steps", "x"])
    assert bad.exit_code == 2 and "is not a valid integer" in bad.output
    assert "[default: 20]" in CliRunner().invoke(command, ["--help"]).output


@dataclasses.dataclass
class Settings:
    steps: int = dataclasses.field(default=8, metadata={"help": "How many."})
    param: str = dataclasses.field(default="pixel", metadata={"choices": ("pixel", "fourier")})
    leak: bool = dataclasses.field(default=True, metadata={"help": "Leak."})
    hidden: float = 0.5


@click.command()
@settings_options(Settings, skip=("hidden",))
def configured(**settings):
    click.echo(repr(sorted(settings.items())))


def test_settings_options_follow_the_dataclass():
    assert [p.name for p in configured.params] == ["steps", "param", "leak"]
    out = CliRunner().invoke(configured, ["--param", "fourier", "--no-leak", "--steps", "2"])
    assert out.output.strip() == repr([("leak", False), ("param", "fourier"), ("steps", 2)])
    bad = CliRunner().invoke(configured, ["--param", "dct"])
    assert bad.exit_code == 2 and "'dct' is not one of 'pixel', 'fourier'" in bad.output


def test_spellings_map_parameters_to_what_the_person_typed():
    assert spellings(command) == {
        "octave_scale": "--octave-scale",
        "steps": "--steps",
        "layers": "--layers",
    }
    assert spellings(configured)["leak"] == "--leak"


def test_echo_artifact(capsys):
    echo_artifact("g/m/x.png")
    assert capsys.readouterr().out == "wrote g/m/x.png\n"
