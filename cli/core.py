"""Command line core: the command registry, ``--area`` and ``main`` of ``python -m cli``.

Commands register themselves with ``command``; each prints JSON with ``--json`` (one object on
stdout) and a short human summary otherwise. Errors of the ``GeoError`` family print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from geo import datasets
from geo._errors import GeoError
from geo.area import Area, load_area

_DESCRIPTION = "Command line: ``python -m cli <command>`` for scripts, checks and the radio room."

Handler = Callable[[argparse.Namespace], dict[str, Any]]
_COMMANDS: dict[str, tuple[Handler, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(
    name: str, help_text: str, handler: Handler
) -> Callable[
    [Callable[[argparse.ArgumentParser], None]], Callable[[argparse.ArgumentParser], None]
]:
    """Register a sub-command: decorate the function that adds its arguments.

    Parameters
    ----------
    name
        Sub-command name.
    help_text
        One line for ``--help``.
    handler
        Takes the parsed arguments, returns the result as a JSON-able dict.
    """

    def register(
        add_args: Callable[[argparse.ArgumentParser], None],
    ) -> Callable[[argparse.ArgumentParser], None]:
        _COMMANDS[name] = (handler, add_args, help_text)
        return add_args

    return register


def area_from_arg(spec: str) -> Area:
    """Area for ``--area``: an embedded area name, or a network file over the default area."""
    if spec in datasets.available_areas():
        return load_area(spec)
    path = Path(spec)
    if path.suffix.lower() in {".osm", ".xml", ".pbf", ".graphml"} or path.exists():
        return load_area("metro", network=path)
    known = ", ".join(datasets.available_areas())
    msg = f"--area {spec!r}: bukan wilayah bawaan ({known}) dan bukan berkas jaringan."
    raise GeoError(msg)


def add_area_arg(parser: argparse.ArgumentParser) -> None:
    """Add the common ``--area`` option."""
    parser.add_argument(
        "--area",
        default="metro",
        help="embedded area name, or an .osm/.osm.pbf/.graphml road network file (default: metro)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Argument parser with every registered command."""
    parser = argparse.ArgumentParser(prog="python -m cli", description=_DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, add_args, help_text) in _COMMANDS.items():
        child = sub.add_parser(name, help=help_text)
        add_args(child)
        child.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _print_human(result: dict[str, Any]) -> None:
    for key, value in result.items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        sys.stdout.write(f"{key}: {text}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    handler = _COMMANDS[args.command][0]
    try:
        result = handler(args)
    except GeoError as exc:
        sys.stderr.write(f"galat: {exc}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    else:
        _print_human(result)
    return 0
