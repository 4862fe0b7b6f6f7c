"""Escort routing: fastest route through ordered waypoints, closures and alternatives that differ.

Everything runs on the compiled network (``geo.network.CompiledNetwork``): closures are edge
masks, alternatives come from the penalty method (the edges of every route found are made
slower and the search is run again; a candidate is kept only if it shares at most
``max_shared`` of its length with the main route and takes at most ``max_stretch`` times its
time), not from Yen's k-shortest paths, whose alternates differ by one side street.

The travel time of a route is node to node, by the profile's edge travel times: the same
figure an independent Dijkstra on ``python -m cli graph --profile <name>`` gives between the
route's first and last node.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from geo import settings
from geo._errors import GeoError, InputFileError, NoRouteError, OffNetworkError
from geo.area import Area, street_name
from geo.network import (
    CompiledNetwork,
    EdgePoint,
    direct,
    edge_points,
    entries,
    exits,
    point_leg,
)
from geo.snap import Snap, snap_point, snap_points

#: A point closure (a drawn marker) blocks roads within this many metres.
POINT_CLOSURE_RADIUS_M: float = 30.0

#: A waypoint whose snapped point lies this close to a closure is inside it.
CLOSURE_TOUCH_M: float = 15.0

_COORDS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$")


# --------------------------------------------------------------------------- edge geometry


@dataclass(frozen=True, eq=False)
class EdgeTable:
    """Geometry and identity of every directed edge of a graph, in compiled-edge order.

    Attributes
    ----------
    u, v, key
        Graph node ids and key of each directed edge.
    geometry
        Edge line oriented from ``u`` to ``v`` (EPSG:4326).
    geometry_metric
        The same in the area's metric CRS.
    road
        Integer id of the road an edge belongs to (an edge and its reverse share it).
    highway
        Road class of each edge.
    tree
        Spatial index over ``geometry_metric``.
    name
        Street name of each edge (OSM ``name``, else ``ref``), or None.
    to_geographic
        Coordinates (n x 2) from the metric CRS to EPSG:4326.
    """

    u: np.ndarray
    v: np.ndarray
    key: np.ndarray
    geometry: np.ndarray
    geometry_metric: np.ndarray
    road: np.ndarray
    highway: np.ndarray
    tree: shapely.STRtree
    name: np.ndarray
    to_geographic: Any


_EDGE_TABLES: weakref.WeakKeyDictionary[nx.MultiDiGraph, EdgeTable] = weakref.WeakKeyDictionary()


def edge_table(area: Area, net: CompiledNetwork) -> EdgeTable:
    """Geometry of every directed edge of the network (cached per graph).

    Parameters
    ----------
    area
        The area whose graph the network was compiled from.
    net
        Compiled network (its edge arrays follow the graph's edge order).

    Returns
    -------
    EdgeTable
    """
    table = _EDGE_TABLES.get(area.graph)
    if table is None:
        table = _build_edge_table(area)
        _EDGE_TABLES[area.graph] = table
    if len(table.u) != len(net.edge_u) or not np.array_equal(table.u, net.nodes[net.edge_u]):
        msg = "Jaringan terkompilasi tidak berasal dari graf wilayah ini."
        raise GeoError(msg)
    return table


def _build_edge_table(area: Area) -> EdgeTable:
    graph = area.graph
    us, vs, keys, geoms, hws, road_keys, names = [], [], [], [], [], [], []
    for u, v, k, data in graph.edges(keys=True, data=True):
        geom = data.get("geometry")
        if geom is None:
            a, b = graph.nodes[u], graph.nodes[v]
            geom = LineString([(a["x"], a["y"]), (b["x"], b["y"])])
        hw = data.get("highway", "")
        us.append(u)
        vs.append(v)
        keys.append(k)
        geoms.append(geom)
        hws.append(hw[0] if isinstance(hw, list) else hw)
        names.append(street_name(data.get("name")) or street_name(data.get("ref")))
        road_keys.append((min(u, v), max(u, v), round(float(data.get("length", 0.0)), 1)))
    geometry = np.array(geoms, dtype=object)
    to_metric = Transformer.from_crs(settings.crs_geographic, area.crs_metric, always_xy=True)
    to_lonlat = Transformer.from_crs(area.crs_metric, settings.crs_geographic, always_xy=True)
    metric = shapely.transform(geometry, lambda xy: np.column_stack(to_metric.transform(*xy.T)))
    road = pd.factorize(pd.Series(road_keys, dtype=object))[0].astype(np.int64)
    return EdgeTable(
        u=np.array(us, dtype=np.int64),
        v=np.array(vs, dtype=np.int64),
        key=np.array(keys, dtype=np.int64),
        geometry=geometry,
        geometry_metric=metric,
        road=road,
        highway=np.array(hws, dtype=object),
        tree=shapely.STRtree(metric),
        name=np.array(names, dtype=object),
        to_geographic=lambda xy: np.column_stack(to_lonlat.transform(*xy.T)),
    )


def _to_metric(area: Area, geoms: Sequence[BaseGeometry] | np.ndarray) -> np.ndarray:
    series = gpd.GeoSeries(list(geoms), crs=settings.crs_geographic).to_crs(area.crs_metric)
    return series.to_numpy()


# --------------------------------------------------------------------------- waypoints


@dataclass(frozen=True)
class Waypoint:
    """A point the route starts at, passes or ends at.

    Attributes
    ----------
    label
        Place name, or the coordinates as text.
    lon, lat
        The given position (the place, or the coordinates).
    snap
        The position snapped to the nearest road.
    place_id
        Id in the places layer when given by name.
    """

    label: str
    lon: float
    lat: float
    snap: Snap
    place_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "label": self.label,
            "place_id": self.place_id,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "node": self.snap.node,
            "edge": [self.snap.u, self.snap.v, self.snap.key],
            "fraction": round(self.snap.fraction, 6),
            "snap_lon": round(self.snap.lon, 7),
            "snap_lat": round(self.snap.lat, 7),
            "snap_distance_m": round(self.snap.distance_m, 1),
            "street": self.snap.street,
            "kelurahan": self.snap.kelurahan,
        }


def parse_lonlat(text: str) -> tuple[float, float] | None:
    """``"lon,lat"`` as two floats, or None when the text is not a coordinate pair.

    A pair given as ``lat,lon`` (the order map apps copy) is swapped when only that order
    fits: latitude within ±90 and longitude beyond it.
    """
    match = _COORDS.match(text)
    if not match:
        return None
    a, b = float(match.group(1)), float(match.group(2))
    if abs(b) > 90 >= abs(a):
        a, b = b, a
    if not (-180 <= a <= 180 and -90 <= b <= 90):
        return None
    return a, b


#: Words planners use for places whose source names spell them out.
_ALIASES = {"polres": "kantor polisi resor", "polsek": "kantor polisi sektor"}


def find_place(area: Area, name: str) -> pd.Series:
    """The place a name refers to, case-insensitively.

    "Polres"/"Polsek" stand for "Kantor Polisi Resor/Sektor". An exact name (or ``place_id``)
    wins; otherwise a name contained in exactly one place name. Anything else is an error that lists the candidates.

    Raises
    ------
    GeoError
        If the name is unknown or ambiguous.
    """
    places = area.places
    wanted = " ".join(_ALIASES.get(w, w) for w in name.casefold().split())
    if not wanted:
        msg = "Nama tempat kosong."
        raise GeoError(msg)
    names = places["name"].astype(str).map(lambda s: " ".join(s.split()).casefold())
    exact = places[(names == wanted) | (places["place_id"].astype(str).str.casefold() == wanted)]
    if len(exact) == 1:
        return exact.iloc[0]
    if len(exact) > 1:
        _ambiguous(name, exact)
    partial = places[names.str.contains(wanted, regex=False)]
    if len(partial) == 1:
        return partial.iloc[0]
    if len(partial) > 1:
        _ambiguous(name, partial)
    close = difflib.get_close_matches(wanted, names.tolist(), n=5, cutoff=0.5)
    hint = places.loc[names.isin(close), "name"].tolist()
    extra = f" Mungkin maksud Anda: {'; '.join(hint)}." if hint else ""
    msg = f"Tempat tidak dikenal: {name!r}.{extra} Atau beri koordinat 'bujur,lintang'."
    raise GeoError(msg)


def _ambiguous(name: str, rows: pd.DataFrame) -> None:
    listed = "; ".join(
        f"{r['name']} [{r['place_id']}, {r['category']}, {r['kelurahan'] or '-'}]"
        for _, r in rows.head(10).iterrows()
    )
    more = f" (dan {len(rows) - 10} lagi)" if len(rows) > 10 else ""
    msg = (
        f"Nama {name!r} cocok dengan {len(rows)} tempat: {listed}{more}. "
        "Tulis nama lengkapnya atau kode tempat (place_id)."
    )
    raise GeoError(msg)


def _locate(area: Area, spec: str | tuple[float, float]) -> tuple[str, float, float, str | None]:
    """Label, lon, lat and place id of a place name, ``"lon,lat"`` text or pair."""
    if isinstance(spec, tuple):
        lon, lat = float(spec[0]), float(spec[1])
        return f"{lon:.6f},{lat:.6f}", lon, lat, None
    if (pair := parse_lonlat(spec)) is not None:
        lon, lat = pair
        return f"{lon:.6f},{lat:.6f}", lon, lat, None
    row = find_place(area, spec)
    return str(row["name"]), float(row.geometry.x), float(row.geometry.y), str(row["place_id"])


def resolve_waypoint(area: Area, spec: str | tuple[float, float] | Waypoint) -> Waypoint:
    """A waypoint from a place name, a ``"lon,lat"`` text or a ``(lon, lat)`` pair.

    Raises
    ------
    GeoError
        Unknown or ambiguous name.
    OffNetworkError
        The point is too far from every road.
    """
    return resolve_waypoints(area, [spec])[0]


def resolve_waypoints(
    area: Area, specs: Sequence[str | tuple[float, float] | Waypoint]
) -> tuple[Waypoint, ...]:
    """Waypoints from names, ``"lon,lat"`` texts or pairs, snapped in one vectorised call.

    Raises
    ------
    GeoError
        Unknown or ambiguous name.
    OffNetworkError
        A point too far from every road (the message names it).
    """
    located = [None if isinstance(s, Waypoint) else _locate(area, s) for s in specs]
    todo = [i for i, loc in enumerate(located) if loc is not None]
    out: list[Waypoint | None] = [s if isinstance(s, Waypoint) else None for s in specs]
    if todo:
        lon = np.array([located[i][1] for i in todo])
        lat = np.array([located[i][2] for i in todo])
        rows = snap_points(area, lon, lat)
        for k, i in enumerate(todo):
            label, x, y, place_id = located[i]
            row = rows.iloc[k]
            if row["distance_m"] > settings.max_snap_distance_m:
                try:
                    snap_point(area, x, y)
                except OffNetworkError as exc:
                    raise OffNetworkError(f"'{label}': {exc}") from None
            snap = Snap.from_row(area, row)
            out[i] = Waypoint(label, x, y, snap, place_id)
    return tuple(w for w in out if w is not None)


# --------------------------------------------------------------------------- closures


@dataclass(frozen=True)
class Closure:
    """A road closure (penutupan jalan): a drawn line, polygon or point with an optional window.

    Attributes
    ----------
    name
        Name shown to the user.
    geometry
        Line, polygon or point (EPSG:4326); a point blocks roads within ``radius_m``.
    starts, ends
        Time window as ``"HH:MM"`` or ISO date-time text; None = always.
    note
        Free text.
    radius_m
        Radius of a point closure (a drawn circle).
    """

    name: str
    geometry: BaseGeometry
    starts: str | None = None
    ends: str | None = None
    note: str = ""
    radius_m: float | None = None

    def blocking_geometry_metric(self, area: Area) -> BaseGeometry:
        """The area the closure blocks, in the metric CRS."""
        geom = _to_metric(area, [self.geometry])[0]
        if geom.geom_type in {"Point", "MultiPoint"}:
            return geom.buffer(self.radius_m or POINT_CLOSURE_RADIUS_M)
        return geom

    def active(self, depart: datetime | None, horizon_s: float = 3600.0) -> bool:
        """Whether the closure's window overlaps ``[depart, depart + horizon_s]``.

        Without a departure time or without a window the closure always applies.
        """
        if depart is None or (self.starts is None and self.ends is None):
            return True
        trip_end = depart + timedelta(seconds=horizon_s)
        for day in (depart.date() - timedelta(days=1), depart.date()):
            start = _at(self.starts, day) if self.starts else datetime.min
            end = _at(self.ends, day) if self.ends else datetime.max
            if self.starts and self.ends and _is_clock(self.ends) and end <= start:
                end += timedelta(days=1)
            if start < trip_end and end > depart:
                return True
            if not (_is_clock(self.starts) or _is_clock(self.ends)):
                break
        return False

    def to_feature(self) -> dict[str, Any]:
        """GeoJSON Feature (EPSG:4326) with the window and note as properties."""
        props = {"name": self.name, "starts": self.starts, "ends": self.ends, "note": self.note}
        if self.radius_m is not None:
            props["radius_m"] = self.radius_m
        return {"type": "Feature", "properties": props, "geometry": mapping(self.geometry)}


def _is_clock(text: str | None) -> bool:
    return bool(text) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", str(text).strip()) is not None


def parse_time(text: str, *, day: date | None = None) -> datetime:
    """``"HH:MM"`` (on ``day``, default today) or an ISO date-time, as a naive datetime.

    Raises
    ------
    GeoError
        If the text is neither.
    """
    raw = str(text).strip()
    try:
        if _is_clock(raw):
            return datetime.combine(day or date.today(), time.fromisoformat(raw.zfill(5)))
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None:
        msg = f"Waktu tidak dikenali: {text!r}. Tulis JJ:MM (mis. 07:30) atau tanggal-waktu ISO."
        raise GeoError(msg)
    return value.replace(tzinfo=None)


def _at(text: str, day: date) -> datetime:
    return parse_time(text, day=day)


def closures_from_features(
    features: Iterable[Mapping[str, Any]], *, default_name: str = "Penutupan"
) -> list[Closure]:
    """Closures from GeoJSON Features (a FeatureCollection's ``features`` or map drawings).

    Properties read: ``name``/``nama``, ``starts``/``mulai``, ``ends``/``selesai``, ``note``/
    ``keterangan``, and ``radius_m`` or ``radius`` (metres; a circle drawn with Leaflet.draw
    carries its radius in metres in ``radius``).

    Raises
    ------
    InputFileError
        If there is no usable feature, or a geometry or time is malformed.
    """
    out: list[Closure] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, Mapping):
            msg = f"Fitur penutupan ke-{number} bukan objek GeoJSON."
            raise InputFileError(msg)
        geom_json = feature.get("geometry") if feature.get("type") == "Feature" else feature
        if not geom_json:
            continue
        try:
            geom = shape(geom_json)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
            msg = f"Geometri penutupan ke-{number} rusak atau tidak dikenal."
            raise InputFileError(msg) from None
        if geom.is_empty:
            continue
        if geom.geom_type not in {
            "LineString", "MultiLineString", "Polygon", "MultiPolygon", "Point", "MultiPoint",
        }:  # fmt: skip
            msg = f"Penutupan ke-{number}: jenis geometri {geom.geom_type} tidak didukung."
            raise InputFileError(msg)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        props = dict(feature.get("properties") or {}) if feature.get("type") == "Feature" else {}
        closure = _closure_from_props(geom, props, f"{default_name} {number}")
        out.append(closure)
    if not out:
        msg = "Berkas penutupan tidak berisi satu pun garis, poligon atau titik."
        raise InputFileError(msg)
    return out


def _closure_from_props(geom: BaseGeometry, props: dict[str, Any], fallback: str) -> Closure:
    def pick(*names: str) -> Any:
        for name in names:
            value = props.get(name)
            if value is not None and not (isinstance(value, float) and np.isnan(value)):
                if isinstance(value, str) and not value.strip():
                    continue
                return value
        return None

    starts, ends = _time_text(pick("starts", "mulai")), _time_text(pick("ends", "selesai"))
    for value in (starts, ends):
        if value is not None:
            try:
                parse_time(str(value))
            except GeoError as exc:
                raise InputFileError(str(exc)) from None
    radius = pick("radius_m", "radius")
    try:
        radius_m = float(radius) if radius is not None else None
    except (TypeError, ValueError):
        msg = f"Radius penutupan tidak dikenali: {radius!r}."
        raise InputFileError(msg) from None
    return Closure(
        name=str(pick("name", "nama") or fallback),
        geometry=geom,
        starts=str(starts) if starts is not None else None,
        ends=str(ends) if ends is not None else None,
        note=str(pick("note", "keterangan") or ""),
        radius_m=radius_m,
    )


def _time_text(value: Any) -> str | None:
    """A window bound as text (readers may hand over ``time`` or ``datetime`` objects)."""
    if value is None:
        return None
    if isinstance(value, datetime):  # also pandas.Timestamp
        return value.replace(tzinfo=None).isoformat(timespec="minutes")
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    return str(value).strip()


def closures_from_geojson(data: str | bytes | Mapping[str, Any]) -> list[Closure]:
    """Closures from GeoJSON text or an already parsed object.

    Raises
    ------
    InputFileError
        Empty, not JSON, not GeoJSON, or without a usable geometry.
    """
    if isinstance(data, str | bytes):
        if not data.strip():
            msg = "Berkas penutupan kosong."
            raise InputFileError(msg)
        try:
            data = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            msg = f"Berkas penutupan bukan GeoJSON yang sah: {exc}."
            raise InputFileError(msg) from None
    if not isinstance(data, Mapping):
        msg = "Berkas penutupan bukan objek GeoJSON."
        raise InputFileError(msg)
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            msg = "FeatureCollection tanpa daftar 'features'."
            raise InputFileError(msg)
        return closures_from_features(features)
    if kind in {"Feature", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "Point"}:
        return closures_from_features([data])
    msg = f"Jenis GeoJSON tidak dikenal: {kind!r}."
    raise InputFileError(msg)


def closed_edges(
    area: Area,
    net: CompiledNetwork,
    closures: Sequence[Closure],
    *,
    depart: datetime | None = None,
    horizon_s: float = 3600.0,
) -> np.ndarray:
    """Mask of the directed edges that an active closure crosses or covers.

    Parameters
    ----------
    area, net
        The area and its compiled network.
    closures
        Closures; those whose window misses ``[depart, depart + horizon_s]`` are ignored.
    depart
        Departure time, or None to apply every closure.
    horizon_s
        How long after departure a closure still matters.

    Returns
    -------
    numpy.ndarray
        Boolean mask over the network's edge arrays.
    """
    table = edge_table(area, net)
    mask = np.zeros(len(table.u), dtype=bool)
    active = [c for c in closures if c.active(depart, horizon_s)]
    if not active:
        return mask
    blocks = [c.blocking_geometry_metric(area) for c in active]
    _, hit = table.tree.query(blocks, predicate="intersects")
    mask[hit] = True
    # an edge and its reverse close together
    mask |= np.isin(table.road, table.road[mask])
    return mask


# --------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class Route:
    """A route on the network.

    Attributes
    ----------
    nodes
        At each end of each piece: the graph node id, or -1 where the route starts, passes a
        via or ends at a point along a road (``len(edge_index) + 1`` entries).
    edges
        ``(u, v, key)`` of each edge driven (wholly or in part) along the route.
    edge_index
        Index of each such edge in the compiled network's edge arrays.
    length_m
        Length in metres, partial roads included.
    travel_time_s
        Travel time from the origin point to the destination point, by the profile.
    geometry
        The route as a line (EPSG:4326), from the origin's point on the road to the
        destination's.
    stops
        Position in ``nodes`` of each waypoint (origin first, destination last).
    shared_with_main
        Share of this route's length that is also on the main route (1.0 for the main).
    fractions
        ``(k, 2)``: the part of each edge driven, from and to (0 = the edge's ``u``); None when
        every edge is driven whole.
    """

    nodes: tuple[int, ...]
    edges: tuple[tuple[int, int, int], ...]
    edge_index: np.ndarray = field(repr=False)
    length_m: float
    travel_time_s: float
    geometry: LineString
    stops: tuple[int, ...]
    shared_with_main: float = 1.0
    fractions: np.ndarray | None = field(default=None, repr=False)

    def shares(self) -> np.ndarray:
        """Share (0-1) of each edge of ``edge_index`` that the route drives."""
        if self.fractions is None:
            return np.ones(len(self.edge_index))
        return self.fractions[:, 1] - self.fractions[:, 0]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: ``length_m``, ``travel_time_s``, ``nodes``, ``geometry`` (GeoJSON).

        ``nodes`` lists the graph nodes passed; ``head_m``/``tail_m`` are the partial roads
        from the origin's point to the first node and from the last node to the destination's.
        """
        shares = self.shares()
        head = tail = 0.0
        if len(self.edge_index) and self.nodes[0] == -1:
            head = float(shares[0])
        if len(self.edge_index) and self.nodes[-1] == -1:
            tail = float(shares[-1])
        return {
            "length_m": round(self.length_m, 1),
            "travel_time_s": round(self.travel_time_s, 2),
            "nodes": [int(n) for n in self.nodes if n >= 0],
            "starts_at_node": bool(self.nodes and self.nodes[0] >= 0),
            "ends_at_node": bool(self.nodes and self.nodes[-1] >= 0),
            "head_share": round(head, 6),
            "tail_share": round(tail, 6),
            "geometry": mapping(self.geometry),
            "shared_with_main": round(self.shared_with_main, 4),
        }


@dataclass(frozen=True)
class RoutePlan:
    """The result of :func:`plan_route`.

    Attributes
    ----------
    profile
        Travel profile name.
    waypoints
        Origin, vias and destination.
    main
        The fastest route.
    alternatives
        Routes that differ (see the module docstring), fastest first.
    closures
        The closures that applied (window overlapping the trip).
    closed
        Mask of closed directed edges.
    depart
        Departure time, if given.
    """

    profile: str
    waypoints: tuple[Waypoint, ...]
    main: Route
    alternatives: tuple[Route, ...]
    closures: tuple[Closure, ...]
    closed: np.ndarray = field(repr=False)
    depart: datetime | None = None

    @property
    def routes(self) -> tuple[Route, ...]:
        """Main route first, then the alternatives."""
        return (self.main, *self.alternatives)


@dataclass(frozen=True, eq=False)
class _Reweighter:
    """The CSR layout of a network's open edges, to rebuild its matrix for other weights fast.

    ``CompiledNetwork.reweighted`` sorts the edges again on every call; the penalty loop needs
    a new matrix a dozen times per query, so the sort is done once here and each rebuild is a
    ``minimum.reduceat`` over parallel edges.
    """

    n: int
    order: np.ndarray  # open edge indices sorted by (u, v)
    starts: np.ndarray  # first position in ``order`` of each (u, v) group
    sizes: np.ndarray  # parallel edges per group
    indices: np.ndarray  # CSR column of each group
    indptr: np.ndarray
    keys: np.ndarray  # u * n + v of each group (sorted)

    @classmethod
    def of(cls, net: CompiledNetwork) -> _Reweighter:
        cached = _REWEIGHTERS.get(net)
        if cached is not None:
            return cached
        n = net.n
        idx = np.flatnonzero(net.open_edges & (net.edge_u != net.edge_v))
        order = idx[np.lexsort((net.edge_v[idx], net.edge_u[idx]))]
        pair = net.edge_u[order] * n + net.edge_v[order]
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]]) if len(pair) else pair
        rows = net.edge_u[order][starts]
        made = cls(
            n=n,
            order=order,
            starts=starts,
            sizes=np.diff(np.r_[starts, len(order)]),
            indices=net.edge_v[order][starts].astype(np.int32),
            indptr=np.searchsorted(rows, np.arange(n + 1)).astype(np.int32),
            keys=pair[starts],
        )
        _REWEIGHTERS[net] = made
        return made

    def matrix(self, weights: np.ndarray) -> csr_matrix:
        data = np.maximum(np.minimum.reduceat(weights[self.order], self.starts), 1e-6)
        return csr_matrix((data, self.indices, self.indptr), shape=(self.n, self.n))

    def steps(self, path: list[int], weights: np.ndarray) -> np.ndarray:
        """Edge index of each step of a node path: the lightest parallel edge by ``weights``."""
        a, b = np.asarray(path[:-1], dtype=np.int64), np.asarray(path[1:], dtype=np.int64)
        group = np.searchsorted(self.keys, a * self.n + b)
        edges = self.order[self.starts[group]]
        for i in np.flatnonzero(self.sizes[group] > 1):
            g = group[i]
            cand = self.order[self.starts[g] : self.starts[g] + self.sizes[g]]
            edges[i] = cand[np.argmin(weights[cand])]
        return edges


