"""The operation in the SQLite store: default operation, posts, TPS, units, positions."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from geo.area import Area
from plan import operation as op
from plan.store import MIGRATIONS, Store


@pytest.fixture
def store(store_path) -> Store:
    return Store(store_path)


@pytest.fixture
def default(store: Store, area: Area) -> op.Operation:
    return op.ensure_default_operation(store, area.places)


def _dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of the operation tables (not the audit log)."""
    out = {}
    for table in ("operations", "posts", "venues", "events", "tps", "units", "positions"):
        out[table] = [tuple(r) for r in store.read(f"SELECT * FROM {table} ORDER BY id")]
    return out


def test_postgres_store_keeps_points_in_postgis(store: Store, default: op.Operation) -> None:
    if store.dialect != "postgresql":
        pytest.skip("PostGIS columns exist on PostgreSQL only")
    geo = store.read(
        "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_geometry_column = 'geom'"
    )
    assert {(r[0], r[1], r[2]) for r in geo} >= {
        ("posts", "POINT", 4326), ("venues", "POINT", 4326), ("tps", "POINT", 4326),
        ("positions", "POINT", 4326), ("road_names", "POINT", 4326),
    }  # fmt: skip
    gist = store.read("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")
    assert {"posts_geom", "venues_geom", "tps_geom", "positions_geom"} <= {r[0] for r in gist}
    post = op.load_operation(store, default.id).posts[0]
    row = store.read(
        "SELECT ST_X(geom), ST_Y(geom), ST_DWithin(geom::geography, "
        "ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, 1) FROM posts WHERE id = ?",
        (post.lon, post.lat, post.id),
    )[0]
    assert (row[0], row[1], row[2]) == (pytest.approx(post.lon), pytest.approx(post.lat), True)


