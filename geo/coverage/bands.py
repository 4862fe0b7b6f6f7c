"""Time bands of the roads and isochrone areas (data for the map; drawn by ``layers``)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from shapely import ops

from geo import settings
from geo.coverage.reach import Reach, _side_fractions, road_full_time
from geo.coverage.roads import Roads


def band_labels(cutoffs_min: Sequence[float], *, unit: str = "mnt") -> list[str]:
    """Labels of the time bands of sorted cutoffs, plus one for beyond the last.

    ``unit`` is the minute's short name in the reader's language (``"mnt"``, ``"min"``).
    """
    edges = [0.0, *cutoffs_min]
    labels = [f"{_fmt(a)}–{_fmt(b)} {unit}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"> {_fmt(cutoffs_min[-1])} {unit}" if cutoffs_min else "–"]


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