_REWEIGHTERS: weakref.WeakKeyDictionary[CompiledNetwork, _Reweighter] = weakref.WeakKeyDictionary()


def path_through(
    net: CompiledNetwork, stops: Sequence[int], weights: np.ndarray | None = None
) -> tuple[list[int], np.ndarray, list[int]]:
    """Fastest path through compiled node indices in order.

    Parameters
    ----------
    net
        Compiled network (closures applied).
    stops
        Compiled indices of the stops.
    weights
        Per-edge weights to minimise instead of the travel times (e.g. penalised).

    Returns
    -------
    path, edges, positions
        Compiled node indices, edge indices along them, and the position in ``path`` of each
        stop.

    Raises
    ------
    NoRouteError
        If a stop cannot be reached from the previous one.
    """
    fast = _Reweighter.of(net)
    w = net.travel_time if weights is None else weights
    matrix = net.matrix if weights is None else fast.matrix(weights)
    path: list[int] = [int(stops[0])]
    positions = [0]
    for a, b in itertools.pairwise(stops):
        if a != b:
            dist, pred = dijkstra(matrix, indices=int(a), return_predecessors=True)
            if not np.isfinite(dist[b]):
                msg = "Tujuan tidak dapat dicapai dari asal (jaringan terputus atau tertutup)."
                raise NoRouteError(msg)
            leg = [int(b)]
            while leg[-1] != a:
                leg.append(int(pred[leg[-1]]))
            path.extend(reversed(leg[:-1]))
        positions.append(len(path) - 1)
    edges = fast.steps(path, w) if len(path) > 1 else np.zeros(0, dtype=np.int64)
    return path, edges, positions


