"""A hand-drawn path snapped to the road network, with how far the result strays from the drawing.

The drawn line is densified (a point every ``spacing_m``), each point is snapped to its nearest
road, and consecutive snapped nodes are joined by fastest paths on the compiled network. Short
back-and-forth spurs that snapping to an edge end creates (``a, b, a``) are removed. The largest
deviation is the Hausdorff distance between the drawing and the snapped route, in metres.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Point

from geo import settings
from geo._errors import GeoError, OffNetworkError
from geo.area import Area
from geo.network import CompiledNetwork
from geo.routing import Route, build_route, edge_table
from geo.snap import snap_points


@dataclass(frozen=True)
class SnappedLine:
    """A drawn line and the network route that follows it.

    Attributes
    ----------
    drawn
        The line as drawn (EPSG:4326).
    route
        The snapped route on the network.
    max_deviation_m
        Largest distance between the drawing and the route (Hausdorff, metres).
    deviation_at
        Point of the drawing where the deviation is largest (EPSG:4326).
    mean_deviation_m
        Mean distance of the densified drawing to the route.
    """

    drawn: LineString
    route: Route
    max_deviation_m: float
    deviation_at: Point
    mean_deviation_m: float


def _drop_spurs(path: list[int]) -> list[int]:
    """Remove immediate back-and-forth steps (``a, b, a`` -> ``a``) and repeated nodes."""
    out: list[int] = []
    for node in path:
        if out and out[-1] == node:
            continue
        if len(out) >= 2 and out[-2] == node:
            out.pop()
            continue
        out.append(node)
    return out


def snap_line(
    area: Area,
    net: CompiledNetwork,
    line: LineString | Sequence[Sequence[float]],
    *,
    spacing_m: float = 25.0,
    max_distance_m: float | None = None,
) -> SnappedLine:
    """Snap a drawn line to the road network.

    Parameters
    ----------
    area
        The area.
    net
        Compiled network (its profile gives the route's travel time).
    line
        The drawn line (EPSG:4326), at least two points: a ``LineString`` or its
        ``(lon, lat)`` coordinates (a GeoJSON drawing's ``coordinates``).
    spacing_m
        Distance between the points the line is densified to.
    max_distance_m
        Farthest a drawn point may lie from a road; default ``settings.max_snap_distance_m``.

    Returns
    -------
    SnappedLine

    Raises
    ------
    GeoError
        If the line has fewer than two distinct points.
    OffNetworkError
        If part of the drawing lies too far from every road.
    NoRouteError
        If consecutive snapped points are not connected.
    """
    if not isinstance(line, LineString):
        try:
            line = LineString([tuple(p)[:2] for p in line])
        except (TypeError, ValueError, shapely.errors.GEOSException):
            msg = "Garis yang digambar perlu sedikitnya dua titik berbeda."
            raise GeoError(msg) from None
    if line.is_empty or line.geom_type != "LineString" or line.length == 0:
        msg = "Garis yang digambar perlu sedikitnya dua titik berbeda."
        raise GeoError(msg)
    limit = settings.max_snap_distance_m if max_distance_m is None else max_distance_m
    drawn_metric = gpd.GeoSeries([line], crs=settings.crs_geographic).to_crs(area.crs_metric)[0]
    dense = shapely.segmentize(drawn_metric, spacing_m)
    coords = np.asarray(dense.coords)[:, :2]
    lonlat = gpd.GeoSeries(shapely.points(coords), crs=area.crs_metric).to_crs(
        settings.crs_geographic
    )
    snaps = snap_points(area, lonlat.x.to_numpy(), lonlat.y.to_numpy())
    far = snaps["distance_m"].to_numpy() > limit
    if far.any():
        first = int(np.flatnonzero(far)[0])
        msg = (
            f"Sebagian garis ({int(far.sum())} dari {len(far)} titik) berjarak lebih dari "
            f"{limit:.0f} m dari jalan, mis. di ({lonlat.y.iloc[first]:.5f}, "
            f"{lonlat.x.iloc[first]:.5f}). Gambar garis di sepanjang jalan."
        )
        raise OffNetworkError(msg)
    stops = net.indices_of(snaps["node"].to_numpy())
    stops = stops[np.r_[True, stops[1:] != stops[:-1]]]
    path: list[int] = [int(stops[0])]
    for a, b in itertools.pairwise(stops):
        leg, _ = net.shortest_path(int(a), int(b))
        path.extend(leg[1:])
    path = _drop_spurs(path)
    edges = net.path_edges(path) if len(path) > 1 else np.zeros(0, dtype=np.int64)
    route = build_route(net, edge_table(area, net), path, edges, [0, len(path) - 1], None)
    route_metric = (
        gpd.GeoSeries([route.geometry], crs=settings.crs_geographic).to_crs(area.crs_metric)[0]
        if not route.geometry.is_empty
        else shapely.Point(snaps.to_crs(area.crs_metric).geometry.iloc[0])
    )
    pts = shapely.points(coords)
    to_route = shapely.distance(route_metric, pts)
    worst = int(np.argmax(to_route))
    hausdorff = float(shapely.hausdorff_distance(dense, route_metric, densify=0.25))
    return SnappedLine(
        drawn=line,
        route=route,
        max_deviation_m=max(hausdorff, float(to_route[worst])),
        deviation_at=Point(lonlat.x.iloc[worst], lonlat.y.iloc[worst]),
        mean_deviation_m=float(to_route.mean()),
    )
