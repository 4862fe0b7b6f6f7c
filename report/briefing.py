"""What a briefing shows, computed once: coverage, escorts with their sheets, patrols, personnel, gaps.

Both the printed pack (``report.pack``) and the projector page read a :class:`Briefing`. The
figures come from the coverage and routing modules (``geo.coverage``, ``geo.routing``,
``geo.route_sheet``): nothing is measured on polygons here.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from geo import coverage as cov
from geo import staffing
from geo._errors import GeoError
from geo.area import Area
from geo.network import CompiledNetwork, compile_network
from geo.patrol import patrol_loop
from geo.route_sheet import route_sheet
from geo.routing import RoutePlan, parse_time, plan_route
from geo.staffing import Strength, TpsStaffing, parse_pattern, strength
from plan.operation import OperationData, posts_frame, targets_frame
from plan.routes import request_closures, request_waypoints
from report.schedule import SavedRoute, Schedule

#: Default escort when the operation has none saved: Polres Metro to the KPU office.
DEFAULT_ESCORT: tuple[str, str] = ("Kantor Polisi Resor Metro", "KPU Kota Metro")

#: Cutoff (minutes) that decides what counts as a gap in the briefing.
GAP_CUTOFF_MIN = 10.0

NetworkFor = Callable[[str], CompiledNetwork]


@dataclass(frozen=True)
class EscortBriefing:
    """One escort route for the briefing.

    Attributes
    ----------
    name
        Plan name.
    profile
        Travel profile.
    depart
        Departure (None: ETAs are offsets from departure).
    origin, destination
        Waypoint names.
    routes
        Main route first, then the alternatives (EPSG:4326 lines).
    figures
        One row per route: ``route``, ``length_km``, ``time_min``, ``shared``.
    sheet
        The main route's sheet as ``geo.route_sheet.RouteSheet.to_dict()`` (empty when the
        saved plan carries none and it cannot be recomputed).
    saved
        False when the briefing planned it (no escort saved in the operation).
    """

    name: str
    profile: str
    depart: datetime | None
    origin: str
    destination: str
    routes: tuple[LineString, ...]
    figures: pd.DataFrame
    sheet: dict[str, Any] = field(default_factory=dict)
    saved: bool = True


@dataclass(frozen=True)
class CoverageBriefing:
    """Coverage of the operation's posts.

    Attributes
    ----------
    cutoffs_min
        Cutoffs used, minutes.
    figures
        ``geo.coverage.CoverageFigures`` per cutoff.
    bands
        Roads with their time band (``geo.coverage.road_bands``).
    targets
        Every venue and TPS with its time and nearest post (at ``gap_cutoff_min``).
    gaps
        The uncovered targets at ``gap_cutoff_min``.
    gap_cutoff_min
        Minutes.
    """

    cutoffs_min: tuple[float, ...]
    figures: tuple[cov.CoverageFigures, ...]
    bands: gpd.GeoDataFrame
    targets: pd.DataFrame
    gaps: pd.DataFrame
    gap_cutoff_min: float


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows about one operation."""

    area: Area
    schedule: Schedule
    coverage: CoverageBriefing | None
    escorts: tuple[EscortBriefing, ...]
    patrols: tuple[PatrolBriefing, ...]
    personnel: pd.DataFrame
    strength: Strength
    notes: tuple[str, ...] = ()
    tps: TpsStaffing | None = None

    @property
    def data(self) -> OperationData:
        """The operation's saved data."""
        return self.schedule.data


def default_networks(area: Area) -> NetworkFor:
    """A per-profile compiled-network getter with its own small cache."""
    cache: dict[str, CompiledNetwork] = {}

    def get(profile: str) -> CompiledNetwork:
        if profile not in cache:
            cache[profile] = compile_network(area.graph, profile)
        return cache[profile]

    return get


def coverage_briefing(
    area: Area,
    data: OperationData,
    networks: NetworkFor,
    *,
    cutoffs_min: Sequence[float] = cov.DEFAULT_CUTOFFS_MIN,
    gap_cutoff_min: float = GAP_CUTOFF_MIN,
) -> CoverageBriefing | None:
    """Coverage of the operation's posts (None when it has no post).

    Parameters
    ----------
    area
        The area.
    data
        The operation.
    networks
        Compiled network per profile name.
    cutoffs_min
        Cutoffs, minutes.
    gap_cutoff_min
        Cutoff for the gap list.

    Returns
    -------
    CoverageBriefing or None
    """
    posts = posts_frame(data)
    if posts.empty:
        return None
    sources = cov.sources_from_frame(area, posts)
    nets = {p: networks(p) for p in {s.profile for s in sources}}
    cutoffs = tuple(sorted({float(c) for c in cutoffs_min} | {float(gap_cutoff_min)}))
    horizon = max(cutoffs) * 60.0
    reach = cov.compute_reach(nets, sources, horizon_s=horizon)
    roads = cov.road_index(area, next(iter(nets.values())))
    targets = cov.locate_targets(area, roads, targets_frame(data))
    figures = cov.coverage_figures(reach, roads, targets, [c * 60 for c in cutoffs])
    bands = cov.road_bands(reach, roads, [c * 60 for c in sorted(cutoffs_min)])
    table = cov.target_table(reach, roads, targets, gap_cutoff_min * 60)
    return CoverageBriefing(
        cutoffs_min=cutoffs,
        figures=tuple(figures),
        bands=bands,
        targets=table,
        gaps=table[~table["covered"]].reset_index(drop=True),
        gap_cutoff_min=float(gap_cutoff_min),
    )