def route_edges(
    net: CompiledNetwork,
    stops: Sequence[int],
    *,
    alternatives: int = 0,
    max_shared: float = 0.6,
    max_stretch: float = 1.5,
    penalty: float = 1.2,
    max_tries: int = 12,
) -> list[tuple[list[int], np.ndarray, list[int]]]:
    """The hot path: fastest path through compiled node indices, then differing alternatives.

    Parameters
    ----------
    net
        Compiled network (closures already applied).
    stops
        Compiled indices of the origin, vias and destination.
    alternatives
        How many alternatives to look for (at most).
    max_shared
        Largest share of an alternative's length (and of the main's) on the main route.
    max_stretch
        Largest ratio of an alternative's travel time to the main route's.
    penalty
        Factor applied to an edge's weight each time a found route uses it.
    max_tries
        Penalised searches before giving up on more alternatives.

    Returns
    -------
    list
        ``(path, edges, stop_positions)`` for the main route, then each alternative.

    Raises
    ------
    NoRouteError
        If a stop cannot be reached from the previous one.
    """
    found = _alternatives(
        net,
        lambda w: (*path_through(net, stops, w), None),
        alternatives=alternatives,
        max_shared=max_shared,
        max_stretch=max_stretch,
        penalty=penalty,
        max_tries=max_tries,
    )
    return [f[:3] for f in found]


