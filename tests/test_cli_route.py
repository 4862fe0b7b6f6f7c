"""``python -m cli route``: the JSON the issue asks for, checked against independent networkx."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import gpxpy
import networkx as nx
import osmnx as ox
import pytest
from _split_edge import split_at_points
from shapely.geometry import LineString, shape

from cli import main

ROOT = Path(__file__).resolve().parent.parent
POLRES = "Kantor Polisi Resor Metro"
KPU = "KPU Kota Metro"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("cli")
    gpx = tmp / "rute.gpx"
    graphml = tmp / "convoy.graphml"
    route = _run("route", "--from", POLRES, "--to", KPU, "--alternatives", "2", "--json",
                 "--gpx", str(gpx))  # fmt: skip
    assert route.returncode == 0, route.stderr
    graph = _run("graph", "--profile", "convoy", "--out", str(graphml), "--json")
    assert graph.returncode == 0, graph.stderr
    return {"json": json.loads(route.stdout), "gpx": gpx, "graphml": graphml, "tmp": tmp}


def test_route_time_equals_independent_dijkstra(outputs):
    """From each place's point on its road: networkx on the exported graph split there."""
    data = outputs["json"]
    graph = ox.load_graphml(outputs["graphml"])
    main_route = data["route"]
    nodes = main_route["nodes"]
    points = [(*w["edge"], w["fraction"]) for w in data["waypoints"]]
    split, ids = split_at_points(graph, points)
    expected = nx.dijkstra_path_length(split, ids[0], ids[-1], weight="travel_time")
    assert main_route["travel_time_s"] == pytest.approx(expected, rel=1e-6)
    length = nx.path_weight(
        split, nx.dijkstra_path(split, ids[0], ids[-1], weight="travel_time"), "length"
    )
    assert main_route["length_m"] == pytest.approx(length, abs=0.5)
    # the edge each place snaps to is what osmnx itself finds nearest the place
    for w in (data["waypoints"][0], data["waypoints"][-1]):
        u, v, _ = ox.distance.nearest_edges(graph, w["lon"], w["lat"])
        assert {u, v} == set(w["edge"][:2])
    assert set(nodes) <= set(graph.nodes)


def test_json_shape(outputs):
    data = outputs["json"]
    assert data["profile"] == "convoy"
    for route in [data["route"], *data["alternatives"]]:
        assert set(route) >= {"length_m", "travel_time_s", "nodes", "geometry", "sheet"}
        geom = shape(route["geometry"])
        assert geom.geom_type == "LineString" and len(geom.coords) >= 2
        assert {"segments", "traffic_control", "chokepoints", "havens", "haven_gap"} <= set(
            route["sheet"]
        )
    assert [w["label"] for w in data["waypoints"]] == [POLRES, KPU]


def test_alternatives_differ_as_promised(outputs):
    data = outputs["json"]
    main_route = data["route"]
    alts = data["alternatives"]
    assert len(alts) == 2
    main_pairs = set(zip(main_route["nodes"][:-1], main_route["nodes"][1:], strict=True))
    main_pairs |= {(b, a) for a, b in main_pairs}
    graph = ox.load_graphml(outputs["graphml"])
    for alt in alts:
        steps = list(zip(alt["nodes"][:-1], alt["nodes"][1:], strict=True))
        shared = sum(
            min(d["length"] for d in graph.get_edge_data(a, b).values())
            for a, b in steps
            if (a, b) in main_pairs
        )
        assert shared <= 0.6 * alt["length_m"]
        assert alt["travel_time_s"] <= 1.5 * main_route["travel_time_s"]


def test_gpx_parses(outputs):
    gpx = gpxpy.parse(outputs["gpx"].read_text())
    assert len(gpx.tracks) == 3
    points = gpx.tracks[0].segments[0].points
    coords = shape(outputs["json"]["route"]["geometry"]).coords
    assert len(points) == len(coords)
    assert gpx.waypoints[0].name == POLRES


