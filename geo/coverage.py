"""Network coverage: what posts and units reach within N minutes, and what they leave uncovered.

Every figure comes from travel times on the road network (``geo.network``), never from polygons:

- **Sources** (posts and units) start at the graph node their position snaps to, after their
  readiness time (seconds spent before leaving). Sources are grouped by travel profile; each
  profile runs one multi-source Dijkstra (a virtual node joined to every source by its readiness),
  and the node times are the minimum over profiles.
- **Road share** (``road_share``) counts covered road *length*: a road between nodes ``u`` and
  ``v`` is covered from ``u`` for ``(cutoff - t(u)) / travel_time`` of its length (clipped to
  0..1) when it can be driven from ``u``, likewise from ``v``; the covered part is the sum, at
  most the whole road. Two-way roads are counted once. ``road_share_whole_edges`` counts only
  roads covered end to end.
- **Venues and TPS** are located on their nearest road (a point a fraction of the way from
  ``u`` to ``v``); the time to reach them is the best time to either end plus the time along
  the road to the point.
- **Polygons** (``isochrones``) only draw the covered roads, buffered: they are never measured.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra
from shapely import ops

from geo import settings
from geo._errors import GeoError
from geo.area import Area
from geo.network import _MIN_WEIGHT, CompiledNetwork

#: Default cutoffs, minutes.
DEFAULT_CUTOFFS_MIN: tuple[float, ...] = (5.0, 10.0, 15.0)

#: Risk tiers of TPS and venues, least to most demanding.
RISK_TIERS: tuple[str, ...] = ("kurang_rawan", "rawan", "sangat_rawan", "khusus")

#: Labels of the risk tiers (Bahasa Indonesia).
RISK_LABELS: dict[str, str] = {
    "kurang_rawan": "Kurang rawan",
    "rawan": "Rawan",
    "sangat_rawan": "Sangat rawan",
    "khusus": "Khusus",
}

#: Weight of a target by risk tier (used by placement).
RISK_WEIGHTS: dict[str, float] = {
    "kurang_rawan": 1.0,
    "rawan": 2.0,
    "sangat_rawan": 4.0,
    "khusus": 4.0,
}

#: How ``road_share`` is defined (printed by the command line next to the figures).
ROAD_SHARE_DEFINITION = (
    "road_share = covered road length / total road length, two-way roads counted once. "
    "Node times t are multi-source Dijkstra travel times (edge weight travel_time, seconds) from "
    "the posts' nodes, each source starting at its readiness_s; with several profiles, the "
    "minimum over profiles. A road u-v of travel time T is covered from u for "
    "clip((cutoff_s - t(u)) / T, 0, 1) of its length if u->v is an edge, likewise from v if "
    "v->u is an edge; its covered share is min(1, from_u + from_v). "
    "road_share_whole_edges counts a road only when that share is 1."
)


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
        Graph node the source starts from.
    profile
        Travel profile name.
    readiness_s
        Seconds before the source leaves (added to every travel time from it).
    lon, lat
        Position (EPSG:4326).
    """

    key: str
    name: str
    kind: str
    node: int
    profile: str
    readiness_s: float = 0.0
    lon: float = float("nan")
    lat: float = float("nan")


@dataclass(frozen=True, eq=False)
class Roads:
    """The roads of an area indexed against a compiled network (one row per two-way road).

    Attributes
    ----------
    frame
        ``area.edges`` with ``kelurahan``, ``kode_kelurahan``, ``kecamatan`` (EPSG:4326).
    metric
        Geometries in the metric CRS (same order).
    fwd, bwd
        Directed edge index (into the network's edge arrays) of ``u -> v`` and ``v -> u``;
        -1 where the road cannot be driven that way.
    u_idx, v_idx
        Compiled node indices of the road's ends.
    length
        Metres.
    """

    frame: gpd.GeoDataFrame
    metric: np.ndarray
    fwd: np.ndarray
    bwd: np.ndarray
    u_idx: np.ndarray
    v_idx: np.ndarray
    length: np.ndarray

    @property
    def total_m(self) -> float:
        """Total road length, metres."""
        return float(self.length.sum())


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