#: ``(boundaries, edges, stop_positions, fractions)`` of a route found through points.
Found = tuple[list[int], np.ndarray, list[int], np.ndarray | None]


def _alternatives(
    net: CompiledNetwork,
    search: Any,
    *,
    alternatives: int,
    max_shared: float,
    max_stretch: float,
    penalty: float,
    max_tries: int,
) -> list[Found]:
    """The main route of ``search(weights)`` and alternatives by the penalty method."""
    main = search(None)
    found = [main]
    if alternatives <= 0 or len(main[1]) == 0:
        return found
    table_road = _road_ids(net)
    tt, length = net.travel_time, net.length

    def shares(f: Found) -> np.ndarray:
        return np.ones(len(f[1])) if f[3] is None else f[3][:, 1] - f[3][:, 0]

    main_roads = np.zeros(table_road.max() + 1, dtype=bool)
    main_roads[table_road[main[1]]] = True
    main_len = float((length[main[1]] * shares(main)).sum())
    main_time = float((tt[main[1]] * shares(main)).sum())
    uses = np.zeros(len(main_roads))
    uses[table_road[main[1]]] += 1
    seen = {(tuple(main[0]), tuple(main[1].tolist()))}
    accepted_roads: list[np.ndarray] = []
    for _ in range(max_tries):
        if len(found) > alternatives:
            break
        weights = tt * penalty ** uses[table_road]
        cand = search(weights)
        edges = cand[1]
        uses[table_road[edges]] += 1
        key = (tuple(cand[0]), tuple(edges.tolist()))
        if key in seen:
            continue
        seen.add(key)
        part = shares(cand)
        c_len, c_time = float((length[edges] * part).sum()), float((tt[edges] * part).sum())
        shared = float((length[edges] * part)[main_roads[table_road[edges]]].sum())
        if c_time > max_stretch * main_time or shared > max_shared * min(c_len, main_len):
            continue
        if any(
            float((length[edges] * part)[other[table_road[edges]]].sum()) > 0.8 * c_len
            for other in accepted_roads
        ):
            continue
        roads = np.zeros(len(main_roads), dtype=bool)
        roads[table_road[edges]] = True
        accepted_roads.append(roads)
        found.append(cand)
    return found


