"""Paths on the compiled network: through ordered stops, from points on roads, and alternatives."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from geo._errors import NoRouteError
from geo.area import Area
from geo.network import (
    CompiledNetwork,
    EdgePoint,
    direct,
    edge_points,
    entries,
    exits,
    point_leg,
)
from geo.routing.closures import CLOSURE_TOUCH_M, Closure
from geo.routing.edges import EdgeTable, _to_metric
from geo.routing.waypoints import Waypoint


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
