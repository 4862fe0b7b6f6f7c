"""Many processes opening a new store file at the same moment: every one succeeds."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

from plan.store import MIGRATIONS, Store

PROCESSES = 20


def _open(path: str, barrier: mp.synchronize.Barrier, results: mp.Queue) -> None:
    barrier.wait(timeout=60)
    try:
        store = Store(path)
        results.put(("ok", store.schema_version))
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def test_twenty_processes_open_a_fresh_store_at_once(tmp_path: Path) -> None:
    ctx = mp.get_context("fork")
    path = str(tmp_path / "baru.sqlite")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_open, args=(path, barrier, results)) for _ in range(PROCESSES)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert outcomes == [("ok", len(MIGRATIONS))] * PROCESSES
    with sqlite3.connect(path) as conn:
        migrations = conn.execute(
            "SELECT detail FROM audit_log WHERE action = 'migrate' ORDER BY id"
        ).fetchall()
    # each migration ran once, by whichever process got the write lock first
    assert [m[0] for m in migrations] == [f"schema {n}" for n in range(1, len(MIGRATIONS) + 1)]