def _route_figures(routes: Sequence[tuple[float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "route": i,
                "length_km": length / 1000,
                "time_min": time / 60,
                "shared": shared,
            }
            for i, (length, time, shared) in enumerate(routes)
        ],
        columns=["route", "length_km", "time_min", "shared"],
    )


def _depart(text: str | None, schedule: Schedule) -> datetime | None:
    if not text:
        return None
    try:
        return parse_time(text, day=schedule.day)
    except GeoError:
        return None


def planned_escort(
    area: Area,
    networks: NetworkFor,
    waypoints: Sequence[str | tuple[float, float]],
    *,
    name: str,
    profile: str = "convoy",
    depart: datetime | None = None,
    alternatives: int = 2,
    saved: bool = False,
) -> EscortBriefing:
    """Plan an escort with ``geo.routing.plan_route`` and build its sheet.

    Raises
    ------
    GeoError
        Unknown place, off the network, or no route.
    """
    net = networks(profile)
    plan = plan_route(area, net, waypoints, depart=depart, alternatives=alternatives)
    return _escort_from_plan(
        area, net, plan, name=name, profile=profile, depart=depart, saved=saved
    )


def _escort_from_plan(
    area: Area,
    net: CompiledNetwork,
    plan: RoutePlan,
    *,
    name: str,
    profile: str,
    depart: datetime | None,
    saved: bool,
) -> EscortBriefing:
    """The briefing of a planned escort: its routes, their figures and the main route's sheet."""
    sheet = route_sheet(area, net, plan.main, depart=depart, closed=plan.closed,
                        waypoints=plan.waypoints)  # fmt: skip
    return EscortBriefing(
        name=name,
        profile=profile,
        depart=depart,
        origin=plan.waypoints[0].label,
        destination=plan.waypoints[-1].label,
        routes=tuple(r.geometry for r in plan.routes),
        figures=_route_figures(
            [(r.length_m, r.travel_time_s, r.shared_with_main) for r in plan.routes]
        ),
        sheet=sheet.to_dict(),
        saved=saved,
    )


def saved_escort(
    area: Area, networks: NetworkFor, route: SavedRoute, schedule: Schedule
) -> EscortBriefing:
    """A saved escort, planned again from its request on the current network (with its sheet).

    When the request can no longer be planned (a place removed, a closure now blocking), the
    stored routes are shown without a sheet.
    """
    depart = _depart(route.depart, schedule)
    waypoints = request_waypoints(route.request)
    alternatives = int(route.request.get("alternatives", len(route.alternatives)) or 0)
    if len(waypoints) >= 2:
        try:
            net = networks(route.profile)
            plan = plan_route(
                area, net, waypoints, closures=request_closures(route.request), depart=depart,
                alternatives=alternatives,
            )  # fmt: skip
        except GeoError:
            plan = None
        if plan is not None:
            return _escort_from_plan(
                area, net, plan, name=route.name, profile=route.profile, depart=depart, saved=True
            )
    lines = tuple(g for g in (route.geometry, *route.alternatives) if g is not None)
    alts = route.result.get("alternatives") or []
    rows = [(route.length_m, route.travel_time_s, 1.0)] + [
        (
            float(a.get("length_m", math.nan)),
            float(a.get("travel_time_s", math.nan)),
            float(a.get("shared_with_main", math.nan)),
        )
        for a in alts
        if isinstance(a, dict)
    ]
    labels = [str(w.get("label", "")) for w in route.request.get("waypoints", [])]
    return EscortBriefing(
        name=route.name,
        profile=route.profile,
        depart=depart,
        origin=labels[0] if labels else "",
        destination=labels[-1] if labels else "",
        routes=lines,
        figures=_route_figures(rows[: len(lines)]),
        sheet={},
        saved=True,
    )


