"""Benchmark of network coverage: ours vs the osmnx isochrone recipe and networkx, one run.

1. **Kota Metro, 50 posts, cutoffs 5/10/15 min** (patrol car). The 50 posts are real points:
   Polres Metro and the five Polsek, the 41 city CCTV sites and three campaign venues, each
   snapped to its road node. Timed (best of several runs), the same figures from each method:

   - ours: ``geo.coverage.compute_reach`` (one ``scipy`` multi-source Dijkstra on the compiled
     CSR network) + ``coverage_figures`` for the three cutoffs (road share by partial edges,
     whole-edge share, per kecamatan and kelurahan); also ``road_shares`` alone;
   - networkx: ``nx.multi_source_dijkstra_path_length`` once with the largest cutoff, then the
     same figures in plain Python;
   - the osmnx isochrone recipe: ``nx.ego_graph(G, post, radius=cutoff,
     distance="travel_time")`` per post and cutoff, node sets merged, whole-edge share and per
     kecamatan (what node sets can give).

   The reached node sets of the three methods and the figures of ours and networkx are checked
   to be equal.

2. **A province-sized graph** (about 1 million directed edges): a seeded, perturbed 500 x 500
   street grid (100 m blocks with jitter, 3 % of streets missing, every 10th street a faster
   road), 500 posts drawn with the same seed with readiness 0, 1 or 2 minutes; ours for three
   cutoffs, all figures.

3. **The commander page** (``views/coverage/page.py``) through Streamlit's AppTest with 20 live unit
   positions: server time of the live fragment (map, units, figures: what the timed refresh
   reruns) and of a full rerun (the whole script: sidebar, page, planning tabs).

Run: ``python -m bench.bench_coverage`` (writes ``bench/results/coverage.json``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from geo import coverage as cv
from geo.area import load_area
from geo.network import _assemble, compile_network
from geo.profiles import PROFILES, with_travel_times

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEED = 20241120
CUTOFFS_S = (300.0, 600.0, 900.0)


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def metro_posts(area) -> list[cv.Source]:
    """Fifty real points: police (6), city CCTV sites (41), three campaign venues."""
    places = area.places
    police = places[places["category"].isin(["police_hq", "police_sector"])]
    cctv = places[places["category"] == "cctv"]
    venues = places[places["category"] == "venue"].head(50 - len(police) - len(cctv))
    chosen = pd.concat([police, cctv, venues])
    frame = pd.DataFrame(
        {
            "key": chosen["place_id"].to_numpy(),
            "name": chosen["name"].to_numpy(),
            "kind": "pos_pengamanan",
            "lon": chosen.geometry.x.to_numpy(),
            "lat": chosen.geometry.y.to_numpy(),
            "profile": "car",
        }
    )
    return cv.sources_from_frame(area, frame)


def plain_figures(edges: list[tuple], times: dict[int, float], cutoff: float) -> dict:
    """The figures of ``coverage_figures`` in plain Python from networkx node times."""
    total = covered = whole = 0.0
    kec: dict[str, list[float]] = {}
    kel: dict[str, list[float]] = {}
    for u, v, tt_f, tt_b, length, kc, kl in edges:
        f_u = min(1.0, max(0.0, (cutoff - times.get(u, float("inf"))) / tt_f)) if tt_f else 0.0
        f_v = min(1.0, max(0.0, (cutoff - times.get(v, float("inf"))) / tt_b)) if tt_b else 0.0
        part = min(1.0, f_u + f_v) * length
        total += length
        covered += part
        whole += length if f_u + f_v >= 1.0 else 0.0
        for table, key in ((kec, kc), (kel, kl)):
            row = table.setdefault(key, [0.0, 0.0])
            row[0] += length
            row[1] += part
    return {
        "road_share": covered / total,
        "road_share_whole_edges": whole / total,
        "kecamatan": {k: c / t for k, (t, c) in kec.items()},
        "kelurahan": {k: c / t for k, (t, c) in kel.items()},
    }


def node_set_figures(edges: list[tuple], reached: set[int]) -> dict:
    """What the isochrone recipe's node sets give: roads with both ends reached."""
    total = covered = 0.0
    kec: dict[str, list[float]] = {}
    for u, v, _, _, length, kc, _ in edges:
        inside = u in reached and v in reached
        total += length
        covered += length if inside else 0.0
        row = kec.setdefault(kc, [0.0, 0.0])
        row[0] += length
        row[1] += length if inside else 0.0
    return {
        "road_share_both_ends": covered / total,
        "kecamatan": {k: c / t for k, (t, c) in kec.items()},
    }


