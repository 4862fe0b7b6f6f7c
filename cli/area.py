"""``python -m cli info|graph``: figures of an area, and its routable graph as GraphML."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import osmnx as ox

from cli.core import add_area_arg, area_from_args, command
from geo.profiles import PROFILES, with_travel_times


def run_info(args: argparse.Namespace) -> dict[str, Any]:
    """Figures of an area and its road graph."""
    area = area_from_args(args)
    report = area.report
    return {
        "area": area.title,
        "network": area.network_name,
        "network_source": area.network_source,
        "network_type": report.network_type or None,
        "covers_area": area.covers_area,
        "crs_metric": area.crs_metric,
        "nodes": area.graph.number_of_nodes(),
        "edges": area.graph.number_of_edges(),
        "road_km": round(area.road_km, 3),
        "components": report.components,
        "component_sizes": list(report.component_sizes[:20]),
        "largest_component_share": round(report.largest_component_share, 4),
        "dropped_components": len(report.dropped_component_sizes),
        "dropped_component_sizes": list(report.dropped_component_sizes[:20]),
        "dropped_nodes": sum(report.dropped_component_sizes),
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
    area = area_from_args(args)
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
