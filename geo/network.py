"""Compiled road network: a CSR matrix of travel times for fast shortest paths.

The osmnx graph stays the source of truth; this is its compiled form for the hot paths (route,
alternatives, multi-source reach with a cutoff), run by ``scipy.sparse.csgraph`` in C. Node ids
map back to the graph's. Closures are edge masks applied to the compiled arrays, never copies of
the graph, so one cached network serves every closure set.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from geo._errors import NoRouteError
from geo.profiles import Profile, get_profile, with_travel_times

# scipy treats a stored zero as "no edge" in some paths; the smallest weight we store.
_MIN_WEIGHT = 1e-6


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """A road graph compiled for one travel profile.

    Attributes
    ----------
    profile
        Profile name.
    nodes
        Graph node id of each compiled index.
    edge_u, edge_v
        Compiled node index of each directed edge's ends.
    edge_key
        The edge's key in the MultiDiGraph.
    travel_time
        Seconds per directed edge.
    length
        Metres per directed edge.
    matrix
        ``n x n`` CSR matrix of the fastest open edge between two nodes.
    best_edge
        Index (into the edge arrays) of that fastest edge, same sparsity as ``matrix``.
    open_edges
        Mask of edges not closed.
    """

    profile: str
    nodes: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_key: np.ndarray
    travel_time: np.ndarray
    length: np.ndarray
    matrix: csr_matrix
    best_edge: csr_matrix
    open_edges: np.ndarray

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    def index_of(self, node: int) -> int:
        """Compiled index of a graph node id."""
        idx = int(np.searchsorted(self.nodes, node))
        if idx >= self.n or self.nodes[idx] != node:
            msg = f"Simpul {node} tidak ada di jaringan."
            raise NoRouteError(msg)
        return idx

    def indices_of(self, nodes: np.ndarray | list[int]) -> np.ndarray:
        """Compiled indices of graph node ids (vectorised ``index_of``)."""
        arr = np.asarray(nodes, dtype=self.nodes.dtype)
        idx = np.searchsorted(self.nodes, arr)
        if np.any(idx >= self.n) or np.any(self.nodes[np.minimum(idx, self.n - 1)] != arr):
            msg = "Sebagian simpul tidak ada di jaringan."
            raise NoRouteError(msg)
        return idx

    def with_closed(self, closed: np.ndarray) -> CompiledNetwork:
        """The same network with some edges closed.

        Parameters
        ----------
        closed
            Boolean mask over the edge arrays (True = closed), or edge indices.

        Returns
        -------
        CompiledNetwork
        """
        mask = np.zeros(len(self.edge_u), dtype=bool)
        mask[closed] = True
        return _assemble(
            self.profile,
            self.nodes,
            self.edge_u,
            self.edge_v,
            self.edge_key,
            self.travel_time,
            self.length,
            ~mask,
        )

    def distances(
        self,
        sources: np.ndarray,
        *,
        offsets: np.ndarray | None = None,
        limit: float = np.inf,
        weights: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Multi-source travel times with per-source start offsets.

        Parameters
        ----------
        sources
            Compiled indices of the sources.
        offsets
            Seconds already spent at each source (e.g. readiness); default zeros.
        limit
            Stop exploring beyond this many seconds.
        weights
            Alternative per-edge weights (same order as the edge arrays), e.g. penalised ones.

        Returns
        -------
        dist, origin
            Seconds to every node (``inf`` beyond ``limit`` or unreachable), and the position in
            ``sources`` of the source each node is reached from (-1 where unreached).
        """
        sources = np.asarray(sources, dtype=np.int64)
        offsets = np.zeros(len(sources)) if offsets is None else np.asarray(offsets, float)
        matrix = (self if weights is None else self.reweighted(weights)).matrix
        n = self.n
        # a virtual node n with an edge to each source weighted by its offset
        order = np.lexsort((offsets, sources))
        src, off = sources[order], np.maximum(offsets[order], _MIN_WEIGHT)
        first = np.unique(src, return_index=True)[1]
        src, off, pos = src[first], off[first], order[first]
        indptr = np.concatenate([matrix.indptr, [matrix.indptr[-1] + len(src)]])
        indices = np.concatenate([matrix.indices, src])
        data = np.concatenate([matrix.data, off])
        aug = csr_matrix((data, indices, indptr), shape=(n + 1, n + 1))
        dist, pred = dijkstra(aug, indices=n, limit=limit, return_predecessors=True)
        dist = dist[:n]
        origin = _roots(pred[:n], n)
        src_pos = np.full(n, -1, dtype=np.int64)
        src_pos[src] = pos
        reached = np.isfinite(dist)
        out = np.full(n, -1, dtype=np.int64)
        out[reached] = src_pos[origin[reached]]
        return dist, out

    def shortest_path(
        self, source: int, target: int, *, weights: np.ndarray | None = None
    ) -> tuple[list[int], float]:
        """Fastest path between two compiled indices.

        Returns
        -------
        path, seconds
            Compiled node indices from source to target, and the travel time (by ``weights``
            when given, else by the profile's travel times).

        Raises
        ------
        NoRouteError
            If the target cannot be reached.
        """
        matrix = (self if weights is None else self.reweighted(weights)).matrix
        dist, pred = dijkstra(matrix, indices=source, return_predecessors=True)
        if not np.isfinite(dist[target]):
            msg = "Tujuan tidak dapat dicapai dari asal (jaringan terputus atau tertutup)."
            raise NoRouteError(msg)
        path = [target]
        while path[-1] != source:
            path.append(int(pred[path[-1]]))
        path.reverse()
        return path, float(dist[target])

    def path_edges(self, path: list[int], weights: np.ndarray | None = None) -> np.ndarray:
        """Edge indices (the fastest open edge for each step) along a node path."""
        best = (self if weights is None else self.reweighted(weights)).best_edge
        a, b = np.asarray(path[:-1]), np.asarray(path[1:])
        return np.asarray(best[a, b]).ravel().astype(np.int64) - 1

    def reweighted(self, weights: np.ndarray) -> CompiledNetwork:
        """The same network, closures kept, with other per-edge weights (e.g. penalties)."""
        return _assemble(
            self.profile,
            self.nodes,
            self.edge_u,
            self.edge_v,
            self.edge_key,
            weights,
            self.length,
            self.open_edges,
        )


