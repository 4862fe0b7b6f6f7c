"""Network coverage on the real Kota Metro graph, checked against networkx."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from _split_edge import split_multi_source, split_road_share
from _tps_sample import tps_frame

from geo import coverage as cv
from geo import simulation
from geo.area import Area
from geo.network import CompiledNetwork, compile_network
from geo.profiles import with_travel_times

CUTOFFS = [300.0, 600.0, 900.0]


@pytest.fixture(scope="module")
def networks(area: Area) -> dict[str, CompiledNetwork]:
    return {p: compile_network(area.graph, p) for p in ("car", "motorbike", "foot")}


@pytest.fixture(scope="module")
def roads(area: Area, networks: dict[str, CompiledNetwork]) -> cv.Roads:
    return cv.road_index(area, networks["car"])


@pytest.fixture(scope="module")
def police(area: Area) -> pd.DataFrame:
    p = area.places[area.places["category"].isin(["police_hq", "police_sector"])]
    return pd.DataFrame(
        {
            "key": p["place_id"].to_numpy(),
            "name": p["name"].to_numpy(),
            "kind": np.where(p["category"] == "police_hq", "polres", "polsek"),
            "lon": p.geometry.x.to_numpy(),
            "lat": p.geometry.y.to_numpy(),
            "profile": "car",
        }
    )


@pytest.fixture(scope="module")
def sources(area: Area, police: pd.DataFrame) -> list[cv.Source]:
    return cv.sources_from_frame(area, police)


@pytest.fixture(scope="module")
def targets(area: Area, roads: cv.Roads) -> gpd.GeoDataFrame:
    venues = area.places[area.places["category"] == "venue"].assign(kind="venue", risk="rawan")
    frame = pd.concat([venues[["name", "kind", "risk", "geometry"]], tps_frame(area)])
    return cv.locate_targets(area, roads, gpd.GeoDataFrame(frame, crs=4326))


def _nx_share(area: Area, graph: nx.MultiDiGraph, times: dict, cutoff: float) -> float:
    """Road share by the documented definition, from networkx node times."""
    total = covered = 0.0
    for r in area.edges.itertuples():
        fwd = graph.edges[r.u, r.v, r.key]["travel_time"]
        f_u = min(1.0, max(0.0, (cutoff - times.get(r.u, np.inf)) / fwd))
        f_v = 0.0
        if graph.has_edge(r.v, r.u, r.key):
            bwd = graph.edges[r.v, r.u, r.key]["travel_time"]
            f_v = min(1.0, max(0.0, (cutoff - times.get(r.v, np.inf)) / bwd))
        total += r.length
        covered += min(1.0, f_u + f_v) * r.length
    return covered / total


def _split_reach(area: Area, sources, extra=(), profile: str = "car"):
    """Times from the sources' points on their roads, on the graph split at those points."""
    timed = with_travel_times(area.graph, profile)
    points = [(*s.edge, s.fraction) for s in sources]
    split, times, _, extra_ids = split_multi_source(
        timed, points, [s.readiness_s for s in sources], list(extra)
    )
    return timed, split, times, extra_ids


def test_sources_snap_to_their_road_nodes(area: Area, sources: list[cv.Source]) -> None:
    assert len(sources) == 6
    for s in sources:
        assert s.node in area.graph
        x, y = area.graph.nodes[s.node]["x"], area.graph.nodes[s.node]["y"]
        assert abs(x - s.lon) < 0.01 and abs(y - s.lat) < 0.01  # within ~1 km


