"""Command line core: the command registry, ``--area`` and ``main`` of ``python -m cli``.

Commands register themselves with ``command``; each prints JSON with ``--json`` (one object on
stdout) and a short human summary otherwise. Errors of the ``GeoError`` family print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from geo import datasets
from geo._errors import GeoError
from geo.area import Area, load_area
from geo.osm import DEFAULT_NETWORK_TYPE, NETWORK_SUFFIXES, NETWORK_TYPES

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


def area_from_arg(spec: str, network_type: str = DEFAULT_NETWORK_TYPE) -> Area:
    """Area for ``--area``: an embedded area name, or a network file over the default area.

    ``network_type`` is the osmnx network type an OSM file's ways are filtered by.
    """
    if spec in datasets.available_areas():
        return load_area(spec)
    path = Path(spec)
    if path.name.lower().endswith(NETWORK_SUFFIXES) or path.exists():
        return load_area("metro", network=path, network_type=network_type)
    known = ", ".join(datasets.available_areas())
    msg = f"--area {spec!r}: bukan wilayah bawaan ({known}) dan bukan berkas jaringan."
    raise GeoError(msg)


def add_area_arg(parser: argparse.ArgumentParser) -> None:
    """Add the common ``--area`` and ``--network-type`` options."""
    parser.add_argument(
        "--area",
        default="metro",
        help="embedded area name, or an .osm/.osm.bz2/.osm.gz/.osm.pbf/.graphml road network "
        "file (default: metro)",
    )
    parser.add_argument(
        "--network-type",
        default=None,
        choices=NETWORK_TYPES,
        help="osmnx network type an OSM file is filtered by (default: drive; walk for the "
        "foot profile)",
    )


def area_from_args(args: argparse.Namespace) -> Area:
    """Area for a command's ``--area`` and ``--network-type`` (walk when ``--profile foot``)."""
    network_type = getattr(args, "network_type", None)
    if network_type is None:
        network_type = "walk" if getattr(args, "profile", None) == "foot" else DEFAULT_NETWORK_TYPE
    return area_from_arg(args.area, network_type)


#: argparse takes "-5.11,105.30" for an option; a coordinate pair is a value.
_NEGATIVE_VALUE = re.compile(r"^-\d+$|^-\d*\.\d+$|^-\d*\.?\d+\s*[,;]\s*-?\d*\.?\d+$")


def _coordinates_are_values(parser: argparse.ArgumentParser) -> None:
    parser._negative_number_matcher = _NEGATIVE_VALUE


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one ``galat:`` line with exit status 2, as all errors."""

    def error(self, message: str) -> NoReturn:
        """Print one line and exit 2 (argparse prints its usage over several lines)."""
        self.exit(2, f"galat: {self.prog}: argumen tidak sah: {message} (lihat --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """Argument parser with every registered command."""
    parser = _Parser(prog="python -m cli", description=_DESCRIPTION)
    _coordinates_are_values(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, add_args, help_text) in _COMMANDS.items():
        child = sub.add_parser(name, help=help_text)
        _coordinates_are_values(child)
        add_args(child)
        child.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _print_human(result: dict[str, Any]) -> None:
    for key, value in result.items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        sys.stdout.write(f"{key}: {text}\n")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    handler = _COMMANDS[args.command][0]
    try:
        result = handler(args)
    except GeoError as exc:
        sys.stderr.write(f"galat: {_one_line(exc)}\n")
        return 2
    except sqlite3.Error as exc:  # --db on something that is not a store
        sys.stderr.write(f"galat: berkas operasi tidak dapat dibuka sebagai basis data: {exc}\n")
        return 2
    except OSError as exc:  # an output path on a folder, a full disk, no permission
        where = f" ({exc.filename})" if exc.filename else ""
        sys.stderr.write(f"galat: berkas tidak dapat ditulis/dibaca{where}: {exc.strerror or exc}\n")
        return 2
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    else:
        _print_human(result)
    return 0
