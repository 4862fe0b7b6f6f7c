"""Command line: ``python -m geo <command>`` for scripts, checks and the radio room.

Each command prints JSON with ``--json`` (one object on stdout) and a short human summary
otherwise. Errors of the ``GeoError`` family print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import osmnx as ox

from geo import datasets
from geo._errors import GeoError
from geo.area import Area, load_area
from geo.profiles import PROFILES, with_travel_times

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


def run_info(args: argparse.Namespace) -> dict[str, Any]:
    """Figures of an area and its road graph."""
    area = area_from_arg(args.area)
    report = area.report
    return {
        "area": area.title,
        "network_source": area.network_source,
        "nodes": area.graph.number_of_nodes(),
        "edges": area.graph.number_of_edges(),
        "road_km": round(area.road_km, 3),
        "components": report.components,
        "component_sizes": list(report.component_sizes[:20]),
        "largest_component_share": round(report.largest_component_share, 4),
        "snapped_ends": report.snapped_ends,
        "dead_ends": report.dead_ends,
        "boundaries": {
            "kota": len(area.kota),
            "kecamatan": len(area.kecamatan),
            "kelurahan": len(area.kelurahan),
        },
        "places": {k: int(v) for k, v in area.places["category"].value_counts().items()},
        "attribution": list(area.attribution),
    }


@command("info", "figures of the area and its road graph", run_info)
def _info_args(parser: argparse.ArgumentParser) -> None:
    add_area_arg(parser)


def run_graph(args: argparse.Namespace) -> dict[str, Any]:
    """Write the routable graph of a profile (``length``, ``speed_kph``, ``travel_time``)."""
    area = area_from_arg(args.area)
    timed = with_travel_times(area.graph, args.profile)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ox.io.save_graphml(timed, out)
    return {
        "out": str(out),
        "profile": args.profile,
        "nodes": timed.number_of_nodes(),
        "edges": timed.number_of_edges(),
    }


@command("graph", "write the routable road graph as GraphML", run_graph)
def _graph_args(parser: argparse.ArgumentParser) -> None:
    add_area_arg(parser)
    parser.add_argument("--profile", default="car", choices=sorted(PROFILES))
    parser.add_argument("--out", required=True, help="output .graphml file")


def build_parser() -> argparse.ArgumentParser:
    """Argument parser with every registered command."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.splitlines()[0])
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
