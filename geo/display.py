"""Display-ready copies of an area's layers: simplified in metres, coordinates rounded.

A whole-city map must stay small in the browser (under about 2 MB), so the geometry drawn is
simplified here, once per area; the figures are always computed on the full geometry.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from geo.area import Area

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


def label_points(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A point inside each polygon (``representative_point``) for labels, EPSG:4326."""
    return frame.set_geometry(frame.geometry.representative_point())


def display_layers(area: Area) -> dict[str, gpd.GeoDataFrame]:
    """Every drawable layer of an area, simplified for the browser.

    Returns
    -------
    dict
        ``roads``, ``kota``, ``kecamatan``, ``kelurahan``, ``settlements``, ``rivers``, and
        ``overview`` (kecamatan outlines and main roads, coarsely simplified, for a minimap).
    """
    sources = {
        "roads": area.edges[["highway", "length", "geometry"]],
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
