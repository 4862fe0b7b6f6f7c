"""Incident response: the nearest units to a point by travel time, and their routes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from geo.area import Area
from geo.coverage.reach import Source, source_starts
from geo.network import CompiledNetwork


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
    """

    source: Source
    eta_s: float
    path: tuple[int, ...]
    edges: tuple[int, ...]


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
        out.append(Responder(s, t, tuple(int(p) for p in path), tuple(int(e) for e in edges)))
    return out


def path_line(area: Area, network: CompiledNetwork, edges: Sequence[int]) -> shapely.LineString:
    """The road geometry along directed edges, as one line (EPSG:4326)."""
    coords: list[tuple[float, float]] = []
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
