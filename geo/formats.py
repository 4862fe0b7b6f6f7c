"""Route exchange formats: GPX (gpxpy), KML and GeoJSON (pyogrio) out; GPX and GeoJSON in.

Exports take named lines (routes) and named points (waypoints) in EPSG:4326, so an escort plan,
a patrol loop or a snapped hand-drawn path all export the same way. Imports return the lines
and points they find, or raise ``InputFileError`` with a message for the user.
"""

from __future__ import annotations

import io
import math
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import gpxpy
import gpxpy.gpx
import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo._errors import InputFileError
from geo._geojson import Feature, parse_geojson
from geo._textfile import Limits, check_size, read_file
from geo._xml import check_xml
from geo.routing import Closure, RoutePlan, closures_from_features


@dataclass(frozen=True)
class NamedLine:
    """A route line to export or one read from a file.

    Attributes
    ----------
    name
        Name shown in the handheld or GIS.
    geometry
        The line (EPSG:4326).
    kind
        ``main``, ``alternative``, ``patrol``, ``drawn``, ``snapped``, ``imported``...
    color
        ``#rrggbb`` used for KML styling.
    """

    name: str
    geometry: LineString
    kind: str = "route"
    color: str = "#d62728"


@dataclass(frozen=True)
class NamedPoint:
    """A waypoint to export or one read from a file."""

    name: str
    lon: float
    lat: float
    kind: str = "waypoint"


@dataclass(frozen=True)
class Imported:
    """What an imported file holds.

    Attributes
    ----------
    lines
        Tracks, routes or line features, in file order.
    points
        Waypoints or point features.
    """

    lines: tuple[NamedLine, ...]
    points: tuple[NamedPoint, ...] = field(default_factory=tuple)

    @property
    def line(self) -> LineString:
        """The longest line (the route to use when only one is wanted)."""
        return max(self.lines, key=lambda item: item.geometry.length).geometry


ROUTE_COLORS: tuple[str, ...] = ("#D55E00", "#0072B2", "#56B4E9", "#332288")
"""Main route first, then alternatives in blues (``style.ROUTE_COLOURS``, which a test keeps
equal: geo imports nothing outside geo)."""


def plan_features(plan: RoutePlan) -> tuple[list[NamedLine], list[NamedPoint]]:
    """Lines and waypoints of an escort plan (main route, alternatives, origin/vias/destination)."""
    lines = [NamedLine("Rute utama", plan.main.geometry, "main", ROUTE_COLORS[0])]
    lines += [
        NamedLine(f"Alternatif {i}", r.geometry, "alternative", ROUTE_COLORS[i % len(ROUTE_COLORS)])
        for i, r in enumerate(plan.alternatives, start=1)
    ]
    last = len(plan.waypoints) - 1
    points = []
    for i, w in enumerate(plan.waypoints):
        kind = "origin" if i == 0 else "destination" if i == last else "via"
        points.append(NamedPoint(w.label, w.lon, w.lat, kind))
    return lines, points


# --------------------------------------------------------------------------- export


def to_gpx(lines: Sequence[NamedLine], points: Sequence[NamedPoint] = (), *, name: str = "") -> str:
    """GPX 1.1 text: one track per line, one waypoint per point.

    Parameters
    ----------
    lines
        Routes (each becomes a ``<trk>`` with one segment).
    points
        Waypoints (``<wpt>``; their kind goes into ``<type>``).
    name
        Name of the file's content (``<metadata><name>``).

    Returns
    -------
    str
    """
    gpx = gpxpy.gpx.GPX()
    gpx.name = name or None
    gpx.creator = "Peta Pengamanan Polres Metro"
    for item in lines:
        track = gpxpy.gpx.GPXTrack(name=item.name)
        track.type = item.kind
        for part in _parts(item.geometry):
            segment = gpxpy.gpx.GPXTrackSegment()
            segment.points.extend(gpxpy.gpx.GPXTrackPoint(lat, lon) for lon, lat, *_ in part.coords)
            track.segments.append(segment)
        gpx.tracks.append(track)
    for p in points:
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(p.lat, p.lon, name=p.name, type=p.kind, symbol="Flag")
        )
    return gpx.to_xml(version="1.1")


def _parts(geom: BaseGeometry) -> list[LineString]:
    if isinstance(geom, MultiLineString):
        return [g for g in geom.geoms if not g.is_empty]
    return [geom] if not geom.is_empty else []


