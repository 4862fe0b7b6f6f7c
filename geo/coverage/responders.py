"""Incident response: the nearest units to a point by travel time, and their routes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra
from shapely.ops import substring

from geo.area import Area
from geo.coverage.reach import Source, source_starts
from geo.network import CompiledNetwork, edge_points


@dataclass(frozen=True)
class Responder:
    """A source that can answer an incident.

    Attributes
    ----------
    source
        The post or unit.
    eta_s
        Travel time to the incident, readiness included.
    path
        Compiled node indices from the source to the incident's node.
    edges
        Directed edge indices along the path (for drawing).
    length_m
        Road length driven: the path's edges and the part of the source's own road.
    """

    source: Source
    eta_s: float
    path: tuple[int, ...]
    edges: tuple[int, ...]
    length_m: float = 0.0


def nearest_responders(
    networks: Mapping[str, CompiledNetwork],
    sources: Sequence[Source],
    node: int,
    *,
    count: int = 3,
) -> list[Responder]:
    """The sources that reach a node soonest, with their routes.

    One reverse Dijkstra per profile from the incident (on the transposed network) gives every
    source's time at once; only the chosen few are routed.

    Parameters
    ----------
    networks
        Compiled network per profile.
    sources
        Available posts and units.
    node
        Graph node of the incident.
    count
        How many responders to return.

    Returns
    -------
    list of Responder
        Fastest first; sources that cannot reach the node are left out.
    """
    etas: list[tuple[float, int, int]] = []
    for profile in dict.fromkeys(s.profile for s in sources):
        net = networks[profile]
        target = net.index_of(node)
        back = dijkstra(net.matrix.T.tocsr(), indices=target)
        members = np.array([i for i, s in enumerate(sources) if s.profile == profile])
        # a source on a road leaves its point through either end (readiness + partial road)
        idx, offsets, who = source_starts(net, sources, members)
        best: dict[int, tuple[float, int]] = {}
        for start, offset, i in zip(idx.tolist(), offsets.tolist(), who.tolist(), strict=True):
            t = float(back[start]) + offset
            if np.isfinite(t) and t < best.get(i, (np.inf, -1))[0]:
                best[i] = (t, start)
        etas.extend((t, i, start) for i, (t, start) in best.items())
    etas.sort()
    out = []
    for t, i, start in etas[:count]:
        s = sources[i]
        net = networks[s.profile]
        path, _ = net.shortest_path(start, net.index_of(node))
        edges = net.path_edges(path) if len(path) > 1 else np.zeros(0, dtype=np.int64)
        length = float(net.length[edges].sum()) + _lead_in_m(net, s, int(net.nodes[start]))
        out.append(
            Responder(s, t, tuple(int(p) for p in path), tuple(int(e) for e in edges), length)
        )
    return out


def _lead_in_m(net: CompiledNetwork, source: Source, first_node: int) -> float:
    """Metres of the source's own road from its point to the node its route leaves by."""
    if source.edge is None:
        return 0.0
    u, v, k = source.edge
    point = edge_points(net, np.array([u]), np.array([v]), np.array([k]),
                        np.array([source.fraction]))[0]  # fmt: skip
    length = float(net.length[point.edge])
    return (1 - source.fraction) * length if first_node == v else source.fraction * length


def _lead_in(area: Area, source: Source, first_node: int) -> list[tuple[float, float]]:
    """The part of the source's own road from its point to the node its route leaves by."""
    if source.edge is None:
        return []
    u, v, k = source.edge
    graph = area.graph
    geom = graph.edges[u, v, k].get("geometry") or shapely.LineString(
        [(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in (u, v)]
    )
    ux, uy = graph.nodes[u]["x"], graph.nodes[u]["y"]
    first, last = geom.coords[0], geom.coords[-1]
    if abs(first[0] - ux) + abs(first[1] - uy) > abs(last[0] - ux) + abs(last[1] - uy):
        geom = geom.reverse()  # now from u to v
    f = min(max(float(source.fraction), 0.0), 1.0)
    if first_node == v:
        piece = substring(geom, f, 1.0, normalized=True)
    elif first_node == u:
        piece = substring(geom, 0.0, f, normalized=True).reverse()
    else:
        return []
    return list(piece.coords) if piece.geom_type == "LineString" else []


def path_line(
    area: Area,
    network: CompiledNetwork,
    edges: Sequence[int],
    *,
    source: Source | None = None,
    path: Sequence[int] = (),
) -> shapely.LineString:
    """The road geometry along directed edges, as one line (EPSG:4326).

    With ``source`` and the compiled ``path`` of a ``Responder``, the line starts at the
    source's point on its road and follows that road to the node the route leaves by (the
    partial road its ETA counts), not at that node.
    """
    coords: list[tuple[float, float]] = []
    if source is not None and len(path):
        coords = _lead_in(area, source, int(network.nodes[int(path[0])]))
    graph = area.graph
    for e in edges:
        u = int(network.nodes[network.edge_u[e]])
        v = int(network.nodes[network.edge_v[e]])
        data = graph.edges[u, v, int(network.edge_key[e])]
        geom = data.get("geometry")
        if geom is None:
            pts = [
                (graph.nodes[u]["x"], graph.nodes[u]["y"]),
                (graph.nodes[v]["x"], graph.nodes[v]["y"]),
            ]
        else:
            pts = list(geom.coords)
            if pts and (
                abs(pts[0][0] - graph.nodes[u]["x"]) + abs(pts[0][1] - graph.nodes[u]["y"])
            ) > (abs(pts[-1][0] - graph.nodes[u]["x"]) + abs(pts[-1][1] - graph.nodes[u]["y"])):
                pts.reverse()
        coords.extend(pts if not coords else pts[1:])
    return shapely.LineString(coords) if len(coords) >= 2 else shapely.LineString()
