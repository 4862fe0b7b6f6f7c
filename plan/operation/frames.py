"""An operation as frames for ``geo.coverage``: posts, units and targets."""

from __future__ import annotations

from dataclasses import asdict

import geopandas as gpd
import pandas as pd
import shapely

from plan.operation.model import OperationData, UnitPosition


def posts_frame(data: OperationData) -> pd.DataFrame:
    """Posts as a frame for ``geo.coverage.sources_from_frame`` (``key`` = ``post:<id>``)."""
    cols = ["key", "id", "name", "kind", "lon", "lat", "profile", "readiness_s", "personnel"]
    if not data.posts:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame([asdict(p) for p in data.posts])
    frame["key"] = "post:" + frame["id"].astype(str)
    frame["readiness_s"] = frame["readiness_min"].astype(float) * 60.0
    return frame[[*cols, "readiness_min", "note"]]


def units_frame(positions: list[UnitPosition], *, include_stale: bool = False) -> pd.DataFrame:
    """Available units' latest positions as sources (``key`` = ``unit:<unit_id>``)."""
    cols = ["key", "name", "kind", "lon", "lat", "profile", "readiness_s", "personnel"]
    keep = [p for p in positions if p.status == "available" and (include_stale or not p.stale)]
    if not keep:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(
        {
            "key": [f"unit:{p.unit_id}" for p in keep],
            "name": [p.name for p in keep],
            "kind": "unit",
            "lon": [p.lon for p in keep],
            "lat": [p.lat for p in keep],
            "profile": [p.profile for p in keep],
            "readiness_s": 0.0,
            "personnel": [p.personnel for p in keep],
        }
    )


def targets_frame(data: OperationData) -> gpd.GeoDataFrame:
    """Venues and TPS as one frame of coverage targets (``kind`` ``venue`` or ``tps``)."""
    rows = [
        {
            "key": f"venue:{v.id}",
            "name": v.name,
            "kind": "venue",
            "risk": v.risk,
            "kelurahan": "",
            "position": v.position,
            "geometry": shapely.Point(v.lon, v.lat),
        }
        for v in data.venues
    ] + [
        {
            "key": f"tps:{t.code}",
            "name": t.name,
            "kind": "tps",
            "risk": t.risk,
            "kelurahan": t.kelurahan,
            "position": "surveyed",
            "geometry": shapely.Point(t.lon, t.lat),
        }
        for t in data.tps
    ]
    if not rows:
        return gpd.GeoDataFrame(
            {c: [] for c in ("key", "name", "kind", "risk", "kelurahan", "position")},
            geometry=[],
            crs="EPSG:4326",
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
