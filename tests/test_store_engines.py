"""The store under load on both engines: concurrent writers, killed writers, a restarted server."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from plan import operation as op
from plan.store import MIGRATIONS, Store

ROOT = Path(__file__).resolve().parents[1]
PROCESSES, THREADS, WRITES = 4, 5, 3  # 20 concurrent writers
METRO = (105.3076, -5.1129)


def _writer(path: str, op_id: int, tag: str, barrier, results) -> None:
    """One process: THREADS writers, each adding posts and bumping a counter read-then-written."""
    store = Store(path)
    errors: list[str] = []

    def run(n: int) -> None:
        for i in range(WRITES):
            try:
                op.add_post(
                    store,
                    op_id,
                    name=f"Pos {tag}-{n}-{i}",
                    kind="mobile",
                    lon=METRO[0],
                    lat=METRO[1],
                )

                def rmw(conn) -> None:  # read, wait, write: lost if two writers interleave
                    (value,) = conn.execute(
                        "SELECT personnel FROM posts WHERE name = 'penghitung'"
                    ).fetchone()
                    time.sleep(0.002)
                    conn.execute(
                        "UPDATE posts SET personnel = ? WHERE name = 'penghitung'", (value + 1,)
                    )

                store.write(rmw, action="post.edit", detail="penghitung")
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")

    barrier.wait(timeout=60)
    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    results.put(errors)


def test_twenty_concurrent_writers_lose_nothing(store_path) -> None:
    store = Store(store_path)
    operation = op.create_operation(store, "Operasi Serentak")
    op.add_post(store, operation.id, name="penghitung", kind="polres", lon=METRO[0], lat=METRO[1])
    start_rev = op.revision(store, operation.id)
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(str(store_path), operation.id, str(p), barrier, results))
        for p in range(PROCESSES)
    ]
    for proc in procs:
        proc.start()
    errors = [e for _ in procs for e in results.get(timeout=300)]
    for proc in procs:
        proc.join(timeout=60)
    assert errors == []  # never "database is locked", never a failed write
    total = PROCESSES * THREADS * WRITES
    posts = store.read("SELECT name, personnel FROM posts WHERE operation_id = ?", (operation.id,))
    assert len(posts) == total + 1
    assert {r["name"]: r["personnel"] for r in posts}["penghitung"] == total
    assert op.revision(store, operation.id) == start_rev + total  # the revision counter too
    (adds,) = store.read("SELECT COUNT(*) FROM audit_log WHERE action = 'post.add'")[0]
    assert adds == total + 1


def _open(path: str, barrier, results) -> None:
    barrier.wait(timeout=60)
    try:
        results.put(("ok", Store(path).schema_version))
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def test_twenty_processes_migrate_a_fresh_postgres_database_once(pg_server) -> None:
    url = pg_server.new_database()
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(20), ctx.Queue()
    procs = [ctx.Process(target=_open, args=(url, barrier, results)) for _ in range(20)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    assert outcomes == [("ok", len(MIGRATIONS))] * 20
    done = Store(url).read("SELECT detail FROM audit_log WHERE action = 'migrate' ORDER BY id")
    assert [r[0] for r in done] == [f"schema {n}" for n in range(1, len(MIGRATIONS) + 1)]


_KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from plan import operation as op
    from plan.store import Store
    store = Store(sys.argv[1])
    op_id = int(sys.argv[2])
    i = 0
    while True:
        post = op.add_post(store, op_id, name=f"Pos tulis {i}", kind="mobile", lon=105.3, lat=-5.11)
        print(post, flush=True)  # acknowledged only after the commit
        i += 1
    """
)


def test_killed_app_server_loses_no_committed_write(store_path) -> None:
    store = Store(store_path)
    operation = op.create_operation(store, "Operasi Mati Listrik")
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(store_path), str(operation.id)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    acknowledged = []
    assert proc.stdout is not None
    while len(acknowledged) < 15:
        line = proc.stdout.readline()
        assert line, "the writer stopped by itself"
        acknowledged.append(int(line))
    proc.send_signal(signal.SIGKILL)  # mid-write: no clean shutdown
    rest = proc.stdout.read()
    proc.wait(timeout=30)
    acknowledged += [int(x) for x in rest.split()]
    saved = {
        r[0] for r in store.read("SELECT id FROM posts WHERE operation_id = ?", (operation.id,))
    }
    assert set(acknowledged) <= saved
    assert op.revision(store, operation.id) == len(saved)  # no half-written change


def test_restarted_postgres_is_reconnected(tmp_path) -> None:
    from _pg_server import PgServer, bindir, postgis_installed

    if bindir() is None or not postgis_installed():
        if os.environ.get("PETA_TEST_PG") == "required":
            pytest.fail("PostgreSQL 15 + PostGIS required")
        pytest.skip("PostgreSQL 15 + PostGIS not installed")
    from plan import _pg

    server = PgServer().start()
    url = server.new_database()
    try:
        store = Store(url)
        operation = op.create_operation(store, "Operasi Restart")
        op.add_post(
            store, operation.id, name="Pos sebelum", kind="mobile", lon=METRO[0], lat=METRO[1]
        )
        server.restart()  # every pooled connection is dropped
        op.add_post(
            store, operation.id, name="Pos sesudah", kind="mobile", lon=METRO[0], lat=METRO[1]
        )
        names = [p.name for p in op.load_operation(store, operation.id).posts]
        assert names == ["Pos sebelum", "Pos sesudah"]
    finally:
        _pg.close_engine(url)
        server.stop()


def test_unreachable_postgres_is_the_apps_message(tmp_path) -> None:
    from plan._pg import StoreUnavailableError

    url = f"postgresql://postgres@/peta?host={tmp_path}&port=1"
    with pytest.raises(StoreUnavailableError, match="tidak dapat dihubungi"):
        Store(url)
