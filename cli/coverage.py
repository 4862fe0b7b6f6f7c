"""Command line for coverage and unit positions: ``python -m cli coverage|positions``.

``coverage`` prints, per cutoff, the road share, venues and TPS covered and per-kecamatan
shares of an operation, with the posts used (graph node ids, profile, readiness), so that the
figures can be recomputed from the graph ``python -m cli graph`` writes. ``positions`` ingests a
radio-room or tracker export of unit positions into the operation's store, row by row.

The operation comes from the store (``plan``) or an exported operation file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.core import add_area_arg, area_from_arg, area_from_args, command
from cli.users import acting_store, add_user_arg, open_store
from geo import coverage as cv
from geo._errors import GeoError
from geo.imports import read_positions
from geo.network import CompiledNetwork, compile_network
from geo.snap import require_operation_on_network
from plan import operation as op
from plan.store import Store


def add_store_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--db``, ``--operation`` and ``--user``."""
    parser.add_argument(
        "--db",
        default=None,
        help="operation store file (default: $PETA_DB, else the user data folder)",
    )
    parser.add_argument(
        "--operation",
        default=None,
        help="operation name in the store, or an exported operation JSON file "
        "(default: the default operation, created on first use)",
    )
    add_user_arg(parser)


def _store(args: argparse.Namespace) -> Store:
    return acting_store(args, open_store(args.db))


def operation_from_args(
    args: argparse.Namespace, area: Any, *, allow_file: bool = True
) -> tuple[Store | None, op.OperationData]:
    """Store and OperationData for ``--operation`` (name, file) or the default operation.

    The store is ``None`` when the operation comes from an exported file.
    """
    spec = args.operation
    if allow_file and spec and Path(spec).is_file():
        return None, op.operation_from_file(spec)
    store = _store(args)
    if spec:
        current = op.get_operation(store, spec)
    else:
        current = op.ensure_default_operation(store, area.places)
    return store, op.load_operation(store, current.id)


def _networks(area: Any, profiles: set[str]) -> dict[str, CompiledNetwork]:
    return {p: compile_network(area.graph, p) for p in sorted(profiles | {"car"})}


def _source_json(s: cv.Source) -> dict[str, Any]:
    return {
        "key": s.key,
        "name": s.name,
        "kind": s.kind,
        "node": s.node,
        "profile": s.profile,
        "readiness_s": s.readiness_s,
        "lon": round(s.lon, 7),
        "lat": round(s.lat, 7),
    }


#: Longest cutoff asked for (a day; reach beyond it means nothing for a response time).
MAX_MINUTES = 24 * 60