@dataclass(frozen=True, eq=False)
class AreaShares:
    """Road length and covered length per administrative area (one cutoff).

    Attributes
    ----------
    names
        Area names, sorted.
    road_m, covered_m
        Metres per area.
    """

    names: np.ndarray
    road_m: np.ndarray
    covered_m: np.ndarray

    def frame(self) -> pd.DataFrame:
        """``nama``, ``road_km``, ``covered_km``, ``road_share`` (0..1)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(self.road_m > 0, self.covered_m / self.road_m, 0.0)
        return pd.DataFrame(
            {
                "nama": self.names,
                "road_km": self.road_m / 1000,
                "covered_km": self.covered_m / 1000,
                "road_share": share,
            }
        )


_NO_SHARES = AreaShares(np.zeros(0, dtype=object), np.zeros(0), np.zeros(0))


@dataclass(frozen=True)
class CoverageFigures:
    """Coverage figures for one cutoff.

    Attributes
    ----------
    cutoff_min
        Minutes.
    road_share
        Covered share of road length (0..1), partial roads counted for their covered part.
    road_share_whole_edges
        Share of road length on roads covered end to end.
    road_km_covered, road_km_total
        Kilometres.
    venues_covered, venues_total, tps_covered, tps_total
        Targets reached within the cutoff.
    venues_by_risk, tps_by_risk
        ``tier -> (covered, total)``.
    kecamatan_shares, kelurahan_shares
        Lengths per kecamatan and kelurahan (``kecamatan`` and ``kelurahan`` give them as
        frames with ``nama``, ``road_km``, ``covered_km``, ``road_share``).
    """

    cutoff_min: float
    road_share: float
    road_share_whole_edges: float
    road_km_covered: float
    road_km_total: float
    venues_covered: int
    venues_total: int
    tps_covered: int
    tps_total: int
    venues_by_risk: dict[str, tuple[int, int]] = field(default_factory=dict)
    tps_by_risk: dict[str, tuple[int, int]] = field(default_factory=dict)
    kecamatan_shares: AreaShares = _NO_SHARES
    kelurahan_shares: AreaShares = _NO_SHARES

    @property
    def kecamatan(self) -> pd.DataFrame:
        """Road share per kecamatan (frame)."""
        return self.kecamatan_shares.frame()

    @property
    def kelurahan(self) -> pd.DataFrame:
        """Road share per kelurahan (frame)."""
        return self.kelurahan_shares.frame()


# --------------------------------------------------------------------------------------------
# roads and targets


def road_index(area: Area, network: CompiledNetwork) -> Roads:
    """Index the area's roads against a compiled network of its graph.

    Parameters
    ----------
    area
        The area (its ``edges`` and boundaries).
    network
        A network compiled from ``area.graph`` (any profile: the edge order is the graph's).

    Returns
    -------
    Roads
    """
    edges = area.edges.reset_index(drop=True)
    u_idx = network.indices_of(edges["u"].to_numpy())
    v_idx = network.indices_of(edges["v"].to_numpy())
    keys = edges["key"].to_numpy().astype(np.int64)
    fwd = _edge_lookup(network, u_idx, v_idx, keys)
    bwd = _edge_lookup(network, v_idx, u_idx, keys)
    metric = area.edges_metric.reset_index(drop=True)
    mids = gpd.GeoDataFrame(
        geometry=shapely.line_interpolate_point(metric.geometry.to_numpy(), 0.5, normalized=True),
        crs=metric.crs,
    )
    frame = edges.copy()
    kel = _nearest_polygon(mids, area.kelurahan.to_crs(metric.crs), ["nama", "kode"])
    frame["kelurahan"] = kel["nama"].to_numpy()
    frame["kode_kelurahan"] = kel["kode"].to_numpy()
    frame["kecamatan"] = _nearest_polygon(mids, area.kecamatan.to_crs(metric.crs), ["nama"])[
        "nama"
    ].to_numpy()
    return Roads(
        frame=frame,
        metric=metric.geometry.to_numpy(),
        fwd=fwd,
        bwd=bwd,
        u_idx=u_idx,
        v_idx=v_idx,
        length=edges["length"].to_numpy(dtype=float),
    )


def _nearest_polygon(
    points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, columns: list[str], max_m: float = 500.0
) -> pd.DataFrame:
    """Columns of the polygon containing each point, else of the nearest within ``max_m``."""
    joined = gpd.sjoin_nearest(
        points, polygons[[*columns, "geometry"]], how="left", max_distance=max_m
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined[columns].fillna("").reindex(points.index).fillna("")


def _edge_lookup(
    network: CompiledNetwork, a: np.ndarray, b: np.ndarray, keys: np.ndarray
) -> np.ndarray:
    """Directed edge index of each ``(a, b, key)``, -1 where absent (exact key only)."""
    n = np.int64(network.n)
    kmax = np.int64(max(int(network.edge_key.max(initial=0)), int(keys.max(initial=0))) + 1)
    code = (network.edge_u.astype(np.int64) * n + network.edge_v) * kmax + network.edge_key
    order = np.argsort(code, kind="stable")
    sorted_code = code[order]
    want = (a.astype(np.int64) * n + b) * kmax + keys
    pos = np.searchsorted(sorted_code, want)
    pos_c = np.minimum(pos, len(sorted_code) - 1)
    found = (pos < len(sorted_code)) & (sorted_code[pos_c] == want)
    return np.where(found, order[pos_c], -1)


def locate_targets(area: Area, roads: Roads, targets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Place targets (venues, TPS) on their nearest road.

    Parameters
    ----------
    area
        The area.
    roads
        Its road index.
    targets
        Points (EPSG:4326) with at least ``name``, ``kind`` (``venue``/``tps``) and ``risk``.

    Returns
    -------
    geopandas.GeoDataFrame
        The targets with ``road`` (row of ``roads.frame``), ``along`` (0..1 from ``u``),
        ``snap_m`` and ``weight`` (risk weight unless given).
    """
    out = targets.to_crs(settings.crs_geographic).reset_index(drop=True).copy()
    if out.empty:
        for col, dtype in (("road", int), ("along", float), ("snap_m", float)):
            out[col] = pd.Series(dtype=dtype)
        if "weight" not in out:
            out["weight"] = pd.Series(dtype=float)
        return out
    points = out.geometry.to_crs(area.crs_metric).to_numpy()
    metric_edges = area.edges_metric
    (pt, road), dist = metric_edges.sindex.nearest(points, return_all=False, return_distance=True)
    order = np.argsort(pt)
    road, dist = road[order], dist[order]
    lines = roads.metric[road]
    out["road"] = road.astype(np.int64)
    out["along"] = shapely.line_locate_point(lines, points, normalized=True)
    out["snap_m"] = dist
    if "weight" not in out:
        risk = out["risk"] if "risk" in out else pd.Series("rawan", index=out.index)
        out["weight"] = risk.map(RISK_WEIGHTS).fillna(1.0).astype(float)
    return out


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
            node=int(node),
            profile=str(row.profile),
            readiness_s=float(ready),
            lon=float(row.lon),
            lat=float(row.lat),
        )
        for row, node, ready in zip(
            frame.itertuples(index=False), snapped["node"], readiness, strict=True
        )
    ]


