"""The RBI road graph of Kota Metro: build figures, osmnx compatibility, caching."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import osmnx as ox
import pytest
import shapely

from geo import datasets, settings
from geo._errors import AreaDataError
from geo.area import build_rbi_graph
from geo.graph import graph_from_lines, road_length_km


def test_graph_is_osmnx_valid(area) -> None:
    ox.convert.validate_graph(area.graph, strict=True)
    assert area.graph.graph["crs"] == settings.crs_geographic
    highways = {d["highway"] for _, _, d in area.graph.edges(data=True)}
    assert highways == {"secondary", "tertiary", "residential"}


def test_build_figures(area) -> None:
    g = area.graph
    assert 1300 < g.number_of_nodes() < 1450
    # every RBI road is two-way: each edge has its reverse
    assert all(g.has_edge(v, u) for u, v in g.edges())
    assert area.report.largest_component_share >= 0.95
    assert area.report.components == len(list(nx.weakly_connected_components(g)))
    assert area.report.snapped_ends > 0


def test_road_length_agrees_with_rbi_lines(area) -> None:
    lines = gpd.read_file(datasets.get_path("roads")).to_crs(settings.crs_metric)
    source_km = lines.length.sum() / 1000
    assert source_km == pytest.approx(446.15, abs=0.1)
    # joining line ends adds at most a few metres per joined end
    assert road_length_km(area.graph) == pytest.approx(source_km, rel=0.005)


def test_edge_geometry_matches_length(area) -> None:
    edges = area.edges_metric
    ratio = edges.geometry.length / edges["length"]
    # osmnx measures great-circle lengths on a sphere (r = 6 371 009 m); near the equator the
    # meridian radius is ~0.6% shorter, so north-south roads differ by up to that much
    assert ratio.between(0.99, 1.01).all()
    assert ratio.median() == pytest.approx(1.0, abs=0.003)


def test_dangling_end_within_tolerance_is_joined() -> None:
    # a T-junction whose stem stops 4 m short of the bar
    bar = shapely.LineString([(500000, 9430000), (500200, 9430000)])
    stem = shapely.LineString([(500100, 9430004), (500100, 9430100)])
    far = shapely.LineString([(500300, 9430050), (500400, 9430050)])
    lines = gpd.GeoDataFrame(
        {"REMARK": ["Jalan Lokal", "Jalan Lain", "Jalan Lain"]},
        geometry=[bar, stem, far],
        crs=settings.crs_metric,
    )
    graph, report = graph_from_lines(lines, tolerance_m=6)
    assert report.snapped_ends == 1
    # bar split at the junction: 3-way node joins bar halves and stem; far line stays apart
    assert report.component_sizes == (4, 2)
    assert sorted(d for _, d in nx.Graph(graph).degree())[-1] == 3
    assert graph.graph["crs"] == settings.crs_geographic


def test_crossing_without_shared_vertex_is_split() -> None:
    a = shapely.LineString([(500000, 9430000), (500200, 9430000)])
    b = shapely.LineString([(500100, 9429900), (500100, 9430100)])
    lines = gpd.GeoDataFrame(
        {"REMARK": ["Jalan Lain"] * 2}, geometry=[a, b], crs=settings.crs_metric
    )
    graph, report = graph_from_lines(lines, tolerance_m=1)
    assert report.components == 1
    assert graph.number_of_nodes() == 5
    assert road_length_km(graph) == pytest.approx(0.4, rel=0.01)


def test_empty_or_wrong_lines_are_an_area_error() -> None:
    empty = gpd.GeoDataFrame({"REMARK": []}, geometry=[], crs=settings.crs_geographic)
    with pytest.raises(AreaDataError):
        graph_from_lines(empty)
    lines = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=4326)
    with pytest.raises(AreaDataError, match="REMARK"):
        graph_from_lines(lines)


def test_built_graph_is_cached(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "cache_folder", tmp_path)
    first, _ = build_rbi_graph("metro")
    files = list(tmp_path.glob("graph-metro-*.pickle"))
    assert len(files) == 1
    second, _ = build_rbi_graph("metro")
    assert nx.utils.graphs_equal(first, second)
