"""The one ingest of the process: reports are checked where they arrive and stored in batches.

A report is checked at once (device, secret, coordinates, time), so the sender hears a refusal
without waiting. A report that passes goes on a queue; one writer thread takes everything
queued, stores it in one transaction (``plan.live.write``), and answers each report's future,
then waits until ``interval_s`` has passed since that batch began. Under load that is one
transaction per ``interval_s`` for any number of reports; when quiet a report is written as
soon as it comes. An HTTP reply is sent only after its report is committed, so "200" means
"stored": a phone that hears nothing keeps the report and sends it again.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from geo import datasets
from plan.devices import Registry, load_registry, registry_version
from plan.live import DEFAULT_MAX_KM, Refused, Report, Row, Rules, check, write
from plan.roles import DEVICES
from plan.store import Store

log = logging.getLogger("peta.feeds")

#: Refusals after which the registry is read again before answering (it may just have changed).
_RECHECK = frozenset({"unknown_device", "auth", "no_secret"})


def area_rules(area: str = "metro", *, max_km: float | None = None) -> Rules:
    """Checks for reports in an embedded area (its city outline; ``$PETA_FEED_MAX_KM``)."""
    outline = gpd.read_file(datasets.get_path("kota", area)).to_crs(4326).geometry.union_all()
    km = max_km if max_km is not None else float(os.environ.get("PETA_FEED_MAX_KM", DEFAULT_MAX_KM))
    return Rules(area=outline, max_km=km)


@dataclass
class Counters:
    """What the ingest did since it started (for the benchmark and the log)."""

    checked: int = 0
    stored: int = 0
    duplicates: int = 0
    refused: int = 0
    batches: int = 0
    largest_batch: int = 0
    failed_batches: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


class Ingest:
    """Checks reports and stores them through one writer thread.

    Parameters
    ----------
    store
        The store.
    rules
        The checks.
    interval_s
        Shortest time between two batches (one transaction each).
    """

    def __init__(self, store: Store, rules: Rules, *, interval_s: float = 0.15) -> None:
        self.store = store.as_user(DEVICES)  # audited as the devices, not as "(sistem)"
        self.rules = rules
        self.interval_s = interval_s
        self.counters = Counters()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._registry: Registry = load_registry(store)
        self._registry_checked = time.monotonic()
        self._registry_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._stop = threading.Event()

    # ---------------------------------------------------------------- registry

    def registry(self, *, fresh: bool = False) -> Registry:
        """The devices, read again when they changed (checked at most twice a second)."""
        now = time.monotonic()
        if fresh or now - self._registry_checked > 0.5:
            with self._registry_lock:
                self._registry_checked = now
                if registry_version(self.store) != self._registry.version:
                    self._registry = load_registry(self.store, self._registry)
        return self._registry

    # ---------------------------------------------------------------- submitting

    def submit(self, report: Report) -> Future:
        """Check a report and queue it.

        Returns
        -------
        concurrent.futures.Future
            Resolves to the stored ``Row``, or a ``Refused`` (at once for a failed check;
            after the write for a duplicate); raises if the batch could not be written.
        """
        self._ensure_thread()
        outcome = check(report, self.registry(), self.rules)
        if isinstance(outcome, Refused) and outcome.reason in _RECHECK:
            outcome = check(report, self.registry(fresh=True), self.rules)
        future: Future = Future()
        self.counters.checked += 1
        if isinstance(outcome, Refused):
            self._count_refusal(outcome)
            self._queue.put((outcome, None))
            future.set_result(outcome)
        else:
            self._queue.put((outcome, future))
        return future

    def refuse(self, device_id: str, reason: str, protocol: str, detail: str = "") -> Refused:
        """Count a report refused before it could be read (malformed, no id)."""
        self._ensure_thread()
        refused = Refused(device_id or "?", reason, protocol, detail)
        self.counters.checked += 1
        self._count_refusal(refused)
        self._queue.put((refused, None))
        return refused

    def _count_refusal(self, refused: Refused) -> None:
        self.counters.refused += 1
        self.counters.by_reason[refused.reason] = self.counters.by_reason.get(refused.reason, 0) + 1

    # ---------------------------------------------------------------- the writer

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="peta-ingest", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                first = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            started = time.monotonic()
            items = [first]
            while True:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if items[-1] is None:  # close(): flush what came before, then stop
                items.pop()
                self._stop.set()
            self._flush([i for i in items if i is not None])
            rest = self.interval_s - (time.monotonic() - started)
            if rest > 0 and not self._stop.is_set():
                time.sleep(rest)

    def _flush(self, items: list) -> None:
        if not items:
            return
        rows = [(o, f) for o, f in items if isinstance(o, Row)]
        refused = [o for o, _ in items if isinstance(o, Refused)]
        try:
            stored = write(self.store, [r for r, _ in rows], refused)
        except Exception:  # one poisoned batch must not lose the others
            log.exception("batch of %d reports failed; writing them one by one", len(items))
            self.counters.failed_batches += 1
            for item in items:
                self._flush_one(item)
            return
        self.counters.batches += 1
        self.counters.largest_batch = max(self.counters.largest_batch, len(items))
        for (row, future), ok in zip(rows, stored, strict=True):
            self._resolve(row, future, ok)

    def _flush_one(self, item: tuple) -> None:
        outcome, future = item
        try:
            if isinstance(outcome, Row):
                ok = write(self.store, [outcome])[0]
                self._resolve(outcome, future, ok)
            else:
                write(self.store, [], [outcome])
        except Exception as exc:
            log.exception("report could not be stored")
            if future is not None and not future.done():
                future.set_exception(exc)

    def _resolve(self, row: Row, future: Future | None, ok: bool) -> None:
        if ok:
            self.counters.stored += 1
            result: Row | Refused = row
        else:
            self.counters.duplicates += 1
            result = Refused(row.device_id, "duplicate", row.source, row.time)
        if future is not None and not future.done():
            future.set_result(result)

    def close(self, timeout: float = 5.0) -> None:
        """Store what is queued, then stop the writer."""
        if self._thread is None or not self._thread.is_alive():
            return
        self._queue.put(None)
        self._thread.join(timeout)


_INGESTS: dict[Path, Ingest] = {}
_GUARD = threading.Lock()


def get_ingest(store: Store | None = None) -> Ingest:
    """The process's ingest for a store (default ``$PETA_DB``), created on first use."""
    store = store or Store()
    key = store.path.resolve()
    with _GUARD:
        ingest = _INGESTS.get(key)
        if ingest is None:
            ingest = _INGESTS[key] = Ingest(store, area_rules())
    return ingest


def close_all() -> None:
    """Flush and stop every ingest of the process (server shutdown)."""
    with _GUARD:
        ingests = list(_INGESTS.values())
        _INGESTS.clear()
    for ingest in ingests:
        ingest.close()
