"""Patrol routes: a loop from a post through stops and back, and a sector patrol of a kelurahan.

The loop orders its stops by a travelling-salesman tour on network travel times: exact for up to
``EXACT_TSP_MAX`` stops, otherwise networkx's Christofides tour (on the symmetrised times)
improved by simulated annealing on the true, possibly one-way, times.

The sector patrol drives every road of a kelurahan (a Chinese-postman tour): the kelurahan's
roads form a multigraph; pieces that are not connected inside the kelurahan are joined by their
fastest connections (a minimum spanning tree), odd-degree nodes are paired by a minimum-weight
matching on network travel times (deadheading may use roads outside the kelurahan), and
``networkx.eulerian_circuit`` gives the order. ``networkx.eulerize`` is not used: it pairs odd
nodes by hop count inside the subgraph, not by travel time on the whole network.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from geo._errors import GeoError, NoRouteError
from geo.area import Area
from geo.network import CompiledNetwork
from geo.route_sheet import format_eta
from geo.routing import (
    Route,
    Waypoint,
    build_route,
    edge_table,
    path_through,
    resolve_waypoint,
    resolve_waypoints,
)

#: Up to this many stops (besides the post) the loop order is exact (all permutations).
EXACT_TSP_MAX: int = 7

#: A road counts as inside a kelurahan when at least this share of its length lies in it.
INSIDE_SHARE: float = 0.5


@dataclass(frozen=True)
class PatrolRoute:
    """A patrol route.

    Attributes
    ----------
    kind
        ``"loop"`` or ``"sector"``.
    route
        The route on the network (starts and ends at the post).
    stops
        Post first, then the stops in visiting order (loop); the start point (sector).
    legs
        One row per leg: ``no``, ``from``, ``to``, ``length_m``, ``travel_s``, ``arrive_s``,
        ``eta`` (loop); empty for a sector patrol.
    dwell_s
        Time spent at all stops together.
    required_m
        Sector: length of the kelurahan's roads; loop: 0.
    covered_m
        Sector: length of those roads the route drives.
    unreachable_m
        Sector: length of the kelurahan's roads not connected to the start (another
        component of the network).
    """

    kind: str
    route: Route
    stops: tuple[Waypoint, ...]
    legs: pd.DataFrame
    dwell_s: float = 0.0
    required_m: float = 0.0
    covered_m: float = 0.0
    unreachable_m: float = 0.0

    @property
    def travel_time_s(self) -> float:
        """Driving time."""
        return self.route.travel_time_s

    @property
    def duration_s(self) -> float:
        """Driving time plus time at the stops."""
        return self.route.travel_time_s + self.dwell_s

    @property
    def deadhead_m(self) -> float:
        """Sector: metres driven beyond one pass over each road."""
        return max(self.route.length_m - self.covered_m, 0.0) if self.kind == "sector" else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "kind": self.kind,
            "stops": [w.label for w in self.stops],
            "length_m": round(self.route.length_m, 1),
            "travel_time_s": round(self.travel_time_s, 1),
            "dwell_s": round(self.dwell_s, 1),
            "duration_s": round(self.duration_s, 1),
            "required_m": round(self.required_m, 1),
            "covered_m": round(self.covered_m, 1),
            "unreachable_m": round(self.unreachable_m, 1),
            "nodes": [int(n) for n in self.route.nodes],
        }


# --------------------------------------------------------------------------- ordering


def _tour_cost(order: list[int], cost: np.ndarray) -> float:
    return float(sum(cost[a, b] for a, b in itertools.pairwise([*order, order[0]])))


def tsp_order(cost: np.ndarray, *, seed: int = 0) -> list[int]:
    """A short closed tour over ``cost`` (square, may be asymmetric), starting at index 0.

    Parameters
    ----------
    cost
        Travel time from row to column.
    seed
        Seed of the simulated annealing (used above ``EXACT_TSP_MAX`` stops).

    Returns
    -------
    list of int
        Indices in visiting order, 0 first, without returning to 0.
    """
    n = len(cost)
    if n <= 2:
        return list(range(n))
    if n - 1 <= EXACT_TSP_MAX:
        best = min(
            itertools.permutations(range(1, n)),
            key=lambda perm: _tour_cost([0, *perm], cost),
        )
        return [0, *best]
    sym = nx.Graph()
    directed = nx.DiGraph()
    for i, j in itertools.permutations(range(n), 2):
        directed.add_edge(i, j, weight=float(cost[i, j]))
        if i < j:
            sym.add_edge(i, j, weight=float(cost[i, j] + cost[j, i]) / 2)
    start = nx.approximation.christofides(sym, weight="weight")
    tours = [start[:-1]]
    for rng in range(3):
        cycle = nx.approximation.simulated_annealing_tsp(
            directed, start, weight="weight", source=0, seed=seed + rng
        )
        tours.append(cycle[:-1])
    best = min(tours, key=lambda order: _tour_cost(order, cost))
    k = best.index(0)
    return best[k:] + best[:k]


# --------------------------------------------------------------------------- loop


def patrol_loop(
    area: Area,
    net: CompiledNetwork,
    post: str | tuple[float, float] | Waypoint,
    stops: list[str | tuple[float, float] | Waypoint],
    *,
    dwell_s: float = 0.0,
    depart: datetime | None = None,
    seed: int = 0,
) -> PatrolRoute:
    """A loop from a post through stops and back, in a short order.

    Parameters
    ----------
    area
        The area.
    net
        Network compiled for the patrol's profile.
    post
        Where the loop starts and ends (place name, ``"lon,lat"`` or a pair).
    stops
        Places to visit (venues, TPS, CCTV sites ...), in any order.
    dwell_s
        Time spent at each stop.
    depart
        Departure time for the ETA column.
    seed
        Seed of the order heuristic (above ``EXACT_TSP_MAX`` stops).

    Returns
    -------
    PatrolRoute

    Raises
    ------
    GeoError
        No stops, or an unknown or ambiguous name.
    NoRouteError
        A stop cannot be reached from the post or back.
    """
    if not stops:
        msg = "Pilih sedikitnya satu titik singgah patroli."
        raise GeoError(msg)
    points = list(resolve_waypoints(area, [post, *stops]))
    idx = net.indices_of(np.array([p.snap.node for p in points]))
    dist = dijkstra(net.matrix, indices=idx)
    cost = dist[:, idx]
    bad = [
        points[i].label
        for i in range(1, len(points))
        if not (np.isfinite(cost[0, i]) and np.isfinite(cost[i, 0]))
    ]
    if bad:
        msg = (
            f"Titik singgah tidak dapat dicapai dari pos '{points[0].label}' atau tidak dapat "
            f"kembali: {', '.join(bad)} (bagian jaringan yang terpisah)."
        )
        raise NoRouteError(msg)
    unreachable = ~np.isfinite(cost)
    cost = np.where(unreachable, 1e9, cost)
    order = tsp_order(cost, seed=seed)
    ordered = [points[i] for i in order]
    path, edges, positions = path_through(net, [int(idx[i]) for i in [*order, 0]])
    route = build_route(net, edge_table(area, net), path, edges, positions, None)
    along_len = np.concatenate([[0.0], np.cumsum(net.length[edges])])
    along_t = np.concatenate([[0.0], np.cumsum(net.travel_time[edges])])
    rows = []
    labels = [w.label for w in ordered] + [ordered[0].label]
    for leg, (a, b) in enumerate(itertools.pairwise(positions)):
        arrive = float(along_t[b]) + dwell_s * leg
        rows.append(
            {
                "no": leg + 1,
                "from": labels[leg],
                "to": labels[leg + 1],
                "length_m": float(along_len[b] - along_len[a]),
                "travel_s": float(along_t[b] - along_t[a]),
                "arrive_s": arrive,
                "eta": format_eta(arrive, depart),
            }
        )
    return PatrolRoute(
        kind="loop",
        route=route,
        stops=tuple(ordered),
        legs=pd.DataFrame(rows),
        dwell_s=dwell_s * (len(points) - 1),
    )


# --------------------------------------------------------------------------- sector


def kelurahan_names(area: Area) -> list[str]:
    """Kelurahan names of the area, sorted."""
    return sorted(area.kelurahan["nama"].astype(str))


def sector_roads(area: Area, kelurahan: str) -> gpd.GeoDataFrame:
    """Roads (one row per two-way road) lying mostly inside a kelurahan.

    Raises
    ------
    GeoError
        Unknown kelurahan (the message lists them).
    """
    names = area.kelurahan["nama"].astype(str)
    hit = area.kelurahan[names.str.casefold() == kelurahan.strip().casefold()]
    if hit.empty:
        msg = (
            f"Kelurahan tidak dikenal: {kelurahan!r}. Pilihan: {', '.join(kelurahan_names(area))}."
        )
        raise GeoError(msg)
    polygon = hit.to_crs(area.crs_metric).geometry.union_all()
    edges = area.edges_metric
    cand = edges.iloc[edges.sindex.query(polygon, predicate="intersects")]
    inside = cand.geometry.intersection(polygon).length / cand.geometry.length.clip(lower=1e-9)
    return area.edges.loc[cand.index[inside.to_numpy() >= INSIDE_SHARE]]


def sector_patrol(
    area: Area,
    net: CompiledNetwork,
    kelurahan: str,
    *,
    start: str | tuple[float, float] | Waypoint | None = None,
) -> PatrolRoute:
    """A closed route that drives every road of a kelurahan at least once.

    Parameters
    ----------
    area
        The area.
    net
        Network compiled for the patrol's profile.
    kelurahan
        Kelurahan name (case-insensitive).
    start
        Where the patrol starts and ends; default the police post in the kelurahan, else its
        road node nearest the kelurahan's centre.

    Returns
    -------
    PatrolRoute

    Raises
    ------
    GeoError
        Unknown kelurahan, or one without roads.
    NoRouteError
        The kelurahan's roads cannot be reached from the start.
    """
    roads = sector_roads(area, kelurahan)
    if roads.empty:
        msg = f"Kelurahan {kelurahan!r} tidak memiliki ruas jalan di jaringan."
        raise GeoError(msg)
    table = edge_table(area, net)
    lookup = {
        (int(u), int(v), int(k)): i
        for i, (u, v, k) in enumerate(zip(table.u, table.v, table.key, strict=True))
    }
    required = nx.MultiGraph()
    road_length: dict[int, float] = {}
    for u, v, k, length in roads[["u", "v", "key", "length"]].itertuples(index=False):
        e = lookup.get((int(u), int(v), int(k)))
        if e is None:
            continue
        a, b = int(net.edge_u[e]), int(net.edge_v[e])
        if a == b:
            continue
        required.add_edge(a, b, weight=float(net.travel_time[e]), road=int(table.road[e]))
        road_length[int(table.road[e])] = float(length)
    start_point = _sector_start(area, kelurahan, start)
    s = net.index_of(start_point.snap.node)
    nodes = np.array(sorted(required.nodes), dtype=np.int64)
    dist = dijkstra(net.matrix, indices=nodes)[:, nodes]
    sym = np.minimum(dist, dist.T)  # two-way roads: equal; one-way: the open direction
    from_start = dijkstra(net.matrix, indices=s)
    reachable = np.isfinite(from_start[nodes])
    if not reachable.any():
        msg = f"Jalan-jalan kelurahan {kelurahan} tidak dapat dicapai dari titik awal."
        raise NoRouteError(msg)
    if not reachable.all():
        required.remove_nodes_from(nodes[~reachable].tolist())
        keep = np.flatnonzero(reachable)
        nodes, sym = nodes[keep], sym[np.ix_(keep, keep)]
    kept = {d["road"] for _, _, d in required.edges(data=True)}
    unreachable_m = sum(length for road, length in road_length.items() if road not in kept)
    pos = {int(n): i for i, n in enumerate(nodes)}

    # 1. join the pieces that only connect through roads outside the kelurahan
    pieces = [sorted(c) for c in nx.connected_components(required)]
    if len(pieces) > 1:
        joins = nx.Graph()
        for (i, a), (j, b) in itertools.combinations(enumerate(pieces), 2):
            block = sym[np.ix_([pos[n] for n in a], [pos[n] for n in b])]
            r, c = np.unravel_index(np.argmin(block), block.shape)
            joins.add_edge(i, j, weight=float(block[r, c]), pair=(a[r], b[c]))
        for _, _, data in nx.minimum_spanning_edges(joins, data=True):
            x, y = data["pair"]
            required.add_edge(x, y, weight=data["weight"], road=-1)

    # 2. pair odd nodes by travel time (minimum-weight perfect matching)
    odd = [n for n, d in required.degree() if d % 2]
    if odd:
        pairs = nx.Graph()
        for a, b in itertools.combinations(odd, 2):
            pairs.add_edge(a, b, weight=float(sym[pos[a], pos[b]]))
        for a, b in nx.min_weight_matching(pairs):
            required.add_edge(a, b, weight=float(sym[pos[a], pos[b]]), road=-1)

    # 3. the circuit, from the required node nearest the start
    entry = int(nodes[int(np.argmin(from_start[nodes]))])
    # a required road's own directed edge, for each direction it may be driven in
    own_edge = {
        (int(table.road[e]), int(net.edge_u[e]), int(net.edge_v[e])): e
        for e in np.flatnonzero(net.open_edges & np.isin(table.road, list(road_length)))
    }
    path: list[int] = [s]
    steps: list[np.ndarray] = []

    def drive(a: int, b: int) -> None:
        leg = net.shortest_path(a, b)[0]
        path.extend(leg[1:])
        steps.append(net.path_edges(leg))

    if entry != s:
        drive(s, entry)
    for a, b, k in nx.eulerian_circuit(required, source=entry, keys=True):
        e = own_edge.get((required[a][b][k]["road"], a, b))
        if e is None:
            drive(a, b)
        else:
            path.append(b)
            steps.append(np.array([e], dtype=np.int64))
    if path[-1] != s:
        drive(path[-1], s)
    edges = np.concatenate(steps) if steps else np.zeros(0, dtype=np.int64)
    route = build_route(net, table, path, edges, [0, len(path) - 1], None)
    driven = set(table.road[edges].tolist())
    covered = sum(length for road, length in road_length.items() if road in driven)
    return PatrolRoute(
        kind="sector",
        route=route,
        stops=(start_point,),
        legs=pd.DataFrame(),
        required_m=sum(road_length.values()),
        covered_m=covered,
        unreachable_m=unreachable_m,
    )


def _sector_start(
    area: Area, kelurahan: str, start: str | tuple[float, float] | Waypoint | None
) -> Waypoint:
    if start is not None:
        return resolve_waypoint(area, start)
    places = area.places
    police = places[
        places["category"].isin(("police_sector", "police_hq"))
        & (places["kelurahan"].astype(str).str.casefold() == kelurahan.strip().casefold())
    ]
    if len(police):
        return resolve_waypoint(area, str(police.iloc[0]["place_id"]))
    name = str(area.kelurahan.loc[names_cf(area) == kelurahan.strip().casefold(), "nama"].iloc[0])
    centre = area.kelurahan[names_cf(area) == kelurahan.strip().casefold()].to_crs(area.crs_metric)
    point = centre.geometry.union_all().representative_point()
    lonlat = gpd.GeoSeries([point], crs=area.crs_metric).to_crs(area.kelurahan.crs)[0]
    waypoint = resolve_waypoint(area, (float(lonlat.x), float(lonlat.y)))
    return replace(waypoint, label=f"Tengah Kelurahan {name}")


def names_cf(area: Area) -> pd.Series:
    """Kelurahan names, case-folded, aligned with ``area.kelurahan``."""
    return area.kelurahan["nama"].astype(str).str.casefold()