def features_frame(
    lines: Sequence[NamedLine], points: Sequence[NamedPoint] = ()
) -> gpd.GeoDataFrame:
    """Lines and points as one GeoDataFrame (``name``, ``kind``, geometry; EPSG:4326)."""
    rows = [{"name": line.name, "kind": line.kind, "geometry": line.geometry} for line in lines]
    rows += [{"name": p.name, "kind": p.kind, "geometry": Point(p.lon, p.lat)} for p in points]
    return gpd.GeoDataFrame(rows, columns=["name", "kind", "geometry"], crs=settings.crs_geographic)


def to_geojson(lines: Sequence[NamedLine], points: Sequence[NamedPoint] = ()) -> bytes:
    """GeoJSON FeatureCollection (written by pyogrio) of the lines and points."""
    buffer = io.BytesIO()
    features_frame(lines, points).to_file(buffer, driver="GeoJSON", engine="pyogrio")
    return buffer.getvalue()


def to_kml(
    lines: Sequence[NamedLine], points: Sequence[NamedPoint] = (), *, name: str = "Rute"
) -> bytes:
    """KML (written by pyogrio's KML driver) with each line in its colour."""
    frame = features_frame(lines, points)
    styles = [f"PEN(c:{line.color},w:5px)" for line in lines]
    styles += ['SYMBOL(c:#000000,id:"ogr-sym-3")'] * len(points)
    frame["OGR_STYLE"] = styles
    frame = frame.rename(columns={"name": "Name", "kind": "Description"})
    buffer = io.BytesIO()
    layer = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "rute"  # KML wants an XML name
    frame.to_file(buffer, driver="KML", engine="pyogrio", layer=layer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- import


#: Limits of a route, track or closure file (GPX or GeoJSON).
ROUTE_LIMITS = Limits(max_bytes=20_000_000, max_rows=10_000, max_columns=100)


def _as_bytes(source: bytes | str | Path, limits: Limits = ROUTE_LIMITS) -> bytes:
    if isinstance(source, bytes):
        check_size(source, "Berkas", limits)
        return source
    return read_file(Path(source), limits)


def _point_ok(lon: object, lat: object) -> bool:
    return (
        isinstance(lon, float | int)
        and isinstance(lat, float | int)
        and math.isfinite(lon)
        and math.isfinite(lat)
        and -180 <= lon <= 180
        and -90 <= lat <= 90
    )


def _gpx_line(name: str, coords: list[tuple[float, float]]) -> NamedLine | None:
    good = [c for c in coords if _point_ok(*c)]
    if len(good) < 2 or len(set(good)) < 2:
        return None
    return NamedLine(name[:200], LineString(good), "imported")


def read_gpx(source: bytes | str | Path) -> Imported:
    """Tracks, routes and waypoints of a GPX file.

    The XML is checked with defusedxml first (no DTD, entities or external references), then
    read by gpxpy. Points with coordinates out of range are left out.

    Parameters
    ----------
    source
        File content (bytes) or path.

    Returns
    -------
    Imported

    Raises
    ------
    InputFileError
        Not a GPX file, or no track or route with at least two points.
    """
    data = _as_bytes(source)
    if not data.strip():
        msg = "Berkas GPX kosong."
        raise InputFileError(msg)
    try:
        root = check_xml(data, "Berkas GPX")
    except InputFileError as exc:
        msg = f"Berkas bukan GPX yang sah: {exc}"
        raise InputFileError(msg) from None
    if root != "gpx":
        msg = f"Berkas bukan GPX yang sah: elemen akarnya <{root[:40]}>, bukan <gpx>."
        raise InputFileError(msg)
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace"))
    except gpxpy.gpx.GPXException as exc:
        msg = f"Berkas bukan GPX yang sah: {str(exc)[:200]}."
        raise InputFileError(msg) from None
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError) as exc:
        msg = f"Berkas bukan GPX yang sah: {type(exc).__name__}."
        raise InputFileError(msg) from None
    lines: list[NamedLine] = []
    for number, track in enumerate(gpx.tracks, start=1):
        coords = [(p.longitude, p.latitude) for seg in track.segments for p in seg.points]
        line = _gpx_line(track.name or f"Trek {number}", coords)
        if line is not None:
            lines.append(line)
    for number, route in enumerate(gpx.routes, start=1):
        coords = [(p.longitude, p.latitude) for p in route.points]
        line = _gpx_line(route.name or f"Rute {number}", coords)
        if line is not None:
            lines.append(line)
    if not lines:
        msg = "Berkas GPX tidak berisi trek (trk) atau rute (rte) dengan dua titik atau lebih."
        raise InputFileError(msg)
    points = tuple(
        NamedPoint((w.name or f"Titik {i}")[:200], w.longitude, w.latitude, w.type or "waypoint")
        for i, w in enumerate(gpx.waypoints, start=1)
        if _point_ok(w.longitude, w.latitude)
    )
    return Imported(tuple(lines), points)


