"""Move a store between engines: ``python -m cli migrate --from SRC --to DST``.

``SRC`` and ``DST`` are each an SQLite file (``operasi.sqlite``) or a PostgreSQL URL
(``postgresql://user@host/db``). Every operation is copied with its history (audit log, plan
versions, positions) and its users into a target that holds no operation yet; and back.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.core import command
from plan import transfer
from plan.operation import PlanError
from plan.store import Store, is_url


def _store(spec: str, *, must_exist: bool) -> Store:
    if is_url(spec):
        return Store(spec)
    path = Path(spec)
    if must_exist and not path.is_file():
        msg = f"Berkas operasi {spec!r} tidak ada."
        raise PlanError(msg)
    if path.is_dir():
        msg = f"{spec!r} adalah folder, bukan berkas operasi."
        raise PlanError(msg)
    return Store(path)


def run_migrate(args: argparse.Namespace) -> dict[str, Any]:
    """Copy the store ``--from`` into the empty store ``--to``."""
    source = _store(args.source, must_exist=True)
    target = _store(args.target, must_exist=False)
    counts = transfer.copy_store(source, target)
    return {"from": str(source.path), "to": str(target.path), "rows": counts}


@command(
    "migrate",
    "copy every operation with its history to another store (SQLite <-> PostgreSQL)",
    run_migrate,
)
def _migrate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="source", required=True, help="SQLite file or postgresql:// URL"
    )
    parser.add_argument(
        "--to", dest="target", required=True, help="SQLite file or postgresql:// URL (empty)"
    )
