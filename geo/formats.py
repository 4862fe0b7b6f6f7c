"""Route exchange formats: GPX (gpxpy), KML and GeoJSON (pyogrio) out; GPX and GeoJSON in.

Exports take named lines (routes) and named points (waypoints) in EPSG:4326, so an escort plan,
a patrol loop or a snapped hand-drawn path all export the same way. Imports return the lines
and points they find, or raise ``InputFileError`` with a message for the user.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import gpxpy
import gpxpy.gpx
import pyogrio.errors
import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo._errors import InputFileError
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


ROUTE_COLORS: tuple[str, ...] = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e")
"""Main route first, then alternatives (also used by ``layers.routes``)."""


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


def _as_bytes(source: bytes | str | Path) -> bytes:
    if isinstance(source, bytes):
        return source
    path = Path(source)
    try:
        return path.read_bytes()
    except OSError as exc:
        msg = f"Berkas tidak dapat dibaca: {path} ({exc.strerror or exc})."
        raise InputFileError(msg) from None


def read_gpx(source: bytes | str | Path) -> Imported:
    """Tracks, routes and waypoints of a GPX file.

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
        gpx = gpxpy.parse(data.decode("utf-8-sig", errors="replace"))
    except gpxpy.gpx.GPXException as exc:
        msg = f"Berkas bukan GPX yang sah: {exc}."
        raise InputFileError(msg) from None
    lines: list[NamedLine] = []
    for number, track in enumerate(gpx.tracks, start=1):
        coords = [(p.longitude, p.latitude) for seg in track.segments for p in seg.points]
        if len(coords) >= 2:
            lines.append(NamedLine(track.name or f"Trek {number}", LineString(coords), "imported"))
    for number, route in enumerate(gpx.routes, start=1):
        coords = [(p.longitude, p.latitude) for p in route.points]
        if len(coords) >= 2:
            lines.append(NamedLine(route.name or f"Rute {number}", LineString(coords), "imported"))
    if not lines:
        msg = "Berkas GPX tidak berisi trek (trk) atau rute (rte) dengan dua titik atau lebih."
        raise InputFileError(msg)
    points = tuple(
        NamedPoint(w.name or f"Titik {i}", w.longitude, w.latitude, w.type or "waypoint")
        for i, w in enumerate(gpx.waypoints, start=1)
    )
    return Imported(tuple(lines), points)


def read_features(source: bytes | str | Path, *, what: str = "berkas") -> gpd.GeoDataFrame:
    """Features of a GeoJSON file in EPSG:4326, read by pyogrio.

    Raises
    ------
    InputFileError
        Empty, unreadable, or without any feature with a geometry.
    """
    data = _as_bytes(source)
    title = what[:1].upper() + what[1:]
    if not data.strip():
        msg = f"{title} kosong."
        raise InputFileError(msg)
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        msg = f"{title} bukan GeoJSON (harus diawali objek JSON '{{')."
        raise InputFileError(msg)
    try:
        frame = gpd.read_file(io.BytesIO(data), engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        msg = f"{title} bukan GeoJSON yang sah: {_short(exc)}."
        raise InputFileError(msg) from None
    if "geometry" not in frame or frame.geometry.isna().all() or frame.empty:
        msg = f"{title} tidak berisi fitur dengan geometri."
        raise InputFileError(msg)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.crs is None:
        frame = frame.set_crs(settings.crs_geographic)
    return frame.to_crs(settings.crs_geographic)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "/vsimem/" in text or "not recognized" in text:
        return "formatnya tidak dikenali"
    return text.replace("Failed to read GeoJSON data; ", "")[:200]


def read_geojson_lines(source: bytes | str | Path) -> Imported:
    """Line features (and points) of a GeoJSON file.

    Raises
    ------
    InputFileError
        Unreadable, or without any line.
    """
    frame = read_features(source, what="berkas rute")
    name_col = next((c for c in ("name", "nama", "Name") if c in frame.columns), None)
    lines, points = [], []
    for number, (idx, geom) in enumerate(frame.geometry.items(), start=1):
        label = str(frame.at[idx, name_col]) if name_col else f"Garis {number}"
        if geom.geom_type == "LineString" and len(geom.coords) >= 2:
            lines.append(NamedLine(label, geom, "imported"))
        elif geom.geom_type == "MultiLineString":
            merged = shapely.line_merge(geom)
            for part in _parts(merged) if merged.geom_type == "MultiLineString" else [merged]:
                lines.append(NamedLine(label, part, "imported"))
        elif geom.geom_type == "Point":
            points.append(NamedPoint(label, geom.x, geom.y))
    if not lines:
        msg = "Berkas GeoJSON tidak berisi garis (LineString) untuk dijadikan rute."
        raise InputFileError(msg)
    return Imported(tuple(lines), tuple(points))


def read_route(source: bytes | str | Path, filename: str = "") -> Imported:
    """A GPX or GeoJSON route file, by its name's extension (GPX when the content says so)."""
    data = _as_bytes(source)
    name = filename or ("" if isinstance(source, bytes) else str(source))
    if Path(name).suffix.lower() == ".gpx" or b"<gpx" in data[:1000].lower():
        return read_gpx(data)
    return read_geojson_lines(data)


def read_closures(source: bytes | str | Path) -> list[Closure]:
    """Closures from a GeoJSON file (lines, polygons, points; optional window properties).

    Raises
    ------
    InputFileError
        Empty or malformed file, or no usable geometry.
    """
    frame = read_features(source, what="berkas penutupan")
    props = frame.drop(columns="geometry")
    features = []
    for (_, row), geom in zip(props.iterrows(), frame.geometry, strict=True):
        properties = {k: (None if _missing(v) else v) for k, v in row.items()}
        features.append(
            {"type": "Feature", "properties": properties, "geometry": geom.__geo_interface__}
        )
    return closures_from_features(features)


def _missing(value: object) -> bool:
    try:
        return bool(value != value) or value is None  # NaN / NaT
    except (TypeError, ValueError):
        return False


def write_text(path: str | Path, content: str | bytes) -> Path:
    """Write an export atomically (a temporary file renamed), creating the folder."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    with tempfile.NamedTemporaryFile(dir=out.parent, delete=False, suffix=".tmp") as tmp:
        tmp.write(data)
    Path(tmp.name).replace(out)
    return out
