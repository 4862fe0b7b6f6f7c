"""Placement of more posts (spopt MCLP on network times) and personnel checks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from _tps_sample import tps_frame
from scipy.sparse.csgraph import dijkstra

from geo import coverage as cv
from geo import placement, staffing
from geo._errors import GeoError
from geo.area import Area
from geo.network import compile_network


@pytest.fixture(scope="module")
def setup(area: Area):
    networks = {p: compile_network(area.graph, p) for p in ("car", "motorbike")}
    roads = cv.road_index(area, networks["car"])
    police = area.places[area.places["category"].isin(["police_hq", "police_sector"])]
    frame = pd.DataFrame(
        {
            "key": police["place_id"], "name": police["name"], "kind": "polsek",
            "lon": police.geometry.x, "lat": police.geometry.y, "profile": "car",
        }
    )  # fmt: skip
    sources = cv.sources_from_frame(area, frame)
    venues = area.places[area.places["category"] == "venue"].assign(kind="venue", risk="rawan")
    targets = cv.locate_targets(
        area,
        roads,
        gpd.GeoDataFrame(
            pd.concat([venues[["name", "kind", "risk", "geometry"]], tps_frame(area)]), crs=4326
        ),
    )
    return networks, roads, sources, targets


def _single_gains(area, networks, roads, sources, targets, cutoff):
    """Risk weight each intersection alone would add (brute force)."""
    net = networks["car"]
    reach = cv.compute_reach(networks, sources)
    t, _ = cv.point_times(reach, roads, targets["road"], targets["along"])
    uncovered = t > cutoff
    degree = {
        n: len(set(area.graph.successors(n)) | set(area.graph.predecessors(n))) for n in area.graph
    }
    cand = net.indices_of([n for n, d in degree.items() if d >= 3])
    dist = dijkstra(net.matrix, indices=cand, limit=cutoff)
    tt = np.where(net.open_edges, net.travel_time, np.inf)
    times = cv.points_from_matrix(
        dist, roads, tt, targets["road"].to_numpy(), targets["along"].to_numpy()
    )
    weights = targets["weight"].to_numpy()
    return np.array([(weights * ((row <= cutoff) & uncovered)).sum() for row in times])


def test_one_more_post_is_the_best_single_site(area: Area, setup) -> None:
    networks, roads, sources, targets = setup
    result = placement.suggest_posts(area, networks, roads, sources, targets, k=1, cutoff_s=180)
    assert result.status == "Optimal"
    best = _single_gains(area, networks, roads, sources, targets, 180).max()
    assert best > 0
    assert result.weight_after - result.weight_before == pytest.approx(best)
    assert result.added["gain_weight"].iloc[0] == pytest.approx(best)


def test_more_posts_add_more_and_keep_existing(area: Area, setup) -> None:
    networks, roads, sources, targets = setup
    one = placement.suggest_posts(area, networks, roads, sources, targets, k=1, cutoff_s=180)
    three = placement.suggest_posts(area, networks, roads, sources, targets, k=3, cutoff_s=180)
    assert len(three.added) == 3
    assert one.weight_before == three.weight_before  # existing posts unchanged
    assert three.weight_before < one.weight_after <= three.weight_after <= three.weight_total
    assert three.targets_after >= three.targets_before
    assert three.road_share_after > three.road_share_before
    # the suggestions are intersections not already used by a post
    used = {s.node for s in sources}
    assert not used & set(three.added["node"])
    assert (three.added["kelurahan"] != "").all()
    # recomputing coverage with the suggested posts gives the claimed figure
    reach = cv.compute_reach(networks, [*sources, *three.sources])
    t, _ = cv.point_times(reach, roads, targets["road"], targets["along"])
    assert targets["weight"].to_numpy()[t <= 180].sum() == pytest.approx(three.weight_after)
    table = placement.placement_table(three)
    assert list(table.columns) == ["ukuran", "sebelum", "sesudah"]


def test_placement_needs_targets(area: Area, setup) -> None:
    networks, roads, sources, targets = setup
    with pytest.raises(GeoError):
        placement.suggest_posts(
            area, networks, roads, sources, targets.iloc[0:0], k=1, cutoff_s=300
        )
    with pytest.raises(GeoError):
        placement.suggest_posts(area, networks, roads, sources, targets, k=0, cutoff_s=300)


def test_everything_covered_needs_no_post(area: Area, setup) -> None:
    networks, roads, sources, targets = setup
    result = placement.suggest_posts(area, networks, roads, sources, targets, k=2, cutoff_s=3600)
    assert result.added.empty and result.weight_before == result.weight_total


def test_tps_pattern_shortfalls() -> None:
    tps = pd.DataFrame(
        {
            "kelurahan": ["Metro"] * 17 + ["Yosodadi"] * 3,
            "risk": ["kurang_rawan"] * 17 + ["sangat_rawan"] * 3,
        }
    )
    need = staffing.tps_requirement(tps)
    metro = need[need["kelurahan"] == "Metro"].iloc[0]
    assert (metro["tps"], metro["required"]) == (17, 4)  # 2 per 16 TPS: two teams for 17
    yoso = need[need["kelurahan"] == "Yosodadi"].iloc[0]
    assert yoso["required"] == 4  # 2 per 2 sangat rawan: two teams for 3
    assigned = pd.DataFrame({"kelurahan": ["Metro"], "personnel": [4]})
    short = staffing.tps_shortfalls(tps, assigned)
    assert short.iloc[0].to_dict() == {
        "kelurahan": "Yosodadi", "tps": 3, "required": 4, "assigned": 0, "shortfall": 4,
    }  # fmt: skip
    assert short.set_index("kelurahan").loc["Metro", "shortfall"] == 0
    custom = staffing.parse_pattern({"kurang_rawan": [2, 10]})
    assert staffing.tps_requirement(tps, custom).iloc[0]["required"] == 4
    with pytest.raises(GeoError):
        staffing.parse_pattern({"rawan": [2, 0]})


def test_strength_against_565() -> None:
    posts = pd.DataFrame({"name": ["Polres Metro", "Pos A"], "kind": ["polres", "pos_pengamanan"],
                          "personnel": [300, 40]})  # fmt: skip
    units = pd.DataFrame({"personnel": [2, 2, 4]})
    tps = pd.DataFrame({"kelurahan": ["Metro"] * 32, "risk": ["kurang_rawan"] * 32})
    s = staffing.strength(own=565, bko=100, posts=posts, units=units, tps=tps)
    assert (s.total, s.assigned, s.free, s.tps_required) == (665, 348, 317, 4)
    assert s.free_after_tps == 313
    table = staffing.personnel_table(posts, s.total)
    assert table["name"].tolist() == ["Polres Metro", "Pos A"]
    assert table["share"].iloc[0] == pytest.approx(300 / 665)
