"""One way to read the arguments of every ``%mm`` verb: ``argparse`` that never exits.

Each ``_verb_<name>`` method of ``MMMagics`` declares its arguments with ``@verb``;
the method then receives the parsed ``argparse.Namespace`` instead of the raw words.
A bad argument is a ``UsageError`` that names the verb, the problem and the verb's
usage (argparse would print to stderr and exit the kernel); ``-h``/``--help`` prints
the verb's help and returns ``None``.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from IPython.core.error import UsageError

SelfT = TypeVar("SelfT")
ResultT = TypeVar("ResultT")
# The flags and keyword options of one ``ArgumentParser.add_argument`` call.
Argument = tuple[tuple[str, ...], dict[str, Any]]


class HelpShown(Exception):
    """Raised instead of ``SystemExit`` once a verb's ``--help`` is printed."""


class VerbParser(argparse.ArgumentParser):
    """The parser of one ``%mm`` verb: errors are ``UsageError``, help ends the parse."""

    def __init__(self, verb: str, usage: str, description: str | None = None) -> None:
        super().__init__(
            prog=f"%mm {verb}",
            usage=f"%(prog)s {usage}".rstrip(),
            description=description,
            add_help=False,
        )
        self.verb = verb
        self.add_argument("-h", "--help", action="help", help="show this help")

    def error(self, message: str) -> NoReturn:
        """Raise ``UsageError`` naming the verb, the problem and the usage."""
        raise UsageError(f"%mm {self.verb}: {message}\n{self.format_usage().rstrip()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """Stop the parse without ``SystemExit`` (only ``--help`` gets here)."""
        raise HelpShown

    def parse(self, words: list[str]) -> argparse.Namespace | None:
        """Return the parsed ``words``, or ``None`` when they asked for help."""
        try:
            return self.parse_args(words)
        except HelpShown:
            return None


def arg(*flags: str, **options: Any) -> Argument:
    """Declare one argument of a verb, as ``ArgumentParser.add_argument`` takes it."""
    return flags, options


def verb(
    name: str, usage: str, *arguments: Argument, description: str | None = None
) -> Callable[
    [Callable[[SelfT, argparse.Namespace], ResultT]],
    Callable[[SelfT, list[str]], ResultT | None],
]:
    """Make a ``_verb_<name>(self, args)`` method take the verb's words instead.

    The parser is built once, when the class is defined (at ``%load_ext``).
    """
    parser = VerbParser(name, usage, description)
    for flags, options in arguments:
        parser.add_argument(*flags, **options)

    def decorate(
        method: Callable[[SelfT, argparse.Namespace], ResultT],
    ) -> Callable[[SelfT, list[str]], ResultT | None]:
        @functools.wraps(method)
        def parse_then_run(self: SelfT, words: list[str]) -> ResultT | None:
            args = parser.parse(words)
            return None if args is None else method(self, args)

        return parse_then_run

    return decorate


# -- typed values (argparse reports "argument -n/--limit: <message>") --------------


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """Return an argparse ``type`` accepting a whole number in ``low..high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expects a number {low}..{high}, got {text!r}"
            )
        return value

    return parse


def non_empty(text: str) -> str:
    """Accept a name that is not empty or only spaces (an argparse ``type``)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expects a name, got {text!r}")
    return text


def key_value(text: str) -> tuple[str, str]:
    """Accept ``KEY=VALUE`` with a non-blank key (an argparse ``type``).

    The key loses surrounding spaces, the value keeps everything after the first
    ``=`` (as ``%%mm_track --tag`` reads it).
    """
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expects KEY=VALUE, got {text!r}")
    return key.strip(), value