def bench_metro() -> dict:
    area = load_area()
    net = compile_network(area.graph, "car")
    roads = cv.road_index(area, net)
    phantom = metro_posts(area)
    assert len(phantom) == 50
    # at their road nodes for the comparison with networkx and the ego-graph recipe (node
    # sources); the product starts from each post's point on its road (phantom node), timed too
    posts = [dataclasses.replace(p, edge=None) for p in phantom]
    networks = {"car": net}

    def ours_phantom():
        reach = cv.compute_reach(networks, phantom, horizon_s=max(CUTOFFS_S))
        return cv.coverage_figures(reach, roads, None, CUTOFFS_S)

    t_phantom, phantom_figures = best_of(ours_phantom, repeat=20)

    def ours_shares():
        reach = cv.compute_reach(networks, posts, horizon_s=max(CUTOFFS_S))
        return cv.road_shares(reach, roads, CUTOFFS_S)

    def ours_figures():
        reach = cv.compute_reach(networks, posts, horizon_s=max(CUTOFFS_S))
        return reach, cv.coverage_figures(reach, roads, None, CUTOFFS_S)

    t_shares, shares = best_of(ours_shares, repeat=50)
    t_ours, (reach, figures) = best_of(ours_figures, repeat=20)

    timed = with_travel_times(area.graph, "car")
    nodes = [p.node for p in posts]
    edges = []
    for rec in roads.frame.itertuples():
        back = timed.get_edge_data(rec.v, rec.u, rec.key)
        edges.append(
            (
                rec.u,
                rec.v,
                timed.edges[rec.u, rec.v, rec.key]["travel_time"],
                back["travel_time"] if back else 0.0,
                rec.length,
                rec.kecamatan,
                rec.kelurahan,
            )
        )

    def networkx_way():
        dist = nx.multi_source_dijkstra_path_length(
            timed, set(nodes), cutoff=max(CUTOFFS_S), weight="travel_time"
        )
        return dist, [plain_figures(edges, dist, c) for c in CUTOFFS_S]

    def ego_recipe():
        out = []
        for cutoff in CUTOFFS_S:
            reached: set[int] = set()
            for node in nodes:
                reached |= set(nx.ego_graph(timed, node, radius=cutoff, distance="travel_time"))
            out.append((reached, node_set_figures(edges, reached)))
        return out

    t_nx, (dist, plain) = best_of(networkx_way, repeat=5)
    t_reach, _ = best_of(
        lambda: cv.compute_reach(networks, posts, horizon_s=max(CUTOFFS_S)), repeat=50
    )
    t_nx_dijkstra, _ = best_of(
        lambda: nx.multi_source_dijkstra_path_length(
            timed, set(nodes), cutoff=max(CUTOFFS_S), weight="travel_time"
        ),
        repeat=5,
    )
    t_ego, ego = best_of(ego_recipe, repeat=2)

    ours_sets = [
        {int(n) for n in net.nodes[np.flatnonzero(reach.best_time <= c + 1e-6)]} for c in CUTOFFS_S
    ]
    nx_sets = [{n for n, d in dist.items() if d <= c} for c in CUTOFFS_S]
    assert ours_sets == nx_sets == [e[0] for e in ego], "reached nodes differ"
    for fig, share, other in zip(figures, shares, plain, strict=True):
        assert abs(fig.road_share - other["road_share"]) < 1e-6
        assert abs(share - fig.road_share) < 1e-9
        assert abs(fig.road_share_whole_edges - other["road_share_whole_edges"]) < 1e-6
        for rec in fig.kecamatan.itertuples():
            assert abs(rec.road_share - other["kecamatan"][rec.nama]) < 1e-6
    return {
        "graph": {"nodes": area.graph.number_of_nodes(), "edges": area.graph.number_of_edges()},
        "posts": len(posts),
        "cutoffs_min": [c / 60 for c in CUTOFFS_S],
        "ours_all_figures_s": t_ours,
        "ours_all_figures_from_road_points_s": t_phantom,
        "road_share_from_road_points": [round(f.road_share, 4) for f in phantom_figures],
        "ours_road_share_only_s": t_shares,
        "networkx_multi_source_dijkstra_s": t_nx,
        "osmnx_ego_graph_recipe_s": t_ego,
        "ours_reach_only_s": t_reach,
        "networkx_dijkstra_only_s": t_nx_dijkstra,
        "speedup_vs_multi_source_dijkstra": t_nx / t_ours,
        "speedup_reach_only": t_nx_dijkstra / t_reach,
        "speedup_vs_ego_graph": t_ego / t_ours,
        "road_share": [round(f.road_share, 4) for f in figures],
        "road_share_whole_edges": [round(f.road_share_whole_edges, 4) for f in figures],
        "road_share_both_ends_reached_ego_recipe": [
            round(e[1]["road_share_both_ends"], 4) for e in ego
        ],
        "same_nodes_and_figures": True,
        "what_is_timed": (
            "ours: compute_reach + coverage_figures (partial-edge road share, whole-edge share, "
            "per kecamatan and kelurahan) for 3 cutoffs; networkx: "
            "multi_source_dijkstra_path_length(cutoff=15 min) + the same figures in plain "
            "Python; osmnx recipe: ego_graph per post and cutoff, node sets merged, share of "
            "roads with both ends reached, per kecamatan."
        ),
    }


