"""Backup coverage: what a second source reaches within the cutoff."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np

from geo.coverage.reach import Source, own_road_rows, per_source_times, points_from_matrix
from geo.coverage.roads import Roads
from geo.network import CompiledNetwork


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
            # each source leaves its point on the road through either end (phantom node)
            limit = max(cutoff_s - min(s.readiness_s for s in part), 0.0)
            dist = per_source_times(net, part, limit)
            own = own_road_rows(roads, part)
            counted = points_from_matrix(dist, roads, tt, None, mids, own=own) <= cutoff_s
            road_count += counted.sum(axis=0)
            if len(t_road):
                times = points_from_matrix(dist, roads, tt, t_road, t_along, own=own)
                target_count += (times <= cutoff_s).sum(axis=0)
    total = roads.total_m
    share = float(roads.length[road_count >= 2].sum() / total) if total else 0.0
    return Backup(float(cutoff_s), road_count, target_count, share)
