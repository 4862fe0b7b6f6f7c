"""``python -m cli migrate``: an operation with its history from SQLite to PostgreSQL and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import main
from plan import audit, users
from plan import operation as op
from plan.store import Store

TABLES = ("operations", "posts", "venues", "events", "tps", "units", "users", "audit_log")


def _rows(store: Store) -> dict[str, list[tuple]]:
    return {t: [tuple(r) for r in store.read(f"SELECT * FROM {t} ORDER BY id")] for t in TABLES}


def _history(store: Store) -> list[tuple]:
    return [
        (
            e.id,
            e.actor,
            e.action,
            e.detail,
            tuple((c.table, c.row_id, c.op, c.fields) for c in e.changes),
        )
        for e in audit.list_entries(store)
    ]


def test_migrate_to_postgresql_and_back(tmp_path: Path, pg_server, area, capsys) -> None:
    src = tmp_path / "operasi.sqlite"
    store = Store(src)
    default = op.ensure_default_operation(store, area.places)
    planner = users.add_user(store, "pimpinan-1", "pimpinan", "kata-sandi-uji-7")
    as_planner = store.as_user(planner.actor)
    pid = op.add_post(
        as_planner, default.id, name="Pos Tugu", kind="pos_pengamanan", lon=105.31, lat=-5.11
    )
    op.move_post(as_planner, pid, 105.312, -5.112)
    before, history = _rows(store), _history(store)

    url = pg_server.new_database()
    assert main(["migrate", "--from", str(src), "--to", url, "--json"]) == 0
    copied = json.loads(capsys.readouterr().out)
    assert copied["rows"]["posts"] == len(before["posts"])
    pg = Store(url)
    assert _rows(pg) == before
    assert _history(pg) == history  # who moved the post, and where from
    # the copy goes on: new ids follow the copied ones, on the same revision counter
    new = op.add_post(
        pg.as_user(planner.actor), default.id, name="Pos Baru", kind="mobile", lon=105.3, lat=-5.1
    )
    assert new > max(r[0] for r in before["posts"])
    assert users.authenticate(pg, "pimpinan-1", "kata-sandi-uji-7").role == "pimpinan"

    back = tmp_path / "kembali.sqlite"
    assert main(["migrate", "--from", url, "--to", str(back)]) == 0
    returned = Store(back)
    assert _rows(returned) == _rows(pg)
    assert _history(returned) == _history(pg)
    capsys.readouterr()

    # a target that already holds an operation is refused, with one line, and keeps its data
    assert main(["migrate", "--from", str(src), "--to", str(back)]) == 2
    assert capsys.readouterr().err.startswith("galat: ")
    assert _rows(Store(back)) == _rows(pg)
    assert main(["migrate", "--from", str(tmp_path / "tidak-ada.sqlite"), "--to", url]) == 2
    assert "tidak ada" in capsys.readouterr().err


@pytest.fixture(autouse=True)
def _no_first_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PETA_USER", raising=False)
