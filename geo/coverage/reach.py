"""Sources (posts, units) and their travel times to every node, road and point."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from geo._errors import GeoError
from geo.area import Area
from geo.coverage.roads import Roads
from geo.network import _MIN_WEIGHT, CompiledNetwork, edge_points, exits


@dataclass(frozen=True)
class Source:
    """A post or unit that coverage starts from.

    Attributes
    ----------
    key
        Stable id, e.g. ``"post:3"`` or ``"unit:R2-01"``.
    name
        Name shown to the user.
    kind
        Post kind (``polres``, ``polsek``, ...) or ``"unit"``.
    node
        Graph node nearest the source along its road (used where a node is needed).
    profile
        Travel profile name.
    readiness_s
        Seconds before the source leaves (added to every travel time from it).
    lon, lat
        Position (EPSG:4326).
    edge
        ``(u, v, key)`` of the road the source snaps to; travel starts at its point on that road
        (a phantom node: ``fraction`` of the way from ``u``), both ways where the road is
        two-way, and the partial road counts. None: the source starts at ``node``.
    fraction
        Position on ``edge`` from ``u`` (0) to ``v`` (1).
    """

    key: str
    name: str
    kind: str
    node: int
    profile: str
    readiness_s: float = 0.0
    lon: float = float("nan")
    lat: float = float("nan")
    edge: tuple[int, int, int] | None = None
    fraction: float = 0.0


@dataclass(frozen=True, eq=False)
class Reach:
    """Travel times from a set of sources to every node, per profile.

    Attributes
    ----------
    sources
        The sources, in the order ``origin`` refers to.
    profiles
        Profile of each row of ``node_time``.
    node_time
        ``(profiles, nodes)`` seconds (readiness included); ``inf`` beyond ``horizon_s``.
    node_origin
        ``(profiles, nodes)`` index into ``sources`` of the source reaching each node first;
        -1 where unreached.
    edge_time
        ``(profiles, edges)`` seconds to drive each directed edge; ``inf`` where closed.
    horizon_s
        Exploration limit in seconds.
    """

    sources: tuple[Source, ...]
    profiles: tuple[str, ...]
    node_time: np.ndarray
    node_origin: np.ndarray
    edge_time: np.ndarray
    horizon_s: float

    @property
    def best_time(self) -> np.ndarray:
        """Seconds to each node from the nearest source (any profile)."""
        if not self.profiles:
            return np.full(self.node_time.shape[1], np.inf)
        return self.node_time.min(axis=0)

    @property
    def best_origin(self) -> np.ndarray:
        """Index into ``sources`` of the source reaching each node first (-1 unreached)."""
        if not self.profiles:
            return np.full(self.node_time.shape[1], -1, dtype=np.int64)
        row = self.node_time.argmin(axis=0)
        out = self.node_origin[row, np.arange(self.node_time.shape[1])]
        return np.where(np.isfinite(self.best_time), out, -1)


def sources_from_frame(area: Area, frame: pd.DataFrame) -> list[Source]:
    """Sources from a frame of posts or units, each snapped to its nearest road node.

    Parameters
    ----------
    area
        The area.
    frame
        Columns ``key``, ``name``, ``kind``, ``lon``, ``lat``, ``profile`` and optionally
        ``readiness_s``.

    Returns
    -------
    list of Source
    """
    if frame.empty:
        return []
    from geo.snap import snap_points  # local: snap imports area, keep this module light

    snapped = snap_points(area, frame["lon"].to_numpy(float), frame["lat"].to_numpy(float))
    readiness = frame["readiness_s"] if "readiness_s" in frame else pd.Series(0.0, frame.index)
    return [
        Source(
            key=str(row.key),
            name=str(row.name),
            kind=str(row.kind),
            node=int(snap.node),
            profile=str(row.profile),
            readiness_s=float(ready),
            lon=float(row.lon),
            lat=float(row.lat),
            edge=(int(snap.u), int(snap.v), int(snap.key)),
            fraction=float(snap.fraction),
        )
        for row, snap, ready in zip(
            frame.itertuples(index=False), snapped.itertuples(index=False), readiness, strict=True
        )
    ]


def source_starts(
    net: CompiledNetwork, sources: Sequence[Source], members: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where sources leave from: compiled node, seconds (readiness + partial road), source.

    A source on a road leaves through each end it can drive to (its phantom node's exits,
    ``geo.network.exits``); a source without an edge leaves from its node.

    Parameters
    ----------
    net
        Compiled network (closures applied).
    sources
        The sources.
    members
        Positions in ``sources`` to use (default: all).

    Returns
    -------
    nodes, offsets, who
        One entry per way out; ``who`` is the position in ``sources``.
    """
    members = np.arange(len(sources)) if members is None else np.asarray(members, dtype=np.int64)
    on_edge = [i for i in members.tolist() if sources[i].edge is not None]
    if not on_edge:  # every source at its node: one vectorised lookup
        idx = net.indices_of([sources[i].node for i in members.tolist()])
        ready = np.array([sources[i].readiness_s for i in members.tolist()], dtype=float)
        return idx.astype(np.int64), ready, members.copy()
    points = {}
    if on_edge:
        found = edge_points(
            net,
            np.array([sources[i].edge[0] for i in on_edge]),
            np.array([sources[i].edge[1] for i in on_edge]),
            np.array([sources[i].edge[2] for i in on_edge]),
            np.array([sources[i].fraction for i in on_edge]),
        )
        points = dict(zip(on_edge, found, strict=True))
    nodes: list[int] = []
    offsets: list[float] = []
    who: list[int] = []
    for i in members.tolist():
        s = sources[i]
        point = points.get(i)
        at = point.at_node(net) if point is not None else None
        if point is None or at is not None:
            nodes.append(net.index_of(s.node) if at is None else at)
            offsets.append(s.readiness_s)
            who.append(i)
            continue
        for node, cost, *_ in exits(net, point, net.travel_time):
            nodes.append(node)
            offsets.append(s.readiness_s + cost)
            who.append(i)
    return (
        np.array(nodes, dtype=np.int64),
        np.array(offsets, dtype=float),
        np.array(who, dtype=np.int64),
    )