def run_coverage(args: argparse.Namespace) -> dict[str, Any]:
    """Coverage figures of an operation per cutoff."""
    minutes = [float(m) for m in args.minutes]
    if not minutes or any(not (0 < m <= MAX_MINUTES) for m in minutes):  # NaN fails too
        msg = f"--minutes: isi satu atau lebih batas waktu (menit) > 0 dan <= {MAX_MINUTES}."
        raise GeoError(msg)
    minutes = sorted(set(minutes))
    area = area_from_args(args)
    store, data = operation_from_args(args, area)
    posts = op.posts_frame(data)
    # posts or venues beyond the snap limit: the loaded network is not this operation's
    require_operation_on_network(area, posts, op.targets_frame(data))
    frames = [posts]
    units_used: list[cv.Source] = []
    if args.with_units and store is not None:
        stale_s = float(data.operation.settings.get("stale_after_min", op.DEFAULT_SETTINGS["stale_after_min"])) * 60
        latest = op.latest_positions(store, data.operation.id, stale_after_s=stale_s)
        frames.append(op.units_frame(latest))
    post_sources = cv.sources_from_frame(area, posts)
    if len(frames) > 1:
        units_used = cv.sources_from_frame(area, frames[1])
    sources = [*post_sources, *units_used]
    if not sources:
        msg = f"Operasi {data.operation.name!r} tidak punya pos."
        raise GeoError(msg)
    networks = _networks(area, {s.profile for s in sources})
    roads = cv.road_index(area, networks["car"])
    targets = cv.locate_targets(area, roads, op.targets_frame(data))
    reach = cv.compute_reach(networks, sources)
    figures = cv.coverage_figures(reach, roads, targets, [m * 60 for m in minutes])
    per_cutoff = []
    for fig in figures:
        uncovered = cv.gaps(reach, roads, targets, fig.cutoff_min * 60)
        per_cutoff.append(
            {
                "minutes": fig.cutoff_min,
                "road_share": round(fig.road_share, 6),
                "road_share_whole_edges": round(fig.road_share_whole_edges, 6),
                "road_km_covered": round(fig.road_km_covered, 3),
                "road_km_total": round(fig.road_km_total, 3),
                "venues_covered": fig.venues_covered,
                "venues_total": fig.venues_total,
                "tps_covered": fig.tps_covered,
                "tps_total": fig.tps_total,
                "venues_by_risk": {k: list(v) for k, v in fig.venues_by_risk.items()},
                "tps_by_risk": {k: list(v) for k, v in fig.tps_by_risk.items()},
                "kecamatan": {
                    r.nama: round(r.road_share, 6) for r in fig.kecamatan.itertuples(index=False)
                },
                "kelurahan": {
                    r.nama: round(r.road_share, 6) for r in fig.kelurahan.itertuples(index=False)
                },
                "uncovered": [
                    {
                        "name": r.name,
                        "kind": r.kind,
                        "risk": r.risk,
                        "nearest": r.nearest or None,
                        "time_min": round(r.time_min, 2) if r.time_s != float("inf") else None,
                    }
                    for r in uncovered.itertuples(index=False)
                ],
            }
        )
    return {
        "operation": data.operation.name,
        "area": area.title,
        "network": area.network_name,
        "network_source": area.network_source,
        "graph": {"nodes": area.graph.number_of_nodes(), "edges": area.graph.number_of_edges()},
        "weight": "travel_time",
        "road_share_definition": cv.ROAD_SHARE_DEFINITION,
        "cutoffs": per_cutoff,
        "posts": [_source_json(s) for s in post_sources],
        "units": [_source_json(s) for s in units_used],
    }


@command("coverage", "coverage of an operation's posts per cutoff (minutes)", run_coverage)
def _coverage_args(parser: argparse.ArgumentParser) -> None:
    add_area_arg(parser)
    add_store_args(parser)
    parser.add_argument(
        "--minutes",
        nargs="+",
        type=float,
        default=list(cv.DEFAULT_CUTOFFS_MIN),
        help="cutoffs in minutes (default: 5 10 15)",
    )
    parser.add_argument(
        "--with-units",
        action="store_true",
        help="also start from the units' latest available, not stale, positions",
    )


def run_positions(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest a unit-position file (CSV or GeoJSON) into an operation."""
    area = area_from_arg(args.area)
    result = read_positions(area, Path(args.file))
    store, data = operation_from_args(args, area, allow_file=False)
    saved, new_units = 0, []
    if not result.valid.empty:
        saved, new_units = op.record_positions(
            store, data.operation.id, result.valid, source=args.source
        )
    return {
        "file": str(args.file),
        "operation": data.operation.name,
        "accepted": saved,
        "rejected": [
            {"baris": int(r.baris), "id": r.id, "alasan": r.alasan}
            for r in result.rejected.itertuples(index=False)
        ],
        "new_units": new_units,
        "notes": list(result.notes),
    }


@command("positions", "ingest unit positions (CSV/GeoJSON) into an operation", run_positions)
def _positions_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="CSV or GeoJSON: unit id, time, lon/lat, status")
    add_area_arg(parser)
    add_store_args(parser)
    parser.add_argument("--source", default="cli", help="label stored with the positions")
