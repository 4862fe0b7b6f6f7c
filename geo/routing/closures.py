"""Road closures (drawn lines, polygons, points) with time windows, and the edges they close."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from geo._errors import GeoError, InputFileError
from geo.area import Area
from geo.network import (
    CompiledNetwork,
)
from geo.routing.edges import _to_metric, edge_table

#: A point closure (a drawn marker) blocks roads within this many metres.
POINT_CLOSURE_RADIUS_M: float = 30.0


#: A waypoint whose snapped point lies this close to a closure is inside it.
CLOSURE_TOUCH_M: float = 15.0


@dataclass(frozen=True)
class Closure:
    """A road closure (penutupan jalan): a drawn line, polygon or point with an optional window.

    Attributes
    ----------
    name
        Name shown to the user.
    geometry
        Line, polygon or point (EPSG:4326); a point blocks roads within ``radius_m``.
    starts, ends
        Time window as ``"HH:MM"`` or ISO date-time text; None = always.
    note
        Free text.
    radius_m
        Radius of a point closure (a drawn circle).
    """

    name: str
    geometry: BaseGeometry
    starts: str | None = None
    ends: str | None = None
    note: str = ""
    radius_m: float | None = None

    def blocking_geometry_metric(self, area: Area) -> BaseGeometry:
        """The area the closure blocks, in the metric CRS."""
        geom = _to_metric(area, [self.geometry])[0]
        if geom.geom_type in {"Point", "MultiPoint"}:
            return geom.buffer(self.radius_m or POINT_CLOSURE_RADIUS_M)
        return geom

    def active(self, depart: datetime | None, horizon_s: float = 3600.0) -> bool:
        """Whether the closure's window overlaps ``[depart, depart + horizon_s]``.

        Without a departure time or without a window the closure always applies.
        """
        if depart is None or (self.starts is None and self.ends is None):
            return True
        trip_end = depart + timedelta(seconds=horizon_s)
        for day in (depart.date() - timedelta(days=1), depart.date()):
            start = _at(self.starts, day) if self.starts else datetime.min
            end = _at(self.ends, day) if self.ends else datetime.max
            if self.starts and self.ends and _is_clock(self.ends) and end <= start:
                end += timedelta(days=1)
            if start < trip_end and end > depart:
                return True
            if not (_is_clock(self.starts) or _is_clock(self.ends)):
                break
        return False

    def to_feature(self) -> dict[str, Any]:
        """GeoJSON Feature (EPSG:4326) with the window and note as properties."""
        props = {"name": self.name, "starts": self.starts, "ends": self.ends, "note": self.note}
        if self.radius_m is not None:
            props["radius_m"] = self.radius_m
        return {"type": "Feature", "properties": props, "geometry": mapping(self.geometry)}


def _is_clock(text: str | None) -> bool:
    return bool(text) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", str(text).strip()) is not None


def parse_time(text: str, *, day: date | None = None) -> datetime:
    """``"HH:MM"`` (on ``day``, default today) or an ISO date-time, as a naive datetime.

    Raises
    ------
    GeoError
        If the text is neither.
    """
    raw = str(text).strip()
    try:
        if _is_clock(raw):
            return datetime.combine(day or date.today(), time.fromisoformat(raw.zfill(5)))
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None:
        msg = f"Waktu tidak dikenali: {text!r}. Tulis JJ:MM (mis. 07:30) atau tanggal-waktu ISO."
        raise GeoError(msg)
    return value.replace(tzinfo=None)


def _at(text: str, day: date) -> datetime:
    return parse_time(text, day=day)


def closures_from_features(
    features: Iterable[Mapping[str, Any]], *, default_name: str = "Penutupan"
) -> list[Closure]:
    """Closures from GeoJSON Features (a FeatureCollection's ``features`` or map drawings).

    Properties read: ``name``/``nama``, ``starts``/``mulai``, ``ends``/``selesai``, ``note``/
    ``keterangan``, and ``radius_m`` or ``radius`` (metres; a circle drawn with Leaflet.draw
    carries its radius in metres in ``radius``).

    Raises
    ------
    InputFileError
        If there is no usable feature, or a geometry or time is malformed.
    """
    out: list[Closure] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, Mapping):
            msg = f"Fitur penutupan ke-{number} bukan objek GeoJSON."
            raise InputFileError(msg)
        geom_json = feature.get("geometry") if feature.get("type") == "Feature" else feature
        if not geom_json:
            continue
        try:
            geom = shape(geom_json)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
            msg = f"Geometri penutupan ke-{number} rusak atau tidak dikenal."
            raise InputFileError(msg) from None
        if geom.is_empty:
            continue
        if geom.geom_type not in {
            "LineString", "MultiLineString", "Polygon", "MultiPolygon", "Point", "MultiPoint",
        }:  # fmt: skip
            msg = f"Penutupan ke-{number}: jenis geometri {geom.geom_type} tidak didukung."
            raise InputFileError(msg)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        props = dict(feature.get("properties") or {}) if feature.get("type") == "Feature" else {}
        closure = _closure_from_props(geom, props, f"{default_name} {number}")
        out.append(closure)
    if not out:
        msg = "Berkas penutupan tidak berisi satu pun garis, poligon atau titik."
        raise InputFileError(msg)
    return out


def _closure_from_props(geom: BaseGeometry, props: dict[str, Any], fallback: str) -> Closure:
    def pick(*names: str) -> Any:
        for name in names:
            value = props.get(name)
            if value is not None and not (isinstance(value, float) and np.isnan(value)):
                if isinstance(value, str) and not value.strip():
                    continue
                return value
        return None

    starts, ends = _time_text(pick("starts", "mulai")), _time_text(pick("ends", "selesai"))
    for value in (starts, ends):
        if value is not None:
            try:
                parse_time(str(value))
            except GeoError as exc:
                raise InputFileError(str(exc)) from None
    radius = pick("radius_m", "radius")
    try:
        radius_m = float(radius) if radius is not None else None
    except (TypeError, ValueError):
        msg = f"Radius penutupan tidak dikenali: {radius!r}."
        raise InputFileError(msg) from None
    return Closure(
        name=str(pick("name", "nama") or fallback),
        geometry=geom,
        starts=str(starts) if starts is not None else None,
        ends=str(ends) if ends is not None else None,
        note=str(pick("note", "keterangan") or ""),
        radius_m=radius_m,
    )


def _time_text(value: Any) -> str | None:
    """A window bound as text (readers may hand over ``time`` or ``datetime`` objects)."""
    if value is None:
        return None
    if isinstance(value, datetime):  # also pandas.Timestamp
        return value.replace(tzinfo=None).isoformat(timespec="minutes")
    if isinstance(value, time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    return str(value).strip()


def closures_from_geojson(data: str | bytes | Mapping[str, Any]) -> list[Closure]:
    """Closures from GeoJSON text or an already parsed object.

    Raises
    ------
    InputFileError
        Empty, not JSON, not GeoJSON, or without a usable geometry.
    """
    if isinstance(data, str | bytes):
        if not data.strip():
            msg = "Berkas penutupan kosong."
            raise InputFileError(msg)
        try:
            data = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            msg = f"Berkas penutupan bukan GeoJSON yang sah: {exc}."
            raise InputFileError(msg) from None
    if not isinstance(data, Mapping):
        msg = "Berkas penutupan bukan objek GeoJSON."
        raise InputFileError(msg)
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            msg = "FeatureCollection tanpa daftar 'features'."
            raise InputFileError(msg)
        return closures_from_features(features)
    if kind in {"Feature", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "Point"}:
        return closures_from_features([data])
    msg = f"Jenis GeoJSON tidak dikenal: {kind!r}."
    raise InputFileError(msg)


def closed_edges(
    area: Area,
    net: CompiledNetwork,
    closures: Sequence[Closure],
    *,
    depart: datetime | None = None,
    horizon_s: float = 3600.0,
) -> np.ndarray:
    """Mask of the directed edges that an active closure crosses or covers.

    Parameters
    ----------
    area, net
        The area and its compiled network.
    closures
        Closures; those whose window misses ``[depart, depart + horizon_s]`` are ignored.
    depart
        Departure time, or None to apply every closure.
    horizon_s
        How long after departure a closure still matters.

    Returns
    -------
    numpy.ndarray
        Boolean mask over the network's edge arrays.
    """
    table = edge_table(area, net)
    mask = np.zeros(len(table.u), dtype=bool)
    active = [c for c in closures if c.active(depart, horizon_s)]
    if not active:
        return mask
    blocks = [c.blocking_geometry_metric(area) for c in active]
    _, hit = table.tree.query(blocks, predicate="intersects")
    mask[hit] = True
    # an edge and its reverse close together
    mask |= np.isin(table.road, table.road[mask])
    return mask