def test_road_share_matches_networkx_and_grows(
    area: Area, networks, roads, sources, targets
) -> None:
    reach = cv.compute_reach(networks, sources)
    figures = cv.coverage_figures(reach, roads, targets, CUTOFFS)
    shares = [f.road_share for f in figures]
    assert all(0.0 < s <= 1.0 for s in shares)
    assert shares == sorted(shares) and shares[0] < shares[-1]
    whole = [f.road_share_whole_edges for f in figures]
    assert all(w <= s + 1e-12 for w, s in zip(whole, shares, strict=True))
    # sources leave from their points on their roads: networkx on the graph split there
    timed, split, times, _ = _split_reach(area, sources)
    for cutoff, fig in zip(CUTOFFS, figures, strict=True):
        expected = split_road_share(area.edges, timed, split, times, cutoff)
        assert fig.road_share == pytest.approx(expected, abs=1e-6)
    # sources at their nodes: the plain definition on the unsplit graph
    at_nodes = [cv.Source(**{**s.__dict__, "edge": None}) for s in sources]
    node_figs = cv.coverage_figures(cv.compute_reach(networks, at_nodes), roads, None, CUTOFFS)
    node_times = nx.multi_source_dijkstra_path_length(
        timed, {s.node for s in sources}, weight="travel_time"
    )
    for cutoff, fig in zip(CUTOFFS, node_figs, strict=True):
        assert fig.road_share == pytest.approx(_nx_share(area, timed, node_times, cutoff), abs=1e-6)
    # the RBI road length of the city (~446 km)
    assert figures[0].road_km_total == pytest.approx(447.2, abs=1.0)


def test_node_times_equal_networkx(area: Area, networks, sources) -> None:
    reach = cv.compute_reach(networks, sources)
    _, _, times, _ = _split_reach(area, sources)
    net = networks["car"]
    ours = reach.best_time
    graph_times = {n: t for n, t in times.items() if n in area.graph}
    for node, t in graph_times.items():
        assert ours[net.index_of(node)] == pytest.approx(t, abs=1e-6)
    assert np.isinf(ours).sum() == area.graph.number_of_nodes() - len(graph_times)
    # at their nodes, as networkx's multi-source Dijkstra from those nodes
    at_nodes = [cv.Source(**{**s.__dict__, "edge": None}) for s in sources]
    timed = with_travel_times(area.graph, "car")
    node_times = nx.multi_source_dijkstra_path_length(
        timed, {s.node for s in sources}, weight="travel_time"
    )
    plain = cv.compute_reach(networks, at_nodes).best_time
    for node, t in node_times.items():
        assert plain[net.index_of(node)] == pytest.approx(t, abs=1e-6)


def test_kecamatan_and_kelurahan_add_up(networks, roads, sources, targets) -> None:
    reach = cv.compute_reach(networks, sources)
    fig = cv.coverage_figures(reach, roads, targets, [300.0])[0]
    assert set(fig.kecamatan["nama"]) == {
        "Metro Pusat", "Metro Utara", "Metro Barat", "Metro Timur", "Metro Selatan",
    }  # fmt: skip
    assert len(fig.kelurahan) == 22
    # a few RBI lines run on past the city limit (9 roads, ~2.7 km): in the total, no kecamatan
    frac = cv.road_fraction(reach, roads, 300.0)
    for table, column in ((fig.kecamatan, "kecamatan"), (fig.kelurahan, "kelurahan")):
        inside = (roads.frame[column] != "").to_numpy()
        assert roads.length[~inside].sum() < 0.01 * roads.total_m
        covered_inside = (frac * roads.length)[inside].sum() / 1000
        assert table["covered_km"].sum() == pytest.approx(covered_inside, rel=1e-9)
        assert table["road_km"].sum() == pytest.approx(roads.length[inside].sum() / 1000)
        assert table["road_share"].between(0, 1).all()


def test_readiness_delays_coverage(networks, roads, sources) -> None:
    ready = [cv.Source(**{**s.__dict__, "readiness_s": 120.0}) for s in sources]
    late = cv.coverage_figures(cv.compute_reach(networks, ready), roads, None, [600.0])[0]
    early = cv.coverage_figures(cv.compute_reach(networks, sources), roads, None, [480.0])[0]
    assert late.road_share == pytest.approx(early.road_share, abs=1e-9)


