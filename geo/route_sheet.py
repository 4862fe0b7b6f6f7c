"""Route sheet (lembar rute) of an escort route: segments, ETA, control points, chokepoints, havens.

All distances along the route are the graph's edge ``length`` (what the route's ``length_m``
sums), and all times the profile's travel times, so the sheet agrees with the route figures.
Landmarks, CCTV sites and river crossings are measured in the area's metric CRS and placed on
the route by their projection onto it.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from geo import settings
from geo.area import Area, road_name
from geo.havens import HAVEN_CATEGORIES, safe_havens, time_to_havens
from geo.network import CompiledNetwork, edge_points
from geo.routing import Route, RoutePlan, Waypoint, edge_table, piece_geometries

#: Place categories listed on the sheet when near the route.
SIGHT_CATEGORIES: tuple[str, ...] = ("landmark", "cctv")

#: Road classes whose intersections need more personnel.
MAJOR_ROADS: frozenset[str] = frozenset({"motorway", "trunk", "primary", "secondary"})


@dataclass(frozen=True)
class RouteSheet:
    """The route sheet of one route.

    Attributes
    ----------
    depart
        Departure time the ETAs count from (None: ETAs are offsets ``+MM:SS``).
    segments
        One row per run of one street (name and class) in one kelurahan: ``no``, ``from_km``,
        ``to_km``, ``length_m``, ``street`` (its name, or "jalan tanpa nama"), ``highway``,
        ``kelurahan``, ``time_s`` (cumulative at the segment's end), ``eta``, ``landmarks``,
        ``cctv``.
    kelurahan
        Kelurahan the route passes, in order.
    sights
        Landmarks and CCTV sites within ``sight_distance_m``: ``name``, ``category``, ``km``,
        ``distance_m``, ``eta``, ``lon``, ``lat``.
    traffic_control
        Intersections on the route (``street_count`` >= 3): ``node``, ``km``, ``eta``,
        ``street_count``, ``roads``, ``manoeuvre``, ``personnel``, ``priority``, ``lon``,
        ``lat``.
    chokepoints
        ``kind`` (``bridge``, ``articulation``, ``river``), ``description``, ``on_route``,
        ``km``, ``eta``, ``lon``, ``lat``.
    stretches
        Each ~``stretch_m`` of route: ``no``, ``from_km``, ``to_km``, ``haven``,
        ``category``, ``time_s`` (from the stretch's middle), ``worst_s`` (from its farthest
        point), geometry (EPSG:4326).
    havens
        The safe havens considered: ``name``, ``category``, ``node``, geometry.
    gap
        The longest stretch without a haven within ``haven_limit_s``: ``from_km``,
        ``to_km``, ``length_m`` (zero when there is none).
    haven_limit_s
        The time limit used for ``gap``.
    approximate
        Waypoints given by a place whose position is approximate (not surveyed, e.g. Gedung
        Nuwo Budayo): ``label``, ``place_id``, ``note``.
    """

    depart: datetime | None
    segments: pd.DataFrame
    kelurahan: tuple[str, ...]
    sights: pd.DataFrame
    traffic_control: pd.DataFrame
    chokepoints: pd.DataFrame
    stretches: gpd.GeoDataFrame
    havens: gpd.GeoDataFrame
    gap: dict[str, float] = field(default_factory=dict)
    haven_limit_s: float = 180.0
    approximate: tuple[dict[str, str], ...] = ()

    @property
    def personnel(self) -> int:
        """Personnel suggested for all traffic-control points together."""
        return int(self.traffic_control["personnel"].sum()) if len(self.traffic_control) else 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form of the sheet."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
            return [
                {k: _plain(v, 7 if k in _COORDINATE_KEYS else 3) for k, v in row.items()}
                for row in plain.to_dict(orient="records")
            ]

        return {
            "depart": self.depart.isoformat(timespec="minutes") if self.depart else None,
            "kelurahan": list(self.kelurahan),
            "segments": records(self.segments),
            "sights": records(self.sights),
            "traffic_control": records(self.traffic_control),
            "personnel": self.personnel,
            "chokepoints": records(self.chokepoints),
            "havens": records(self.stretches),
            "haven_gap": {k: round(v, 1) for k, v in self.gap.items()},
            "haven_limit_s": self.haven_limit_s,
            "approximate": [dict(a) for a in self.approximate],
        }


#: Columns holding lon/lat: kept to 7 decimals (~1 cm), other figures to 3.
_COORDINATE_KEYS = frozenset({"lon", "lat", "x", "y", "haven_lon", "haven_lat"})


def _plain(value: Any, decimals: int = 3) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if not np.isfinite(value) else round(float(value), decimals)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def format_eta(seconds: float, depart: datetime | None) -> str:
    """Clock time ``HH:MM`` after ``depart``, or an offset ``+MM:SS`` without one."""
    if not np.isfinite(seconds):
        return "-"
    if depart is not None:
        return (depart + timedelta(seconds=float(seconds))).strftime("%H:%M")
    minutes, secs = divmod(round(float(seconds)), 60)
    return f"+{minutes:d}:{secs:02d}"


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Along:
    """Positions along a route: cumulative graph length and time at each node."""

    cum_len: np.ndarray
    cum_time: np.ndarray
    line_metric: LineString
    scale: float  # graph metres per metric-geometry metre

    def time_at(self, km_m: np.ndarray | float) -> np.ndarray:
        return np.interp(km_m, self.cum_len, self.cum_time)

    def locate(self, geoms: np.ndarray) -> np.ndarray:
        """Graph metres along the route of metric geometries' projection on it."""
        if len(geoms) == 0:
            return np.zeros(0)
        return shapely.line_locate_point(self.line_metric, geoms) * self.scale


def _along(area: Area, net: CompiledNetwork, route: Route) -> _Along:
    edges = route.edge_index
    share = route.shares()
    cum_len = np.concatenate([[0.0], np.cumsum(net.length[edges] * share)])
    cum_time = np.concatenate([[0.0], np.cumsum(net.travel_time[edges] * share)])
    table = edge_table(area, net)
    coords: list[tuple[float, float]] = []
    for geom in piece_geometries(table, edges, route.fractions, metric=True):
        part = list(geom.coords)
        coords.extend(part if not coords else part[1:])
    line = LineString(coords) if len(coords) >= 2 else LineString()
    scale = float(cum_len[-1] / line.length) if line.length > 0 else 1.0
    return _Along(cum_len, cum_time, line, scale)


def _to_metric(area: Area, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(area.crs_metric)


def _kelurahan_of(area: Area, points_metric: np.ndarray) -> np.ndarray:
    kel = _to_metric(area, area.kelurahan)
    names = np.full(len(points_metric), "", dtype=object)
    if len(points_metric) == 0:
        return names
    pt_idx, poly_idx = kel.sindex.query(points_metric, predicate="intersects")
    first = np.unique(pt_idx, return_index=True)
    names[first[0]] = kel["nama"].to_numpy()[poly_idx[first[1]]]
    return names


_STRUCTURE: weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[set, set, nx.Graph]] = (
    weakref.WeakKeyDictionary()
)


def network_structure(graph: nx.MultiDiGraph) -> tuple[set[frozenset[int]], set[int], nx.Graph]:
    """Bridges and articulation points of the undirected road graph (cached per graph).

    Returns
    -------
    bridges, articulation, undirected
        Bridges as frozensets of their two node ids, articulation point node ids, and the
        undirected simple graph they were computed on.
    """
    cached = _STRUCTURE.get(graph)
    if cached is None:
        undirected = nx.Graph(graph.to_undirected(as_view=True))
        bridges = {frozenset(e) for e in nx.bridges(undirected)}
        articulation = set(nx.articulation_points(undirected))
        cached = (bridges, articulation, undirected)
        _STRUCTURE[graph] = cached
    return cached


# --------------------------------------------------------------------------- parts


def _turns(area: Area, net: CompiledNetwork, route: Route) -> dict[int, str]:
    """Manoeuvre at each interior route node (by position in ``route.nodes``)."""
    table = edge_table(area, net)
    geoms = piece_geometries(table, route.edge_index, route.fractions, metric=True)
    return {pos: _manoeuvre(geoms[pos - 1], geoms[pos]) for pos in range(1, len(route.nodes) - 1)}


def street_names(area: Area, net: CompiledNetwork, edges: np.ndarray) -> list[str]:
    """Street name of each edge: its OSM ``name``/``ref``, a planner's name, or "tanpa nama"."""
    table = edge_table(area, net)
    return [
        road_name(area, int(table.u[e]), int(table.v[e]), int(table.key[e]), table.name[e])
        for e in np.asarray(edges, dtype=np.int64).tolist()
    ]


def _segments(
    area: Area,
    net: CompiledNetwork,
    route: Route,
    along: _Along,
    turns: dict[int, str],
    depart: datetime | None,
) -> pd.DataFrame:
    table = edge_table(area, net)
    edges = route.edge_index
    columns = [
        "no", "from_km", "to_km", "length_m", "street", "highway", "kelurahan", "time_s", "eta",
        "then",
    ]  # fmt: skip
    if len(edges) == 0:
        return pd.DataFrame(columns=[*columns, "landmarks", "cctv"])
    pieces = piece_geometries(table, edges, route.fractions, metric=True)
    mids = shapely.line_interpolate_point(np.array(pieces, dtype=object), 0.5, normalized=True)
    kel = _kelurahan_of(area, mids)
    hw = table.highway[edges]
    names = street_names(area, net, edges)
    street_count = [
        area.graph.nodes[n].get("street_count", 2) if n >= 0 else 2 for n in route.nodes
    ]
    vias = set(route.stops[1:-1])  # a via ends a segment

    def breaks_at(i: int) -> bool:
        turn = turns.get(i, "lurus") != "lurus" and street_count[i] >= 3
        changed = hw[i] != hw[i - 1] or kel[i] != kel[i - 1] or names[i] != names[i - 1]
        return turn or i in vias or changed

    rows: list[dict[str, Any]] = []
    start = 0
    for i in range(1, len(edges) + 1):
        if i < len(edges) and not breaks_at(i):
            continue
        t_end = along.cum_time[i]
        then = "tiba" if i == len(edges) else turns.get(i, "lurus")
        if i in vias:
            then = f"singgah ({then})"
        rows.append(
            {
                "no": len(rows) + 1,
                "from_km": along.cum_len[start] / 1000,
                "to_km": along.cum_len[i] / 1000,
                "length_m": along.cum_len[i] - along.cum_len[start],
                "street": names[start],
                "highway": hw[start],
                "kelurahan": kel[start] or "-",
                "time_s": t_end,
                "eta": format_eta(t_end, depart),
                "then": then,
            }
        )
        start = i
    return pd.DataFrame(rows, columns=columns)


def _sights(
    area: Area, along: _Along, depart: datetime | None, max_distance_m: float
) -> pd.DataFrame:
    columns = ["name", "category", "km", "distance_m", "eta", "lon", "lat"]
    places = area.places[area.places["category"].isin(SIGHT_CATEGORIES)]
    if places.empty or along.line_metric.is_empty:
        return pd.DataFrame(columns=columns)
    metric = _to_metric(area, places).geometry.to_numpy()
    dist = shapely.distance(along.line_metric, metric)
    near = dist <= max_distance_m
    pos = along.locate(metric[near])
    chosen = places[near]
    frame = pd.DataFrame(
        {
            "name": chosen["name"].to_numpy(),
            "category": chosen["category"].to_numpy(),
            "km": pos / 1000,
            "distance_m": dist[near],
            "eta": [format_eta(t, depart) for t in along.time_at(pos)],
            "lon": chosen.geometry.x.to_numpy(),
            "lat": chosen.geometry.y.to_numpy(),
        }
    )
    return frame.sort_values("km", kind="stable").reset_index(drop=True)


def _highway(data: dict[str, Any]) -> str:
    value = data.get("highway", "")
    return str(value[0] if isinstance(value, list) else value)


def _bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.degrees(math.atan2(b[0] - a[0], b[1] - a[1]))


def _manoeuvre(inbound: LineString, outbound: LineString) -> str:
    """Turn at a node from the last piece of the inbound edge to the first of the outbound."""
    ci, co = list(inbound.coords), list(outbound.coords)
    turn = (_bearing(co[0], co[1]) - _bearing(ci[-2], ci[-1]) + 540) % 360 - 180
    if abs(turn) < 30:
        return "lurus"
    if abs(turn) > 150:
        return "putar balik"
    return "belok kanan" if turn > 0 else "belok kiri"


def _traffic_control(
    area: Area,
    route: Route,
    along: _Along,
    turns: dict[int, str],
    depart: datetime | None,
) -> pd.DataFrame:
    columns = [
        "node", "km", "eta", "street_count", "roads", "manoeuvre", "personnel", "priority",
        "lon", "lat",
    ]  # fmt: skip
    graph = area.graph
    _, _, undirected = network_structure(graph)
    rows = []
    for pos in range(1, len(route.nodes) - 1):
        node = route.nodes[pos]
        if node < 0:  # a via along a road
            continue
        data = graph.nodes[node]
        count = int(data.get("street_count", undirected.degree(node)))
        if count < 3:
            continue
        classes = sorted(
            {_highway(d) for _, _, d in graph.out_edges(node, data=True)}
            | {_highway(d) for _, _, d in graph.in_edges(node, data=True)}
        )
        major = bool(MAJOR_ROADS.intersection(classes))
        turn = turns[pos]
        personnel = {3: 1, 4: 2}.get(count, 3) + (2 if major else 0) + (turn != "lurus")
        rows.append(
            {
                "node": int(node),
                "km": along.cum_len[pos] / 1000,
                "eta": format_eta(along.cum_time[pos], depart),
                "street_count": count,
                "roads": ", ".join(classes),
                "manoeuvre": turn,
                "personnel": personnel,
                "priority": "utama" if major or count >= 5 else "biasa",
                "lon": float(data["x"]),
                "lat": float(data["y"]),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _chokepoints(
    area: Area,
    net: CompiledNetwork,
    route: Route,
    along: _Along,
    depart: datetime | None,
    near_m: float,
) -> pd.DataFrame:
    columns = ["kind", "description", "on_route", "km", "eta", "lon", "lat"]
    if along.line_metric.is_empty:
        return pd.DataFrame(columns=columns)
    graph = area.graph
    bridges, articulation, undirected = network_structure(graph)
    table = edge_table(area, net)
    route_nodes = {n for n in route.nodes if n >= 0}
    real = [n for n in route.nodes if n >= 0]
    origin, destination = (real[0], real[-1]) if real else (-1, -1)
    found: list[tuple[str, str, bool, shapely.Point]] = []

    # bridges: on the route (no way around), or near it and not a dead-end spur
    near_geom = along.line_metric.buffer(near_m)
    on_route_roads = set(table.road[route.edge_index].tolist())
    seen_roads: set[int] = set()
    for e in table.tree.query(near_geom, predicate="intersects"):
        road = int(table.road[e])
        u, v = int(table.u[e]), int(table.v[e])
        if road in seen_roads or frozenset((u, v)) not in bridges:
            continue
        seen_roads.add(road)
        on_route = road in on_route_roads
        if not on_route and min(undirected.degree(u), undirected.degree(v)) < 2:
            continue
        mid = shapely.line_interpolate_point(table.geometry_metric[e], 0.5, normalized=True)
        desc = (
            "ruas penghubung tunggal: bila ditutup, tidak ada jalan lain"
            if on_route
            else "ruas penghubung tunggal di dekat rute"
        )
        found.append(("bridge", desc, on_route, mid))

    # articulation points: on the route (do they cut origin from destination?) or near it
    cut_nodes = np.array(sorted(articulation - {origin, destination}), dtype=np.int64)
    if len(cut_nodes):
        xy = np.array([(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in cut_nodes])
        points = (
            gpd.GeoSeries(shapely.points(xy), crs=settings.crs_geographic)
            .to_crs(area.crs_metric)
            .to_numpy()
        )
        dist = shapely.distance(along.line_metric, points)
        for node, point, d in zip(cut_nodes.tolist(), points, dist, strict=True):
            on_route = node in route_nodes
            if not on_route and d > near_m:
                continue
            if on_route and origin >= 0:
                rest = nx.restricted_view(undirected, [node], [])
                desc = (
                    "simpul tunggal: memutus asal dari tujuan bila ditutup"
                    if not nx.has_path(rest, origin, destination)
                    else "simpul tunggal: memutus sebagian jaringan bila ditutup"
                )
            else:
                desc = "simpul tunggal di dekat rute"
            found.append(("articulation", desc, on_route, point))

    # river crossings
    if len(area.rivers):
        rivers = _to_metric(area, area.rivers)
        names = rivers["NAMOBJ"] if "NAMOBJ" in rivers.columns else pd.Series(None, rivers.index)
        for idx in rivers.sindex.query(along.line_metric, predicate="intersects"):
            cross = along.line_metric.intersection(rivers.geometry.iloc[int(idx)])
            name = names.iloc[int(idx)]
            label = str(name) if isinstance(name, str) and name.strip() else "sungai tanpa nama"
            for part in getattr(cross, "geoms", [cross]):
                if not part.is_empty:
                    point = part if part.geom_type == "Point" else part.representative_point()
                    found.append(("river", f"penyeberangan {label}", True, point))

    if not found:
        return pd.DataFrame(columns=columns)
    metric = np.array([f[3] for f in found], dtype=object)
    km_m = along.locate(metric)
    lonlat = gpd.GeoSeries(metric, crs=area.crs_metric).to_crs(settings.crs_geographic)
    frame = pd.DataFrame(
        {
            "kind": [f[0] for f in found],
            "description": [f[1] for f in found],
            "on_route": [f[2] for f in found],
            "km": km_m / 1000,
            "eta": [format_eta(t, depart) for t in along.time_at(km_m)],
            "lon": lonlat.x.to_numpy(),
            "lat": lonlat.y.to_numpy(),
        },
        columns=columns,
    )
    return frame.sort_values("km", kind="stable").reset_index(drop=True)


def _stretches(
    area: Area,
    net: CompiledNetwork,
    route: Route,
    along: _Along,
    havens: gpd.GeoDataFrame,
    stretch_m: float,
    limit_s: float,
) -> tuple[gpd.GeoDataFrame, dict[str, float]]:
    columns = ["no", "from_km", "to_km", "haven", "category", "time_s", "worst_s"]
    total = float(along.cum_len[-1])
    empty = (
        gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=settings.crs_geographic),
        {"from_km": 0.0, "to_km": 0.0, "length_m": 0.0},
    )
    if total <= 0 or havens.empty:
        return empty
    dist, which = time_to_havens(net, havens)
    edges = route.edge_index
    table = edge_table(area, net)
    fr = (
        route.fractions
        if route.fractions is not None
        else np.column_stack([np.zeros(len(edges)), np.ones(len(edges))])
    )
    twin = np.array(
        [
            p.twin
            for p in edge_points(
                net, table.u[edges], table.v[edges], table.key[edges], np.zeros(len(edges))
            )
        ],
        dtype=np.int64,
    )
    back = (twin >= 0) & net.open_edges[np.maximum(twin, 0)]
    tt_e = net.travel_time[edges]
    tt_t = np.where(back, net.travel_time[np.maximum(twin, 0)], np.inf)
    u_i, v_i = net.edge_u[edges], net.edge_v[edges]

    def point_time(f: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # from a point at fraction f of edge e: on to its v end, or back along its twin to u
        fwd = (1 - f) * tt_e[e] + dist[v_i[e]]
        rev = np.where(back[e], f * np.where(back[e], tt_t[e], 0.0) + dist[u_i[e]], np.inf)
        return np.minimum(fwd, rev), np.where(fwd <= rev, which[v_i[e]], which[u_i[e]])

    idx = np.arange(len(edges))
    start_t, start_h = point_time(fr[:, 0], idx)
    end_t, end_h = point_time(fr[:, 1], idx)
    node_t = np.concatenate([start_t[:1], end_t])
    node_h = np.concatenate([start_h[:1], end_h])

    step = 10.0
    xs = np.unique(np.concatenate([np.arange(0.0, total, step), [total], along.cum_len]))
    i = np.clip(np.searchsorted(along.cum_len, xs, side="right") - 1, 0, len(edges) - 1)
    seg_len = np.maximum(along.cum_len[i + 1] - along.cum_len[i], 1e-9)
    frac = (xs - along.cum_len[i]) / seg_len
    edge_t = (net.travel_time[edges] * (fr[:, 1] - fr[:, 0]))[i]
    ahead = node_t[i + 1] + edge_t * (1 - frac)
    behind = np.where(back[i], node_t[i] + edge_t * frac, np.inf)
    t = np.minimum(ahead, behind)
    h = np.where(ahead <= behind, node_h[i + 1], node_h[i])

    rows, geoms = [], []
    count = max(1, round(total / stretch_m))
    bounds = np.linspace(0, total, count + 1)
    names, cats = havens["name"].to_numpy(), havens["category"].to_numpy()
    for k in range(count):
        lo, hi = bounds[k], bounds[k + 1]
        inside = (xs >= lo) & (xs <= hi)
        mid = int(np.argmin(np.abs(xs - (lo + hi) / 2)))
        hid = int(h[mid])
        rows.append(
            {
                "no": k + 1,
                "from_km": lo / 1000,
                "to_km": hi / 1000,
                "haven": names[hid] if hid >= 0 else "-",
                "category": cats[hid] if hid >= 0 else "-",
                "time_s": float(t[mid]),
                "worst_s": float(t[inside].max()) if inside.any() else float(t[mid]),
            }
        )
        geoms.append(substring(along.line_metric, lo / along.scale, hi / along.scale))
    stretches = gpd.GeoDataFrame(
        rows, geometry=gpd.GeoSeries(geoms, crs=area.crs_metric).to_crs(settings.crs_geographic)
    )

    # longest run of route farther than limit_s from every haven
    over = t > limit_s
    gap = {"from_km": 0.0, "to_km": 0.0, "length_m": 0.0}
    if over.any():
        change = np.flatnonzero(np.diff(np.concatenate([[0], over.astype(int), [0]])))
        starts, ends = change[::2], change[1::2] - 1
        lengths = xs[ends] - xs[starts]
        best = int(np.argmax(lengths))
        gap = {
            "from_km": float(xs[starts[best]] / 1000),
            "to_km": float(xs[ends[best]] / 1000),
            "length_m": float(lengths[best]),
        }
    return stretches, gap


def approximate_places(area: Area, waypoints: Sequence[Waypoint]) -> tuple[dict[str, str], ...]:
    """The waypoints given by a place whose position is approximate (``position`` column)."""
    places = area.places
    if "position" not in places.columns or not len(waypoints):
        return ()
    rough = places[places["position"] == "approximate"].set_index("place_id")
    out = []
    for w in waypoints:
        if w.place_id is not None and w.place_id in rough.index:
            note = rough.loc[w.place_id].get("note", "")
            out.append({"label": w.label, "place_id": str(w.place_id),
                        "note": note if isinstance(note, str) else ""})  # fmt: skip
    return tuple(out)


# --------------------------------------------------------------------------- entry


def route_sheet(
    area: Area,
    net: CompiledNetwork,
    route: Route,
    *,
    depart: datetime | None = None,
    closed: np.ndarray | None = None,
    sight_distance_m: float = 100.0,
    near_m: float = 100.0,
    stretch_m: float = 250.0,
    haven_limit_s: float = 180.0,
    haven_categories: tuple[str, ...] = HAVEN_CATEGORIES,
    waypoints: Sequence[Waypoint] = (),
) -> RouteSheet:
    """Build the route sheet of a route.

    Parameters
    ----------
    area
        The area.
    net
        The network the route was computed on (its profile gives the times).
    route
        The route.
    depart
        Departure time; ETAs are clock times from it (offsets without it).
    closed
        Mask of closed edges (a plan's ``closed``): havens are reached around closures.
    sight_distance_m
        Landmarks and CCTV sites this close to the route are listed.
    near_m
        Chokepoints this close to the route are listed.
    stretch_m
        Length of the stretches of the safe-haven table.
    haven_limit_s
        A haven farther than this (seconds) does not count for the longest-gap figure.
    haven_categories
        Place categories that count as havens.
    waypoints
        The plan's waypoints: those at a place of approximate position are named in
        ``approximate``.

    Returns
    -------
    RouteSheet
    """
    work = net.with_closed(closed) if closed is not None and closed.any() else net
    along = _along(area, work, route)
    turns = _turns(area, work, route)
    segments = _segments(area, work, route, along, turns, depart)
    sights = _sights(area, along, depart, sight_distance_m)
    if len(segments):
        pos = sights["km"].to_numpy() * 1000
        seg_no = np.clip(
            np.searchsorted(segments["to_km"].to_numpy() * 1000, pos, side="left"),
            0,
            len(segments) - 1,
        )
        names, cats = sights["name"].to_numpy(), sights["category"].to_numpy()
        for col, cat in (("landmarks", "landmark"), ("cctv", "cctv")):
            listed: list[list[str]] = [[] for _ in range(len(segments))]
            for name, c, seg in zip(names, cats, seg_no, strict=True):
                if c == cat:
                    listed[seg].append(str(name))
            segments[col] = [", ".join(x) for x in listed]
    kelurahan = tuple(dict.fromkeys(k for k in segments.get("kelurahan", []) if k != "-"))
    havens = safe_havens(area, haven_categories)
    stretches, gap = _stretches(area, work, route, along, havens, stretch_m, haven_limit_s)
    return RouteSheet(
        depart=depart,
        segments=segments,
        kelurahan=kelurahan,
        sights=sights,
        traffic_control=_traffic_control(area, route, along, turns, depart),
        chokepoints=_chokepoints(area, work, route, along, depart, near_m),
        stretches=stretches,
        havens=havens,
        gap=gap,
        haven_limit_s=haven_limit_s,
        approximate=approximate_places(area, waypoints),
    )


def plan_sheets(area: Area, net: CompiledNetwork, plan: RoutePlan) -> list[RouteSheet]:
    """Route sheets of a plan's main route and of each alternative."""
    return [
        route_sheet(area, net, r, depart=plan.depart, closed=plan.closed, waypoints=plan.waypoints)
        for r in plan.routes
    ]