def compute_reach(
    networks: Mapping[str, CompiledNetwork],
    sources: Sequence[Source],
    *,
    horizon_s: float = np.inf,
) -> Reach:
    """Travel times from sources to every node: one multi-source run per profile.

    Parameters
    ----------
    networks
        Compiled network per profile name (same graph, same closures).
    sources
        Posts and units; each uses the network of its profile.
    horizon_s
        Stop exploring beyond this many seconds (at least the largest cutoff used later).

    Returns
    -------
    Reach

    Raises
    ------
    GeoError
        If a source's profile has no network.
    """
    sources = tuple(sources)
    profiles = tuple(dict.fromkeys(s.profile for s in sources))
    missing = [p for p in profiles if p not in networks]
    if missing:
        msg = f"Tidak ada jaringan untuk profil: {', '.join(missing)}."
        raise GeoError(msg)
    any_net = next(iter(networks.values()))
    times = np.full((len(profiles), any_net.n), np.inf)
    origins = np.full((len(profiles), any_net.n), -1, dtype=np.int64)
    edge_time = np.full((len(profiles), len(any_net.edge_u)), np.inf)
    for row, profile in enumerate(profiles):
        net = networks[profile]
        members = np.array([i for i, s in enumerate(sources) if s.profile == profile])
        idx, offsets, who = source_starts(net, sources, members)
        times[row], origins[row] = _multi_source(net, idx, offsets, who, horizon_s)
        edge_time[row] = np.where(net.open_edges, net.travel_time, np.inf)
    return Reach(sources, profiles, times, origins, edge_time, float(horizon_s))


#: Above this many distinct readiness values in one profile, one run through a virtual source
#: (``CompiledNetwork.distances``) replaces one run per value.
_MAX_READINESS_GROUPS = 3


