"""Suggest where to add posts: maximal covering location (spopt MCLP) on network travel times.

Demand is the venues and TPS, weighted by risk tier. Candidate sites are the road intersections
(graph nodes where three or more roads meet) that would reach at least one target not yet
covered. The cost matrix holds network travel times (seconds) from every facility (existing
sources first, then candidates) to every target; existing sources are predefined facilities,
so the solver keeps them and picks ``k`` more. Solved with CBC through PuLP (offline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
from scipy.sparse.csgraph import dijkstra
from spopt.locate import MCLP

from geo import settings
from geo._errors import GeoError
from geo.area import Area, kelurahan_at
from geo.coverage import Roads, Source, compute_reach, points_from_matrix, road_fraction
from geo.coverage.reach import own_road_rows, per_source_times
from geo.network import CompiledNetwork

#: Placeholder cost for "not reachable" in the cost matrix (seconds).
_FAR = 1e9


@dataclass(frozen=True)
class Placement:
    """Suggested posts and the coverage they add.

    Attributes
    ----------
    cutoff_s
        Service time, seconds.
    added
        One row per suggested post: ``node``, ``lon``, ``lat``, ``kelurahan``, ``gain_weight``
        (risk weight it alone adds), ``gain_targets``, geometry (EPSG:4326).
    sources
        The suggested posts as sources (profile and readiness as asked), for recomputing.
    weight_total, weight_before, weight_after
        Risk-weighted demand: all, covered by existing sources, covered with the additions.
    targets_total, targets_before, targets_after
        Targets counted the same way.
    road_share_before, road_share_after
        Road share (by length) within the cutoff.
    candidates
        Candidate sites the solver considered.
    status
        Solver status (``Optimal`` when solved to optimality).
    """

    cutoff_s: float
    added: gpd.GeoDataFrame
    sources: tuple[Source, ...]
    weight_total: float
    weight_before: float
    weight_after: float
    targets_total: int
    targets_before: int
    targets_after: int
    road_share_before: float
    road_share_after: float
    candidates: int
    status: str


def _arrival(
    networks: Mapping[str, CompiledNetwork],
    roads: Roads,
    sources: Sequence[Source],
    road: np.ndarray,
    along: np.ndarray,
    limit: float,
) -> np.ndarray:
    """``(targets, sources)`` arrival times, readiness included."""
    out = np.full((len(road), len(sources)), np.inf)
    for profile in dict.fromkeys(s.profile for s in sources):
        net = networks[profile]
        cols = [i for i, s in enumerate(sources) if s.profile == profile]
        part = [sources[i] for i in cols]
        # from each source's point on its road (phantom node), as geo.coverage does
        dist = per_source_times(net, part, limit)
        tt = np.where(net.open_edges, net.travel_time, np.inf)
        own = own_road_rows(roads, part)
        out[:, cols] = points_from_matrix(dist, roads, tt, road, along, own=own).T
    return out


def candidate_nodes(
    graph_degree: Mapping[int, int], network: CompiledNetwork, *, min_degree: int = 3
) -> np.ndarray:
    """Compiled indices of intersections (nodes with at least ``min_degree`` neighbours)."""
    nodes = [n for n, d in graph_degree.items() if d >= min_degree]
    return np.sort(network.indices_of(nodes)) if nodes else np.zeros(0, dtype=np.int64)


def suggest_posts(
    area: Area,
    networks: Mapping[str, CompiledNetwork],
    roads: Roads,
    sources: Sequence[Source],
    targets: gpd.GeoDataFrame,
    *,
    k: int,
    cutoff_s: float,
    profile: str = "car",
    readiness_s: float = 0.0,
    min_degree: int = 3,
) -> Placement:
    """Suggest ``k`` more posts that add the most risk-weighted coverage of venues and TPS.

    Parameters
    ----------
    area
        The area (graph, kelurahan).
    networks
        Compiled network per profile (every source's profile and ``profile``).
    roads
        Road index.
    sources
        Existing posts and units, kept fixed.
    targets
        Located targets (``geo.coverage.locate_targets``) with ``weight``.
    k
        Posts to add (at least 1).
    cutoff_s
        Service time, seconds.
    profile
        Travel profile of the new posts.
    readiness_s
        Readiness of the new posts, seconds.
    min_degree
        Candidate sites are nodes with at least this many neighbouring nodes.

    Returns
    -------
    Placement

    Raises
    ------
    GeoError
        If there are no targets, or the solver fails.
    """
    if k < 1:
        msg = "Jumlah pos tambahan minimal 1."
        raise GeoError(msg)
    if targets is None or targets.empty:
        msg = "Tidak ada lokasi kegiatan atau TPS untuk dicakup."
        raise GeoError(msg)
    if profile not in networks:
        msg = f"Tidak ada jaringan untuk profil {profile!r}."
        raise GeoError(msg)
    net = networks[profile]
    road = targets["road"].to_numpy(np.int64)
    along = targets["along"].to_numpy(float)
    weights = targets["weight"].to_numpy(float)
    existing = (
        _arrival(networks, roads, sources, road, along, cutoff_s)
        if sources
        else np.full((len(road), 0), np.inf)
    )
    covered_before = (existing <= cutoff_s).any(axis=1)

    graph = area.graph
    degree = {n: len(set(graph.successors(n)) | set(graph.predecessors(n))) for n in graph.nodes}
    cand = candidate_nodes(degree, net, min_degree=min_degree)
    occupied = {int(net.index_of(s.node)) for s in sources if s.profile in networks}
    cand = np.array([c for c in cand if int(c) not in occupied], dtype=np.int64)
    tt = np.where(net.open_edges, net.travel_time, np.inf)
    if len(cand):
        dist = dijkstra(net.matrix, indices=cand, limit=cutoff_s) + readiness_s
        cand_cost = points_from_matrix(dist, roads, tt, road, along).T  # (targets, candidates)
        useful = ((cand_cost <= cutoff_s) & ~covered_before[:, None]).any(axis=0)
        cand, cand_cost = cand[useful], cand_cost[:, useful]
    else:
        cand_cost = np.zeros((len(road), 0))

    share_before = _road_share(networks, roads, sources, cutoff_s)
    if len(cand) == 0:
        return _result(
            area, net, cutoff_s, weights, covered_before,
            added=(), cand_cost=cand_cost, covered_after=covered_before,
            shares=(share_before, share_before), candidates=0, status="Tanpa kandidat",
            profile=profile, readiness_s=readiness_s,
        )  # fmt: skip

    k = min(k, len(cand))
    cost = np.hstack([existing, cand_cost])
    cost = np.where(np.isfinite(cost), cost, _FAR)
    n_fixed = existing.shape[1]
    predefined = np.r_[np.ones(n_fixed, dtype=int), np.zeros(len(cand), dtype=int)]
    model = MCLP.from_cost_matrix(
        cost,
        weights,
        service_radius=float(cutoff_s),
        p_facilities=int(n_fixed + k),
        predefined_facilities_arr=predefined if n_fixed else None,
        name="penempatan_pos",
    )
    try:
        model = model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    except pulp.PulpSolverError as exc:
        msg = f"Penyelesai optimasi gagal: {exc}"
        raise GeoError(msg) from exc
    status = pulp.LpStatus[model.problem.status]
    cols = [
        j - n_fixed
        for j, var in enumerate(model.fac_vars)
        if j >= n_fixed and (var.value() or 0) > 0.5
    ]
    covered_after = covered_before | (cand_cost[:, cols] <= cutoff_s).any(axis=1)
    new_sources = _new_sources(area, net, cand[cols], profile, readiness_s)
    share_after = _road_share(networks, roads, [*sources, *new_sources], cutoff_s)
    return _result(
        area, net, cutoff_s, weights, covered_before,
        added=[(int(cand[c]), c) for c in cols], cand_cost=cand_cost,
        covered_after=covered_after, shares=(share_before, share_after),
        candidates=len(cand), status=status, profile=profile, readiness_s=readiness_s,
    )  # fmt: skip


def _road_share(
    networks: Mapping[str, CompiledNetwork],
    roads: Roads,
    sources: Sequence[Source],
    cutoff_s: float,
) -> float:
    if not sources:
        return 0.0
    reach = compute_reach(networks, sources, horizon_s=cutoff_s)
    frac = road_fraction(reach, roads, cutoff_s)
    return float((frac * roads.length).sum() / roads.total_m) if roads.total_m else 0.0


def _new_sources(
    area: Area, net: CompiledNetwork, chosen: np.ndarray, profile: str, readiness_s: float
) -> list[Source]:
    out = []
    for i, c in enumerate(chosen, start=1):
        node = int(net.nodes[c])
        x, y = area.graph.nodes[node]["x"], area.graph.nodes[node]["y"]
        out.append(
            Source(
                key=f"usulan:{i}",
                name=f"Usulan pos {i}",
                kind="pos_pengamanan",
                node=node,
                profile=profile,
                readiness_s=readiness_s,
                lon=float(x),
                lat=float(y),
            )
        )
    return out


def _result(
    area: Area,
    net: CompiledNetwork,
    cutoff_s: float,
    weights: np.ndarray,
    covered_before: np.ndarray,
    *,
    added: Sequence[tuple[int, int]],
    cand_cost: np.ndarray,
    covered_after: np.ndarray,
    shares: tuple[float, float],
    candidates: int,
    status: str,
    profile: str,
    readiness_s: float,
) -> Placement:
    chosen = np.array([node for node, _ in added], dtype=np.int64)
    new = _new_sources(area, net, chosen, profile, readiness_s)
    alone = [(cand_cost[:, c] <= cutoff_s) & ~covered_before for _, c in added]
    added_frame = gpd.GeoDataFrame(
        {
            "name": [s.name for s in new],
            "node": [s.node for s in new],
            "lon": [s.lon for s in new],
            "lat": [s.lat for s in new],
            "kelurahan": [kelurahan_at(area, s.lon, s.lat) or "" for s in new],
            "gain_weight": [float(weights[m].sum()) for m in alone],
            "gain_targets": [int(m.sum()) for m in alone],
        },
        geometry=gpd.points_from_xy([s.lon for s in new], [s.lat for s in new]),
        crs=settings.crs_geographic,
    )
    return Placement(
        cutoff_s=float(cutoff_s),
        added=added_frame,
        sources=tuple(new),
        weight_total=float(weights.sum()),
        weight_before=float(weights[covered_before].sum()),
        weight_after=float(weights[covered_after].sum()),
        targets_total=len(weights),
        targets_before=int(covered_before.sum()),
        targets_after=int(covered_after.sum()),
        road_share_before=shares[0],
        road_share_after=shares[1],
        candidates=int(candidates),
        status=status,
    )


def placement_table(result: Placement) -> pd.DataFrame:
    """Before/after figures of a placement as a small table (Bahasa Indonesia labels)."""
    return pd.DataFrame(
        {
            "ukuran": ["Bobot risiko tercakup", "Lokasi/TPS tercakup", "Pangsa jalan"],
            "sebelum": [
                f"{result.weight_before:g} / {result.weight_total:g}",
                f"{result.targets_before} / {result.targets_total}",
                f"{result.road_share_before:.1%}",
            ],
            "sesudah": [
                f"{result.weight_after:g} / {result.weight_total:g}",
                f"{result.targets_after} / {result.targets_total}",
                f"{result.road_share_after:.1%}",
            ],
        }
    )