def test_store_file_is_wal_and_migrated(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("WAL and PRAGMA are SQLite's")
    assert store.schema_version == len(MIGRATIONS)
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cols = {r[1] for r in conn.execute("PRAGMA table_info(operations)")}
    assert {"strength", "bko", "settings"} <= cols


def test_default_operation(store: Store, area: Area, default: op.Operation) -> None:
    data = op.load_operation(store, default.id)
    kinds = sorted(p.kind for p in data.posts)
    assert kinds == ["polres"] + ["polsek"] * 5
    names = {p.name for p in data.posts}
    assert "Polres Metro" in names and "Polsek Metro Utara" in names
    assert all(p.profile == "car" and p.readiness_min == 0 for p in data.posts)
    venues = {v.name: v for v in data.venues}
    assert set(venues) == {
        "Gedung Nuwo Budayo", "Gedung Sesat Agung Jurai Siwo Kota Metro", "Lapangan Garuda",
        "Lapangan Mulyojati", "Stadion Tejosari", "Taman Merdeka",
    }  # fmt: skip
    assert venues["Gedung Nuwo Budayo"].position == "approximate"
    assert venues["Stadion Tejosari"].position == "surveyed"
    hq = area.places[area.places["category"] == "police_hq"].iloc[0]
    polres = next(p for p in data.posts if p.kind == "polres")
    assert (polres.lon, polres.lat) == pytest.approx((hq.geometry.x, hq.geometry.y))
    assert data.operation.strength == 565
    # created once
    again = op.ensure_default_operation(store, area.places)
    assert again.id == default.id
    assert len(op.load_operation(store, default.id).posts) == 6


def test_post_add_move_edit_delete(store: Store, default: op.Operation) -> None:
    rev = op.revision(store, default.id)
    pid = op.add_post(
        store, default.id, name="Pos Tugu Pena", kind="pos_pengamanan", lon=105.3068,
        lat=-5.1130, personnel=8, profile="motorbike", readiness_min=2,
    )  # fmt: skip
    assert op.revision(store, default.id) == rev + 1
    op.move_post(store, pid, 105.3080, -5.1140)
    op.update_post(
        store, pid, name="Pos Tugu Pena", kind="pos_pengaturan", personnel=10,
        profile="car", readiness_min=1.5, note="simpang",
    )  # fmt: skip
    post = next(p for p in op.load_operation(store, default.id).posts if p.id == pid)
    assert (post.lon, post.lat, post.kind, post.personnel) == (
        105.3080,
        -5.1140,
        "pos_pengaturan",
        10,
    )
    assert op.revision(store, default.id) == rev + 3
    op.delete_post(store, pid)
    assert pid not in {p.id for p in op.load_operation(store, default.id).posts}
    actions = [r[0] for r in store.read("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-4:] == ["post.add", "post.move", "post.update", "post.delete"]


@pytest.mark.parametrize(
    "change",
    [
        {"name": "", "kind": "polsek"},
        {"name": "X", "kind": "markas"},
        {"name": "X", "kind": "polsek", "personnel": -1},
        {"name": "X", "kind": "polsek", "profile": "helikopter"},
        {"name": "X", "kind": "polsek", "readiness_min": -5},
    ],
)
def test_bad_post_input_changes_nothing(store: Store, default: op.Operation, change) -> None:
    before = _dump(store)
    post = op.load_operation(store, default.id).posts[0]
    fields = {"personnel": 1, "profile": "car", "readiness_min": 0.0, **change}
    with pytest.raises(op.PlanError):
        op.update_post(store, post.id, **fields)
    with pytest.raises(op.PlanError):
        op.add_post(store, default.id, lon=105.3, lat=-5.11, **fields)
    assert _dump(store) == before


def test_missing_post_and_bad_coordinates(store: Store, default: op.Operation) -> None:
    before = _dump(store)
    with pytest.raises(op.PlanError, match="tidak ada"):
        op.move_post(store, 99999, 105.3, -5.1)
    with pytest.raises(op.PlanError):
        op.move_post(store, 1, 205.3, -5.1)
    assert _dump(store) == before


def _tps(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": codes,
            "name": [f"TPS {c}" for c in codes],
            "kelurahan": "Metro",
            "risk": "rawan",
            "voters": 250,
            "lon": 105.3068,
            "lat": -5.1130,
        }
    )


def test_tps_import_is_all_or_nothing(store: Store, default: op.Operation) -> None:
    assert op.add_tps(store, default.id, _tps(["001", "002"])) == 2
    before = _dump(store)
    with pytest.raises(op.PlanError):  # "003" twice in the batch: none of the batch is saved
        op.add_tps(store, default.id, _tps(["003", "002", "003"]))
    with pytest.raises(op.PlanError):  # a bad tier in the batch
        op.add_tps(store, default.id, _tps(["005", "002"]).assign(risk="bahaya"))
    assert _dump(store) == before
    assert op.tps_codes(store, default.id) == {"001", "002"}
    # a saved code is a correction of that TPS (upsert), the others are added
    saved = op.save_tps(store, default.id, _tps(["003", "002"]))
    assert (saved.added, saved.updated) == (1, 1)
    assert op.tps_codes(store, default.id) == {"001", "002", "003"}


def test_positions_latest_stale_and_simulated(store: Store, default: op.Operation) -> None:
    now = datetime(2024, 11, 20, 2, 0, tzinfo=UTC)
    frame = pd.DataFrame(
        {
            "unit_id": ["R2-01", "R2-01", "R4-01"],
            "time": [
                now - timedelta(minutes=3),
                now - timedelta(minutes=1),
                now - timedelta(minutes=30),
            ],
            "lon": [105.30, 105.31, 105.32],
            "lat": [-5.11, -5.12, -5.13],
            "status": ["available", "busy", "available"],
        }
    )
    saved, new_units = op.record_positions(store, default.id, frame, source="berkas")
    assert saved == 3 and new_units == ["R2-01", "R4-01"]
    latest = {p.unit_id: p for p in op.latest_positions(store, default.id, now=now)}
    assert latest["R2-01"].lon == 105.31 and latest["R2-01"].status == "busy"
    assert not latest["R2-01"].stale and latest["R4-01"].stale
    assert latest["R4-01"].age_s == pytest.approx(1800)
    # only available, fresh units are coverage sources
    assert op.units_frame(list(latest.values())).empty
    sim = pd.DataFrame(
        {
            "unit_id": ["R4-01"],
            "time": [now],
            "lon": [105.33],
            "lat": [-5.14],
            "status": ["available"],
        }
    )
    op.record_positions(store, default.id, sim, source=op.SIMULATION_SOURCE)
    real = {p.unit_id: p for p in op.latest_positions(store, default.id, now=now)}
    assert real["R4-01"].lon == 105.32  # simulation does not show as real
    simulated = op.latest_positions(store, default.id, now=now, simulated=True)
    assert [(p.unit_id, p.lon, p.source) for p in simulated] == [("R4-01", 105.33, "simulasi")]
    assert op.units_frame(simulated)["key"].tolist() == ["unit:R4-01"]
    assert op.clear_simulation(store, default.id) == 1
    assert op.latest_positions(store, default.id, now=now, simulated=True) == []


def test_bad_position_batch_saves_nothing(store: Store, default: op.Operation) -> None:
    before = _dump(store)
    frame = pd.DataFrame(
        {
            "unit_id": ["R2-09", "R2-10"],
            "time": ["2024-11-20T01:00:00+00:00"] * 2,
            "lon": [105.30, 105.31],
            "lat": [-5.11, -5.12],
            "status": ["available", "terbang"],
        }
    )
    with pytest.raises(op.PlanError):
        op.record_positions(store, default.id, frame)
    assert _dump(store) == before


def test_operation_file_round_trip(store: Store, default: op.Operation, tmp_path: Path) -> None:
    op.add_tps(store, default.id, _tps(["001"]))
    data = op.load_operation(store, default.id)
    path = tmp_path / "operasi.json"
    path.write_text(json.dumps(op.operation_to_dict(data)), encoding="utf-8")
    back = op.operation_from_file(path)
    assert back.posts == data.posts and back.venues == data.venues and back.tps == data.tps
    path.write_text('{"posts": [{"name": "X", "kind": "markas", "lon": 1, "lat": 1}]}')
    with pytest.raises(op.PlanError):
        op.operation_from_file(path)
    path.write_text("bukan json")
    with pytest.raises(op.PlanError):
        op.operation_from_file(path)


def test_events_and_operation_settings(store: Store, default: op.Operation) -> None:
    venue = op.load_operation(store, default.id).venues[0]
    eid = op.add_event(
        store, venue.id, title="Kampanye terbuka", starts="2024-11-01T08:00:00+07:00",
        ends="2024-11-01T12:00:00+07:00", organiser="Paslon 1", expected_crowd=3000,
    )  # fmt: skip
    data = op.load_operation(store, default.id)
    assert [e.id for e in data.events] == [eid]
    with pytest.raises(op.PlanError):
        op.add_event(store, venue.id, title="x", starts="2024-11-01T12:00", ends="2024-11-01T08:00")
    op.update_operation(store, default.id, bko=120, settings={"stale_after_min": 5})
    again = op.get_operation(store, default.id)
    assert again.bko == 120 and again.settings["stale_after_min"] == 5
    op.update_venue(store, venue.id, risk="sangat_rawan", lon=venue.lon + 0.001, lat=venue.lat)
    moved = op.load_operation(store, default.id).venues[0]
    assert moved.risk == "sangat_rawan" and moved.position == "surveyed"