def test_faster_profile_covers_more(networks, roads, sources) -> None:
    car = cv.coverage_figures(cv.compute_reach(networks, sources), roads, None, [300.0])[0]
    bikes = [cv.Source(**{**s.__dict__, "profile": "motorbike"}) for s in sources]
    moto = cv.coverage_figures(cv.compute_reach(networks, bikes), roads, None, [300.0])[0]
    # one post on foot on top of the cars changes little but never lowers coverage
    mixed = [*sources, cv.Source(**{**sources[0].__dict__, "key": "x", "profile": "foot"})]
    both = cv.coverage_figures(cv.compute_reach(networks, mixed), roads, None, [300.0])[0]
    assert moto.road_share > car.road_share
    assert both.road_share >= car.road_share - 1e-12


def test_venue_and_tps_times(area: Area, networks, roads, sources, targets) -> None:
    reach = cv.compute_reach(networks, sources)
    table = cv.target_table(reach, roads, targets, 300.0)
    assert len(table) == 6 + 22
    # each target a point on its road too: networkx on the graph split at sources and targets
    points = [
        (int(roads.frame.iloc[r.road].u), int(roads.frame.iloc[r.road].v),
         int(roads.frame.iloc[r.road].key), float(r.along))
        for r in table.itertuples()
    ]  # fmt: skip
    _, _, times, ids = _split_reach(area, sources, points)
    for rec, node in zip(table.itertuples(), ids, strict=True):
        assert rec.time_s == pytest.approx(times.get(node, np.inf), abs=1e-6)
    figs = cv.coverage_figures(reach, roads, targets, CUTOFFS)
    assert [f.venues_total for f in figs] == [6, 6, 6]
    assert [f.tps_total for f in figs] == [22, 22, 22]
    covered = [f.tps_covered for f in figs]
    assert covered == sorted(covered)
    assert sum(c for c, _ in figs[0].tps_by_risk.values()) == figs[0].tps_covered
    assert sum(n for _, n in figs[0].tps_by_risk.values()) == 22
    gaps = cv.gaps(reach, roads, targets, 300.0)
    assert len(gaps) == 28 - figs[0].venues_covered - figs[0].tps_covered
    assert (gaps["time_s"] > 300).all()
    assert gaps.loc[np.isfinite(gaps["time_s"]), "nearest"].ne("").all()


def test_bands_responsibility_and_isochrones(area: Area, networks, roads, sources) -> None:
    reach = cv.compute_reach(networks, sources)
    bands = cv.road_bands(reach, roads, CUTOFFS)
    assert len(bands) == len(area.edges)
    assert set(bands["band"]) <= {0, 1, 2, 3}
    frac5 = cv.road_fraction(reach, roads, 300.0)
    # a road fully covered within 5 minutes is in the first band, and vice versa
    assert np.array_equal(bands["band"].to_numpy() == 0, frac5 >= 1 - 1e-9)
    # each road's responsible post reaches the road's middle first
    reached = bands["origin"] >= 0
    assert set(bands.loc[reached, "origin"]) == set(range(6))
    _, mid_o = cv.point_times(reach, roads, np.arange(len(bands)), np.full(len(bands), 0.5))
    assert np.array_equal(mid_o, bands["origin"].to_numpy())
    iso = cv.isochrones(reach, roads, CUTOFFS).set_index("cutoff_min")
    areas = iso.to_crs(32748).area
    assert areas[5.0] < areas[10.0] < areas[15.0]
    metric = iso.to_crs(32748).geometry
    assert metric[5.0].difference(metric[15.0]).area < 0.01 * metric[5.0].area