def _roots(pred: np.ndarray, virtual: int) -> np.ndarray:
    """Source node of every node's shortest-path tree branch, by pointer doubling."""
    n = len(pred)
    parent = pred.astype(np.int64).copy()
    own = np.arange(n)
    parent[(parent < 0) | (parent == virtual)] = own[(parent < 0) | (parent == virtual)]
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            return parent
        parent = nxt


def _assemble(
    profile: str,
    nodes: np.ndarray,
    edge_u: np.ndarray,
    edge_v: np.ndarray,
    edge_key: np.ndarray,
    travel_time: np.ndarray,
    length: np.ndarray,
    open_edges: np.ndarray,
) -> CompiledNetwork:
    n = len(nodes)
    idx = np.flatnonzero(open_edges & (edge_u != edge_v))
    # fastest edge per (u, v): sort by pair then weight, keep the first
    order = idx[np.lexsort((travel_time[idx], edge_v[idx], edge_u[idx]))]
    pair = edge_u[order] * n + edge_v[order]
    keep = order[np.r_[True, pair[1:] != pair[:-1]]] if len(order) else order
    weights = np.maximum(travel_time[keep], _MIN_WEIGHT)
    shape = (n, n)
    matrix = csr_matrix((weights, (edge_u[keep], edge_v[keep])), shape=shape)
    best = csr_matrix((keep + 1, (edge_u[keep], edge_v[keep])), shape=shape)
    return CompiledNetwork(
        profile, nodes, edge_u, edge_v, edge_key, travel_time, length, matrix, best, open_edges
    )


def compile_network(graph: nx.MultiDiGraph, profile: str | Profile) -> CompiledNetwork:
    """Compile a road graph for a travel profile.

    Parameters
    ----------
    graph
        osmnx road graph (edge ``highway`` and ``length``).
    profile
        Travel profile or its name; travel times come from ``geo.profiles.with_travel_times``.

    Returns
    -------
    CompiledNetwork
    """
    prof = get_profile(profile) if isinstance(profile, str) else profile
    timed = with_travel_times(graph, prof)
    nodes = np.array(sorted(timed.nodes), dtype=np.int64)
    u, v, k, tt, length = [], [], [], [], []
    for a, b, key, data in timed.edges(keys=True, data=True):
        u.append(a)
        v.append(b)
        k.append(key)
        tt.append(data["travel_time"])
        length.append(data["length"])
    edge_u = np.searchsorted(nodes, np.array(u, dtype=np.int64))
    edge_v = np.searchsorted(nodes, np.array(v, dtype=np.int64))
    return _assemble(
        prof.name,
        nodes,
        edge_u,
        edge_v,
        np.array(k, dtype=np.int64),
        np.array(tt, dtype=float),
        np.array(length, dtype=float),
        np.ones(len(edge_u), dtype=bool),
    )


# --------------------------------------------------------------------------- phantom nodes


