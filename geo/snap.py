"""Snap points to the road network: nearest road, the point on it, and the distance."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import osmnx as ox
import pandas as pd
import shapely

from geo import settings
from geo._errors import OffNetworkError
from geo.area import Area, kelurahan_at, road_name


@dataclass(frozen=True)
class Snap:
    """A point snapped to the nearest road.

    Attributes
    ----------
    lon, lat
        The snapped point on the road (EPSG:4326).
    distance_m
        Straight-line distance from the input point to the road.
    u, v, key
        The road's edge in the graph.
    node
        The edge end nearer along the road to the snapped point.
    kelurahan
        Kelurahan of the snapped point, or None outside the area.
    fraction
        Position of the snapped point along the edge from ``u`` (0) to ``v`` (1), by length:
        routes start and end there (a "phantom node"), not at ``node``.
    street
        Name of the road (a planner's, OSM ``name``/``ref``, or "jalan tanpa nama").
    """

    lon: float
    lat: float
    distance_m: float
    u: int
    v: int
    key: int
    node: int
    kelurahan: str | None
    fraction: float = 0.0
    street: str = ""

    @classmethod
    def from_row(cls, area: Area, row: pd.Series) -> Snap:
        """A snap from one row of ``snap_points``."""
        point = row.geometry
        return cls(
            lon=float(point.x),
            lat=float(point.y),
            distance_m=float(row["distance_m"]),
            u=int(row["u"]),
            v=int(row["v"]),
            key=int(row["key"]),
            node=int(row["node"]),
            kelurahan=kelurahan_at(area, float(point.x), float(point.y)),
            fraction=float(row["fraction"]),
            street=road_name(
                area,
                int(row["u"]),
                int(row["v"]),
                int(row["key"]),
                row["name"] if isinstance(row.get("name"), str) else None,
            ),
        )


def snap_points(area: Area, lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    """Snap many points at once (no distance limit).

    Parameters
    ----------
    area
        The area whose roads are used.
    lon, lat
        Coordinates in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per input point: ``u``, ``v``, ``key``, ``node``, ``fraction`` (along the edge
        from ``u``), ``distance_m`` (point to road) and the snapped point as geometry
        (EPSG:4326).
    """
    edges = area.edges_metric
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    points = gpd.GeoSeries(shapely.points(lon, lat), crs=settings.crs_geographic).to_crs(
        area.crs_metric
    )
    xy = shapely.get_coordinates(points.to_numpy())
    usable = np.isfinite(xy).all(axis=1) if len(xy) == len(points) else np.zeros(0, bool)
    usable &= np.abs(xy[:, 0] - 500_000) < 2_000_000 if len(xy) else usable
    edge_idx = np.zeros(len(points), dtype=np.int64)
    dist = np.full(len(points), np.inf)
    if usable.any():
        (pt_idx, near), d = edges.sindex.nearest(
            points[usable], return_all=False, return_distance=True
        )
        order = np.argsort(pt_idx)
        edge_idx[usable] = near[order]
        dist[usable] = d[order]
    if not usable.all():
        # a point in another part of the world: no projection of this network's zone holds
        # it; its great-circle distance to the nearest node is what the message needs
        far = np.flatnonzero(~usable)
        node_ids = np.array(list(area.graph.nodes))
        nx_ = np.array([area.graph.nodes[n]["x"] for n in node_ids])
        ny_ = np.array([area.graph.nodes[n]["y"] for n in node_ids])
        gc = ox.distance.great_circle(lat[far, None], lon[far, None], ny_[None, :], nx_[None, :])
        nearest = node_ids[np.argmin(gc, axis=1)]
        dist[far] = gc.min(axis=1)
        starts = edges["u"].to_numpy()
        for i, node in zip(far.tolist(), nearest.tolist(), strict=True):
            hit = np.flatnonzero((starts == node) | (edges["v"].to_numpy() == node))
            edge_idx[i] = int(hit[0]) if len(hit) else 0
    lines = edges.geometry.to_numpy()[edge_idx]
    safe = np.where(usable, points.to_numpy(), shapely.get_point(lines, 0))
    along = shapely.line_locate_point(lines, safe)
    snapped = shapely.line_interpolate_point(lines, along)
    total = shapely.length(lines)
    fraction = np.clip(np.divide(along, total, out=np.zeros_like(along), where=total > 0), 0, 1)
    near_start = fraction <= 0.5
    u = edges["u"].to_numpy()[edge_idx]
    v = edges["v"].to_numpy()[edge_idx]
    return gpd.GeoDataFrame(
        {
            "u": u,
            "v": v,
            "key": edges["key"].to_numpy()[edge_idx],
            "node": np.where(near_start, u, v),
            "fraction": fraction,
            "name": edges["name"].to_numpy()[edge_idx],
            "distance_m": dist,
        },
        geometry=gpd.GeoSeries(snapped, crs=area.crs_metric).to_crs(settings.crs_geographic).values,
        crs=settings.crs_geographic,
    )


def snap_point(area: Area, lon: float, lat: float, *, max_distance_m: float | None = None) -> Snap:
    """Snap one point to the nearest road.

    Parameters
    ----------
    area
        The area whose roads are used.
    lon, lat
        The point (EPSG:4326).
    max_distance_m
        Farthest allowed distance to a road; default ``settings.max_snap_distance_m``.

    Returns
    -------
    Snap

    Raises
    ------
    OffNetworkError
        If the nearest road is farther than ``max_distance_m``.
    """
    limit = settings.max_snap_distance_m if max_distance_m is None else max_distance_m
    row = snap_points(area, np.array([lon]), np.array([lat])).iloc[0]
    if row["distance_m"] > limit:
        msg = (
            f"Titik ({lat:.5f}, {lon:.5f}) berjarak {row['distance_m']:.0f} m dari jalan terdekat; "
            f"batasnya {limit:.0f} m. Pilih titik yang lebih dekat ke jalan."
        )
        raise OffNetworkError(msg)
    return Snap.from_row(area, row)


def require_on_network(
    area: Area,
    names: list[str],
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    what: str = "Titik",
    max_distance_m: float | None = None,
) -> None:
    """Refuse points (posts, venues...) farther than the snap limit from the loaded network.

    Parameters
    ----------
    area
        The area with its loaded network.
    names
        Name of each point, for the message.
    lon, lat
        The points (EPSG:4326).
    what
        What the points are, for the message (e.g. "Pos dan venue").
    max_distance_m
        Farthest allowed distance; default ``settings.max_snap_distance_m``.

    Raises
    ------
    OffNetworkError
        Naming every point too far from the network (and the network loaded).
    """
    if len(names) == 0:
        return
    limit = settings.max_snap_distance_m if max_distance_m is None else max_distance_m
    rows = snap_points(area, np.asarray(lon, float), np.asarray(lat, float))
    far = np.flatnonzero(rows["distance_m"].to_numpy() > limit)
    if len(far) == 0:
        return
    listed = "; ".join(f"{names[i]} ({_km(rows['distance_m'].iloc[i])})" for i in far[:10])
    more = f" dan {len(far) - 10} lagi" if len(far) > 10 else ""
    msg = (
        f"{what} berikut berjarak lebih dari {limit:.0f} m dari jaringan jalan yang dimuat "
        f"({area.network_name}): {listed}{more}. Muat jaringan jalan wilayah operasi ini."
    )
    raise OffNetworkError(msg)


def require_operation_on_network(
    area: Area, posts: pd.DataFrame, targets: pd.DataFrame | None = None
) -> None:
    """Refuse an operation whose posts or venues lie beyond the snap limit from the network.

    Parameters
    ----------
    area
        The area with its loaded network.
    posts
        Posts: ``name``, ``lon``, ``lat``.
    targets
        Targets (``kind``, ``name``, point geometry, EPSG:4326); the venues among them are
        checked (TPS and units are not: a far one is a gap, not a wrong network).

    Raises
    ------
    OffNetworkError
        Naming the posts and venues too far from the loaded network.
    """
    names: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    if posts is not None and len(posts):
        names += [f"pos {n}" for n in posts["name"].astype(str)]
        lon += posts["lon"].astype(float).tolist()
        lat += posts["lat"].astype(float).tolist()
    if targets is not None and len(targets) and "kind" in targets:
        venues = targets[targets["kind"] == "venue"]
        if len(venues):
            geoms = gpd.GeoSeries(venues.geometry, crs=settings.crs_geographic)
            names += [f"venue {n}" for n in venues["name"].astype(str)]
            lon += geoms.x.tolist()
            lat += geoms.y.tolist()
    require_on_network(area, names, np.array(lon), np.array(lat), what="Pos dan venue operasi")


def _km(metres: float) -> str:
    return f"{metres / 1000:,.1f} km" if metres >= 1000 else f"{metres:.0f} m"