@dataclass(frozen=True)
class PatrolBriefing:
    """A patrol route for the briefing.

    Attributes
    ----------
    name
        Plan name.
    depart
        Departure text, if any.
    line
        The route (EPSG:4326).
    length_m, duration_s
        Length and duration (driving plus time at stops).
    stops
        Post first, then the stops in visiting order.
    saved
        False for the suggested loop drawn when the operation has no saved patrol.
    """

    name: str
    depart: str | None
    line: LineString
    length_m: float
    duration_s: float
    stops: tuple[str, ...] = ()
    saved: bool = True


def _line_of_nodes(area: Area, nodes: Sequence[int]) -> LineString | None:
    """A route's line from its graph node ids (edge geometries, shortest parallel edge)."""
    graph = area.graph
    coords: list[tuple[float, float]] = []
    for u, v in itertools.pairwise(nodes):
        data = graph.get_edge_data(u, v) or graph.get_edge_data(v, u)
        if not data:
            return None
        edge = min(data.values(), key=lambda d: d.get("length", 0.0))
        geom = edge.get("geometry")
        part = list(geom.coords) if geom is not None else [
            (graph.nodes[u]["x"], graph.nodes[u]["y"]), (graph.nodes[v]["x"], graph.nodes[v]["y"])
        ]  # fmt: skip
        start = coords[-1] if coords else (graph.nodes[u]["x"], graph.nodes[u]["y"])
        if part and part[0] != start and part[-1] == start:
            part = part[::-1]
        coords.extend(part if not coords else part[1:])
    return LineString(coords) if len(coords) >= 2 else None


def saved_patrol(area: Area, route: SavedRoute) -> PatrolBriefing | None:
    """A saved patrol plan with its line (from the stored geometry, else from its nodes)."""
    line = route.geometry
    main = route.result.get("main") if isinstance(route.result.get("main"), dict) else route.result
    if line is None and isinstance(main.get("nodes"), list) and len(main["nodes"]) >= 2:
        line = _line_of_nodes(area, [int(n) for n in main["nodes"]])
    if line is None:
        return None
    duration = main.get("duration_s") or main.get("travel_time_s")
    stops = main.get("stops") if isinstance(main.get("stops"), list) else []
    return PatrolBriefing(
        name=route.name,
        depart=route.depart,
        line=line,
        length_m=float(main.get("length_m") or line.length),
        duration_s=float(duration) if duration is not None else math.nan,
        stops=tuple(str(s) for s in stops),
        saved=True,
    )


def suggested_patrol(
    area: Area, networks: NetworkFor, data: OperationData, *, profile: str = "car"
) -> PatrolBriefing | None:
    """A loop from Polres Metro through the operation's venues (``geo.patrol.patrol_loop``).

    Shown, marked as a suggestion, when the operation has no saved patrol.
    """
    hq = [p for p in data.posts if p.kind == "polres"]
    if not hq or not data.venues:
        return None
    post = (hq[0].lon, hq[0].lat)
    stops: list[str | tuple[float, float]] = [(v.lon, v.lat) for v in data.venues]
    try:
        loop = patrol_loop(area, networks(profile), post, stops)
    except GeoError:
        return None
    names = {(round(v.lon, 6), round(v.lat, 6)): v.name for v in data.venues}
    labels = [hq[0].name] + [
        names.get((round(w.lon, 6), round(w.lat, 6)), w.label) for w in loop.stops[1:]
    ]
    return PatrolBriefing(
        name=f"{hq[0].name}: {len(data.venues)} lokasi",
        depart=None,
        line=loop.route.geometry,
        length_m=loop.route.length_m,
        duration_s=loop.duration_s,
        stops=tuple(labels),
        saved=False,
    )


def personnel_table(data: OperationData) -> pd.DataFrame:
    """Personnel per post, with the units attached to it.

    Returns
    -------
    pandas.DataFrame
        ``post``, ``kind``, ``personnel``, ``units``, ``unit_personnel``, ``profile``,
        ``readiness_min``, one row per post.
    """
    units_by_post: dict[int, list[Any]] = {}
    for unit in data.units:
        if unit.post_id is not None:
            units_by_post.setdefault(unit.post_id, []).append(unit)
    rows = [
        {
            "post": p.name,
            "kind": p.kind,
            "personnel": int(p.personnel),
            "units": len(units_by_post.get(p.id, [])),
            "unit_personnel": int(sum(u.personnel for u in units_by_post.get(p.id, []))),
            "profile": p.profile,
            "readiness_min": float(p.readiness_min),
        }
        for p in data.posts
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "post",
            "kind",
            "personnel",
            "units",
            "unit_personnel",
            "profile",
            "readiness_min",
        ],
    )


def _tps_frame(data: OperationData) -> pd.DataFrame:
    return pd.DataFrame(
        {"kelurahan": [x.kelurahan for x in data.tps], "risk": [x.risk for x in data.tps]}
    )


