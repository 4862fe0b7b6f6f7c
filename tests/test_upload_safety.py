"""Uploads that cannot hurt: no file or address named inside a file is opened, any encoding,
separator and line end is read, hostile rows are rejected one by one, limits answer fast."""

from __future__ import annotations

import http.server
import json
import math
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from _tps_sample import tps_csv

from geo._errors import GeoError, InputFileError
from geo.area import Area
from geo.formats import read_closures, read_gpx, read_route
from geo.imports import TPS_LIMITS, read_positions, read_tps
from geo.tables import read_table

PASSWD_LINE = Path("/etc/passwd").read_text().splitlines()[0]


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b"kode,kerawanan,lat,lon\n1,rawan,-5.1130,105.3068\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tps.csv", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


def _vrt(source: str) -> bytes:
    return (
        "<OGRVRTDataSource><OGRVRTLayer name='x'>"
        f"<SrcDataSource>{source}</SrcDataSource>"
        "<GeometryType>wkbNone</GeometryType></OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


@pytest.mark.parametrize("filename", ["tps.geojson", "tps.json", "tps.csv", "tps.txt"])
def test_vrt_naming_a_local_file_is_refused_and_not_read(area: Area, filename: str) -> None:
    data = _vrt("CSV:/etc/passwd")
    with pytest.raises(InputFileError, match="VRT GDAL") as caught:
        read_tps(area, data, filename=filename)
    assert "tidak dibuka" in str(caught.value)
    assert PASSWD_LINE not in str(caught.value)
    with pytest.raises(InputFileError, match="VRT GDAL"):
        read_table(data, filename=filename, limits=TPS_LIMITS)


@pytest.mark.parametrize("filename", ["posisi.geojson", "posisi.csv"])
def test_vrt_with_vsicurl_fetches_nothing(
    area: Area, local_server: tuple[str, list[str]], filename: str
) -> None:
    url, hits = local_server
    with pytest.raises(InputFileError, match="VRT GDAL"):
        read_positions(area, _vrt(f"/vsicurl/{url}"), filename=filename)
    with pytest.raises(InputFileError, match="VRT GDAL"):
        read_route(_vrt(f"/vsicurl/{url}"), "rute.geojson")
    with pytest.raises(InputFileError):
        read_closures(_vrt(f"/vsicurl/{url}"))
    time.sleep(0.2)
    assert hits == []


def test_vsi_paths_are_not_opened(area: Area, local_server: tuple[str, list[str]]) -> None:
    url, hits = local_server
    for path in (f"/vsicurl/{url}", "/vsizip//etc/passwd.zip/passwd", f"CSV:{url}"):
        with pytest.raises(InputFileError, match="tidak dapat dibaca"):
            read_tps(area, path)
    time.sleep(0.2)
    assert hits == []


def test_a_geojson_naming_files_in_properties_is_just_text(area: Area) -> None:
    feature = {
        "type": "Feature",
        "properties": {"kode": "/etc/passwd", "kerawanan": "rawan", "nama": "/vsicurl/http://x"},
        "geometry": {"type": "Point", "coordinates": [105.3068, -5.1130]},
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    result = read_tps(area, data, filename="tps.geojson")
    assert result.valid[["code", "name"]].values.tolist() == [["/etc/passwd", "/vsicurl/http://x"]]


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be",
             "cp1252", "latin-1", "latin-1+bom", "cp1252+bom", "utf-8"]  # fmt: skip
SEPARATORS = [",", ";", "\t", "|"]
LINE_ENDS = ["\n", "\r\n", "\r"]
# every encoding, every separator and every line end, each pair of the last two once
CASES = [
    (enc, SEPARATORS[i % 4], LINE_ENDS[(i + i // 4) % 3]) for i, enc in enumerate(ENCODINGS)
]


@pytest.mark.parametrize(("encoding", "separator", "line_end"), CASES)
def test_every_encoding_separator_and_line_end(
    area: Area, encoding: str, separator: str, line_end: str
) -> None:
    text = tps_csv(area).replace("TPS 001", "TPS Sukarame Ñoño")
    text = text.replace(",", separator).replace("\n", line_end)
    data = (b"\xef\xbb\xbf" if encoding.endswith("+bom") else b"") + text.encode(
        encoding.removesuffix("+bom")
    )
    result = read_tps(area, data, filename="tps.csv")
    assert len(result.valid) == 22 and result.rejected.empty
    assert result.valid["name"].iloc[0] == "TPS Sukarame Ñoño"


def _clean_and_hostile(area: Area) -> tuple[str, list[str]]:
    lines = tps_csv(area).splitlines()
    hostile = [
        "x1,TPS kutub,Metro,rawan,10,-95.0,105.30",  # |lat| > 90
        "x2,TPS nan,Metro,rawan,10,nan,105.30",
        "x3,TPS inf,Metro,rawan,10,-5.11,inf",
        "x4,TPS -inf,Metro,rawan,10,-inf,105.30",
        "x5,TPS 1e400,Metro,rawan,10,1e400,105.30",
        "x6,TPS bujur,Metro,rawan,10,-5.11,400",
        "x7,TPS pemilih,Metro,rawan,1e19,-5.1130,105.3068",
        "x8,TPS kolom,Metro,rawan,10,-5.1130,105.3068,lebih,lagi",
    ]
    return lines[0], [*hostile[:4], *lines[1:12], *hostile[4:], *lines[12:]]


def test_hostile_rows_rejected_and_the_others_keep_their_road_distances(area: Area) -> None:
    clean = read_tps(area, tps_csv(area).encode(), filename="tps.csv").valid
    header, body = _clean_and_hostile(area)
    result = read_tps(area, "\n".join([header, *body]).encode(), filename="tps.csv")
    assert result.valid["code"].tolist() == clean["code"].tolist()
    assert result.valid["road_m"].tolist() == pytest.approx(clean["road_m"].tolist(), abs=1e-6)
    reasons = result.rejected.set_index("id")["alasan"]
    assert set(reasons.index) == {f"x{i}" for i in range(1, 9)}
    assert "di luar rentang" in reasons["x1"]
    for code in ("x2", "x3", "x4", "x5"):
        assert "koordinat" in reasons[code]
    assert "di luar rentang" in reasons["x6"]
    assert "jumlah pemilih" in reasons["x7"] and "batas" in reasons["x7"]
    assert "kolom" in reasons["x8"]


def test_hostile_geojson_points(area: Area) -> None:
    def feature(code: str, coords: list[float]) -> dict:
        return {
            "type": "Feature",
            "properties": {"kode": code, "kerawanan": "rawan"},
            "geometry": {"type": "Point", "coordinates": coords},
        }

    feats = [feature("a", [105.3068, 95.0]), feature("b", [105.3068, -5.1130])]
    text = json.dumps({"type": "FeatureCollection", "features": feats})
    text = text.replace("95.0", "NaN", 1) + ""
    result = read_tps(area, text.encode(), filename="tps.geojson")
    assert result.valid["code"].tolist() == ["b"]
    assert "NaN" in result.rejected["alasan"].iloc[0]
    feats = [feature("a", [105.3068, 95.0]), feature("b", [105.3068, -5.1130])]
    result = read_tps(area, json.dumps({"features": feats, "type": "FeatureCollection"}).encode(),
                      filename="tps.geojson")  # fmt: skip
    assert result.valid["code"].tolist() == ["b"]
    assert "di luar rentang" in result.rejected["alasan"].iloc[0]


def test_positions_with_impossible_years_and_coordinates(area: Area) -> None:
    now = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)
    text = (
        "unit,waktu,lat,lon\n"
        "A,0001-01-01 00:00,-5.1130,105.3068\n"
        "B,-0001-01-01 00:00,-5.1130,105.3068\n"
        "C,9999-12-31 23:59,-5.1130,105.3068\n"
        "D,2024-11-20 08:00,95,105.3068\n"
        "E,2024-11-20 08:00,nan,105.3068\n"
        "F,2024-11-20 08:00,-5.1130,105.3068\n"
    )
    result = read_positions(area, text.encode(), filename="p.csv", now=now)
    assert result.valid["unit_id"].tolist() == ["F"]
    reasons = result.rejected.set_index("id")["alasan"]
    assert "terlalu lama" in reasons["A"]
    assert "waktu" in reasons["B"]
    assert "masa depan" in reasons["C"]
    assert "di luar rentang" in reasons["D"] and "koordinat" in reasons["E"]


def test_blank_and_overlong_rows(area: Area) -> None:
    lines = tps_csv(area).splitlines()
    text = "\n".join([lines[0], "", ",,,,,,", lines[1], "9," + "x" * 20_000, lines[2], "  "])
    result = read_tps(area, text.encode(), filename="tps.csv")
    assert result.valid["code"].tolist() == ["001", "002"]
    assert result.rejected["baris"].tolist() == [4]  # file line 5
    assert "terlalu panjang" in result.rejected["alasan"].iloc[0]
    assert any("kosong dilewati" in n for n in result.notes)


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (("kode,kerawanan,lat,lon\n" + "\n" * 50_000).encode(), None),
        (("kode,kerawanan,lat,lon\n" + ",,,\n" * 50_000).encode(), None),
        ((",".join(f"c{i}" for i in range(100_000)) + "\n1\n").encode(), "terlalu panjang"),
        ((";".join(f"c{i}" for i in range(500)) + "\n1\n").encode(), "terlalu banyak kolom"),
        (("kode,kerawanan,lat,lon\n1,rawan," + "9" * 5_000_000 + ",105.3\n").encode(), None),
        (("kode,kerawanan,lat,lon\n" + "1,rawan,-5.1,105.3\n" * 60_000).encode(), "baris"),
        (b"kode,kerawanan\n" + b"x" * 11_000_000, "terlalu besar"),
    ],
    ids=["blank-lines", "blank-rows", "100k-columns", "500-columns", "5mb-line", "rows", "bytes"],
)
def test_limits_answer_with_a_message(area: Area, data: bytes, pattern: str | None) -> None:
    if pattern is None:
        result = read_tps(area, data, filename="tps.csv")
        assert result.valid.empty
    else:
        with pytest.raises(InputFileError, match=pattern):
            read_tps(area, data, filename="tps.csv")


def test_binary_file_refused(area: Area) -> None:
    with pytest.raises(InputFileError, match="biner"):
        read_tps(area, b"kode,kerawanan\x00\x01\x02\n1,rawan\n" * 3, filename="tps.csv")


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<gpx version="1.1" creator="x"><trk><name>&c;</name><trkseg>'
    b'<trkpt lat="-5.11" lon="105.30"/><trkpt lat="-5.12" lon="105.31"/></trkseg></trk></gpx>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<gpx version="1.1" creator="x"><trk><name>&x;</name><trkseg>'
    b'<trkpt lat="-5.11" lon="105.30"/><trkpt lat="-5.12" lon="105.31"/></trkseg></trk></gpx>'
)


