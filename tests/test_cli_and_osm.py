"""``python -m cli info|graph`` and road networks from OSM files (no internet)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import osmnx as ox
import pytest

from geo import settings
from geo._errors import InputFileError, NetworkUnavailableError
from geo.area import load_area
from geo.osm import graph_from_file, graph_from_polygon_online

ROOT = Path(__file__).resolve().parents[1]

# A small OSM extract written by the test: a cross of two streets near Tugu Pena, Metro,
# one of them one-way (OSM's own tags, as an Overpass export would carry them).
OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="-5.1130" lon="105.3050" version="1"/>
  <node id="2" lat="-5.1130" lon="105.3070" version="1"/>
  <node id="3" lat="-5.1130" lon="105.3090" version="1"/>
  <node id="4" lat="-5.1110" lon="105.3070" version="1"/>
  <node id="5" lat="-5.1150" lon="105.3070" version="1"/>
  <way id="100" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/>
    <tag k="highway" v="secondary"/><tag k="name" v="Jl. Jend. Sudirman"/>
  </way>
  <way id="101" version="1">
    <nd ref="4"/><nd ref="2"/><nd ref="5"/>
    <tag k="highway" v="residential"/><tag k="oneway" v="yes"/>
  </way>
</osm>
"""


def run_cli(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "cli", *args, "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return json.loads(out.stdout)


def test_cli_info_on_embedded_area() -> None:
    info = run_cli("info")
    assert info["boundaries"] == {"kota": 1, "kecamatan": 5, "kelurahan": 22}
    assert info["places"]["police_hq"] == 1
    assert info["places"]["police_sector"] == 5
    assert info["largest_component_share"] >= 0.95
    assert info["road_km"] == pytest.approx(446.15, rel=0.005)
    assert info["components"] == len(info["component_sizes"]) or info["components"] > 20
    assert info["nodes"] == sum(info["component_sizes"]) or info["components"] > 20


def test_cli_graph_export_loads_in_osmnx_and_routes(tmp_path, area) -> None:
    out = tmp_path / "metro_convoy.graphml"
    result = run_cli("graph", "--profile", "convoy", "--out", str(out))
    assert result["edges"] == area.graph.number_of_edges()
    graph = ox.io.load_graphml(out)
    assert all("travel_time" in d and "length" in d for _, _, d in graph.edges(data=True))
    largest = max(nx.weakly_connected_components(graph), key=len)
    a, b = sorted(largest)[0], sorted(largest)[-1]
    route = ox.routing.shortest_path(graph, a, b, weight="travel_time")
    assert route[0] == a and route[-1] == b


def test_cli_errors_are_one_line_not_a_traceback(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "info", "--area", str(tmp_path / "missing.osm")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("galat:")
    assert "Traceback" not in proc.stderr


def test_osm_xml_file_replaces_the_network(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "cache_folder", tmp_path / "cache")
    path = tmp_path / "cross.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    area = load_area("metro", network=path)
    assert area.network_source == "osm"
    assert any("OpenStreetMap" in a for a in area.attribution)
    assert area.graph.number_of_nodes() == 5
    # the one-way street has one direction only; the two-way one has both
    assert area.graph.has_edge(4, 2) and not area.graph.has_edge(2, 4)
    assert area.graph.has_edge(1, 2) and area.graph.has_edge(2, 1)
    assert len(area.kelurahan) == 22  # boundaries and places stay those of Kota Metro
    info = run_cli("info", "--area", str(path))
    assert info["network_source"] == "osm" and info["nodes"] == 5


def test_osm_pbf_file_keeps_osm_semantics(tmp_path) -> None:
    import osmium

    xml = tmp_path / "cross.osm"
    xml.write_text(OSM_XML, encoding="utf-8")
    pbf = tmp_path / "cross.osm.pbf"
    writer = osmium.SimpleWriter(str(pbf))
    for obj in osmium.FileProcessor(str(xml)):
        writer.add_node(obj) if obj.is_node() else writer.add_way(obj)
    writer.close()
    graph = graph_from_file(pbf)
    assert graph.number_of_nodes() == 5
    assert graph.has_edge(4, 2) and not graph.has_edge(2, 4)  # oneway=yes kept
    names = {d.get("name") for _, _, d in graph.edges(data=True)}
    assert "Jl. Jend. Sudirman" in names


def test_bad_network_files_are_input_errors(tmp_path) -> None:
    bad = tmp_path / "broken.osm"
    bad.write_text("<osm><node id=", encoding="utf-8")
    with pytest.raises(InputFileError):
        graph_from_file(bad)
    with pytest.raises(InputFileError, match="tidak dikenal"):
        graph_from_file(tmp_path / "roads.shp") if (
            tmp_path / "roads.shp"
        ).touch() is None else None
    with pytest.raises(InputFileError, match="tidak ditemukan"):
        graph_from_file(tmp_path / "nothing.osm")


def test_offline_download_says_so_quickly(area, monkeypatch) -> None:
    """With no internet, the OSM download fails fast with a clear message."""
    import requests

    def refuse(*args, **kwargs):
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr(requests, "get", refuse)
    monkeypatch.setattr(requests, "post", refuse)
    monkeypatch.setattr(requests.Session, "request", refuse)
    monkeypatch.setattr(ox.settings, "use_cache", False)
    with pytest.raises(NetworkUnavailableError, match="OpenStreetMap"):
        graph_from_polygon_online(area.kota.geometry.union_all())


def test_geo_never_imports_streamlit() -> None:
    code = "import sys, geo.area, geo.network, geo.snap, geo.display; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