def _pattern(data: OperationData) -> tuple[dict[str, tuple[int, int]] | None, str]:
    settings = data.operation.settings
    try:
        pattern = parse_pattern(settings.get("tps_pattern"))
    except GeoError:
        pattern = None
    risk = str(settings.get("tps_default_risk") or staffing.DEFAULT_COUNTED_RISK)
    if risk not in (pattern or staffing.DEFAULT_TPS_PATTERN):
        risk = staffing.DEFAULT_COUNTED_RISK
    return pattern, risk


def operation_strength(data: OperationData, area: Area | None = None) -> Strength:
    """The operation's personnel against posts, units and its TPS pattern (``geo.staffing``).

    With ``area``, the requirement covers the area's real TPS counts (Pemilu 2024), refined
    by the TPS uploaded; without it, the uploaded TPS only.
    """
    op = data.operation
    posts = pd.DataFrame({"personnel": [p.personnel for p in data.posts]})
    units = pd.DataFrame({"personnel": [u.personnel for u in data.units]})
    pattern, risk = _pattern(data)
    counts = staffing.area_tps_counts(area) if area is not None else None
    return strength(own=op.strength, bko=op.bko, posts=posts, units=units, tps=_tps_frame(data),
                    pattern=pattern, counts=counts, default_risk=risk)  # fmt: skip


def operation_tps_staffing(area: Area, data: OperationData) -> TpsStaffing:
    """TPS duty per kelurahan, kecamatan and Polsek for an operation (``geo.staffing``)."""
    pattern, risk = _pattern(data)
    return staffing.tps_staffing(area, _tps_frame(data), posts_frame(data), pattern=pattern,
                                 default_risk=risk)  # fmt: skip


def build_briefing(
    area: Area,
    schedule: Schedule,
    *,
    networks: NetworkFor | None = None,
    cutoffs_min: Sequence[float] = cov.DEFAULT_CUTOFFS_MIN,
    gap_cutoff_min: float = GAP_CUTOFF_MIN,
    default_escort: bool = True,
    default_patrol: bool = True,
) -> Briefing:
    """Compute everything the briefing shows.

    Parameters
    ----------
    area
        The area.
    schedule
        The operation's schedule (``report.schedule.load_schedule``).
    networks
        Compiled network per profile (default: compiled here, cached for this call).
    cutoffs_min
        Coverage cutoffs, minutes.
    gap_cutoff_min
        Cutoff of the gap list.
    default_escort
        When the operation has no saved escort, plan the default one (Polres Metro to KPU
        Kota Metro, convoy profile) so the pack always shows a route sheet.
    default_patrol
        When the operation has no saved patrol, suggest a loop from Polres Metro through the
        venues (marked as a suggestion).

    Returns
    -------
    Briefing
    """
    nets = networks or default_networks(area)
    data = schedule.data
    notes: list[str] = []
    coverage = coverage_briefing(
        area, data, nets, cutoffs_min=cutoffs_min, gap_cutoff_min=gap_cutoff_min
    )
    escorts: list[EscortBriefing] = []
    for route in schedule.routes:
        if route.kind != "escort":
            continue
        try:
            escorts.append(saved_escort(area, nets, route, schedule))
        except GeoError as exc:
            notes.append(f"{route.name}: {exc}")
    if not escorts and default_escort:
        name = f"{DEFAULT_ESCORT[0]} – {DEFAULT_ESCORT[1]}"
        try:
            escorts.append(planned_escort(area, nets, list(DEFAULT_ESCORT), name=name))
        except GeoError as exc:
            notes.append(f"{name}: {exc}")
    patrols = [
        p
        for p in (saved_patrol(area, r) for r in schedule.routes if r.kind == "patrol")
        if p is not None
    ]
    if not patrols and default_patrol:
        suggested = suggested_patrol(area, nets, data)
        if suggested is not None:
            patrols.append(suggested)
    return Briefing(
        area=area,
        schedule=schedule,
        coverage=coverage,
        escorts=tuple(escorts),
        patrols=tuple(patrols),
        personnel=personnel_table(data),
        strength=operation_strength(data, area),
        notes=tuple(notes),
        tps=operation_tps_staffing(area, data),
    )


def nearest_posts(briefing: Briefing, venue_key: str) -> pd.DataFrame:
    """The target row of a venue (``venue:<id>``) from the coverage table (may be empty)."""
    if briefing.coverage is None:
        return pd.DataFrame()
    table = briefing.coverage.targets
    return table[table["key"] == venue_key]


def finite_minutes(seconds: float) -> float:
    """Seconds as minutes, NaN for unreachable."""
    return float(seconds) / 60 if np.isfinite(seconds) else math.nan