@pytest.mark.parametrize("data", [ENTITY_BOMB, EXTERNAL_ENTITY], ids=["expansion", "external"])
def test_gpx_entities_refused(data: bytes) -> None:
    with pytest.raises(InputFileError, match="DTD") as caught:
        read_gpx(data)
    assert PASSWD_LINE not in str(caught.value)
    with pytest.raises(InputFileError, match="DTD"):
        read_route(data, "rute.gpx")


def test_route_file_one_point_line_and_bad_features_skipped() -> None:
    feats = [
        {"type": "Feature", "properties": {"name": "satu titik"},
         "geometry": {"type": "LineString", "coordinates": [[105.30, -5.11]]}},
        {"type": "Feature", "properties": {"name": "nan"},
         "geometry": {"type": "LineString", "coordinates": [[105.30, math.nan], [105.3, -5.1]]}},
        {"type": "Feature", "properties": {"name": "baik"},
         "geometry": {"type": "LineString", "coordinates": [[105.30, -5.11], [105.31, -5.12]]}},
    ]  # fmt: skip
    data = json.dumps({"type": "FeatureCollection", "features": feats}).encode()
    assert [line.name for line in read_route(data, "rute.geojson").lines] == ["baik"]
    with pytest.raises(InputFileError, match="kurang dari dua titik"):
        read_route(json.dumps({"type": "FeatureCollection", "features": feats[:1]}).encode(),
                   "rute.geojson")  # fmt: skip


