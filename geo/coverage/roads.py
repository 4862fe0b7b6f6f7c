"""Roads of an area indexed against a compiled network, and targets located on them."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.area import Area
from geo.network import CompiledNetwork
from geo.risk import RISK_WEIGHTS


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
