"""Exports (GPX, KML, GeoJSON) and imports (GPX, GeoJSON) of routes; bad files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import geopandas as gpd
import gpxpy
import pytest
from shapely.geometry import LineString, Point
from shapely.ops import substring

from geo._errors import InputFileError
from geo.area import Area
from geo.formats import (
    ROUTE_COLORS,
    NamedLine,
    plan_features,
    read_closures,
    read_geojson_lines,
    read_gpx,
    read_route,
    to_geojson,
    to_gpx,
    to_kml,
)
from geo.network import compile_network
from geo.routing import RoutePlan, plan_route
from geo.snapline import snap_line


@pytest.fixture(scope="module")
def plan(area: Area) -> RoutePlan:
    net = compile_network(area.graph, "convoy")
    return plan_route(area, net, ["Kantor Polisi Resor Metro", "KPU Kota Metro"], alternatives=2)


def test_gpx_round_trip(plan):
    lines, points = plan_features(plan)
    text = to_gpx(lines, points, name="Polres - KPU")
    gpx = gpxpy.parse(text)
    assert [t.name for t in gpx.tracks] == ["Rute utama", "Alternatif 1", "Alternatif 2"]
    main = gpx.tracks[0].segments[0].points
    assert len(main) == len(plan.main.geometry.coords)
    assert (main[0].longitude, main[0].latitude) == pytest.approx(plan.main.geometry.coords[0])
    assert [w.name for w in gpx.waypoints] == ["Kantor Polisi Resor Metro", "KPU Kota Metro"]
    assert [w.type for w in gpx.waypoints] == ["origin", "destination"]
    back = read_gpx(text.encode())
    assert back.lines[0].geometry.equals_exact(plan.main.geometry, 1e-6)
    assert len(back.points) == 2


def test_geojson_export_reads_back(plan, tmp_path):
    lines, points = plan_features(plan)
    data = to_geojson(lines, points)
    path = tmp_path / "rute.geojson"
    path.write_bytes(data)
    frame = gpd.read_file(path)
    assert list(frame["kind"]) == ["main", "alternative", "alternative", "origin", "destination"]
    assert frame.crs.to_epsg() == 4326
    imported = read_geojson_lines(path)
    assert imported.line.equals_exact(
        max((line.geometry for line in lines), key=lambda g: g.length), 1e-9
    )
    assert len(imported.points) == 2


def test_kml_is_styled_xml(plan):
    lines, points = plan_features(plan)
    root = ET.fromstring(to_kml(lines, points, name="Rute"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    marks = root.findall(".//k:Placemark", ns)
    assert [m.find("k:name", ns).text for m in marks][:1] == ["Rute utama"]
    assert len(marks) == 5
    rgb = ROUTE_COLORS[0].lstrip("#").lower()  # KML colours are aabbggrr
    assert marks[0].find(".//k:LineStyle/k:color", ns).text.lower() == "ff" + rgb[4:] + rgb[2:4] + rgb[:2]
    coords = marks[0].find(".//k:LineString/k:coordinates", ns).text.split()
    assert len(coords) == len(plan.main.geometry.coords)


def test_import_snaps_to_network(area, plan):
    """A GPX drawn by hand beside the route snaps back onto it."""
    net = compile_network(area.graph, "convoy")
    # the plan's route starts and ends at the places' points on their roads (nodes -1): the
    # hand-drawn line follows it from its first node to its last, as snap_line routes nodes
    on_nodes = tuple(n for n in plan.main.nodes if n >= 0)
    first, last = (area.graph.nodes[n] for n in (on_nodes[0], on_nodes[-1]))
    geom = plan.main.geometry
    inner = substring(
        geom, geom.project(Point(first["x"], first["y"])), geom.project(Point(last["x"], last["y"]))
    )
    drawn = LineString([(x + 0.00012, y + 0.0001) for x, y in inner.simplify(0.0004).coords])
    gpx = to_gpx([NamedLine("digambar", drawn)])
    imported = read_route(gpx.encode(), "rute.gpx")
    snapped = snap_line(area, net, imported.line)
    assert snapped.route.nodes == on_nodes
    assert 5 < snapped.max_deviation_m < 60


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", "kosong"),
        (b"bukan xml", "bukan GPX"),
        (
            b'<?xml version="1.0"?><gpx version="1.1" creator="t">'
            b'<wpt lat="-5.1" lon="105.3"><name>x</name></wpt></gpx>',
            "tidak berisi trek",
        ),
    ],
)
def test_bad_gpx(content, pattern):
    with pytest.raises(InputFileError, match=pattern):
        read_gpx(content)


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", "kosong"),
        (b"   \n", "kosong"),
        (b"<gpx/>", "bukan GeoJSON"),
        (b'{"type": "FeatureCollection", "features": [', "bukan GeoJSON yang sah"),
        (b'{"type": "FeatureCollection", "features": []}', "tidak berisi"),
    ],
)
def test_bad_closure_file(content, pattern, tmp_path):
    path = tmp_path / "tutup.geojson"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=pattern):
        read_closures(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="tidak dapat dibaca"):
        read_closures(tmp_path / "tidak-ada.geojson")


def test_closure_file_with_window(tmp_path):
    path = tmp_path / "tutup.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"nama": "Jl. A", "mulai": "07:00", "selesai": "09:00"},
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[105.30, -5.12], [105.31, -5.12]],
                        },
                    },
                    {
                        "type": "Feature",
                        "properties": {"name": "Alun-alun"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [105.30, -5.11],
                                    [105.301, -5.11],
                                    [105.301, -5.111],
                                    [105.30, -5.11],
                                ]
                            ],
                        },
                    },
                ],
            }
        )
    )
    closures = read_closures(path)
    assert [c.name for c in closures] == ["Jl. A", "Alun-alun"]
    assert (closures[0].starts, closures[0].ends) == ("07:00", "09:00")
    assert closures[1].starts is None


def test_geojson_without_lines():
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Point", "coordinates": [105.3, -5.1]},
                }
            ],
        }
    ).encode()
    with pytest.raises(InputFileError, match="tidak berisi garis"):
        read_geojson_lines(data)