def _multi_source(
    net: CompiledNetwork,
    idx: np.ndarray,
    offsets: np.ndarray,
    members: np.ndarray,
    horizon_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Node times and origins (index into all sources) from sources of one profile.

    Sources sharing a readiness value run as one ``scipy`` multi-source Dijkstra
    (``min_only``), which also tells each node's source; with many distinct values, one run
    from a virtual node joined to each source by its readiness.
    """
    values = np.unique(offsets)
    if len(values) > _MAX_READINESS_GROUPS:
        dist, pos = net.distances(idx, offsets=offsets, limit=horizon_s)
        # distances() stores each offset as at least a tiny positive weight; take it back off
        excess = np.maximum(offsets, _MIN_WEIGHT) - offsets
        reached = pos >= 0
        dist[reached] -= excess[pos[reached]]
        return dist, np.where(reached, members[np.maximum(pos, 0)], -1)
    best = np.full(net.n, np.inf)
    origin = np.full(net.n, -1, dtype=np.int64)
    for value in values:
        group = offsets == value
        nodes, who = idx[group], members[group]
        dist, _, src = dijkstra(
            net.matrix,
            indices=nodes,
            min_only=True,
            return_predecessors=True,
            limit=max(horizon_s - value, 0.0),
        )
        dist = dist + value
        # the source position of each reached node (first source at a node wins)
        first = np.full(net.n, -1, dtype=np.int64)
        first[nodes[::-1]] = who[::-1]
        better = dist < best
        best[better] = dist[better]
        origin[better] = first[src[better]]
    return best, origin


def _side_fractions(
    reach: Reach, roads: Roads, cutoffs_s: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Covered fraction of each road from its ``u`` end and from its ``v`` end.

    With an array of cutoffs the results have one row per cutoff.
    """
    cut = np.asarray(cutoffs_s, dtype=float)
    shape = (*cut.shape, len(roads.length))
    f_u = np.zeros(shape)
    f_v = np.zeros(shape)
    col = cut[..., None]
    for row in range(len(reach.profiles)):
        for ends, edge, out in ((roads.u_idx, roads.fwd, f_u), (roads.v_idx, roads.bwd, f_v)):
            t_end = reach.node_time[row, ends]
            t_edge = np.where(edge >= 0, reach.edge_time[row, np.maximum(edge, 0)], np.inf)
            with np.errstate(invalid="ignore", divide="ignore"):
                frac = (col - t_end) / t_edge
            np.clip(frac, 0.0, 1.0, out=frac)
            frac[np.isnan(frac)] = 0.0
            np.maximum(out, frac, out=out)
    return f_u, f_v


def road_fraction(reach: Reach, roads: Roads, cutoff_s: float | np.ndarray) -> np.ndarray:
    """Covered share (0..1) of each road's length within a cutoff.

    Parameters
    ----------
    reach
        Travel times.
    roads
        Road index.
    cutoff_s
        Seconds; an array of cutoffs gives one row per cutoff.

    Returns
    -------
    numpy.ndarray
    """
    f_u, f_v = _side_fractions(reach, roads, cutoff_s)
    share = np.minimum(1.0, f_u + f_v)
    # a source's own road: also the stretch around the source's point, driven before either
    # end is reached (the intervals are joined, not added)
    own = _own_roads(reach, roads)
    if not own:
        return share
    cut = np.atleast_1d(np.asarray(cutoff_s, dtype=float))
    flat_share = share.reshape(-1, len(roads.length))
    flat_fu = f_u.reshape(-1, len(roads.length))
    flat_fv = f_v.reshape(-1, len(roads.length))
    road_rows = np.array(sorted(own), dtype=np.int64)
    width = max(len(v) for v in own.values())
    # per own road: the source intervals' centre, reach ahead/behind per second, readiness
    along = np.full((len(road_rows), width), np.nan)
    per_f = np.zeros((len(road_rows), width))
    per_b = np.zeros((len(road_rows), width))
    ready = np.full((len(road_rows), width), np.inf)
    for r, road in enumerate(road_rows.tolist()):
        for c, (_, row, a, rd) in enumerate(own[road]):
            tf, tb = _road_times(reach, roads, row, road)
            along[r, c], ready[r, c] = a, rd
            per_f[r, c] = 1.0 / tf if np.isfinite(tf) else 0.0
            per_b[r, c] = 1.0 / tb if np.isfinite(tb) else 0.0
    for c, cutoff in enumerate(cut.tolist()):
        spare = np.maximum(cutoff - ready, 0.0)
        lo = np.where(np.isfinite(along), along - spare * per_b, 0.0)
        hi = np.where(np.isfinite(along), along + spare * per_f, 0.0)
        lo = np.where(cutoff >= ready, lo, 0.0)
        hi = np.where(cutoff >= ready, hi, 0.0)
        starts = np.column_stack([np.zeros(len(road_rows)), 1.0 - flat_fv[c, road_rows], lo])
        ends = np.column_stack([flat_fu[c, road_rows], np.ones(len(road_rows)), hi])
        flat_share[c, road_rows] = _union_lengths(starts, ends)
    return share


def _union_lengths(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Length of the union of each row's intervals, clipped to 0..1 (vectorised sweep)."""
    starts, ends = np.clip(starts, 0.0, 1.0), np.clip(ends, 0.0, 1.0)
    empty = ends <= starts
    starts, ends = np.where(empty, 0.0, starts), np.where(empty, 0.0, ends)
    order = np.argsort(starts, axis=1, kind="stable")
    starts = np.take_along_axis(starts, order, axis=1)
    ends = np.take_along_axis(ends, order, axis=1)
    reach_so_far = np.maximum.accumulate(ends, axis=1)
    before = np.column_stack([np.zeros(len(ends)), reach_so_far[:, :-1]])
    return np.minimum(1.0, np.clip(ends - np.maximum(starts, before), 0.0, None).sum(axis=1))


def _road_times(reach: Reach, roads: Roads, row: int, road: int) -> tuple[float, float]:
    fwd, bwd = int(roads.fwd[road]), int(roads.bwd[road])
    tf = float(reach.edge_time[row, fwd]) if fwd >= 0 else np.inf
    tb = float(reach.edge_time[row, bwd]) if bwd >= 0 else np.inf
    return tf, tb


def _own_roads(reach: Reach, roads: Roads) -> dict[int, list[tuple[int, int, float, float]]]:
    """Sources standing along a road: road row -> ``(source, profile row, along, readiness)``.

    ``along`` is measured on the road's ``u -> v`` like the targets' positions.
    """
    rows = {p: r for r, p in enumerate(reach.profiles)}
    out: dict[int, list[tuple[int, int, float, float]]] = {}
    for i, (road, along) in source_roads(roads, reach.sources).items():
        s = reach.sources[i]
        out.setdefault(road, []).append((i, rows[s.profile], along, s.readiness_s))
    return out


def per_source_times(
    net: CompiledNetwork, sources: Sequence[Source], limit: float = np.inf
) -> np.ndarray:
    """``(sources, nodes)`` seconds from each source's point (readiness included).

    One bounded Dijkstra per way out of each source (``source_starts``), the minimum per source.
    """
    idx, offsets, who = source_starts(net, sources)
    dist = np.full((len(sources), net.n), np.inf)
    if len(idx):
        runs = dijkstra(net.matrix, indices=idx, limit=limit) + offsets[:, None]
        firsts = np.flatnonzero(np.r_[True, who[1:] != who[:-1]])
        dist[who[firsts]] = np.minimum.reduceat(runs, firsts, axis=0)
    return dist


def own_road_rows(roads: Roads, sources: Sequence[Source]) -> list[tuple[int, int, float, float]]:
    """``points_from_matrix``'s ``own``: (source row, road row, along, readiness)."""
    return [
        (i, road, along, sources[i].readiness_s)
        for i, (road, along) in source_roads(roads, sources).items()
    ]


def source_roads(roads: Roads, sources: Sequence[Source]) -> dict[int, tuple[int, float]]:
    """Sources standing along a road (not at its end): position -> ``(road row, along)``."""
    chosen = [i for i, s in enumerate(sources) if s.edge is not None and 0.0 < s.fraction < 1.0]
    if not chosen:
        return {}
    codes, order = _road_codes(roads)
    u = np.array([sources[i].edge[0] for i in chosen], dtype=np.int64)
    v = np.array([sources[i].edge[1] for i in chosen], dtype=np.int64)
    k = np.array([sources[i].edge[2] for i in chosen], dtype=np.int64)
    frac = np.array([sources[i].fraction for i in chosen], dtype=float)
    out: dict[int, tuple[int, float]] = {}
    for flip, (a, b, along) in enumerate(((u, v, frac), (v, u, 1.0 - frac))):
        want = (a * _ROAD_STRIDE + b) * 1024 + k
        pos = np.minimum(np.searchsorted(codes, want), len(codes) - 1)
        hit = codes[pos] == want
        for j in np.flatnonzero(hit).tolist():
            if chosen[j] not in out or flip == 0:
                out.setdefault(chosen[j], (int(order[pos[j]]), float(along[j])))
    return out


#: Node ids are below this (``(u * stride + v) * 1024 + key`` codes a road).
_ROAD_STRIDE = 1 << 30

_ROAD_CODES: dict[int, tuple[object, np.ndarray, np.ndarray]] = {}


def _road_codes(roads: Roads) -> tuple[np.ndarray, np.ndarray]:
    """Sorted codes of the roads' ``(u, v, key)`` and the road row of each (cached)."""
    cached = _ROAD_CODES.get(id(roads))
    if cached is not None and cached[0] is roads:
        return cached[1], cached[2]
    frame = roads.frame
    code = (
        frame["u"].to_numpy(np.int64) * _ROAD_STRIDE + frame["v"].to_numpy(np.int64)
    ) * 1024 + frame["key"].to_numpy(np.int64)
    order = np.argsort(code, kind="stable")
    if len(_ROAD_CODES) > 16:
        _ROAD_CODES.clear()
    _ROAD_CODES[id(roads)] = (roads, code[order], order)
    return code[order], order


def point_times(
    reach: Reach, roads: Roads, road: np.ndarray, along: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Time to reach points on roads, and the source reaching each first.

    Parameters
    ----------
    reach
        Travel times.
    roads
        Road index.
    road
        Row of ``roads.frame`` of each point.
    along
        Position on the road, 0 at ``u`` to 1 at ``v``.

    Returns
    -------
    seconds, origin
        ``inf`` and -1 where unreached.
    """
    road = np.asarray(road, dtype=np.int64)
    along = np.asarray(along, dtype=float)
    best = np.full(len(road), np.inf)
    origin = np.full(len(road), -1, dtype=np.int64)
    if len(road) == 0:
        return best, origin
    u, v = roads.u_idx[road], roads.v_idx[road]
    fwd, bwd = roads.fwd[road], roads.bwd[road]
    for row in range(len(reach.profiles)):
        t_edge_f = np.where(fwd >= 0, reach.edge_time[row, np.maximum(fwd, 0)], np.inf)
        t_edge_b = np.where(bwd >= 0, reach.edge_time[row, np.maximum(bwd, 0)], np.inf)
        from_u = reach.node_time[row, u] + along * t_edge_f
        from_v = reach.node_time[row, v] + (1.0 - along) * t_edge_b
        # the point itself when it sits on the end node
        from_u = np.where(along <= 0, reach.node_time[row, u], from_u)
        from_v = np.where(along >= 1, reach.node_time[row, v], from_v)
        use_v = from_v < from_u
        t = np.where(use_v, from_v, from_u)
        o = np.where(use_v, reach.node_origin[row, v], reach.node_origin[row, u])
        better = t < best
        best[better] = t[better]
        origin[better] = o[better]
    # a source on the same road: straight along it, without passing an end
    own = _own_roads(reach, roads)
    if own:
        for j in np.flatnonzero(np.isin(road, list(own))).tolist():
            for i, row, a, ready in own[int(road[j])]:
                tf, tb = _road_times(reach, roads, row, int(road[j]))
                if along[j] == a:
                    step = 0.0
                else:
                    step = (along[j] - a) * tf if along[j] > a else (a - along[j]) * tb
                t = ready + step
                if t < best[j]:
                    best[j], origin[j] = t, i
    return best, origin


def road_full_time(reach: Reach, roads: Roads) -> tuple[np.ndarray, np.ndarray]:
    """Time by which each road is covered end to end, and the source covering it (display).

    For each profile the latest point of the road to be reached is where the arrivals from
    both ends meet; the minimum over profiles is an upper bound of the exact value (used to
    colour roads by time band, never for figures).

    Returns
    -------
    seconds, origin
    """
    best = np.full(len(roads.length), np.inf)
    for row in range(len(reach.profiles)):
        t_u = reach.node_time[row, roads.u_idx]
        t_v = reach.node_time[row, roads.v_idx]
        tf = np.where(roads.fwd >= 0, reach.edge_time[row, np.maximum(roads.fwd, 0)], np.inf)
        tb = np.where(roads.bwd >= 0, reach.edge_time[row, np.maximum(roads.bwd, 0)], np.inf)
        with np.errstate(invalid="ignore"):
            only_u = t_u + tf
            only_v = t_v + tb
            both = np.isfinite(t_u) & np.isfinite(tf) & np.isfinite(t_v) & np.isfinite(tb)
            meet = np.where(
                both,
                np.clip((t_v + tb - t_u) / np.where(both, tf + tb, 1.0), 0.0, 1.0),
                np.nan,
            )
            meet_time = t_u + meet * tf
        full = np.where(both, meet_time, np.minimum(only_u, only_v))
        full = np.nan_to_num(full, nan=np.inf)
        best = np.minimum(best, full)
    # who reaches the middle first
    _, origin = point_times(reach, roads, np.arange(len(roads.length)), np.full(len(best), 0.5))
    return best, origin


def points_from_matrix(
    dist: np.ndarray,
    roads: Roads,
    tt: np.ndarray,
    road: np.ndarray | None,
    along: np.ndarray,
    *,
    own: Sequence[tuple[int, int, float, float]] = (),
) -> np.ndarray:
    """Arrival times at points on roads from per-source node times.

    Parameters
    ----------
    dist
        ``(sources, nodes)`` seconds.
    roads
        Road index.
    tt
        Seconds per directed edge (``inf`` where closed).
    road
        Row of ``roads.frame`` of each point; None = every road.
    along
        Position on the road, 0 at ``u`` to 1 at ``v``.

    Returns
    -------
    numpy.ndarray
        ``(sources, points)`` seconds.
    """
    road = np.arange(len(roads.length)) if road is None else road
    fwd, bwd = roads.fwd[road], roads.bwd[road]
    tf = np.where(fwd >= 0, tt[np.maximum(fwd, 0)], np.inf)
    tb = np.where(bwd >= 0, tt[np.maximum(bwd, 0)], np.inf)
    from_u = dist[:, roads.u_idx[road]] + along * tf
    from_v = dist[:, roads.v_idx[road]] + (1.0 - along) * tb
    out = np.minimum(from_u, from_v)
    # ``own``: (row of dist, road row, along, readiness) of sources standing along a road
    for r, on_road, a, ready in own:
        hit = np.flatnonzero(road == on_road)
        if len(hit):
            f = along[hit]
            step = np.where(f >= a, (f - a) * tf[hit], (a - f) * tb[hit])
            out[r, hit] = np.minimum(out[r, hit], ready + step)
    return out
