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
