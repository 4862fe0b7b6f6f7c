"""What sign-in, roles and the audit log cost: ``python -m bench.bench_auth``.

- argon2id hash and verify with the store's parameters and with argon2-cffi's defaults;
- one write (``post.move``) through ``Store.write``: as the system actor, as a signed-in
  ``pimpinan`` (role read from ``users`` inside the transaction), and with the audit triggers
  dropped (what the row-level before/after record costs);
- a refused write (``briefing``), which writes its refusal to the log.

Results go to ``bench/results/auth.json``.
"""

from __future__ import annotations

import contextlib
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher

from geo.area import load_area
from plan import audit, users
from plan import operation as op
from plan.roles import AccessDeniedError
from plan.store import Store

OUT = Path(__file__).resolve().parent / "results" / "auth.json"


def _median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 3)


def main() -> int:
    """Run the benchmark and write its results."""
    result: dict = {"python": platform.python_version(), "machine": platform.machine()}
    ours = users._HASHER  # the store's own parameters
    default = PasswordHasher()
    digest_ours, digest_default = ours.hash("kata-sandi-uji-1"), default.hash("kata-sandi-uji-1")
    result["argon2_ms"] = {
        "ours_hash": _median_ms(lambda: ours.hash("kata-sandi-uji-1"), 15),
        "ours_verify": _median_ms(lambda: ours.verify(digest_ours, "kata-sandi-uji-1"), 15),
        "default_hash": _median_ms(lambda: default.hash("kata-sandi-uji-1"), 15),
        "default_verify": _median_ms(
            lambda: default.verify(digest_default, "kata-sandi-uji-1"), 15
        ),
        "ours_params": digest_ours.split("$")[3],
        "default_params": digest_default.split("$")[3],
    }
    area = load_area()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite")
        default_op = op.ensure_default_operation(store, area.places)
        post = op.load_operation(store, default_op.id).posts[0]
        chief = store.as_user(users.add_user(store, "bench-pimpinan", "pimpinan", "x" * 12).actor)
        viewer = store.as_user(users.add_user(store, "bench-briefing", "briefing", "x" * 12).actor)
        step = iter(range(10**6))

        def move(handle: Store) -> None:
            i = next(step)
            op.move_post(handle, post.id, 105.30 + (i % 100) * 1e-5, -5.11)

        def refused() -> None:
            with contextlib.suppress(AccessDeniedError):
                move(viewer)

        n = 200
        writes = {
            "system": _median_ms(lambda: move(store), n),
            "pimpinan": _median_ms(lambda: move(chief), n),
            "briefing_refused": _median_ms(refused, n),
        }
        result["audit_rows_per_move"] = len(
            audit.list_entries(store, action="post.move")[0].changes
        )
        with store._connection() as conn:
            audit.drop_triggers(conn)
        writes["pimpinan_no_triggers"] = _median_ms(lambda: move(chief), n)
        result["write_ms"] = writes
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
