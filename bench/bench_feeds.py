"""Live feeds under load: 500 Traccar devices reporting every 5 s for 60 s against the running app.

1. **Throughput.** ``streamlit run server.py`` (the app as the README starts it) on a free
   loopback port with a fresh store; 500 devices registered to 500 units; then 100 reports/s
   (each device every 5 s) for 60 s as Traccar Client's OsmAnd GET requests, from 32 client
   threads with keep-alive connections. Every answer must be 200 and the store must hold
   exactly as many positions as were sent. Latency is from sending a request to its answer,
   which comes only after the report is committed (batches every 150 ms).
2. **The commander's refresh with 500 live units.** The coverage page through AppTest, with
   the 500 units' positions written through the same ingest (``plan.live.ingest``) and moved
   between refreshes; the server time of the timed fragment (``cov_refresh_s``).

``python -m bench.bench_feeds`` (``--seconds 10`` for a short run); results in
``bench/results/feeds.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEED = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def road_points(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on Kota Metro's roads (mid-points of random edges)."""
    from geo.area import load_area

    area = load_area()
    mids = area.edges_metric.geometry.interpolate(0.5, normalized=True).to_crs(4326)
    pick = np.random.default_rng(SEED).choice(len(mids), size=n, replace=len(mids) < n)
    return mids.x.to_numpy()[pick], mids.y.to_numpy()[pick]


def register(db: Path, n: int) -> int:
    """An operation with ``n`` units, one Traccar device each (``BENCH-000`` …)."""
    from plan import devices as dv
    from plan import operation as op
    from plan.store import Store

    store = Store(db)
    oid = op.create_operation(store, "Bench umpan").id
    for i in range(n):
        dv.add_device(store, oid, unit_id=f"R2-{i:03d}", device_id=f"BENCH-{i:03d}")
    return oid


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PETA_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.serverAddress", "localhost"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    msg = "the app did not start"
    raise RuntimeError(msg)


