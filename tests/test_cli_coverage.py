"""``python -m cli coverage|positions`` run as a radio room or a checker would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import networkx as nx
import osmnx as ox
import pytest
from _tps_sample import tps_csv

from geo.area import Area
from geo.imports import read_tps
from plan import operation as op
from plan import users
from plan.store import Store

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PETA_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT, capture_output=True, text=True, check=check, timeout=300, env=env,
    )  # fmt: skip


def independent_road_share(graph: nx.MultiDiGraph, posts: list[dict], cutoff_s: float) -> float:
    """The documented road share, from scratch on the exported graph with networkx."""
    dist = nx.multi_source_dijkstra_path_length(
        graph, {p["node"] for p in posts}, weight="travel_time"
    )
    assert all(p["readiness_s"] == 0 for p in posts)
    seen: set[tuple[int, int, int]] = set()
    total = covered = 0.0
    for u, v, k, data in graph.edges(keys=True, data=True):
        if (v, u, k) in seen or (u, v, k) in seen:
            continue
        seen.add((u, v, k))
        f_u = min(1.0, max(0.0, (cutoff_s - dist.get(u, float("inf"))) / data["travel_time"]))
        f_v = 0.0
        if graph.has_edge(v, u, k):
            back = graph.edges[v, u, k]["travel_time"]
            f_v = min(1.0, max(0.0, (cutoff_s - dist.get(v, float("inf"))) / back))
        total += data["length"]
        covered += min(1.0, f_u + f_v) * data["length"]
    return covered / total


def test_coverage_json_matches_independent_dijkstra(tmp_path: Path) -> None:
    db = tmp_path / "operasi.sqlite"
    out = json.loads(run("coverage", "--minutes", "5", "10", "--json", db=db).stdout)
    assert out["operation"] == op.DEFAULT_OPERATION
    assert "road_share" in out["road_share_definition"]
    cutoffs = out["cutoffs"]
    assert [c["minutes"] for c in cutoffs] == [5.0, 10.0]
    shares = [c["road_share"] for c in cutoffs]
    assert 0 < shares[0] < shares[1] <= 1
    for c in cutoffs:
        assert c["venues_total"] == 6 and 0 <= c["venues_covered"] <= 6
        assert c["tps_total"] == 0 and c["tps_covered"] == 0
        assert set(c["kecamatan"]) == {
            "Metro Pusat", "Metro Utara", "Metro Barat", "Metro Timur", "Metro Selatan",
        }  # fmt: skip
        assert all(0 <= s <= 1 for s in c["kecamatan"].values())
    assert cutoffs[0]["venues_covered"] <= cutoffs[1]["venues_covered"]
    posts = out["posts"]
    assert len(posts) == 6 and {p["profile"] for p in posts} == {"car"}
    graph_file = tmp_path / "metro.graphml"
    run("graph", "--profile", "car", "--out", str(graph_file), "--json", db=db)
    graph = ox.load_graphml(graph_file)
    for p in posts:
        assert p["node"] in graph
    expect = independent_road_share(graph, posts, 300.0)
    assert shares[0] == pytest.approx(expect, rel=0.01)
    # the same holds exactly for the whole-edge share's upper bound
    assert cutoffs[0]["road_share_whole_edges"] <= shares[0]


def test_coverage_counts_imported_tps(area: Area, tmp_path: Path) -> None:
    db = tmp_path / "operasi.sqlite"
    store = Store(db)
    operation = op.ensure_default_operation(store, area.places)
    op.add_tps(store, operation.id, read_tps(area, tps_csv(area).encode(), filename="t.csv").valid)
    out = json.loads(run("coverage", "--minutes", "3", "15", "--json", db=db).stdout)
    short, long = out["cutoffs"]
    assert short["tps_total"] == long["tps_total"] == 22
    assert short["tps_covered"] < long["tps_covered"]
    assert sum(n for _, n in short["tps_by_risk"].values()) == 22
    assert len(short["uncovered"]) == 28 - short["tps_covered"] - short["venues_covered"]
    assert all(u["nearest"] for u in short["uncovered"] if u["time_min"] is not None)


def test_coverage_from_an_operation_file(area: Area, tmp_path: Path) -> None:
    store = Store(tmp_path / "a.sqlite")
    operation = op.ensure_default_operation(store, area.places)
    data = op.load_operation(store, operation.id)
    only_polres = op.operation_to_dict(data)
    only_polres["posts"] = [p for p in only_polres["posts"] if p["kind"] == "polres"]
    path = tmp_path / "polres.json"
    path.write_text(json.dumps(only_polres), encoding="utf-8")
    out = json.loads(
        run("coverage", "--operation", str(path), "--minutes", "5", "--json",
            db=tmp_path / "b.sqlite").stdout
    )  # fmt: skip
    full = json.loads(run("coverage", "--minutes", "5", "--json", db=tmp_path / "a.sqlite").stdout)
    assert len(out["posts"]) == 1
    assert out["cutoffs"][0]["road_share"] < full["cutoffs"][0]["road_share"]


def test_unknown_operation_is_a_clear_error(tmp_path: Path) -> None:
    proc = run(
        "coverage", "--operation", "Tidak Ada", "--json", db=tmp_path / "x.sqlite", check=False
    )
    assert proc.returncode == 2
    assert "tidak ditemukan" in proc.stderr and "Traceback" not in proc.stderr


def test_positions_command_ingests_valid_rows(
    area: Area, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "operasi.sqlite"
    users.add_user(Store(db), "operator", "pimpinan", "sandi-operator-1")  # writes name a user
    monkeypatch.setenv("PETA_PASSWORD", "sandi-operator-1")
    now = datetime.now(UTC).replace(microsecond=0)
    stamp = (now - timedelta(minutes=1)).isoformat()
    lines = [
        "unit_id,time,lat,lon,status",
        f"R2-01,{stamp},-5.1130,105.3068,tersedia",
        f"R2-02,{stamp},-5.3000,105.3000,tersedia",  # outside the city
        f"R2-03,{stamp},,105.3000,tersedia",  # no latitude
    ]
    path = tmp_path / "posisi.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = json.loads(run("positions", str(path), "--json", "--user", "operator", db=db).stdout)
    assert out["accepted"] == 1 and out["new_units"] == ["R2-01"]
    assert [r["baris"] for r in out["rejected"]] == [2, 3]
    store = Store(db)
    operation = op.get_operation(store, op.DEFAULT_OPERATION)
    latest = op.latest_positions(store, operation.id)
    assert [(p.unit_id, p.source, p.stale) for p in latest] == [("R2-01", "cli", False)]
    with_units = json.loads(
        run("coverage", "--minutes", "5", "--with-units", "--json", db=db).stdout
    )
    assert [u["key"] for u in with_units["units"]] == ["unit:R2-01"]
    # a bad file: one line on stderr, exit status 2, nothing saved
    bad = tmp_path / "bad.csv"
    bad.write_text("nama,alamat\nx,y\n", encoding="utf-8")
    proc = run("positions", str(bad), "--json", "--user", "operator", db=db, check=False)
    assert proc.returncode == 2 and "kolom wajib" in proc.stderr
    assert len(store.read("SELECT * FROM positions")) == 1
