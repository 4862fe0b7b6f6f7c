"""TPS and position files read row by row: valid rows taken, each rejected row explained."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from _tps_sample import kelurahan_offices, tps_csv

from geo._errors import InputFileError
from geo.area import Area
from geo.imports import parse_risk, read_positions, read_tps
from plan import operation as op
from plan.store import Store


def test_clean_tps_file(area: Area) -> None:
    result = read_tps(area, tps_csv(area).encode(), filename="tps.csv")
    assert len(result.valid) == 22 and result.rejected.empty
    assert set(result.valid["risk"]) == {"kurang_rawan", "rawan", "sangat_rawan", "khusus"}
    offices = kelurahan_offices(area)
    assert result.valid["kelurahan"].tolist() == offices["kelurahan"].tolist()
    assert (result.valid["road_m"] <= 500).all()


def test_malformed_tps_file_answered_row_by_row(area: Area, tmp_path: Path) -> None:
    good = tps_csv(area).splitlines()
    bad_rows = [
        "001,TPS ganda,Metro,rawan,100,-5.1130,105.3068",  # 23: code of row 1 again
        ",TPS tanpa kode,Metro,rawan,100,-5.1130,105.3068",  # 24
        "901,TPS huruf,Metro,rawan,100,abc,105.3068",  # 25
        "902,TPS kosong,Metro,rawan,100,,",  # 26
        "903,TPS luar kota,,rawan,100,-5.3000,105.3000",  # 27: south of the city
        "904,TPS tertukar,Metro,rawan,100,105.3068,-5.1130",  # 28: lat/lon swapped
        "905,TPS bahaya,Metro,bahaya,-4,-5.1130,105.3068",  # 29: tier and voters
    ]
    path = tmp_path / "tps.csv"
    path.write_text("\n".join([*good, *bad_rows]) + "\n", encoding="utf-8")
    before_codes = {"010"}
    result = read_tps(area, path, existing_codes=before_codes)
    rejected = result.rejected.set_index("baris")["alasan"].to_dict()
    assert rejected[10].startswith("kode TPS sudah tersimpan")  # code 010 saved already
    assert "ganda" in rejected[23] and "baris 1" in rejected[23]
    assert rejected[24] == "kode TPS kosong"
    assert "bukan angka" in rejected[25]
    assert rejected[26] == "koordinat kosong"
    assert "di luar wilayah Kota Metro" in rejected[27]
    assert "tertukar" in rejected[28]
    assert "kerawanan tidak dikenal" in rejected[29] and "jumlah pemilih" in rejected[29]
    # every other row is valid, and each rejected row is listed once
    assert len(result.valid) == 21 and len(result.rejected) == 8
    assert result.rejected["baris"].is_unique
    assert "010" not in set(result.valid["code"])


def test_far_from_road_is_rejected(area: Area) -> None:
    # the point of the city farthest from any RBI road, on a 250 m grid
    outline = area.kota.to_crs(32748).union_all()
    roads = area.edges_metric.union_all()
    x0, y0, x1, y1 = (int(b) for b in outline.bounds)
    grid = shapely.points([(x, y) for x in range(x0, x1, 250) for y in range(y0, y1, 250)])
    inside = grid[shapely.contains(outline, grid)]
    far = inside[np.argmax(shapely.distance(roads, inside))]
    assert roads.distance(far) > 500
    point = gpd.GeoSeries([far], crs=32748).to_crs(4326).iloc[0]
    text = f"kode,kerawanan,lat,lon\n1,rawan,{point.y},{point.x}\n"
    result = read_tps(area, text.encode(), filename="tps.csv")
    assert result.valid.empty
    assert "dari jalan terdekat" in result.rejected["alasan"].iloc[0]


def test_wrong_columns_refuse_the_file(area: Area) -> None:
    with pytest.raises(InputFileError, match="kolom wajib"):
        read_tps(area, b"nama,alamat\nTPS 1,Jl. A\n", filename="tps.csv")
    with pytest.raises(InputFileError, match="kosong"):
        read_tps(area, b"", filename="tps.csv")
    with pytest.raises(InputFileError, match="GeoJSON"):
        read_tps(area, b'{"type": "FeatureCollection", "features": [', filename="tps.geojson")


def test_semicolon_csv_with_decimal_comma(area: Area) -> None:
    text = "Kode;Nama TPS;Kerawanan;Lintang;Bujur\n7;TPS 7;Sangat Rawan;-5,1130;105,3068\n"
    result = read_tps(area, text.encode(), filename="tps.csv")
    assert result.rejected.empty
    row = result.valid.iloc[0]
    assert (row["code"], row["risk"], row["lon"]) == ("7", "sangat_rawan", 105.3068)


def test_tps_geojson(area: Area) -> None:
    feats = [
        {"type": "Feature", "properties": {"kode": "A1", "kerawanan": "rawan"},
         "geometry": {"type": "Point", "coordinates": [105.3068, -5.1130]}},
        {"type": "Feature", "properties": {"kode": "A2", "kerawanan": "rawan"},
         "geometry": {"type": "LineString", "coordinates": [[105.30, -5.11], [105.31, -5.12]]}},
        {"type": "Feature", "properties": {"kode": "A3", "kerawanan": "khusus"}, "geometry": None},
    ]  # fmt: skip
    data = json.dumps({"type": "FeatureCollection", "features": feats}).encode()
    result = read_tps(area, data, filename="tps.geojson")
    assert result.valid["code"].tolist() == ["A1"]
    reasons = result.rejected.set_index("id")["alasan"]
    assert "bukan titik" in reasons["A2"]
    assert reasons["A3"] == "koordinat kosong"


def test_import_then_save_keeps_old_rows(area: Area, tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    operation = op.ensure_default_operation(store, area.places)
    first = read_tps(area, tps_csv(area).encode(), filename="tps.csv")
    op.add_tps(store, operation.id, first.valid)
    saved = store.read("SELECT * FROM tps ORDER BY code")
    # the same file again: every row rejected, nothing saved, the old rows unchanged
    again = read_tps(
        area, tps_csv(area).encode(), filename="tps.csv",
        existing_codes=op.tps_codes(store, operation.id),
    )  # fmt: skip
    assert again.valid.empty and len(again.rejected) == 22
    assert [tuple(r) for r in store.read("SELECT * FROM tps ORDER BY code")] == [
        tuple(r) for r in saved
    ]


def test_positions_file(area: Area) -> None:
    now = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)
    text = (
        "unit,waktu,lat,lon,status\n"
        "R2-01,2024-11-20 08:55,-5.1130,105.3068,tersedia\n"  # WIB -> 01:55 UTC
        "R2-02,2024-11-20T01:58:00Z,-5.1200,105.3100,bertugas\n"
        "R2-03,2024-11-20 10:00,-5.1200,105.3100,\n"  # 03:00 UTC: in the future
        "R2-04,kemarin,-5.1200,105.3100,istirahat\n"
        "R2-01,2024-11-20 08:55,-5.1130,105.3068,tersedia\n"  # duplicate
        "R2-05,2024-11-20 08:50,-5.1200,105.3100,terbang\n"
        ",2024-11-20 08:50,-5.1200,105.3100,\n"
    )
    result = read_positions(area, text.encode(), filename="posisi.csv", now=now)
    assert result.valid["unit_id"].tolist() == ["R2-01", "R2-02"]
    assert result.valid["time"].iloc[0] == datetime(2024, 11, 20, 1, 55, tzinfo=UTC)
    assert result.valid["status"].tolist() == ["available", "busy"]
    reasons = result.rejected.set_index("baris")["alasan"]
    assert "masa depan" in reasons[3]
    assert "waktu tidak sah" in reasons[4]
    assert "posisi ganda" in reasons[5]
    assert "status tidak dikenal" in reasons[6]
    assert reasons[7] == "kode unit kosong"


def test_parse_risk_spellings() -> None:
    assert parse_risk("Kurang Rawan") == "kurang_rawan"
    assert parse_risk("sangat-rawan") == "sangat_rawan"
    assert parse_risk(" RAWAN ") == "rawan"
    assert parse_risk("bahaya") is None