@dataclass(frozen=True)
class EdgePoint:
    """A point along a road of a compiled network (a "phantom node", as routing engines say).

    Attributes
    ----------
    edge
        Directed edge index the point lies on (``edge_u[edge]`` -> ``edge_v[edge]``).
    twin
        The same road's reverse edge (``edge_v`` -> ``edge_u``), or -1 on a one-way road.
    fraction
        Position from ``edge_u[edge]`` (0) to ``edge_v[edge]`` (1), by length.
    """

    edge: int
    twin: int
    fraction: float

    def at_node(self, net: CompiledNetwork) -> int | None:
        """Compiled node index when the point is an edge end, else None."""
        if self.fraction <= _END_TOLERANCE:
            return int(net.edge_u[self.edge])
        if self.fraction >= 1 - _END_TOLERANCE:
            return int(net.edge_v[self.edge])
        return None


#: A fraction this close to 0 or 1 is the edge's end node.
_END_TOLERANCE = 1e-9

#: ``(node, cost, edge, f0, f1)``: leave (or reach) a point through ``node``; ``cost`` is the
#: partial edge's weight, and the piece driven is ``edge`` from ``f0`` to ``f1``.
Step = tuple[int, float, int, float, float]


def _edge_lookup(net: CompiledNetwork) -> tuple[np.ndarray, np.ndarray]:
    cached = _LOOKUPS.get(id(net.edge_u))
    if cached is not None and cached[0] is net.edge_u:
        return cached[1], cached[2]
    code = (net.edge_u.astype(np.int64) * net.n + net.edge_v) * 1024 + net.edge_key
    order = np.argsort(code, kind="stable")
    if len(_LOOKUPS) > 32:
        _LOOKUPS.clear()
    _LOOKUPS[id(net.edge_u)] = (net.edge_u, code[order], order)
    return code[order], order


_LOOKUPS: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def edge_points(
    net: CompiledNetwork,
    u: np.ndarray,
    v: np.ndarray,
    key: np.ndarray,
    fraction: np.ndarray,
) -> list[EdgePoint]:
    """Phantom nodes of points snapped to edges ``(u, v, key)`` (graph node ids).

    Parameters
    ----------
    net
        The compiled network.
    u, v, key
        The snapped edge of each point (as ``geo.snap.snap_points`` gives it).
    fraction
        Position along that edge from ``u`` (0 to 1).

    Returns
    -------
    list of EdgePoint
        The twin is the reverse edge of the same road (same ends, the nearest length).

    Raises
    ------
    NoRouteError
        If an edge is not in the network.
    """
    iu, iv = net.indices_of(np.asarray(u)), net.indices_of(np.asarray(v))
    keys, order = _edge_lookup(net)
    code = (iu.astype(np.int64) * net.n + iv) * 1024 + np.asarray(key, dtype=np.int64)
    pos = np.searchsorted(keys, code)
    if np.any(pos >= len(keys)) or np.any(keys[np.minimum(pos, len(keys) - 1)] != code):
        msg = "Sebagian ruas jalan tidak ada di jaringan."
        raise NoRouteError(msg)
    edges = order[pos]
    # the twin: a reverse edge of the same road (same ends, the nearest length)
    back = iv.astype(np.int64) * net.n + iu
    lo = np.searchsorted(keys, back * 1024)
    hi = np.searchsorted(keys, (back + 1) * 1024)
    twins = np.full(len(edges), -1, dtype=np.int64)
    single = (hi - lo == 1) & (iu != iv)
    cand = order[np.minimum(lo, len(order) - 1)]
    close = np.abs(net.length[cand] - net.length[edges]) <= np.maximum(
        0.5, 0.01 * net.length[edges]
    )
    twins[single & close] = cand[single & close]
    for j in np.flatnonzero((hi - lo > 1) & (iu != iv)).tolist():
        many = order[lo[j] : hi[j]]
        diff = np.abs(net.length[many] - net.length[edges[j]])
        best = int(np.argmin(diff))
        if diff[best] <= max(0.5, 0.01 * net.length[edges[j]]):
            twins[j] = int(many[best])
    fractions = np.clip(np.asarray(fraction, dtype=float), 0.0, 1.0)
    return [
        EdgePoint(int(e), int(t), float(f))
        for e, t, f in zip(edges.tolist(), twins.tolist(), fractions.tolist(), strict=True)
    ]


def exits(
    net: CompiledNetwork,
    point: EdgePoint,
    weights: np.ndarray,
    allowed: tuple[bool, bool] | None = None,
) -> list[Step]:
    """Ways to leave a point: along its edge to ``edge_v`` and along the twin to ``edge_u``.

    ``allowed`` overrides whether each way is open (default: the edges' open mask).
    """
    fwd, back = allowed if allowed is not None else (True, True)
    f, e, t = point.fraction, point.edge, point.twin
    out: list[Step] = []
    if fwd and (allowed is not None or net.open_edges[e]):
        out.append((int(net.edge_v[e]), (1 - f) * float(weights[e]), e, f, 1.0))
    if t >= 0 and back and (allowed is not None or net.open_edges[t]):
        out.append((int(net.edge_v[t]), f * float(weights[t]), t, 1 - f, 1.0))
    return out


