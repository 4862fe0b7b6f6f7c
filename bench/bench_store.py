"""The store under load on both engines: 20 concurrent writers plus 100 position reports/s.

For each engine (an SQLite file; a real PostgreSQL 15 + PostGIS server started for the run,
fsync on): 4 processes x 5 threads = 20 writers, each adding posts to one operation as fast as
the store takes them (every write is one transaction with its audit row and the operation's
revision bump), while one more process sends 100 position reports/s from 20 registered
devices through the live ingest (``feeds.ingest.Ingest``, batched writer). A write counts as
acknowledged when ``Store.write`` returned; afterwards every acknowledged post and report must
be in the store (``lost`` must be 0), and the revision counter must equal the posts added.

``python -m bench.bench_store`` (``--seconds 10`` for a short run, ``--engine postgresql``);
results in ``bench/results/store.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PROCESSES, THREADS = 4, 5
DEVICES = 20
REPORTS_PER_S = 100
METRO = (105.3076, -5.1129)


def _writers(path: str, op_id: int, tag: int, seconds: float, barrier, out) -> None:
    from plan import operation as op
    from plan.store import Store

    store = Store(path)
    lock = threading.Lock()
    acked: list[int] = []
    latency: list[float] = []
    errors: list[str] = []

    def run(n: int) -> None:
        barrier.wait(timeout=120)
        end = time.monotonic() + seconds
        i = 0
        while time.monotonic() < end:
            t0 = time.perf_counter()
            try:
                pid = op.add_post(
                    store, op_id, name=f"Pos {tag}-{n}-{i}", kind="mobile",
                    lon=METRO[0] + 0.0001 * n, lat=METRO[1] + 0.0001 * i,
                )  # fmt: skip
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            dt = time.perf_counter() - t0
            with lock:
                acked.append(pid)
                latency.append(dt)
            i += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out.put(("writers", acked, latency, errors))


def _reporter(path: str, seconds: float, barrier, out) -> None:
    from feeds.ingest import Ingest, area_rules
    from plan.live import Refused, Report
    from plan.store import Store

    ingest = Ingest(Store(path), area_rules())
    barrier.wait(timeout=120)
    futures, start, sent = [], time.monotonic(), 0
    base = time.time() - seconds * REPORTS_PER_S / DEVICES - 60
    while (elapsed := time.monotonic() - start) < seconds:
        due = int(elapsed * REPORTS_PER_S)
        while sent < due:
            d = sent % DEVICES
            report = Report(
                device_id=f"bench-{d:02d}", protocol="osmand",
                lat=METRO[1] + 0.0002 * (sent % 50), lon=METRO[0] + 0.0002 * d,
                # each device's k-th fix one second after its previous (history, not a repeat)
                time=datetime.fromtimestamp(base + sent // DEVICES, UTC),
            )  # fmt: skip
            futures.append((time.perf_counter(), ingest.submit(report)))
            sent += 1
        time.sleep(0.002)
    stored, latency, errors = 0, [], []
    for _t0, fut in futures:
        try:
            result = fut.result(timeout=60)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
            continue
        if not isinstance(result, Refused):
            stored += 1
    ingest.close()
    out.put(("reports", sent, stored, latency, errors))


def run_engine(engine: str, seconds: float) -> dict:
    """One run on one engine; returns its figures."""
    sys.path.insert(0, str(ROOT / "tests"))
    from _pg_server import PgServer

    from plan import devices as dv
    from plan import operation as op
    from plan.store import Store

    server = None
    if engine == "postgresql":
        server = PgServer(durable=True).start()
        path = server.new_database()
    else:
        path = str(Path(tempfile.mkdtemp(prefix="peta-bench-")) / "operasi.sqlite")
    try:
        store = Store(path)
        operation = op.create_operation(store, "Operasi Beban")
        for d in range(DEVICES):
            dv.add_device(store, operation.id, unit_id=f"R-{d:02d}", device_id=f"bench-{d:02d}")
        rev0 = op.revision(store, operation.id)
        ctx = mp.get_context("fork")
        barrier, out = ctx.Barrier(PROCESSES * THREADS + 1), ctx.Queue()
        procs = [
            ctx.Process(target=_writers, args=(path, operation.id, p, seconds, barrier, out))
            for p in range(PROCESSES)
        ]
        procs.append(ctx.Process(target=_reporter, args=(path, seconds, barrier, out)))
        for proc in procs:
            proc.start()
        parts = [out.get(timeout=seconds + 600) for _ in procs]
        for proc in procs:
            proc.join(timeout=60)
        acked = [i for p in parts if p[0] == "writers" for i in p[1]]
        latency = sorted(x for p in parts if p[0] == "writers" for x in p[2])
        errors = [e for p in parts for e in p[-1]]
        sent, stored_reports = next((p[1], p[2]) for p in parts if p[0] == "reports")
        saved = {r[0] for r in store.read("SELECT id FROM posts WHERE operation_id = ?",
                                          (operation.id,))}  # fmt: skip
        (positions,) = store.read(
            "SELECT COUNT(*) FROM positions WHERE operation_id = ?", (operation.id,)
        )[0]
        revision = op.revision(store, operation.id)
        q = statistics.quantiles(latency, n=100) if len(latency) > 1 else [0.0] * 99
        return {
            "engine": engine,
            "seconds": seconds,
            "writers": PROCESSES * THREADS,
            "writes_acknowledged": len(acked),
            "writes_per_s": round(len(acked) / seconds, 1),
            "write_latency_ms": {
                "p50": round(q[49] * 1000, 1),
                "p95": round(q[94] * 1000, 1),
                "max": round(max(latency, default=0) * 1000, 1),
            },
            "writes_lost": len(set(acked) - saved),
            "revision_lost": (rev0 + len(acked)) - revision,
            "reports_sent": sent,
            "reports_acknowledged": stored_reports,
            "reports_lost": stored_reports - int(positions),
            "errors": errors[:5],
            "error_count": len(errors),
        }
    finally:
        if server is not None:
            from plan import _pg

            _pg.close_engine(path)
            server.stop()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write ``bench/results/store.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv)
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    results = []
    for engine in engines:
        r = run_engine(engine, args.seconds)
        results.append(r)
        lat = r["write_latency_ms"]
        print(
            f"{engine:10s} {r['writers']} writers: {r['writes_acknowledged']} writes "
            f"({r['writes_per_s']}/s), latency p50 {lat['p50']} ms p95 {lat['p95']} ms "
            f"max {lat['max']} ms, lost {r['writes_lost']}, revision lost {r['revision_lost']}; "
            f"reports {r['reports_sent']} sent, {r['reports_acknowledged']} stored, "
            f"lost {r['reports_lost']}; errors {r['error_count']}",
            flush=True,
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "store.json").write_text(
        json.dumps(
            {
                "machine": platform.platform(),
                "python": platform.python_version(),
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    return 0 if all(r["writes_lost"] == 0 and r["reports_lost"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