def test_gpx_track_with_out_of_range_points() -> None:
    data = (
        b'<?xml version="1.0"?><gpx version="1.1" creator="x"><trk><name>t</name><trkseg>'
        b'<trkpt lat="95" lon="105.30"/><trkpt lat="-5.11" lon="105.30"/>'
        b'<trkpt lat="-5.12" lon="105.31"/></trkseg></trk>'
        b'<trk><name>satu</name><trkseg><trkpt lat="-5.11" lon="105.30"/></trkseg></trk></gpx>'
    )
    imported = read_gpx(data)
    assert [line.name for line in imported.lines] == ["t"]
    assert list(imported.lines[0].geometry.coords) == [(105.30, -5.11), (105.31, -5.12)]


def test_every_import_error_is_the_products_own(area: Area) -> None:
    for data in (b"\xff\xfe\x00", b"{", b"[1,2]", b'{"type": "Topology"}', b"[" * 100_000):
        for reader in (
            lambda d: read_tps(area, d, filename="t.geojson"),
            lambda d: read_route(d, "r.geojson"),
            lambda d: read_closures(d),
        ):
            with pytest.raises(GeoError):
                reader(data)


@pytest.mark.parametrize("suffix", [".graphml", ".osm"])
@pytest.mark.parametrize("kind", ["expansion", "external"])
def test_network_file_entities_refused(tmp_path: Path, suffix: str, kind: str) -> None:
    from geo.osm import read_network_file

    root = "graphml" if suffix == ".graphml" else "osm"
    dtd = (
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        if kind == "expansion"
        else '<!ENTITY b SYSTEM "file:///etc/passwd">'
    )
    path = tmp_path / f"jaringan{suffix}"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE {root} [{dtd}]><{root}><x>&b;</x></{root}>'
    )
    with pytest.raises(InputFileError, match="DTD") as caught:
        read_network_file(path)
    assert PASSWD_LINE not in str(caught.value)