#: A fraction this small of an edge is no piece at all (the point is the node).
_PIECE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class StopAccess:
    """A waypoint's phantom node and which ways from it are open.

    Attributes
    ----------
    point
        The phantom node.
    leave, reach
        ``(towards edge_v, towards edge_u)`` and ``(from edge_u, from edge_v)`` overrides of
        the open mask (None: the mask decides).
    """

    point: EdgePoint
    leave: tuple[bool, bool] | None = None
    reach: tuple[bool, bool] | None = None


def path_through_points(
    net: CompiledNetwork,
    stops: Sequence[StopAccess],
    weights: np.ndarray | None = None,
    *,
    base: CompiledNetwork | None = None,
) -> Found:
    """Fastest path through points along roads (phantom nodes), in order.

    Parameters
    ----------
    net
        Compiled network (closures applied).
    stops
        The origin, vias and destination.
    weights
        Per-edge weights to minimise instead of the travel times.
    base
        The network without closures: two points on one road may go straight along it
        when no closure lies between them (checked by the caller through ``leave``).

    Returns
    -------
    boundaries, edges, positions, fractions
        Compiled node index at each end of each piece (-1 at a point along a road), the edge
        of each piece, the position in ``boundaries`` of each stop, and each piece's
        ``(from, to)`` fraction of its edge.

    Raises
    ------
    NoRouteError
        If a stop cannot be reached from the previous one.
    """
    fast = _Reweighter.of(net)
    w = net.travel_time if weights is None else weights
    matrix = net.matrix if weights is None else fast.matrix(weights)
    pieces: list[tuple[int, float, float]] = []
    positions = [0]

    def add(edge: int, f0: float, f1: float) -> None:
        if f1 - f0 > _PIECE_TOLERANCE:
            pieces.append((edge, f0, f1))

    for a, b in itertools.pairwise(stops):
        if a.point != b.point:
            straight = None
            if base is not None and a.leave is not None:
                straight = direct(base, a.point, b.point, w)
                if straight is not None:
                    forward = straight[2] == a.point.edge
                    # the stretch between them is open when a can leave that way and b be
                    # reached from that side
                    ok = (a.leave[0] and b.reach[0]) if forward else (a.leave[1] and b.reach[1])
                    straight = straight if ok else None
            else:
                straight = direct(net, a.point, b.point, w)
            path, first, last, _ = point_leg(
                net,
                matrix,
                w,
                exits(net, a.point, w, a.leave),
                entries(net, b.point, w, b.reach),
                straight,
            )
            if last is None:
                add(first[2], first[3], first[4])
            else:
                add(first[2], first[3], first[4])
                if len(path) > 1:
                    for e in fast.steps(path, w).tolist():
                        pieces.append((int(e), 0.0, 1.0))
                add(last[2], last[3], last[4])
        positions.append(len(pieces))
    if pieces:
        edges = np.array([p[0] for p in pieces], dtype=np.int64)
        fractions = np.array([(p[1], p[2]) for p in pieces], dtype=float)
        starts = np.where(fractions[:, 0] <= _PIECE_TOLERANCE, net.edge_u[edges], -1)
        ends = np.where(fractions[:, 1] >= 1 - _PIECE_TOLERANCE, net.edge_v[edges], -1)
        boundaries = [int(starts[0]), *(int(x) for x in ends)]
        if np.all(fractions[:, 0] <= _PIECE_TOLERANCE) and np.all(
            fractions[:, 1] >= 1 - _PIECE_TOLERANCE
        ):
            fractions = None
    else:
        node = stops[0].point.at_node(net)
        boundaries = [-1 if node is None else node]
        edges = np.zeros(0, dtype=np.int64)
        fractions = None
    return boundaries, edges, positions, fractions