def _usable_features(source: bytes | str | Path, what: str) -> list[Feature]:
    """Features of a GeoJSON file (json + shapely, never GDAL) that have a usable geometry."""
    data = _as_bytes(source)
    title = what[:1].upper() + what[1:]
    if not data.strip():
        msg = f"{title} kosong."
        raise InputFileError(msg)
    features = parse_geojson(data, title, ROUTE_LIMITS)
    usable = [
        f for f in features if f.geometry is not None and not f.geometry.is_empty and not f.problem
    ]
    if not usable:
        problems = [f"fitur {f.number}: {f.problem}" for f in features if f.problem][:3]
        detail = f" ({'; '.join(problems)})" if problems else ""
        msg = f"{title} tidak berisi fitur dengan geometri yang dapat dipakai{detail}."
        raise InputFileError(msg)
    return usable


def read_features(source: bytes | str | Path, *, what: str = "berkas") -> gpd.GeoDataFrame:
    """Features of a GeoJSON file in EPSG:4326, parsed with ``json`` and shapely.

    The file is never handed to GDAL, so a file naming another file or an address (a VRT,
    ``/vsicurl/``) is refused rather than followed. Features without a usable geometry are
    left out.

    Raises
    ------
    InputFileError
        Empty, not GeoJSON, or without any feature with a usable geometry.
    """
    usable = _usable_features(source, what)
    rows = [{k: v for k, v in f.properties.items() if k != "geometry"} for f in usable]
    return gpd.GeoDataFrame(
        rows, geometry=[f.geometry for f in usable], crs=settings.crs_geographic
    )


def read_geojson_lines(source: bytes | str | Path) -> Imported:
    """Line features (and points) of a GeoJSON file.

    Raises
    ------
    InputFileError
        Unreadable, or without any line.
    """
    features = _usable_features(source, "berkas rute")
    lines, points = [], []
    for number, feature in enumerate(features, start=1):
        props, geom = feature.properties, feature.geometry
        name = next((props[c] for c in ("name", "nama", "Name") if props.get(c) is not None), None)
        label = str(name)[:200] if name is not None else f"Garis {number}"
        if geom.geom_type == "LineString" and geom.length > 0:
            lines.append(NamedLine(label, geom, "imported"))
        elif geom.geom_type == "MultiLineString":
            merged = shapely.line_merge(geom)
            parts = _parts(merged) if merged.geom_type == "MultiLineString" else [merged]
            lines.extend(NamedLine(label, part, "imported") for part in parts if part.length > 0)
        elif geom.geom_type == "Point":
            points.append(NamedPoint(label, geom.x, geom.y))
    if not lines:
        msg = "Berkas GeoJSON tidak berisi garis (LineString) untuk dijadikan rute."
        raise InputFileError(msg)
    return Imported(tuple(lines), tuple(points))


def read_route(source: bytes | str | Path, filename: str = "") -> Imported:
    """A GPX or GeoJSON route file, by its name's extension (by its first bytes without one)."""
    data = _as_bytes(source)
    name = filename or ("" if isinstance(source, bytes) else str(source))
    suffix = Path(name).suffix.lower()
    if suffix == ".gpx":
        return read_gpx(data)
    if suffix in {".geojson", ".json"}:
        return read_geojson_lines(data)
    if b"<gpx" in data[:1000].lower():
        return read_gpx(data)
    return read_geojson_lines(data)


def read_closures(source: bytes | str | Path) -> list[Closure]:
    """Closures from a GeoJSON file (lines, polygons, points; optional window properties).

    Raises
    ------
    InputFileError
        Empty or malformed file, or no usable geometry.
    """
    features = [
        {"type": "Feature", "properties": f.properties, "geometry": f.geometry.__geo_interface__}
        for f in _usable_features(source, "berkas penutupan")
    ]
    return closures_from_features(features)


def write_text(path: str | Path, content: str | bytes) -> Path:
    """Write an export atomically (a temporary file renamed), creating the folder."""
    out = Path(path)
    if out.is_dir():
        msg = f"{out} adalah folder; beri nama berkas keluaran (mis. {out / 'rute.gpx'})."
        raise InputFileError(msg)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with tempfile.NamedTemporaryFile(dir=out.parent, delete=False, suffix=".tmp") as tmp:
        tmp.write(data)
    Path(tmp.name).replace(out)
    return out