def load(port: int, *, devices: int, rate: float, seconds: float, threads: int = 32) -> dict:
    """Send ``rate`` reports/s for ``seconds``; return counts and latencies."""
    lon, lat = road_points(devices)
    jobs: queue.Queue = queue.Queue()
    results: list[tuple[int, float, float]] = []  # (status, latency s, lateness s)
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            job = jobs.get()
            if job is None:
                break
            due, path = job
            sent = time.perf_counter()
            try:
                conn.request("GET", path, headers={"User-Agent": "TraccarClient/7.9"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = -1
            done = time.perf_counter()
            with lock:
                results.append((status, done - sent, sent - due))
        conn.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    total = int(rate * seconds)
    start = time.perf_counter() + 0.5
    epoch0 = time.time() + 0.5 - seconds - 10  # all fixes in the past, one per device per 5 s
    rng = np.random.default_rng(SEED)
    for k in range(total):
        due = start + k / rate
        i = k % devices
        step = k // devices
        query = urlencode(
            {
                "id": f"BENCH-{i:03d}",
                "timestamp": int(epoch0 + step * devices / rate + i / rate),
                "lat": f"{lat[i] + rng.normal(0, 2e-4):.6f}",
                "lon": f"{lon[i] + rng.normal(0, 2e-4):.6f}",
                "speed": f"{rng.uniform(0, 20):.1f}",
                "bearing": f"{rng.uniform(0, 360):.1f}",
                "batt": f"{rng.uniform(20, 100):.0f}",
            }
        )
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        jobs.put((due, f"/api/osmand?{query}"))
    for _ in pool:
        jobs.put(None)
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    latency = sorted(r[1] for r in results)
    late = sorted(r[2] for r in results)
    return {
        "sent": total,
        "answered_200": sum(1 for r in results if r[0] == 200),
        "other_answers": sorted({r[0] for r in results if r[0] != 200}),
        "elapsed_s": elapsed,
        "achieved_rate_per_s": total / elapsed,
        "latency_p50_ms": latency[len(latency) // 2] * 1e3,
        "latency_p99_ms": latency[int(len(latency) * 0.99)] * 1e3,
        "latency_max_ms": latency[-1] * 1e3,
        "send_lateness_p99_ms": late[int(len(late) * 0.99)] * 1e3,
    }


def bench_throughput(devices: int, rate: float, seconds: float) -> dict:
    db = Path(tempfile.mkdtemp()) / "feeds.sqlite"
    register(db, devices)
    port = _free_port()
    proc = start_server(db, port)
    try:
        out = load(port, devices=devices, rate=rate, seconds=seconds)
    finally:
        proc.terminate()
        proc.wait(30)
    from plan.store import Store

    store = Store(db)
    out["stored"] = int(
        store.read("SELECT COUNT(*) FROM positions WHERE device_id LIKE 'BENCH-%'")[0][0]
    )
    out["stored_equals_sent"] = out["stored"] == out["sent"]
    batches = store.read(
        "SELECT COUNT(*), MAX(CAST(detail AS INTEGER)) FROM audit_log WHERE action = 'positions.live'"
    )[0]
    out["transactions"] = int(batches[0])
    out["largest_batch"] = int(batches[1] or 0)
    out["devices"], out["target_rate_per_s"], out["seconds"] = devices, rate, seconds
    return out


def bench_refresh(units: int, refreshes: int = 10, warmup: int = 3) -> dict:
    """Server time of the coverage page's timed refresh with ``units`` live units."""
    os.environ["PETA_DB"] = str(Path(tempfile.mkdtemp()) / "refresh.sqlite")
    from bench._signin import signed_in_app
    from feeds.ingest import area_rules
    from plan import devices as dv
    from plan import live
    from plan import operation as op
    from plan.store import Store

    page = next(p for p in ("views/coverage/page.py", "views/coverage.py") if (ROOT / p).exists())
    at = signed_in_app(default_timeout=300).run()
    at.switch_page(page).run()
    store = Store(os.environ["PETA_DB"])
    oid = op.get_operation(store, op.DEFAULT_OPERATION).id
    for i in range(units):
        dv.add_device(store, oid, unit_id=f"R2-{i:03d}", device_id=f"LIVE-{i:03d}")
    rules = area_rules()
    lon, lat = road_points(units)
    rng = np.random.default_rng(SEED)
    times = []
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=refreshes + 5)
    for k in range(refreshes):
        reports = [
            live.Report(f"LIVE-{i:03d}", "osmand", lat[i] + rng.normal(0, 3e-4),
                        lon[i] + rng.normal(0, 3e-4), start + timedelta(seconds=k))
            for i in range(units)
        ]  # fmt: skip
        out = live.ingest(store, reports, rules)
        assert all(isinstance(o, live.Row) for o in out), [o for o in out if not isinstance(o, live.Row)][:3]
        at.run()
        assert not at.exception, at.exception
        times.append(float(at.session_state["cov_refresh_s"]))
    shown = len(op.latest_positions(store, oid))
    return {
        "units": units,
        "units_with_positions": shown,
        "refresh_s_median": statistics.median(times[warmup:]),
        "refresh_s_max": max(times[warmup:]),
        "refresh_s_all": times,
        "target_s": 0.5,
        "note": (
            "positions move before every refresh, so coverage is recomputed each time; the "
            f"first {warmup} refreshes (compiling networks, first caches) are left out"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--skip-refresh", action="store_true")
    parser.add_argument("--only-refresh", action="store_true", help="keep the saved throughput")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "feeds.json"
    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()}}
    if args.only_refresh and out.exists():
        results = json.loads(out.read_text(encoding="utf-8"))
    else:
        results["throughput"] = bench_throughput(args.devices, args.rate, args.seconds)
    results["machine"]["load_average_at_start"] = os.getloadavg()
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if not args.skip_refresh:
        results["coverage_refresh"] = bench_refresh(args.devices)
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    t = results["throughput"]
    print(
        f"sent {t['sent']} at {t['achieved_rate_per_s']:.1f}/s, 200: {t['answered_200']}, "
        f"stored {t['stored']} (stored==sent: {t['stored_equals_sent']}), "
        f"p50 {t['latency_p50_ms']:.1f} ms, p99 {t['latency_p99_ms']:.1f} ms, "
        f"{t['transactions']} transactions"
    )
    if "coverage_refresh" in results:
        r = results["coverage_refresh"]
        print(
            f"coverage refresh with {r['units']} live units: median {r['refresh_s_median']:.3f} s,"
            f" max {r['refresh_s_max']:.3f} s (target {r['target_s']} s)"
        )


if __name__ == "__main__":
    main()