def entries(
    net: CompiledNetwork,
    point: EdgePoint,
    weights: np.ndarray,
    allowed: tuple[bool, bool] | None = None,
) -> list[Step]:
    """Ways to reach a point: from ``edge_u`` along its edge, from ``edge_v`` along the twin.

    ``allowed`` (from the ``edge_u`` side, from the ``edge_v`` side) overrides the open mask.
    """
    from_u, from_v = allowed if allowed is not None else (True, True)
    f, e, t = point.fraction, point.edge, point.twin
    out: list[Step] = []
    if from_u and (allowed is not None or net.open_edges[e]):
        out.append((int(net.edge_u[e]), f * float(weights[e]), e, 0.0, f))
    if t >= 0 and from_v and (allowed is not None or net.open_edges[t]):
        out.append((int(net.edge_u[t]), (1 - f) * float(weights[t]), t, 0.0, 1 - f))
    return out


def direct(net: CompiledNetwork, a: EdgePoint, b: EdgePoint, weights: np.ndarray) -> Step | None:
    """From ``a`` to ``b`` along their one road without passing a node, if they share it."""
    if a.edge != b.edge:
        return None
    if b.fraction >= a.fraction and net.open_edges[a.edge]:
        e = a.edge
        return (-1, (b.fraction - a.fraction) * float(weights[e]), e, a.fraction, b.fraction)
    if b.fraction < a.fraction and a.twin >= 0 and net.open_edges[a.twin]:
        t = a.twin
        return (
            -1,
            (a.fraction - b.fraction) * float(weights[t]),
            t,
            1 - a.fraction,
            1 - b.fraction,
        )
    return None


def with_virtual_source(matrix: csr_matrix, targets: np.ndarray, costs: np.ndarray) -> csr_matrix:
    """``matrix`` with one more node (index ``n``) and an edge from it to each target."""
    n = matrix.shape[0]
    order = np.lexsort((costs, targets))
    t, c = np.asarray(targets)[order], np.maximum(np.asarray(costs)[order], _MIN_WEIGHT)
    first = np.unique(t, return_index=True)[1]
    t, c = t[first], c[first]
    indptr = np.concatenate([matrix.indptr, [matrix.indptr[-1] + len(t)]])
    indices = np.concatenate([matrix.indices, t.astype(matrix.indices.dtype)])
    data = np.concatenate([matrix.data, c])
    return csr_matrix((data, indices, indptr), shape=(n + 1, n + 1))


def point_leg(
    net: CompiledNetwork,
    matrix: csr_matrix,
    weights: np.ndarray,
    out_steps: list[Step],
    in_steps: list[Step],
    straight: Step | None = None,
) -> tuple[list[int], Step | None, Step | None, float]:
    """Fastest way from a point's exits to another point's entries.

    Parameters
    ----------
    net
        The network (its size).
    matrix
        CSR matrix of the weights (closures applied).
    weights
        Per-edge weights the steps were costed with.
    out_steps, in_steps
        ``exits`` of the start and ``entries`` of the end.
    straight
        ``direct`` between them, if any.

    Returns
    -------
    path, first, last, cost
        Compiled node path between the pieces, the exit and the entry used (``first`` is
        ``straight`` and ``path`` empty when going straight along the road), and the cost.

    Raises
    ------
    NoRouteError
        If the end cannot be reached.
    """
    best = straight[1] if straight is not None else np.inf
    chosen: tuple[list[int], Step | None, Step | None, float] | None = None
    if straight is not None:
        chosen = ([], straight, None, best)
    if out_steps and in_steps:
        n = net.n
        aug = with_virtual_source(
            matrix,
            np.array([s[0] for s in out_steps], dtype=np.int64),
            np.array([s[1] for s in out_steps], dtype=float),
        )
        dist, pred = dijkstra(aug, indices=n, return_predecessors=True)
        totals = [dist[s[0]] + s[1] for s in in_steps]
        k = int(np.argmin(totals))
        if totals[k] < best:
            entry = in_steps[k]
            path = [entry[0]]
            while pred[path[-1]] != n:
                path.append(int(pred[path[-1]]))
            path.reverse()
            start = path[0]
            first = min((s for s in out_steps if s[0] == start), key=lambda s: s[1])
            chosen = (path, first, entry, float(totals[k]))
    if chosen is None or not np.isfinite(chosen[3]):
        msg = "Tujuan tidak dapat dicapai dari asal (jaringan terputus atau tertutup)."
        raise NoRouteError(msg)
    return chosen
