"""Display-ready copies of an area's layers: simplified in metres, coordinates rounded.

A whole-city map must stay small in the browser (under about 2 MB), so the geometry drawn is
simplified here, once per area; the figures are always computed on the full geometry.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.area import Area, display_road_names

#: Simplification tolerance (metres) per layer.
TOLERANCE_M: dict[str, float] = {
    "roads": 3.0,
    "kota": 8.0,
    "kecamatan": 8.0,
    "kelurahan": 8.0,
    "settlements": 10.0,
    "rivers": 10.0,
    "overview": 40.0,
}

#: Road classes drawn in the overview (minimap).
OVERVIEW_ROADS = ("trunk", "primary", "secondary", "tertiary")

#: Decimal places kept in lon/lat (6 ≈ 0.1 m).
PRECISION = 6


def simplified(frame: gpd.GeoDataFrame, tolerance_m: float, crs_metric: str) -> gpd.GeoDataFrame:
    """Copy of a layer simplified by ``tolerance_m`` metres, rounded to ``PRECISION`` in lon/lat.

    Parameters
    ----------
    frame
        Layer in any CRS.
    tolerance_m
        Douglas-Peucker tolerance in metres (topology preserved).
    crs_metric
        Metric CRS to simplify in.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326.
    """
    if frame.empty:
        return frame.to_crs(settings.crs_geographic)
    metric = frame.to_crs(crs_metric)
    metric = metric.set_geometry(metric.geometry.simplify(tolerance_m, preserve_topology=True))
    out = metric.to_crs(settings.crs_geographic)
    grid = 10.0**-PRECISION
    out = out.set_geometry(shapely.set_precision(out.geometry.to_numpy(), grid, mode="pointwise"))
    return out[~out.geometry.is_empty]


def label_points(
    frame: gpd.GeoDataFrame,
    *,
    avoid: gpd.GeoSeries | None = None,
    clearance_m: float = 1500.0,
    spacing_m: float = 120.0,
) -> gpd.GeoDataFrame:
    """A point inside each polygon for its label, EPSG:4326, clear of the points in ``avoid``.

    Without ``avoid`` it is the polygon's ``representative_point``. With it, candidates on a
    grid inside the polygon (kept off its edge) are scored by their distance to the nearest
    point to avoid (up to ``clearance_m``), less a third of their distance from the
    representative point, so a label stays central but leaves the map's markers uncovered.
    """
    base = frame.geometry.representative_point()
    if avoid is None or avoid.empty:
        return frame.set_geometry(base)
    crs = settings.crs_metric
    polygons = frame.geometry.to_crs(crs)
    centres = gpd.GeoSeries(base, crs=frame.crs).to_crs(crs)
    obstacles = shapely.MultiPoint(list(avoid.to_crs(crs).geometry))
    out = []
    for poly, centre in zip(polygons, centres, strict=True):
        inner = poly.buffer(-spacing_m)
        inner = poly if inner.is_empty else inner
        x0, y0, x1, y1 = inner.bounds
        xs = np.arange(x0, x1 + spacing_m, spacing_m)
        ys = np.arange(y0, y1 + spacing_m, spacing_m)
        grid = shapely.points(np.array([(x, y) for y in ys for x in xs]))
        grid = grid[shapely.contains(inner, grid)]
        if not len(grid):
            out.append(centre)
            continue
        clear = np.minimum(shapely.distance(grid, obstacles), clearance_m)
        score = clear - shapely.distance(grid, centre) / 3.0
        out.append(grid[int(np.argmax(score))])
    return frame.set_geometry(gpd.GeoSeries(out, crs=crs).to_crs(frame.crs).to_numpy())


def display_layers(area: Area) -> dict[str, gpd.GeoDataFrame]:
    """Every drawable layer of an area, simplified for the browser.

    Returns
    -------
    dict
        ``roads``, ``kota``, ``kecamatan``, ``kelurahan``, ``settlements``, ``rivers``, and
        ``overview`` (kecamatan outlines and main roads, coarsely simplified, for a minimap).
        ``roads`` has the street ``name`` shown for each road (a planner's, OSM's, or "jalan
        tanpa nama"), for tooltips.
    """
    sources = {
        "roads": area.edges[["highway", "length", "geometry"]].assign(
            name=display_road_names(area)
        ),
        "kota": area.kota[["nama", "geometry"]],
        "kecamatan": area.kecamatan[["nama", "kode_kec", "geometry"]],
        "kelurahan": area.kelurahan[["nama", "kode", "geometry"]],
        "settlements": area.settlements[["geometry"]],
        "rivers": area.rivers[["NAMOBJ", "geometry"]].rename(columns={"NAMOBJ": "nama"}),
    }
    layers = {
        name: simplified(frame, TOLERANCE_M[name], area.crs_metric)
        for name, frame in sources.items()
    }
    main_roads = area.edges[area.edges["highway"].isin(OVERVIEW_ROADS)]
    overview = pd.concat(
        [
            area.kecamatan[["geometry"]].assign(kind="boundary"),
            main_roads[["geometry"]].assign(kind="road"),
        ],
        ignore_index=True,
    )
    layers["overview"] = simplified(
        gpd.GeoDataFrame(overview, crs=area.edges.crs), TOLERANCE_M["overview"], area.crs_metric
    )
    return layers


def view_for_bounds(
    bounds: tuple[float, float, float, float], *, width_px: int = 900, height_px: int = 600
) -> tuple[tuple[float, float], int]:
    """Centre (lat, lon) and the largest web-map zoom that shows ``bounds`` in a frame.

    Parameters
    ----------
    bounds
        ``(min_lon, min_lat, max_lon, max_lat)`` in EPSG:4326.
    width_px, height_px
        Size of the map frame.

    Returns
    -------
    center, zoom
        Zoom between 10 and 17, with a margin of a tenth of the frame on each side.
    """
    min_lon, min_lat, max_lon, max_lat = bounds
    centre = ((min_lat + max_lat) / 2, (min_lon + max_lon) / 2)
    span_lon = max(max_lon - min_lon, 1e-6)
    merc = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    span_y = max(abs(merc(max_lat) - merc(min_lat)), 1e-8)
    zoom_x = math.log2(0.8 * width_px * 360 / (256 * span_lon))
    zoom_y = math.log2(0.8 * height_px * 2 * math.pi / (256 * span_y))
    return centre, int(max(10, min(17, math.floor(min(zoom_x, zoom_y)))))


def view_for_geometries(geometries, *, width_px: int = 900, height_px: int = 600):
    """``view_for_bounds`` of the bounds of several geometries (EPSG:4326), e.g. routes."""
    bounds = shapely.GeometryCollection(list(geometries)).bounds
    return view_for_bounds(tuple(bounds), width_px=width_px, height_px=height_px)
