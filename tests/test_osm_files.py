"""Road networks from OSM files the tests write: filtered as osmnx filters, in every format.

The extract (``tests/_osm_sample.py``) holds roads and ways that are not roads for a car
(building, landuse, railway, footway, a private road, a service road, an ``area=yes`` highway),
a one-way street, named and unnamed roads, a short road on its own, a dead end and a near miss.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import osmnx as ox
import pandas as pd
import pytest
from _osm_sample import ISOLATED_WAYS, KEPT_WAYS, osm_xml, write_all

from geo import settings
from geo._errors import GeoError, InputFileError, OffNetworkError
from geo.area import load_area
from geo.network import compile_network
from geo.osm import read_network_file, way_filter
from geo.route_sheet import route_sheet
from geo.routing import plan_route
from geo.snap import require_on_network, require_operation_on_network

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("osm"))


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "cache_folder", tmp_path / "cache")


def _osmids(graph: nx.MultiDiGraph) -> set[int]:
    out: set[int] = set()
    for _, _, d in graph.edges(data=True):
        out.update(d["osmid"] if isinstance(d["osmid"], list) else [d["osmid"]])
    return out


def _edges(graph: nx.MultiDiGraph) -> set[tuple]:
    return {
        (u, v, round(d["length"], 3), str(d.get("name")), str(d.get("oneway")))
        for u, v, d in graph.edges(data=True)
    }


@pytest.mark.parametrize("network_type", ["drive", "drive_service", "walk"])
def test_ways_kept_are_those_osmnx_filter_keeps(files, tmp_path, network_type):
    read = read_network_file(files["osm"], network_type=network_type)
    assert _osmids(read.graph) == set(KEPT_WAYS[network_type] - ISOLATED_WAYS)
    assert read.ways == 16 and read.ways_kept == len(KEPT_WAYS[network_type])
    # the reference: osmnx's own graph_from_xml of exactly those ways (largest component)
    ref_file = tmp_path / "kept.osm"
    ref_file.write_text(osm_xml(ways=KEPT_WAYS[network_type]), encoding="utf-8")
    bidirectional = network_type in ox.settings.bidirectional_network_types
    reference = ox.graph_from_xml(ref_file, bidirectional=bidirectional)
    assert set(read.graph.nodes) == set(reference.nodes)
    assert _edges(read.graph) == _edges(reference)
    assert read.dropped_component_sizes == (2,)  # the short road on its own, reported


def test_filter_reads_osmnx_definitions():
    drive = way_filter("drive")
    assert drive.accepts({"highway": "residential"})
    for tags in (
        {"highway": "service"},
        {"highway": "footway"},
        {"highway": "residential", "access": "private"},
        {"highway": "residential", "area": "yes"},
        {"highway": "residential", "motor_vehicle": "no"},
        {"building": "yes"},
        {"railway": "rail"},
    ):
        assert not drive.accepts(tags), tags
    assert way_filter("drive_service").accepts({"highway": "service"})
    assert not way_filter("drive_service").accepts({"highway": "service", "service": "parking"})
    assert way_filter("walk").accepts({"highway": "footway"})
    with pytest.raises(InputFileError, match="Jenis jaringan"):
        way_filter("boat")


def test_same_graph_from_every_format(files):
    graphs = {kind: read_network_file(path).graph for kind, path in files.items()}
    first = graphs["osm"]
    for kind, graph in graphs.items():
        assert set(graph.nodes) == set(first.nodes), kind
        assert _edges(graph) == _edges(first), kind


def test_one_way_street_has_one_direction(files):
    graph = read_network_file(files["pbf"]).graph
    yani = [(u, v) for u, v, d in graph.edges(data=True) if d.get("name") == "Jl. A. Yani"]
    assert yani and all(not graph.has_edge(v, u) or _only_other_roads(graph, v, u) for u, v in yani)
    assert all(
        d.get("oneway") for u, v, d in graph.edges(data=True) if d.get("name") == "Jl. A. Yani"
    )


def _only_other_roads(graph, a, b) -> bool:
    return all(d.get("name") != "Jl. A. Yani" for d in graph.get_edge_data(a, b).values())


def test_area_from_file_reports_and_counts_roads_once(files):
    area = load_area("metro", network=files["bz2"])
    assert area.network_source == "osm" and area.title == "Kota Metro"
    assert area.network_name == "sample.osm.bz2 (drive)"
    assert area.crs_metric == "EPSG:32748"
    undirected = ox.convert.to_undirected(area.graph)
    assert area.road_km == pytest.approx(ox.stats.edge_length_total(undirected) / 1000, rel=1e-9)
    report = area.report
    assert report.dropped_component_sizes == (2,) and report.network_type == "drive"
    assert report.dead_ends == 2  # Gang Buntu and the lane that stops short
    assert report.snapped_ends == 1  # the lane that stops 3 m short of Jl. residential
    names = set(area.edges["name"].dropna())
    assert "Gang Buntu" in names and any("Jend. Sudirman" in n for n in names)


def test_route_sheet_names_each_street(files):
    area = load_area("metro", network=files["osm"])
    net = compile_network(area.graph, "car")
    nodes = area.graph.nodes
    # from the dead end of Gang Buntu to the middle of Jl. A. Yani's north stretch
    start = (nodes[601]["x"], nodes[601]["y"])
    end = (nodes[1]["x"], (nodes[1]["y"] + nodes[5]["y"]) / 2)
    plan = plan_route(area, net, [start, end])
    sheet = route_sheet(area, net, plan.main)
    streets = list(sheet.segments["street"])
    assert streets[0] == "Gang Buntu" and streets[-1] == "Jl. A. Yani"
    assert sheet.segments["length_m"].sum() == pytest.approx(plan.main.length_m)


def test_unnamed_roads_say_so(area):
    net = compile_network(area.graph, "car")
    plan = plan_route(area, net, ["Kantor Polisi Resor Metro", "KPU Kota Metro"])
    sheet = route_sheet(area, net, plan.main)
    assert set(sheet.segments["street"]) == {"jalan tanpa nama (RBI)"}


def test_file_without_roads_is_a_clear_error(tmp_path):
    path = tmp_path / "buildings.osm"
    path.write_text(osm_xml(ways=frozenset({6, 7, 8})), encoding="utf-8")
    with pytest.raises(InputFileError, match="tidak ada jalan untuk jaringan 'drive'"):
        read_network_file(path)
    for command in (["info"], ["route", "--from", "-5.11,105.30", "--to", "KPU Kota Metro"]):
        proc = subprocess.run(
            [sys.executable, "-m", "cli", *command, "--area", str(path)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 2
        assert proc.stderr.startswith("galat:") and proc.stderr.count("\n") == 1
        assert "Traceback" not in proc.stderr


def test_clipped_extract_is_a_clear_error(tmp_path):
    text = osm_xml(ways=frozenset({1, 2})).replace('<node id="2" ', '<!-- --><node id="99002" ')
    path = tmp_path / "terpotong.osm"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match="ekstrak terpotong"):
        read_network_file(path)


def test_graphml_without_speeds_or_classes_still_routes(tmp_path, files):
    graph = read_network_file(files["osm"]).graph
    for _, _, d in graph.edges(data=True):
        d.pop("highway", None)
    path = tmp_path / "bare.graphml"
    ox.io.save_graphml(graph, path)
    area = load_area("metro", network=path)
    net = compile_network(area.graph, "car")
    assert (net.travel_time > 0).all()


def test_far_away_network_is_refused(tmp_path, area):
    far = write_all(tmp_path, origin=(10.0, 50.0), stem="jauh")  # Germany
    away = load_area("metro", network=far["pbf"])
    assert not away.covers_area
    assert "jauh.osm.pbf" in away.title and "Kota Metro" in away.title
    assert away.crs_metric == "EPSG:32632"
    venues = area.places[area.places["category"] == "venue"]
    with pytest.raises(OffNetworkError) as err:
        require_on_network(
            away, list(venues["name"]), venues.geometry.x, venues.geometry.y, what="Venue"
        )
    assert str(venues["name"].iloc[0]) in str(err.value) and "jauh.osm.pbf" in str(err.value)
    police = area.places[area.places["category"] == "police_hq"]
    posts = pd.DataFrame(
        {"name": police["name"], "lon": police.geometry.x, "lat": police.geometry.y}
    )
    targets = venues.assign(kind="venue")[["name", "kind", "geometry"]]
    require_operation_on_network(area, posts, targets)  # on the Metro network: fine
    with pytest.raises(OffNetworkError, match="pos Kantor Polisi Resor Metro") as err:
        require_operation_on_network(away, posts, targets)
    assert "venue " in str(err.value)
    net = compile_network(away.graph, "car")
    with pytest.raises(GeoError, match="berjarak"):
        plan_route(away, net, ["Kantor Polisi Resor Metro", "KPU Kota Metro"])
    info = json.loads(
        subprocess.run(
            [sys.executable, "-m", "cli", "info", "--area", str(far["osm"]), "--json"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
        ).stdout
    )  # fmt: skip
    assert info["covers_area"] is False and info["crs_metric"] == "EPSG:32632"
    assert "jauh.osm" in info["area"]
    # the coverage of the Kota Metro operation on it is refused, naming the posts
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "coverage", "--area", str(far["osm"]), "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.startswith("galat: Pos dan venue operasi") and "Traceback" not in proc.stderr
    assert "pos Polres Metro" in proc.stderr and "jauh.osm (drive)" in proc.stderr
