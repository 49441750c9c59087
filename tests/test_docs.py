"""The README documents every %mm verb, magic flag and CLI command."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from mm_jupyter.cli.main import main
from mm_jupyter.magics.extension import MMMagics

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_mm_verb_is_in_the_readme():
    verbs = [n[len("_verb_"):] for n in dir(MMMagics) if n.startswith("_verb_")]
    assert verbs
    for verb in verbs:
        assert f"%mm {verb}" in README, verb


def test_every_mm_track_flag_is_in_the_readme():
    flags = [a.option_strings[0] for a in MMMagics.mm_track.parser._actions if a.option_strings]
    for flag in flags:
        if flag not in ("-h",):
            assert flag in README, flag


def test_every_cli_command_is_in_the_readme_and_has_help():
    def walk(group, prefix):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):  # lazy groups import each command here
            command = group.get_command(ctx, name)
            path = f"{prefix} {name}"
            assert command.help, f"{path} has no help"
            if isinstance(command, click.Group):
                yield from walk(command, path)
            else:
                yield path

    for path in walk(main, "mm-jupyter"):
        assert path in README, path
        assert CliRunner().invoke(main, [*path.split()[1:], "--help"]).exit_code == 0
