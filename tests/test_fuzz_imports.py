"""Property-based fuzzing of every importer: whatever the bytes, only the product's own errors.

TPS and position files (CSV and GeoJSON), GeoJSON route lines, route files (GPX and GeoJSON),
road-network files (GraphML and OSM XML) and operation files, each built from hostile pieces
(NaN, infinity, huge numbers, |lat| > 90, odd encodings and separators, quotes, entities, deep
nesting, wrong types). A run is fixed (``derandomize``) and bounded; an exception that is not a
``GeoError`` (the plan's ``PlanError`` is one) fails the test with the input that raised it.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo._errors import GeoError
from geo.area import Area
from geo.formats import read_closures, read_geojson_lines, read_route
from geo.imports import read_positions, read_tps
from geo.osm import read_network_file
from plan.operation import operation_from_file

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NUMBERS = st.one_of(
    st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400", "-1e400", "1e19", "95", "-91", "181",
                     "105,3068", "-5.1130", "105.3068", "0", "-0", "", " ", "abc", "1e-400"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)  # fmt: skip
WORDS = st.one_of(
    st.sampled_from(["rawan", "Sangat Rawan", "khusus", "bahaya", "tersedia", "terbang",
                     "2024-11-20 08:55", "0001-01-01", "-0001-01-01 00:00", "9999-12-31 23:59",
                     "2024-13-45", "now", "<img src=x>", "$x^{$", "/etc/passwd", "CSV:/etc/passwd",
                     "/vsicurl/http://127.0.0.1:9/x", '"', '""', "'", "\x00", "\u2028", "ÿ"]),
    st.text(max_size=30),
)  # fmt: skip
CELLS = st.one_of(NUMBERS, WORDS)
TPS_HEADERS = st.sampled_from([
    ["kode", "nama", "kelurahan", "kerawanan", "pemilih", "lat", "lon"],
    ["kode", "kerawanan", "lintang", "bujur"],
])
POSITION_HEADERS = st.sampled_from([["unit", "waktu", "lat", "lon", "status"], ["unit", "lat", "lon"]])
RANDOM_HEADERS = st.lists(
    st.sampled_from(["kode", "kerawanan", "lat", "lon", "lintang", "bujur", "pemilih", "nama",
                     "unit", "waktu", "status", "x", "y", "kelurahan", "", "kode", "geometry",
                     "__baris", "__masalah"]),
    min_size=1, max_size=9,
)  # fmt: skip
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"])


GOOD = {"kode": "{i}", "nama": "TPS {i}", "kelurahan": "Metro", "kerawanan": "rawan",
        "pemilih": "100", "lat": "-5.113", "lintang": "-5.113", "lon": "105.3068",
        "bujur": "105.3068", "unit": "U{i}", "waktu": "2024-11-20 08:00", "status": "tersedia"}


def mostly(draw: st.DrawFn, good: Any, bad: st.SearchStrategy[Any], odds: int = 4) -> Any:
    """A good value, except once in ``odds`` a hostile one (hypothesis starts from the good)."""
    return draw(bad) if draw(st.integers(1, odds)) == odds else good


@st.composite
def csv_files(draw: st.DrawFn, headers: st.SearchStrategy[list[str]] = TPS_HEADERS) -> bytes:
    header = draw(RANDOM_HEADERS) if draw(st.integers(0, 5)) == 5 else draw(headers)
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = []
    for i in range(draw(st.integers(0, 12))):
        row = [mostly(draw, GOOD.get(col, "x").format(i=i), CELLS) for col in header]
        if draw(st.integers(0, 5)) == 5:
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(CELLS, max_size=2))
        rows.append(row)
    text = end.join(sep.join(row) for row in [header, *rows])
    data = text.encode(draw(ENCODINGS), errors="replace")
    if draw(st.integers(0, 4)) == 4:
        cut = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:cut] + draw(st.binary(max_size=20)) + data[cut:]
    return data


COORD = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([105.3068, -5.1130, 95.0, -91.0, 181.0, 1e308]),
    st.text(max_size=5),
    st.none(),
)
POSITION = st.lists(COORD, min_size=0, max_size=4)
GOOD_GEOMETRY = st.sampled_from([
    {"type": "Point", "coordinates": [105.3068, -5.1130]},
    {"type": "LineString", "coordinates": [[105.30, -5.11], [105.31, -5.12]]},
    {"type": "MultiLineString", "coordinates": [[[105.30, -5.11], [105.31, -5.12]],
                                                [[105.31, -5.12], [105.32, -5.12]]]},
])  # fmt: skip
GEOMETRY_JSON = st.recursive(
    st.one_of(
        GOOD_GEOMETRY,
        GOOD_GEOMETRY,
        st.fixed_dictionaries({"type": st.just("Point"), "coordinates": POSITION}),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["LineString", "MultiPoint"]),
                "coordinates": st.lists(POSITION, max_size=4),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["Polygon", "MultiLineString"]),
                "coordinates": st.lists(st.lists(POSITION, max_size=5), max_size=2),
            }
        ),
        st.fixed_dictionaries(
            {"type": st.sampled_from(["Topology", "Circle", "Point"]), "coordinates": CELLS}
        ),
        st.none(),
        CELLS,
    ),
    lambda inner: st.fixed_dictionaries(
        {"type": st.just("GeometryCollection"), "geometries": st.lists(inner, max_size=3)}
    ),
    max_leaves=6,
)
GOOD_PROPERTIES = {"kode": "A1", "kerawanan": "rawan", "name": "Rute", "unit": "U1",
                   "waktu": "2024-11-20 08:00"}  # fmt: skip
PROPERTIES = st.one_of(
    st.dictionaries(st.sampled_from(["kode", "kerawanan", "name", "nama", "unit", "waktu",
                                     "status", "pemilih", "mulai", "selesai", "radius"]),
                    st.one_of(CELLS, st.floats(), st.integers(), st.none(), st.lists(CELLS)),
                    max_size=6),
    st.none(), CELLS, st.lists(CELLS, max_size=2),
)  # fmt: skip


@st.composite
def geojson_files(draw: st.DrawFn) -> bytes:
    features: list[object] = []
    for _ in range(draw(st.integers(0, 6))):
        geometry = mostly(draw, draw(GOOD_GEOMETRY), GEOMETRY_JSON, 3)
        properties = mostly(draw, GOOD_PROPERTIES, PROPERTIES, 3)
        features.append(
            mostly(draw, {"type": "Feature", "properties": properties, "geometry": geometry},
                   st.one_of(CELLS, st.none()), 8)
        )  # fmt: skip
    kind = mostly(draw, "collection", st.sampled_from(["feature", "geometry", "other", "crs"]))
    doc: object = draw(
        st.just(kind).map(
            lambda kind: {
                "collection": {"type": "FeatureCollection", "features": features},
                "feature": features[0] if features else {"type": "Feature"},
                "geometry": {"type": "Point", "coordinates": [105.3, -5.1]},
                "other": features,
                "crs": {"type": "FeatureCollection", "features": features,
                        "crs": {"type": "name", "properties": {"name": "EPSG:32748"}}},
            }[kind]
        )
    )  # fmt: skip
    text = json.dumps(doc, allow_nan=True)
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])))
    if draw(st.integers(min_value=0, max_value=4)) == 4:
        cut = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:cut]
    return data


@settings(FUZZ, max_examples=60)
@given(data=st.one_of(csv_files(), geojson_files(), st.binary(max_size=200)),
       name=st.sampled_from(["tps.csv", "tps.geojson", "tps.json", "tps.txt", "tps"]))  # fmt: skip
def test_fuzz_tps(area: Area, data: bytes, name: str) -> None:
    try:
        result = read_tps(area, data, filename=name)
    except GeoError:
        return
    assert len(result.valid) + len(result.rejected) >= 0
    assert result.valid["lat"].between(-90, 90).all() and result.valid["road_m"].notna().all()


@settings(FUZZ, max_examples=60)
@given(data=st.one_of(csv_files(POSITION_HEADERS), geojson_files(), st.binary(max_size=200)),
       name=st.sampled_from(["posisi.csv", "posisi.geojson"]))  # fmt: skip
def test_fuzz_positions(area: Area, data: bytes, name: str) -> None:
    try:
        result = read_positions(area, data, filename=name)
    except GeoError:
        return
    assert result.valid["road_m"].notna().all()


@settings(FUZZ, max_examples=100)
@given(data=st.one_of(geojson_files(), st.binary(max_size=200)))
def test_fuzz_geojson_lines_and_closures(data: bytes) -> None:
    for reader in (read_geojson_lines, read_closures):
        with contextlib.suppress(GeoError):
            reader(data)


POINT_ATTR = st.one_of(NUMBERS, st.just("-5.11"), st.just("105.30"))


@st.composite
def gpx_files(draw: st.DrawFn) -> bytes:
    points = [
        (mostly(draw, f"-5.1{i}", POINT_ATTR, 6), mostly(draw, f"105.3{i}", POINT_ATTR, 6))
        for i in range(draw(st.integers(0, 5)))
    ]
    name = draw(WORDS).replace("<", "&lt;").replace("&", "&amp;")
    doctype = mostly(draw, "", st.sampled_from(['<!DOCTYPE gpx [<!ENTITY a "aaaa">]>',
                                                '<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///x">]>']))
    pts = "".join(f'<trkpt lat="{lat}" lon="{lon}"/>' for lat, lon in points)
    wpt = "".join(f'<wpt lat="{lat}" lon="{lon}"><name>w</name></wpt>' for lat, lon in points[:2])
    body = draw(st.sampled_from([
        f"<trk><name>{name}</name><trkseg>{pts}</trkseg></trk>{wpt}",
        f"<rte><name>{name}</name>{pts.replace('trkpt', 'rtept')}</rte>",
        f"<trk><trkseg>{pts}",
        "",
    ]))  # fmt: skip
    text = f'<?xml version="1.0"?>{doctype}<gpx version="1.1" creator="x">{body}</gpx>'
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16"])), errors="replace")


@settings(FUZZ, max_examples=100)
@given(data=st.one_of(gpx_files(), geojson_files(), st.binary(max_size=100)),
       name=st.sampled_from(["rute.gpx", "rute.geojson", "rute"]))  # fmt: skip
def test_fuzz_route_files(data: bytes, name: str) -> None:
    try:
        imported = read_route(data, name)
    except GeoError:
        return
    assert imported.lines and all(line.geometry.length > 0 for line in imported.lines)


GRAPHML = (
    '<?xml version="1.0" encoding="utf-8"?>{doctype}<graphml '
    'xmlns="http://graphml.graphdrawing.org/xmlns">'
    '<key id="d0" for="node" attr.name="y" attr.type="{ytype}"/>'
    '<key id="d1" for="node" attr.name="x" attr.type="string"/>'
    '<key id="d2" for="graph" attr.name="crs" attr.type="string"/>'
    '<key id="d3" for="edge" attr.name="length" attr.type="string"/>'
    '<key id="d4" for="edge" attr.name="highway" attr.type="string"/>'
    '<graph edgedefault="{direction}"><data key="d2">{crs}</data>{nodes}{edges}</graph></graphml>'
)


@st.composite
def graphml_files(draw: st.DrawFn) -> str:
    n = mostly(draw, draw(st.integers(min_value=2, max_value=6)), st.integers(0, 1), 8)
    bad_id = st.sampled_from(["99999999999999999999999", "a"])
    nodes = "".join(
        f'<node id="{mostly(draw, str(i), bad_id, 20)}">'
        + (f'<data key="d0">{mostly(draw, str(-5.11 - i / 100), POINT_ATTR, 12)}</data>'
           if draw(st.integers(0, 12)) < 12 else "")
        + (f'<data key="d1">{mostly(draw, str(105.30 + i / 100), POINT_ATTR, 12)}</data>'
           if draw(st.integers(0, 12)) < 12 else "")
        + "</node>"
        for i in range(n)
    )  # fmt: skip
    node = st.integers(0, max(n - 1, 0)) if draw(st.integers(0, 8)) < 8 else st.integers(0, 9)
    pairs = draw(st.lists(st.tuples(node, node), min_size=mostly(draw, 1, st.just(0), 8),
                          max_size=8))  # fmt: skip
    edges = "".join(
        f'<edge source="{a}" target="{b}"><data key="d3">{mostly(draw, "1100.5", NUMBERS, 10)}</data>'
        f'<data key="d4">{draw(st.sampled_from(["primary", "", "residential"]))}</data></edge>'
        for a, b in pairs
    )
    return GRAPHML.format(
        doctype=mostly(draw, "", st.just('<!DOCTYPE graphml [<!ENTITY a "a">]>'), 8),
        ytype=mostly(draw, "string", st.sampled_from(["double", "long", "boolean"]), 8),
        direction=mostly(draw, "directed", st.just("undirected")),
        crs=mostly(draw, "epsg:4326", st.sampled_from(["EPSG:32748", "EPSG:999999", "bukan", "",
                                                       "+proj=longlat +datum=WGS84"])),
        nodes=nodes, edges=edges,
    )  # fmt: skip


@st.composite
def osm_files(draw: st.DrawFn) -> str:
    nodes = "".join(
        f'<node id="{i}" lat="{draw(POINT_ATTR)}" lon="{draw(POINT_ATTR)}" version="1"/>'
        for i in range(1, draw(st.integers(0, 4)) + 1)
    )
    refs = "".join(f'<nd ref="{r}"/>' for r in draw(st.lists(st.integers(0, 5), max_size=5)))
    highway = draw(st.sampled_from(["primary", "footway", "", "residential"]))
    way = f'<way id="1" version="1">{refs}<tag k="highway" v="{highway}"/></way>'
    return f'<?xml version="1.0"?><osm version="0.6">{nodes}{way}</osm>'


@settings(FUZZ, max_examples=60)
@given(content=st.one_of(graphml_files(), osm_files(), st.text(max_size=50)),
       suffix=st.sampled_from([".graphml", ".osm"]))  # fmt: skip
def test_fuzz_network_files(content: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"jaringan{suffix}"
        path.write_text(content, encoding="utf-8", errors="replace")
        try:
            network = read_network_file(path)
        except GeoError:
            return
    assert network.graph.number_of_edges() > 0


OP_VALUES = st.one_of(CELLS, st.floats(), st.integers(min_value=-(10**25), max_value=10**25),
                      st.none(), st.booleans(), st.lists(CELLS, max_size=2),
                      st.dictionaries(st.text(max_size=3), CELLS, max_size=2))  # fmt: skip
ITEM = st.dictionaries(
    st.sampled_from(["id", "name", "kind", "lon", "lat", "personnel", "profile", "readiness_min",
                     "code", "risk", "voters", "unit_id", "post_id", "bko", "venue_id", "title",
                     "starts", "ends", "settings", "strength"]),
    OP_VALUES, max_size=8,
)  # fmt: skip
VALID_POST = {"name": "Pos A", "kind": "polsek", "lon": 105.3068, "lat": -5.113}


@settings(FUZZ, max_examples=150)
@given(
    doc=st.one_of(
        st.fixed_dictionaries(
            {"posts": st.one_of(st.lists(st.one_of(ITEM, st.just(VALID_POST), CELLS), max_size=4),
                                CELLS)},
            optional={"operation": st.one_of(ITEM, CELLS), "tps": st.lists(ITEM, max_size=3),
                      "units": st.lists(ITEM, max_size=3), "venues": st.lists(ITEM, max_size=3),
                      "events": st.one_of(st.lists(ITEM, max_size=3), CELLS)},
        ),
        st.lists(CELLS, max_size=3),
        CELLS,
    ),
    depth=st.sampled_from([0, 0, 0, 50_000]),
)  # fmt: skip
def test_fuzz_operation_files(doc: object, depth: int) -> None:
    text = json.dumps(doc, allow_nan=True)
    if depth:
        text = '{"posts": ' + "[" * depth + "]" * depth + "}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "operasi.json"
        path.write_text(text, encoding="utf-8", errors="replace")
        try:
            data = operation_from_file(path)
        except GeoError:
            return
    for post in data.posts:
        assert isinstance(post.lon, float) and -180 <= post.lon <= 180


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