# --------------------------------------------------------------------------------------------
# travel times


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
        idx = net.indices_of([sources[i].node for i in members])
        offsets = np.array([sources[i].readiness_s for i in members], dtype=float)
        times[row], origins[row] = _multi_source(net, idx, offsets, members, horizon_s)
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
    return np.minimum(1.0, f_u + f_v)


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


# --------------------------------------------------------------------------------------------
# figures


def _tier_counts(risk: np.ndarray, covered: np.ndarray) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for tier in [*RISK_TIERS, *sorted(set(risk) - set(RISK_TIERS))]:
        mask = risk == tier
        if mask.any():
            out[tier] = (int(covered[mask].sum()), int(mask.sum()))
    return out


def _group_codes(roads: Roads, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer code per road and the sorted names of a grouping column (cached on ``roads``)."""
    cache = roads.__dict__.setdefault("_group_codes", {})
    if column not in cache:
        codes, names = pd.factorize(roads.frame[column].astype(str), sort=True)
        cache[column] = (codes, np.asarray(names, dtype=object))
    return cache[column]


def _shares_by(roads: Roads, covered_m: np.ndarray, column: str) -> AreaShares:
    codes, names = _group_codes(roads, column)
    road_m = np.bincount(codes, weights=roads.length, minlength=len(names))
    cov_m = np.bincount(codes, weights=covered_m, minlength=len(names))
    keep = names != ""
    return AreaShares(names[keep], road_m[keep], cov_m[keep])


def road_shares(reach: Reach, roads: Roads, cutoffs_s: Iterable[float]) -> np.ndarray:
    """Covered share of road length for each cutoff (the ``road_share`` of the figures)."""
    frac = road_fraction(reach, roads, np.asarray(list(cutoffs_s), dtype=float))
    return (frac @ roads.length) / roads.total_m if roads.total_m else np.zeros(len(frac))


def coverage_figures(
    reach: Reach,
    roads: Roads,
    targets: gpd.GeoDataFrame | None,
    cutoffs_s: Iterable[float],
) -> list[CoverageFigures]:
    """Coverage figures for each cutoff.

    Parameters
    ----------
    reach
        Travel times (``horizon_s`` at least the largest cutoff).
    roads
        Road index.
    targets
        Located targets (``locate_targets``) with ``kind`` ``venue`` or ``tps``; may be None.
    cutoffs_s
        Seconds.

    Returns
    -------
    list of CoverageFigures
    """
    cutoffs = [float(c) for c in cutoffs_s]
    if cutoffs and max(cutoffs) > reach.horizon_s:
        msg = "Batas waktu melebihi jangkauan perhitungan."
        raise GeoError(msg)
    if targets is None or targets.empty:
        target_t = np.zeros(0)
        kinds = risks = np.zeros(0, dtype=object)
    else:
        target_t, _ = point_times(reach, roads, targets["road"], targets["along"])
        kinds = targets["kind"].astype(str).to_numpy()
        risks = targets["risk"].astype(str).to_numpy()
    venue, tps = kinds == "venue", kinds == "tps"
    total_m = roads.total_m
    fractions = road_fraction(reach, roads, np.asarray(cutoffs, dtype=float))
    out = []
    for cutoff, frac in zip(cutoffs, fractions, strict=True):
        covered_m = frac * roads.length
        covered = float(covered_m.sum())
        hit = target_t <= cutoff
        out.append(
            CoverageFigures(
                cutoff_min=cutoff / 60.0,
                road_share=covered / total_m if total_m else 0.0,
                road_share_whole_edges=(
                    float(roads.length[frac >= 1.0 - 1e-9].sum() / total_m) if total_m else 0.0
                ),
                road_km_covered=covered / 1000,
                road_km_total=total_m / 1000,
                venues_covered=int(hit[venue].sum()),
                venues_total=int(venue.sum()),
                tps_covered=int(hit[tps].sum()),
                tps_total=int(tps.sum()),
                venues_by_risk=_tier_counts(risks[venue], hit[venue]),
                tps_by_risk=_tier_counts(risks[tps], hit[tps]),
                kecamatan_shares=_shares_by(roads, covered_m, "kecamatan"),
                kelurahan_shares=_shares_by(roads, covered_m, "kelurahan"),
            )
        )
    return out


def target_table(
    reach: Reach, roads: Roads, targets: gpd.GeoDataFrame | None, cutoff_s: float
) -> pd.DataFrame:
    """Every target with its best time, nearest source and whether it is covered.

    Parameters
    ----------
    reach
        Travel times.
    roads
        Road index.
    targets
        Located targets.
    cutoff_s
        Seconds.

    Returns
    -------
    pandas.DataFrame
        The targets' columns (no geometry) plus ``lon``, ``lat``, ``time_s``, ``time_min``,
        ``nearest`` (source name), ``nearest_key`` and ``covered``; sorted slowest first.
    """
    cols = ["lon", "lat", "time_s", "time_min", "nearest", "nearest_key", "covered"]
    if targets is None or targets.empty:
        return pd.DataFrame(columns=["name", "kind", "risk", *cols])
    t, origin = point_times(reach, roads, targets["road"], targets["along"])
    frame = pd.DataFrame(targets.drop(columns="geometry"))
    frame["lon"] = targets.geometry.x.to_numpy()
    frame["lat"] = targets.geometry.y.to_numpy()
    frame["time_s"] = t
    frame["time_min"] = t / 60.0
    frame["nearest"] = [reach.sources[o].name if o >= 0 else "" for o in origin]
    frame["nearest_key"] = [reach.sources[o].key if o >= 0 else "" for o in origin]
    frame["covered"] = t <= cutoff_s
    return frame.sort_values("time_s", ascending=False, kind="stable").reset_index(drop=True)


def gaps(reach: Reach, roads: Roads, targets: gpd.GeoDataFrame, cutoff_s: float) -> pd.DataFrame:
    """Venues and TPS not reached within a cutoff, with their nearest source and its time.

    Returns
    -------
    pandas.DataFrame
        As ``target_table``, uncovered rows only (``time_s`` ``inf`` = unreachable).
    """
    table = target_table(reach, roads, targets, cutoff_s)
    return table[~table["covered"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# map layers (data only; drawn by layers/coverage.py)


def band_labels(cutoffs_min: Sequence[float]) -> list[str]:
    """Labels of the time bands of sorted cutoffs, plus one for beyond the last."""
    edges = [0.0, *cutoffs_min]
    labels = [f"{_fmt(a)}–{_fmt(b)} mnt" for a, b in itertools.pairwise(edges)]
    return [*labels, f"> {_fmt(cutoffs_min[-1])} mnt" if cutoffs_min else "semua"]


def _fmt(x: float) -> str:
    return f"{x:g}"


def road_bands(
    reach: Reach, roads: Roads, cutoffs_s: Sequence[float], *, simplify_m: float = 5.0
) -> gpd.GeoDataFrame:
    """Roads with the time by which each is covered, its time band and its nearest source.

    Parameters
    ----------
    reach
        Travel times.
    roads
        Road index.
    cutoffs_s
        Seconds, any order.
    simplify_m
        Geometry simplification tolerance for drawing (metres; 0 keeps it as is).

    Returns
    -------
    geopandas.GeoDataFrame
        ``time_s``, ``band`` (0 = within the first cutoff, ``len(cutoffs)`` = beyond),
        ``band_label``, ``origin`` (index into ``reach.sources``), ``origin_name``,
        ``kelurahan``, ``length``, geometry (EPSG:4326).
    """
    cutoffs = sorted(float(c) for c in cutoffs_s)
    full, origin = road_full_time(reach, roads)
    band = np.searchsorted(np.asarray(cutoffs), full, side="left")
    labels = band_labels([c / 60 for c in cutoffs])
    geoms = roads.metric
    if simplify_m > 0:
        geoms = shapely.simplify(geoms, simplify_m)
    geoms = gpd.GeoSeries(geoms, crs=settings.crs_metric).to_crs(settings.crs_geographic)
    geoms = shapely.set_precision(geoms.to_numpy(), 1e-5)  # ~1 m: smaller map payload
    return gpd.GeoDataFrame(
        {
            "time_s": full,
            "band": band.astype(np.int64),
            "band_label": [labels[b] for b in band],
            "origin": origin,
            "origin_name": [reach.sources[o].name if o >= 0 else "" for o in origin],
            "kelurahan": roads.frame["kelurahan"].to_numpy(),
            "length": roads.length,
        },
        geometry=geoms,
        crs=settings.crs_geographic,
    )


def covered_lines(reach: Reach, roads: Roads, cutoff_s: float) -> np.ndarray:
    """The covered parts of the roads within a cutoff (metric CRS line geometries)."""
    f_u, f_v = _side_fractions(reach, roads, cutoff_s)
    total = f_u + f_v
    whole = total >= 1.0 - 1e-9
    parts = list(roads.metric[whole])
    for i in np.flatnonzero(~whole & (total > 0)):
        line = roads.metric[i]
        if f_u[i] > 0:
            parts.append(ops.substring(line, 0.0, float(f_u[i]), normalized=True))
        if f_v[i] > 0:
            parts.append(ops.substring(line, 1.0 - float(f_v[i]), 1.0, normalized=True))
    return np.asarray(parts, dtype=object)


def isochrones(
    reach: Reach,
    roads: Roads,
    cutoffs_s: Sequence[float],
    *,
    buffer_m: float = 120.0,
    simplify_m: float = 15.0,
) -> gpd.GeoDataFrame:
    """Isochrone areas for display: the covered roads of each cutoff, buffered and merged.

    Parameters
    ----------
    reach
        Travel times.
    roads
        Road index.
    cutoffs_s
        Seconds.
    buffer_m
        Half-width of the drawn area around each covered road.
    simplify_m
        Simplification of the result (metres).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cutoff, largest first (so smaller areas draw on top): ``cutoff_min``,
        geometry (EPSG:4326). Never used for figures.
    """
    rows = []
    for cutoff in sorted((float(c) for c in cutoffs_s), reverse=True):
        lines = covered_lines(reach, roads, cutoff)
        lines = lines[~shapely.is_empty(lines)] if len(lines) else lines
        if len(lines):
            lines = shapely.simplify(lines, simplify_m)
            area = shapely.union_all(shapely.buffer(lines, buffer_m, quad_segs=2))
            area = shapely.simplify(area, simplify_m)
        else:
            area = shapely.Polygon()
        rows.append({"cutoff_min": cutoff / 60.0, "geometry": area})
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.crs_metric)
    frame = frame.to_crs(settings.crs_geographic)
    frame["geometry"] = shapely.set_precision(frame.geometry.to_numpy(), 1e-5)
    return frame


# --------------------------------------------------------------------------------------------
# backup coverage


@dataclass(frozen=True)
class Backup:
    """How many distinct sources reach each road's middle and each target within a cutoff.

    Attributes
    ----------
    cutoff_s
        Seconds.
    road_count
        Sources reaching the middle of each road.
    target_count
        Sources reaching each target (empty without targets).
    road_share_backup
        Share of road length whose middle at least two sources reach.
    """

    cutoff_s: float
    road_count: np.ndarray
    target_count: np.ndarray
    road_share_backup: float


def backup_coverage(
    networks: Mapping[str, CompiledNetwork],
    roads: Roads,
    sources: Sequence[Source],
    cutoff_s: float,
    *,
    targets: gpd.GeoDataFrame | None = None,
    chunk: int = 64,
) -> Backup:
    """Backup (second-unit) coverage: the number of sources within a cutoff of each place.

    One Dijkstra per source (bounded by the cutoff), in chunks to bound memory.

    Parameters
    ----------
    networks
        Compiled network per profile.
    roads
        Road index.
    sources
        Posts and units.
    cutoff_s
        Seconds.
    targets
        Located targets, optional.
    chunk
        Sources per Dijkstra call.

    Returns
    -------
    Backup
    """
    road_count = np.zeros(len(roads.length), dtype=np.int64)
    has_targets = targets is not None and not targets.empty
    t_road = targets["road"].to_numpy(np.int64) if has_targets else np.zeros(0, np.int64)
    t_along = targets["along"].to_numpy(float) if has_targets else np.zeros(0)
    target_count = np.zeros(len(t_road), dtype=np.int64)
    mids = np.full(len(roads.length), 0.5)
    for profile in dict.fromkeys(s.profile for s in sources):
        net = networks[profile]
        members = [s for s in sources if s.profile == profile]
        tt = np.where(net.open_edges, net.travel_time, np.inf)
        for start in range(0, len(members), chunk):
            part = members[start : start + chunk]
            idx = net.indices_of([s.node for s in part])
            offsets = np.array([s.readiness_s for s in part])[:, None]
            limit = max(cutoff_s - float(offsets.min()), 0.0)
            dist = dijkstra(net.matrix, indices=idx, limit=limit) + offsets
            road_count += (points_from_matrix(dist, roads, tt, None, mids) <= cutoff_s).sum(axis=0)
            if len(t_road):
                times = points_from_matrix(dist, roads, tt, t_road, t_along)
                target_count += (times <= cutoff_s).sum(axis=0)
    total = roads.total_m
    share = float(roads.length[road_count >= 2].sum() / total) if total else 0.0
    return Backup(float(cutoff_s), road_count, target_count, share)


def points_from_matrix(
    dist: np.ndarray, roads: Roads, tt: np.ndarray, road: np.ndarray | None, along: np.ndarray
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
    return np.minimum(from_u, from_v)


# --------------------------------------------------------------------------------------------
# incident response


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
    etas: list[tuple[float, int]] = []
    for profile in dict.fromkeys(s.profile for s in sources):
        net = networks[profile]
        target = net.index_of(node)
        back = dijkstra(net.matrix.T.tocsr(), indices=target)
        for i, s in enumerate(sources):
            if s.profile == profile:
                t = float(back[net.index_of(s.node)]) + s.readiness_s
                if np.isfinite(t):
                    etas.append((t, i))
    etas.sort()
    out = []
    for t, i in etas[:count]:
        s = sources[i]
        net = networks[s.profile]
        path, _ = net.shortest_path(net.index_of(s.node), net.index_of(node))
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


# --------------------------------------------------------------------------------------------
# one call for a page or a report


@dataclass(frozen=True, eq=False)
class Analysis:
    """Coverage of one set of sources: figures per cutoff, road bands and every target's time.

    Attributes
    ----------
    reach
        Travel times.
    cutoffs_s
        Cutoffs, ascending.
    figures
        One per cutoff.
    bands
        ``road_bands`` (time band, responsible source per road).
    targets
        ``target_table`` against ``standard_s``.
    standard_s
        The response standard the targets are judged by (one of the cutoffs).
    """

    reach: Reach
    cutoffs_s: tuple[float, ...]
    figures: tuple[CoverageFigures, ...]
    bands: gpd.GeoDataFrame
    targets: pd.DataFrame
    standard_s: float


def analyse(
    networks: Mapping[str, CompiledNetwork],
    roads: Roads,
    sources: Sequence[Source],
    targets: gpd.GeoDataFrame | None,
    cutoffs_s: Iterable[float],
    *,
    standard_s: float | None = None,
    horizon_s: float = np.inf,
) -> Analysis:
    """Coverage of sources: reach, figures per cutoff, road bands and target times.

    Parameters
    ----------
    networks
        Compiled network per profile.
    roads
        Road index.
    sources
        Posts and units (at least one).
    targets
        Located targets, or None.
    cutoffs_s
        Seconds.
    standard_s
        Response standard for judging targets; default the largest cutoff.
    horizon_s
        Exploration limit (``inf``: every reachable node, so gaps get their nearest source).

    Returns
    -------
    Analysis
    """
    cutoffs = tuple(sorted({float(c) for c in cutoffs_s}))
    if not cutoffs:
        msg = "Pilih minimal satu batas waktu."
        raise GeoError(msg)
    if not sources:
        msg = "Belum ada pos atau unit untuk dihitung cakupannya."
        raise GeoError(msg)
    standard = float(standard_s) if standard_s is not None else cutoffs[-1]
    reach = compute_reach(networks, sources, horizon_s=max(horizon_s, cutoffs[-1]))
    return Analysis(
        reach=reach,
        cutoffs_s=cutoffs,
        figures=tuple(coverage_figures(reach, roads, targets, cutoffs)),
        bands=road_bands(reach, roads, cutoffs),
        targets=target_table(reach, roads, targets, standard),
        standard_s=standard,
    )