def province_network(n: int = 500, spacing_m: float = 100.0, seed: int = SEED):
    """A perturbed n x n street grid compiled for the car profile (no networkx graph)."""
    rng = np.random.default_rng(seed)
    idx = np.arange(n * n).reshape(n, n)
    x = (np.arange(n)[None, :] * spacing_m + rng.normal(0, spacing_m * 0.15, (n, n))).ravel()
    y = (np.arange(n)[:, None] * spacing_m + rng.normal(0, spacing_m * 0.15, (n, n))).ravel()
    u = np.r_[idx[:, :-1].ravel(), idx[:-1, :].ravel()]
    v = np.r_[idx[:, 1:].ravel(), idx[1:, :].ravel()]
    main = np.r_[np.repeat(np.arange(n) % 10 == 0, n - 1), np.tile(np.arange(n) % 10 == 0, n - 1)]
    keep = rng.random(len(u)) > 0.03
    u, v, main = u[keep], v[keep], main[keep]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    speeds = PROFILES["car"].speeds
    tt = length / (np.where(main, speeds["secondary"], speeds["residential"]) / 3.6)
    # the compiled form directly: a networkx graph of a million edges would dwarf the run
    net = _assemble(
        "car",
        np.arange(n * n, dtype=np.int64),
        np.r_[u, v],
        np.r_[v, u],
        np.zeros(2 * len(u), dtype=np.int64),
        np.r_[tt, tt],
        np.r_[length, length],
        np.ones(2 * len(u), dtype=bool),
    )
    m = len(u)
    block = (u // n // 50) * 10 + (u % n // 50)  # 100 districts of 50 x 50 blocks
    names = np.array([f"D{b:02d}" for b in range(100)], dtype=object)[block]
    roads = cv.Roads(
        frame=pd.DataFrame({"kecamatan": names, "kelurahan": names}),
        metric=np.empty(0, dtype=object),
        fwd=np.arange(m),
        bwd=np.arange(m, 2 * m),
        u_idx=u,
        v_idx=v,
        length=length,
    )
    return net, roads


def bench_province() -> dict:
    start = time.perf_counter()
    net, roads = province_network()
    build_s = time.perf_counter() - start
    rng = np.random.default_rng(SEED + 1)
    nodes = rng.choice(net.n, size=500, replace=False)
    ready = rng.choice([0.0, 60.0, 120.0], size=500)
    posts = [
        cv.Source(f"p{i}", f"p{i}", "pos_pengamanan", int(node), "car", float(r))
        for i, (node, r) in enumerate(zip(nodes, ready, strict=True))
    ]
    networks = {"car": net}

    def ours():
        reach = cv.compute_reach(networks, posts, horizon_s=max(CUTOFFS_S))
        return cv.coverage_figures(reach, roads, None, CUTOFFS_S)

    t, figures = best_of(ours, repeat=3)
    return {
        "graph": {"nodes": int(net.n), "directed_edges": len(net.edge_u)},
        "build_s": build_s,
        "posts": len(posts),
        "cutoffs_min": [c / 60 for c in CUTOFFS_S],
        "ours_all_figures_s": t,
        "road_share": [round(f.road_share, 4) for f in figures],
        "target_s": 2.0,
    }


def bench_page() -> dict:
    os.environ["PETA_DB"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite")
    import streamlit.runtime.scriptrunner.script_runner as runner

    from bench._signin import signed_in_app
    from plan import operation as op
    from plan.store import Store

    script_times: list[float] = []
    original = runner.exec_func_with_error_handling

    def timed(func, ctx):
        start = time.perf_counter()
        try:
            return original(func, ctx)
        finally:
            script_times.append(time.perf_counter() - start)

    runner.exec_func_with_error_handling = timed
    try:
        at = signed_in_app().run()
        at.switch_page("views/coverage/page.py").run()
        store = Store(os.environ["PETA_DB"])
        operation = op.get_operation(store, op.DEFAULT_OPERATION)
        area = load_area()
        mids = area.edges_metric.geometry.interpolate(0.5, normalized=True).to_crs(4326)
        pick = np.random.default_rng(SEED).choice(len(mids), size=20, replace=False)
        now = datetime.now(UTC).replace(microsecond=0)
        op.record_positions(
            store,
            operation.id,
            pd.DataFrame(
                {
                    "unit_id": [f"R2-{i:02d}" for i in range(20)],
                    "time": [now - timedelta(seconds=30)] * 20,
                    "lon": mids.x.to_numpy()[pick],
                    "lat": mids.y.to_numpy()[pick],
                    "status": "available",
                }
            ),
            source="bench",
        )
        full, fragment = [], []
        for _ in range(6):
            at.run()
            assert not at.exception
            full.append(script_times[-1])
            fragment.append(float(at.session_state["cov_refresh_s"]))
    finally:
        runner.exec_func_with_error_handling = original
    return {
        "units": 20,
        "live_fragment_s_median": statistics.median(fragment[1:]),
        "live_fragment_s_max": max(fragment[1:]),
        "full_rerun_s_median": statistics.median(full[1:]),
        "target_s": 0.5,
        "note": (
            "live fragment = what the timed refresh reruns (st.fragment(run_every=...)): map with "
            "its layers, units, figures; full rerun = the whole script (app.py sidebar, the page, "
            "its planning tabs)."
        ),
    }


def main() -> None:
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "metro_50_posts": bench_metro(),
        "province_1m_edges_500_posts": bench_province(),
        "commander_page": bench_page(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "coverage.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    m = results["metro_50_posts"]
    p = results["province_1m_edges_500_posts"]
    g = results["commander_page"]
    rows = [
        ("Metro, 50 posts x 3 cutoffs, all figures: ours", f"{m['ours_all_figures_s'] * 1e3:.2f} ms", ""),
        ("  ours, road share only", f"{m['ours_road_share_only_s'] * 1e3:.2f} ms", ""),
        ("  ours, travel times only (compute_reach)", f"{m['ours_reach_only_s'] * 1e3:.2f} ms", ""),
        (
            "  networkx multi_source_dijkstra alone",
            f"{m['networkx_dijkstra_only_s'] * 1e3:.1f} ms",
            f"{m['speedup_reach_only']:.0f}x compute_reach",
        ),
        (
            "  networkx multi_source_dijkstra + figures",
            f"{m['networkx_multi_source_dijkstra_s'] * 1e3:.1f} ms",
            f"{m['speedup_vs_multi_source_dijkstra']:.0f}x ours",
        ),
        (
            "  osmnx ego_graph recipe",
            f"{m['osmnx_ego_graph_recipe_s'] * 1e3:.0f} ms",
            f"{m['speedup_vs_ego_graph']:.0f}x ours",
        ),
        (
            f"Province grid, {p['graph']['directed_edges']:,} edges, 500 posts x 3 cutoffs",
            f"{p['ours_all_figures_s']:.3f} s",
            "target < 2 s",
        ),
        ("Commander page, live fragment (20 units)", f"{g['live_fragment_s_median']:.3f} s", "target < 0.5 s"),
        ("Commander page, full rerun", f"{g['full_rerun_s_median']:.3f} s", ""),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}  {note}")
    print(f"Metro road share at 5/10/15 min from the 50 posts: {m['road_share']}")


if __name__ == "__main__":
    main()