# id(edge_u) -> (edge_u, road ids); networks derived by closures share their edge arrays
_ROAD_IDS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _road_ids(net: CompiledNetwork) -> np.ndarray:
    """Road id of each directed edge (an edge and its reverse share one), from the arrays."""
    cached = _ROAD_IDS.get(id(net.edge_u))
    if cached is not None and cached[0] is net.edge_u:
        return cached[1]
    lo, hi = np.minimum(net.edge_u, net.edge_v), np.maximum(net.edge_u, net.edge_v)
    keys = np.column_stack([lo, hi, np.round(net.length * 10).astype(np.int64)])
    ids = np.unique(keys, axis=0, return_inverse=True)[1].ravel().astype(np.int64)
    if len(_ROAD_IDS) > 32:
        _ROAD_IDS.clear()
    _ROAD_IDS[id(net.edge_u)] = (net.edge_u, ids)
    return ids


def build_route(
    net: CompiledNetwork,
    table: EdgeTable,
    path: list[int],
    edges: np.ndarray,
    positions: list[int],
    main_roads: np.ndarray | None,
    fractions: np.ndarray | None = None,
) -> Route:
    """A :class:`Route` from a compiled node path and its edges.

    Parameters
    ----------
    net
        The network the path was found on.
    table
        Its edge table (``edge_table(area, net)``).
    path
        Compiled node indices at each end of each edge (-1 at a point along a road).
    edges
        Edge indices along the path (``net.path_edges(path)``).
    positions
        Position in ``path`` of each waypoint.
    main_roads
        Road mask of the main route, to measure the shared share (None for the main itself).
    fractions
        Part ``(from, to)`` of each edge driven (None: every edge whole).

    Returns
    -------
    Route
    """
    path_arr = np.asarray(path, dtype=np.int64)
    nodes = tuple(int(net.nodes[i]) if i >= 0 else -1 for i in path_arr.tolist())
    edges = np.asarray(edges, dtype=np.int64)
    share = np.ones(len(edges)) if fractions is None else fractions[:, 1] - fractions[:, 0]
    length = float((net.length[edges] * share).sum())
    if len(edges):
        coords: list[tuple[float, float]] = []
        for geom in piece_geometries(table, edges, fractions):
            part = list(geom.coords)
            coords.extend(part if not coords else part[1:])
        geometry = LineString(coords) if len(coords) >= 2 else LineString()
    else:
        geometry = LineString()
    shared = 1.0
    if main_roads is not None and length > 0:
        roads = _road_ids(net)[edges]
        shared = float((net.length[edges] * share)[main_roads[roads]].sum()) / length
    return Route(
        nodes=nodes,
        edges=tuple((int(table.u[e]), int(table.v[e]), int(table.key[e])) for e in edges),
        edge_index=edges,
        length_m=length,
        travel_time_s=float((net.travel_time[edges] * share).sum()),
        geometry=geometry,
        stops=tuple(positions),
        shared_with_main=shared,
        fractions=fractions,
    )