def test_closure_across_main_route_is_avoided(outputs, capsys):
    data = outputs["json"]
    line = shape(data["route"]["geometry"])
    mid = line.interpolate(0.5, normalized=True)
    prev = line.interpolate(line.project(mid) - 0.0002)
    dx, dy = mid.x - prev.x, mid.y - prev.y
    scale = 0.0006 / max((dx * dx + dy * dy) ** 0.5, 1e-12)
    cut = LineString(
        [(mid.x + dy * scale, mid.y - dx * scale), (mid.x - dy * scale, mid.y + dx * scale)]
    )
    assert cut.intersects(line)
    path = outputs["tmp"] / "tutup.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Tes"},
                        "geometry": cut.__geo_interface__,
                    }
                ],
            }
        )
    )
    assert main(["route", "--from", POLRES, "--to", KPU, "--avoid", str(path), "--json"]) == 0
    rerouted = json.loads(capsys.readouterr().out)
    new_line = shape(rerouted["route"]["geometry"])
    assert not new_line.intersects(cut)
    assert rerouted["closed_edges"] >= 1
    assert rerouted["route"]["travel_time_s"] > data["route"]["travel_time_s"]


def _error(capsys, *args: str) -> str:
    assert main(["route", *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("galat: ")
    assert "Traceback" not in captured.err
    return captured.err


def test_bad_inputs_give_clear_messages(capsys, tmp_path):
    assert "Tempat tidak dikenal" in _error(capsys, "--from", "Polres Atlantis", "--to", KPU)
    msg = _error(capsys, "--from", "Kantor Polisi Sektor", "--to", KPU)
    assert "cocok dengan 5 tempat" in msg and "Metro Utara" in msg
    assert "dari jalan terdekat" in _error(capsys, "--from", "105.0,-5.4", "--to", KPU)
    empty = tmp_path / "kosong.geojson"
    empty.write_text("")
    assert "kosong" in _error(capsys, "--from", POLRES, "--to", KPU, "--avoid", str(empty))
    broken = tmp_path / "rusak.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    assert "bukan GeoJSON" in _error(capsys, "--from", POLRES, "--to", KPU, "--avoid", str(broken))
    cover = tmp_path / "asal.geojson"
    cover.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {"name": "Tutup Polres"},
                "geometry": {"type": "Point", "coordinates": [105.307589, -5.112862]},
            }
        )
    )
    msg = _error(capsys, "--from", POLRES, "--to", KPU, "--avoid", str(cover))
    assert "asal" in msg and "Tutup Polres" in msg
    assert "tidak dapat dibaca" in _error(
        capsys, "--from", POLRES, "--to", KPU, "--avoid", str(tmp_path / "tidak-ada.geojson")
    )
    assert "Waktu tidak dikenali" in _error(
        capsys, "--from", POLRES, "--to", KPU, "--depart", "pagi"
    )


def test_vias_and_depart(capsys):
    code = main(
        ["route", "--from", POLRES, "--via", "Lapangan Garuda", "--to", KPU, "--depart", "07:30",
         "--profile", "car", "--json"]
    )  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [w["label"] for w in data["waypoints"]] == [POLRES, "Lapangan Garuda", KPU]
    assert data["profile"] == "car"
    assert data["route"]["sheet"]["segments"][0]["eta"].startswith("07:3")


def test_coordinates_with_a_minus_sign_need_no_equals(capsys):
    """``--from -5.1129,105.3076`` (lat,lon as map apps copy it) is a value, not an option."""
    status = main(
        ["route", "--from", "-5.1129,105.3076", "--via", "-5.1200,105.3100", "-5.1250,105.3050",
         "--to", KPU, "--json"]
    )  # fmt: skip
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert [(w["lon"], w["lat"]) for w in data["waypoints"][:3]] == [
        (105.3076, -5.1129), (105.31, -5.12), (105.305, -5.125),
    ]  # fmt: skip
    assert data["waypoints"][0]["snap_distance_m"] < 5
