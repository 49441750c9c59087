"""The command line loads its subcommands lazily (cli/lazy.py) and still lists them all."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from mm_jupyter.cli.lazy import LazyGroup
from mm_jupyter.cli.main import main

# Every command (names are contracts: scripts, CI and the docs use them).
TOP_LEVEL = {"artifacts", "checkout", "diff", "doctor", "execute", "gc", "info", "init",
             "metrics", "models", "monitor", "pull", "push", "remote", "rerun", "runs",
             "serve", "verify"}
MODELS = {"alias", "approve", "check", "history", "list", "package", "policy", "promote",
          "register", "show"}
RUNS = {"archive", "delete", "list", "move", "note", "rename", "restore", "show", "star",
        "tag"}


def listed(output: str) -> set[str]:
    """The command names a ``--help`` page lists under ``Commands:``."""
    section = output.split("Commands:\n", 1)[1]
    return {line.split()[0] for line in section.splitlines() if line.startswith("  ")
            and not line.startswith("   ")}


@pytest.mark.parametrize(("args", "expected"), [
    ([], TOP_LEVEL), (["models"], MODELS), (["runs"], RUNS),
])
def test_help_lists_the_same_commands_with_their_short_help(args, expected):
    # Given the lazy groups, When asked for help, Then every command is listed with help.
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert listed(result.output) == expected
    for line in result.output.split("Commands:\n", 1)[1].splitlines():
        assert len(line.split()) > 1, f"{line!r} has no short help"


def test_every_listed_command_loads_under_its_own_name():
    def walk(group: click.Group, path: str):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert isinstance(command, click.Command), f"{path} {name}"
            assert command.name == name, f"{path} {name} loads {command.name!r}"
            yield f"{path} {name}"
            if isinstance(command, click.Group):
                yield from walk(command, f"{path} {name}")

    found = list(walk(main, "mm-jupyter"))
    assert {p.split()[1] for p in found} == TOP_LEVEL
    assert {p.split()[2] for p in found if p.startswith("mm-jupyter models ")} == MODELS


def test_an_unknown_command_is_still_a_usage_error():
    result = CliRunner().invoke(main, ["modles"])
    assert result.exit_code == 2 and "No such command 'modles'" in result.output


def test_a_lazy_name_that_is_no_command_is_refused():
    group = LazyGroup(lazy_subcommands={"x": "mm_jupyter.cli.main:COMMANDS"})
    with pytest.raises(TypeError, match="is not a click command"):
        group.get_command(click.Context(group), "x")


def test_models_check_imports_only_its_own_chain():
    # The point of the lazy groups: `models check` loads no other command's services.
    code = (
        "import sys\n"
        "from mm_jupyter.cli.main import main\n"
        "try:\n"
        "    main(['models', 'check', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('mm_jupyter.cli.',"
        " 'mm_jupyter.services.', 'sqlite_utils', 'pandas', 'numpy')))\n"
        "print(' '.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    loaded = set(done.stdout.splitlines()[-1].split())
    assert loaded == {"mm_jupyter.cli.lazy", "mm_jupyter.cli.main", "mm_jupyter.cli.models",
                      "mm_jupyter.cli.model_policies", "mm_jupyter.cli.support",
                      "mm_jupyter.services.models", "mm_jupyter.services.models.policies",
                      "mm_jupyter.services.registry"}
