"""GeoJSON from an upload parsed with ``json`` and shapely: never handed to GDAL.

GDAL opens what it recognises, not what the file claims to be (a ".geojson" holding a VRT reads
any local file or URL it names), so uploads never reach it. Each feature is checked on its own:
a broken feature carries a reason and the others are kept.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
import shapely.errors
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo._errors import InputFileError
from geo._textfile import Limits, check_size, decode_text, refuse_markup

_GEOMETRY_TYPES = frozenset(
    [
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    ]
)

_WGS84_NAMES = ("crs84", "4326", "wgs84", "wgs 84")


@dataclass(frozen=True)
class Feature:
    """One feature of a GeoJSON file.

    Attributes
    ----------
    number
        1-based position in the file.
    properties
        The feature's properties (empty when missing or malformed).
    geometry
        The shape (EPSG:4326), ``None`` when the feature has none or it is broken.
    problem
        Why the feature cannot be used (Bahasa Indonesia), empty when it can.
    """

    number: int
    properties: dict[str, Any]
    geometry: BaseGeometry | None
    problem: str = ""


def _geometry(raw: object) -> tuple[BaseGeometry | None, str]:
    if raw is None:
        return None, ""
    if not isinstance(raw, dict) or raw.get("type") not in _GEOMETRY_TYPES:
        kind = raw.get("type") if isinstance(raw, dict) else type(raw).__name__
        return None, f"geometri tidak dikenal ({str(kind)[:40]!r})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NaN coordinates: refused below
            geom = shape(raw)
    except shapely.errors.GEOSException as exc:
        if "0 or >1" in str(exc):
            return None, "garis dengan kurang dari dua titik"
        if "closed" in str(exc) or "LinearRing" in str(exc):
            return None, "poligon tidak tertutup atau kurang dari empat titik"
        return None, "geometri rusak"
    except shapely.errors.ShapelyError:  # e.g. an unknown type inside a GeometryCollection
        return None, "geometri rusak atau jenisnya tidak dikenal"
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError):
        return None, "geometri rusak (koordinat tidak lengkap atau bukan angka)"
    coords = shapely.get_coordinates(geom)
    if len(coords) and not np.isfinite(coords).all():
        return None, "koordinat bukan angka terhingga (NaN/tak hingga)"
    if len(coords) and (
        (np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any()
    ):
        return None, "koordinat di luar rentang bujur/lintang (-180..180, -90..90)"
    return geom, ""


def _check_crs(raw: dict[str, Any], name: str) -> None:
    crs = raw.get("crs")
    if crs is None:
        return
    text = json.dumps(crs).lower()
    if not any(word in text for word in _WGS84_NAMES):
        msg = f"{name}: sistem koordinat berkas bukan WGS 84 (EPSG:4326); simpan ulang dalam 4326."
        raise InputFileError(msg)


def parse_geojson(data: bytes, name: str, limits: Limits) -> list[Feature]:
    """Features of a GeoJSON FeatureCollection, Feature or bare geometry.

    Parameters
    ----------
    data
        The file's bytes.
    name
        Shown in messages.
    limits
        Size and feature-count limits.

    Returns
    -------
    list[Feature]
        In file order, each with its problem (if any).

    Raises
    ------
    InputFileError
        Not JSON, not GeoJSON, too big, too many features, or not in EPSG:4326.
    """
    check_size(data, name, limits)
    text = decode_text(data, name)
    if not text.strip():
        msg = f"{name}: berkas kosong."
        raise InputFileError(msg)
    refuse_markup(text, name, "GeoJSON")
    if not text.lstrip().startswith("{"):
        msg = f"{name}: bukan GeoJSON (harus diawali objek JSON '{{')."
        raise InputFileError(msg)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{name}: bukan GeoJSON yang sah (JSON rusak di baris {exc.lineno}: {exc.msg})."
        raise InputFileError(msg) from None
    except RecursionError:
        msg = f"{name}: bukan GeoJSON yang sah (susunan JSON terlalu dalam)."
        raise InputFileError(msg) from None
    if not isinstance(raw, dict):
        msg = f"{name}: bukan GeoJSON (bukan objek JSON)."
        raise InputFileError(msg)
    _check_crs(raw, name)
    kind = raw.get("type")
    if kind == "FeatureCollection":
        items = raw.get("features")
        if not isinstance(items, list):
            msg = f"{name}: FeatureCollection tanpa daftar 'features'."
            raise InputFileError(msg)
    elif kind == "Feature":
        items = [raw]
    elif kind in _GEOMETRY_TYPES:
        items = [{"type": "Feature", "properties": {}, "geometry": raw}]
    else:
        msg = f"{name}: bukan GeoJSON (type {str(kind)[:40]!r}, diharapkan FeatureCollection)."
        raise InputFileError(msg)
    if len(items) > limits.max_rows:
        msg = f"{name}: terlalu banyak fitur ({len(items)}; batas {limits.max_rows})."
        raise InputFileError(msg)
    out: list[Feature] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            out.append(Feature(number, {}, None, "fitur bukan objek GeoJSON"))
            continue
        props = item.get("properties")
        problem = ""
        if props is None:
            props = {}
        elif not isinstance(props, dict):
            props, problem = {}, "properties bukan objek"
        elif len(props) > limits.max_columns:
            props, problem = {}, f"terlalu banyak atribut ({len(props)}; batas {limits.max_columns})"
        props = {str(k): v for k, v in props.items()}
        geom, geom_problem = _geometry(item.get("geometry"))
        out.append(Feature(number, props, geom, problem or geom_problem))
    return out