def piece_geometries(
    table: EdgeTable,
    edges: np.ndarray,
    fractions: np.ndarray | None,
    *,
    metric: bool = False,
) -> list[BaseGeometry]:
    """Geometry of the part of each edge driven (EPSG:4326, or the metric CRS).

    A partial piece is cut from the edge's metric line by length and, for EPSG:4326, turned
    back with the table's transformer, so a piece ends exactly at the snapped point.
    """
    full = table.geometry_metric if metric else table.geometry
    out = list(full[edges])
    if fractions is None:
        return out
    for i in np.flatnonzero((fractions[:, 0] > _PIECE_TOLERANCE) | (fractions[:, 1] < 1 - 1e-9)):
        line = table.geometry_metric[edges[i]]
        f0, f1 = float(fractions[i, 0]), float(fractions[i, 1])
        piece = substring(line, f0, f1, normalized=True)
        if piece.geom_type == "Point":
            piece = LineString([piece.coords[0], piece.coords[0]])
        if not metric:
            piece = shapely.transform(piece, table.to_geographic)
        out[i] = piece
    return out


def _stop_access(
    area: Area,
    base: CompiledNetwork,
    table: EdgeTable,
    waypoint: Waypoint,
    blocks: list[tuple[Closure, BaseGeometry]],
    role: str,
) -> StopAccess:
    """A waypoint's phantom node, and which ways from it no closure blocks."""
    snap = waypoint.snap
    point = edge_points(
        base,
        np.array([snap.u]),
        np.array([snap.v]),
        np.array([snap.key]),
        np.array([snap.fraction]),
    )[0]
    if not blocks:
        return StopAccess(point)
    where = _to_metric(area, [Point(snap.lon, snap.lat)])[0]
    for closure, block in blocks:
        if block.distance(where) <= CLOSURE_TOUCH_M:
            msg = (
                f"Titik {role} '{waypoint.label}' berada di dalam penutupan jalan "
                f"'{closure.name}'. Pindahkan titiknya atau ubah penutupannya."
            )
            raise NoRouteError(msg)
    # the snapped road: which stretch, from the point to each end, crosses no closure
    line = table.geometry_metric[point.edge]
    along = point.fraction * line.length
    to_u = substring(line, 0, along)
    to_v = substring(line, along, line.length)
    clear_u = not any(to_u.intersects(b) for _, b in blocks)
    clear_v = not any(to_v.intersects(b) for _, b in blocks)
    if not (clear_u or clear_v):
        names = ", ".join(f"'{c.name}'" for c, b in blocks if line.intersects(b))
        msg = (
            f"Titik {role} '{waypoint.label}' terkurung penutupan jalan {names}: jalan di "
            "kedua arahnya tertutup."
        )
        raise NoRouteError(msg)
    return StopAccess(point, leave=(clear_v, clear_u), reach=(clear_u, clear_v))