def test_backup_coverage(networks, roads, sources, targets) -> None:
    one = cv.backup_coverage(networks, roads, sources[:1], 600.0, targets=targets)
    assert one.road_share_backup == 0.0 and one.road_count.max() == 1
    twice = [*sources[:1], cv.Source(**{**sources[0].__dict__, "key": "copy"})]
    two = cv.backup_coverage(networks, roads, twice, 600.0, targets=targets)
    assert np.array_equal(two.road_count, one.road_count * 2)
    everyone = cv.backup_coverage(networks, roads, sources, 600.0, targets=targets)
    assert 0 < everyone.road_share_backup < 1
    reach = cv.compute_reach(networks, sources)
    t, _ = cv.point_times(reach, roads, targets["road"], targets["along"])
    assert np.array_equal(everyone.target_count >= 1, t <= 600.0)


def test_nearest_responders_match_networkx(area: Area, networks, sources) -> None:
    ready = [cv.Source(**{**s.__dict__, "readiness_s": 30.0 * i}) for i, s in enumerate(sources)]
    incident = ready[3].node + 11
    found = cv.nearest_responders(networks, ready, incident, count=3)
    expect = []
    for s in ready:  # from each source's point on its road, on the graph split there
        _, split, _, _ = _split_reach(area, [s])
        phantom = next(iter(split.successors(("start",))))
        t = nx.shortest_path_length(split, phantom, incident, weight="travel_time")
        expect.append(t + s.readiness_s)
    expect.sort()
    assert [r.eta_s for r in found] == pytest.approx(expect[:3], abs=1e-6)
    line = cv.path_line(area, networks["car"], found[0].edges)
    assert line.length > 0
    end = area.graph.nodes[incident]
    assert shapely.Point(line.coords[-1]).distance(shapely.Point(end["x"], end["y"])) < 1e-6
    # drawn from the responder's own point on its road (the partial road its ETA counts)
    first = found[0]
    drawn = cv.path_line(area, networks["car"], first.edges, source=first.source, path=first.path)
    u, v, k = first.source.edge
    road = area.graph.edges[u, v, k].get("geometry") or shapely.LineString(
        [(area.graph.nodes[n]["x"], area.graph.nodes[n]["y"]) for n in (u, v)]
    )
    start = shapely.Point(drawn.coords[0])
    assert start.distance(road) < 1e-9 and 0 < first.source.fraction < 1
    assert start.distance(shapely.Point(first.source.lon, first.source.lat)) < 0.001  # ~100 m
    assert drawn.length > line.length and drawn.coords[-1] == line.coords[-1]
    plain = float(networks["car"].length[list(first.edges)].sum())
    assert plain < first.length_m < plain + 1000  # the partial road counts in the distance too


def test_simulation_is_deterministic_and_on_roads(area: Area, networks) -> None:
    units = pd.DataFrame(
        {"unit_id": ["R2-01", "R4-01"], "node": [698, 357], "profile": ["motorbike", "car"]}
    )
    start = datetime(2024, 11, 20, 1, 0, tzinfo=UTC)
    a = simulation.plan_simulation(area, networks, units, seed=11, start=start)
    b = simulation.plan_simulation(area, networks, units, seed=11, start=start)
    c = simulation.plan_simulation(area, networks, units, seed=12, start=start)
    later = start + timedelta(minutes=7)
    pa, pb = simulation.positions_at(a, later), simulation.positions_at(b, later)
    assert pa.equals(pb)
    assert not pa[["lon", "lat"]].equals(simulation.positions_at(c, later)[["lon", "lat"]])
    assert (pa["source"] == "simulasi").all()
    pts = gpd.GeoSeries(gpd.points_from_xy(pa["lon"], pa["lat"]), crs=4326).to_crs(32748)
    _, dist = area.edges_metric.sindex.nearest(pts, return_distance=True)
    assert (dist < 1.0).all()  # on the road lines
    # at the start each unit is at its node; a full period later it is back there
    for route in a.routes:
        back = start + timedelta(seconds=route.period_s)
        row = simulation.positions_at(a, back).set_index("unit_id").loc[route.unit_id]
        assert (row["lon"], row["lat"]) == pytest.approx((route.lon[0], route.lat[0]), abs=1e-6)
