"""Safe havens (tempat aman: rumah sakit, kantor polisi) and the travel time to the nearest one.

An escort's route sheet (``geo.route_sheet``) marks the stretches of its route by the haven
nearest in time and the longest run farther than a limit from every haven.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from scipy.sparse.csgraph import dijkstra

from geo import settings
from geo.area import Area
from geo.network import CompiledNetwork
from geo.snap import snap_points

#: Place categories that count as safe havens (rumah sakit, kantor polisi).
HAVEN_CATEGORIES: tuple[str, ...] = ("hospital", "police_hq", "police_sector")


def safe_havens(area: Area, categories: tuple[str, ...] = HAVEN_CATEGORIES) -> gpd.GeoDataFrame:
    """Safe havens of the area snapped to the network: ``name``, ``category``, ``node``."""
    havens = area.places[area.places["category"].isin(categories)].reset_index(drop=True)
    if havens.empty:
        return gpd.GeoDataFrame(
            {"name": [], "category": [], "node": []}, geometry=[], crs=settings.crs_geographic
        )
    snapped = snap_points(area, havens.geometry.x.to_numpy(), havens.geometry.y.to_numpy())
    keep = snapped["distance_m"].to_numpy() <= settings.max_snap_distance_m
    return gpd.GeoDataFrame(
        {
            "name": havens["name"].to_numpy()[keep],
            "category": havens["category"].to_numpy()[keep],
            "node": snapped["node"].to_numpy()[keep].astype(np.int64),
        },
        geometry=havens.geometry.to_numpy()[keep],
        crs=settings.crs_geographic,
    )


def time_to_havens(net: CompiledNetwork, havens: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Seconds from every node to its nearest haven, and that haven's row in ``havens``.

    One multi-source Dijkstra on the reversed network (travel towards the havens, so one-way
    roads count the right way).
    """
    if havens.empty:
        return np.full(net.n, np.inf), np.full(net.n, -1, dtype=np.int64)
    idx = net.indices_of(havens["node"].to_numpy())
    dist, _, sources = dijkstra(
        net.matrix.T.tocsr(), indices=idx, min_only=True, return_predecessors=True
    )
    row_of_node = {int(n): i for i, n in reversed(list(enumerate(idx)))}
    which = np.array([row_of_node.get(int(s), -1) for s in sources], dtype=np.int64)
    return dist, which