def plan_route(
    area: Area,
    net: CompiledNetwork,
    waypoints: Sequence[str | tuple[float, float] | Waypoint],
    *,
    closures: Sequence[Closure] = (),
    depart: datetime | None = None,
    alternatives: int = 0,
    max_shared: float = 0.6,
    max_stretch: float = 1.5,
    horizon_s: float = 3600.0,
) -> RoutePlan:
    """Fastest route through ordered waypoints, avoiding closures, with alternatives.

    Parameters
    ----------
    area
        The area.
    net
        The area's network compiled for the travel profile (closures are applied here).
    waypoints
        Origin, vias in order, destination: place names, ``"lon,lat"`` texts, ``(lon, lat)``
        pairs or resolved :class:`Waypoint`.
    closures
        Road closures; those with a window that misses the trip are ignored.
    depart
        Departure time (for closure windows and the route sheet's ETA).
    alternatives
        Up to this many alternatives that differ (0 to 3 is sensible).
    max_shared
        Largest share of length an alternative may have on the main route.
    max_stretch
        Largest ratio of an alternative's travel time to the main route's.
    horizon_s
        How long after departure a closure window still matters.

    Returns
    -------
    RoutePlan

    Raises
    ------
    GeoError
        Unknown or ambiguous place name, fewer than two waypoints.
    OffNetworkError
        A waypoint too far from every road.
    NoRouteError
        A waypoint inside a closure, or not reachable (another component, or closed off).
    """
    if len(waypoints) < 2:
        msg = "Rute perlu sedikitnya titik asal dan tujuan."
        raise GeoError(msg)
    points = resolve_waypoints(area, waypoints)
    table = edge_table(area, net)
    active = tuple(c for c in closures if c.active(depart, horizon_s))
    mask = closed_edges(area, net, active)
    work = net.with_closed(mask) if mask.any() else net
    blocks = [(c, c.blocking_geometry_metric(area)) for c in active]
    stops = []
    for i, point in enumerate(points):
        role = "asal" if i == 0 else "tujuan" if i == len(points) - 1 else f"singgah {i}"
        stops.append(_stop_access(area, net, table, point, blocks, role))
    base = net if blocks else None
    try:
        found = _alternatives(
            work,
            lambda w: path_through_points(work, stops, w, base=base),
            alternatives=alternatives,
            max_shared=max_shared,
            max_stretch=max_stretch,
            penalty=1.2,
            max_tries=12,
        )
    except NoRouteError:
        raise _explain_no_route(net, work, points, stops, bool(mask.any())) from None

    def made(f: Found, roads: np.ndarray | None) -> Route:
        path, edges, positions, fractions = f
        return build_route(work, table, path, edges, positions, roads, fractions)

    main = made(found[0], None)
    main_roads = np.zeros(int(_road_ids(net).max()) + 1, dtype=bool)
    main_roads[_road_ids(net)[main.edge_index]] = True
    alts = [made(f, main_roads) for f in found[1:]]
    alts.sort(key=lambda r: r.travel_time_s)
    return RoutePlan(
        profile=net.profile,
        waypoints=points,
        main=main,
        alternatives=tuple(alts),
        closures=active,
        closed=mask,
        depart=depart,
    )


def _explain_no_route(
    net: CompiledNetwork,
    work: CompiledNetwork,
    points: Sequence[Waypoint],
    stops: Sequence[StopAccess],
    closed: bool,
) -> NoRouteError:
    for (a, b), (pa, pb) in zip(
        itertools.pairwise(stops),
        itertools.pairwise(points),
        strict=True,
    ):
        try:
            path_through_points(work, [a, b], base=net if closed else None)
            continue
        except NoRouteError:
            pass
        try:
            path_through_points(net, [StopAccess(a.point), StopAccess(b.point)])
            open_reach = True
        except NoRouteError:
            open_reach = False
        if closed and open_reach:
            why = "jalan-jalan yang menghubungkannya tertutup oleh penutupan"
        else:
            why = "keduanya berada di bagian jaringan jalan yang terpisah (komponen lain)"
        msg = f"'{pb.label}' tidak dapat dicapai dari '{pa.label}': {why}."
        return NoRouteError(msg)
    return NoRouteError("Rute tidak ditemukan.")
