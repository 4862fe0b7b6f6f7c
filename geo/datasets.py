"""Paths of the embedded areas' data files (``data/<area>/``)."""

from __future__ import annotations

from pathlib import Path

from geo import settings
from geo._errors import AreaDataError

#: Source layers of an embedded area, by short name -> file under ``data/<area>/source/``.
SOURCE_LAYERS: dict[str, str] = {
    "kota": "admin_kota.geojson",
    "kecamatan": "admin_kecamatan.geojson",
    "kelurahan": "admin_kelurahan.geojson",
    "roads": "roads_rbi50k.geojson",
    "rivers": "rivers_rbi50k.geojson",
    "settlements": "settlements_rbi50k.geojson",
    "offices": "offices_rbi50k.geojson",
    "units": "city_units_pemkot.geojson",
    "places_pemkot": "places_pemkot.geojson",
    "landmarks": "landmarks_pemkot.geojson",
    "cctv": "cctv_sites_pemkot.geojson",
    "tps_counts": "tps_counts_pemilu2024.csv",
}

#: Layers the build step writes under ``data/<area>/``.
BUILT_LAYERS: dict[str, str] = {"places": "places.geojson"}


def available_areas() -> list[str]:
    """Names of the embedded areas (folders of ``data/`` that hold source layers)."""
    return sorted({p.parent.parent.name for p in settings.data_folder.glob("*/source/*.geojson")})


def get_path(name: str, area: str = "metro") -> Path:
    """Path of one data layer of an embedded area.

    Parameters
    ----------
    name
        A key of ``SOURCE_LAYERS`` or ``BUILT_LAYERS``.
    area
        Embedded area name.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    AreaDataError
        If the name is unknown or the file is missing.
    """
    if name in SOURCE_LAYERS:
        path = settings.data_folder / area / "source" / SOURCE_LAYERS[name]
    elif name in BUILT_LAYERS:
        path = settings.data_folder / area / BUILT_LAYERS[name]
    else:
        known = ", ".join(sorted({*SOURCE_LAYERS, *BUILT_LAYERS}))
        msg = f"Lapisan data tidak dikenal: {name!r}. Yang ada: {known}."
        raise AreaDataError(msg)
    if not path.exists():
        msg = f"Berkas data tidak ada: {path}"
        raise AreaDataError(msg)
    return path
