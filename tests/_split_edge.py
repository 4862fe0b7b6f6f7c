"""Independent reference for routes from points along roads: split the road at each point.

Each point becomes a new node of a copy of the graph: its edge ``u -> v`` (and the reverse
``v -> u`` of the same road, if any) is replaced by two edges through the point, with length
and travel time shared by the fraction. ``networkx`` Dijkstra on that graph is then the true
fastest time between the points, the figure a phantom-node router must give.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np


def _twin(graph: nx.MultiDiGraph, u: int, v: int, key: int) -> int | None:
    if not graph.has_edge(v, u):
        return None
    length = graph.edges[u, v, key]["length"]
    best = min(graph[v][u], key=lambda k: abs(graph[v][u][k]["length"] - length))
    if abs(graph[v][u][best]["length"] - length) > max(0.5, 0.01 * length):
        return None
    return best


def split_at_points(
    graph: nx.MultiDiGraph, points: list[tuple[int, int, int, float]]
) -> tuple[nx.MultiDiGraph, list[object]]:
    """Copy of a timed graph with a node at each ``(u, v, key, fraction)``; the new node ids.

    A fraction of 0 or 1 is the edge's end node itself.
    """
    out = graph.copy()
    ids: list[object] = [None] * len(points)
    by_edge: dict[tuple[int, int, int], list[tuple[float, int]]] = {}
    for i, (u, v, k, f) in enumerate(points):
        if f <= 1e-9:
            ids[i] = u
        elif f >= 1 - 1e-9:
            ids[i] = v
        else:
            by_edge.setdefault((u, v, k), []).append((f, i))
    for (u, v, k), marks in by_edge.items():
        marks.sort()
        data = graph.edges[u, v, k]
        twin = _twin(graph, u, v, k)
        back = graph.edges[v, u, twin] if twin is not None else None
        chain = [u]
        fracs = [0.0]
        for f, i in marks:
            node = ("p", i)
            out.add_node(node)
            ids[i] = node
            chain.append(node)
            fracs.append(f)
        chain.append(v)
        fracs.append(1.0)
        out.remove_edge(u, v, k)
        if twin is not None:
            out.remove_edge(v, u, twin)
        out.graph.setdefault("chains", {})[(u, v, k)] = (chain, fracs)
        for a, b, f0, f1 in zip(chain, chain[1:], fracs, fracs[1:], strict=False):
            share = f1 - f0
            out.add_edge(
                a, b, length=data["length"] * share, travel_time=data["travel_time"] * share
            )
            if back is not None:
                out.add_edge(
                    b, a, length=back["length"] * share, travel_time=back["travel_time"] * share
                )
    return out, ids


def split_route_time(graph: nx.MultiDiGraph, points: list[tuple[int, int, int, float]]) -> float:
    """Fastest time through the points in order on the split graph (seconds)."""
    split, ids = split_at_points(graph, points)
    return sum(
        nx.dijkstra_path_length(split, a, b, weight="travel_time")
        for a, b in itertools.pairwise(ids)
    )


def split_multi_source(
    graph: nx.MultiDiGraph,
    sources: list[tuple[int, int, int, float]],
    readiness: list[float],
    extra: list[tuple[int, int, int, float]] = (),
) -> tuple[nx.MultiDiGraph, dict[object, float], list[object], list[object]]:
    """Times from the nearest source (its readiness included) on the graph split at every point.

    Returns the split graph, seconds to each of its nodes, and the node of each source and of
    each extra point (e.g. targets on roads).
    """
    split, ids = split_at_points(graph, [*sources, *extra])
    start = ("start",)
    split.add_node(start)
    for node, ready in zip(ids[: len(sources)], readiness, strict=True):
        split.add_edge(start, node, length=0.0, travel_time=float(ready))
    times = nx.single_source_dijkstra_path_length(split, start, weight="travel_time")
    return split, times, ids[: len(sources)], ids[len(sources) :]


def split_road_share(
    area_edges, graph: nx.MultiDiGraph, split: nx.MultiDiGraph, times: dict, cutoff: float
) -> float:
    """Covered share of road length (each piece covered from its two ends), on a split graph."""
    chains = split.graph.get("chains", {})
    total = covered = 0.0
    for r in area_edges.itertuples():
        chain, fracs = chains.get((r.u, r.v, r.key), ([r.u, r.v], [0.0, 1.0]))
        fwd = graph.edges[r.u, r.v, r.key]["travel_time"]
        twin = _twin(graph, r.u, r.v, r.key)
        bwd = graph.edges[r.v, r.u, twin]["travel_time"] if twin is not None else None
        for a, b, f0, f1 in zip(chain, chain[1:], fracs, fracs[1:], strict=False):
            share = f1 - f0
            f_a = min(1.0, max(0.0, (cutoff - times.get(a, np.inf)) / (fwd * share)))
            f_b = 0.0
            if bwd is not None:
                f_b = min(1.0, max(0.0, (cutoff - times.get(b, np.inf)) / (bwd * share)))
            covered += min(1.0, f_a + f_b) * r.length * share
        total += r.length
    return covered / total
