"""Routes and route plans: the fastest route through waypoints, closures and alternatives."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from geo._errors import GeoError, NoRouteError
from geo.area import Area
from geo.network import (
    CompiledNetwork,
)
from geo.routing.closures import Closure, closed_edges
from geo.routing.edges import EdgeTable, edge_table
from geo.routing.paths import (
    _PIECE_TOLERANCE,
    Found,
    StopAccess,
    _alternatives,
    _road_ids,
    _stop_access,
    path_through_points,
)
from geo.routing.waypoints import Waypoint, resolve_waypoints


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
