"""``python -m cli devices``: register, list, refuse twice, read the password from stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from plan import users
from plan.store import Store

ROOT = Path(__file__).resolve().parents[1]


PASSWORD = "sandi-operator-uji"


def cli(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PETA_USER": "operator", "PETA_PASSWORD": PASSWORD}  # a pimpinan
    return subprocess.run(
        [sys.executable, "-m", "cli", "devices", *args, "--db", str(db)],
        cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def test_devices_add_list_refused(tmp_path: Path) -> None:
    db = tmp_path / "op.sqlite"
    users.add_user(Store(db), "operator", "pimpinan", PASSWORD)
    out = cli(db, "add", "--unit", "R2-01", "--device", "863071016800770", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["added"] == {
        "device": "863071016800770", "unit": "R2-01", "password": False, "label": ""
    }  # fmt: skip
    out = cli(db, "add", "--unit", "R2-02", "--device", "budi/hp", "--password", "--json",
              stdin="rahasia-1\n")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["added"]["password"] is True
    files = [p for p in tmp_path.iterdir() if p.name.startswith("op.sqlite")]  # with the WAL
    assert all(b"rahasia-1" not in p.read_bytes() for p in files)  # only the argon2 hash
    hashed = cli(db, "list", "--json")
    assert hashed.returncode == 0
    again = cli(db, "add", "--unit", "R2-03", "--device", "budi/hp")
    assert again.returncode == 2
    assert again.stderr.startswith("galat: ") and again.stderr.count("\n") == 1
    listed = json.loads(cli(db, "list", "--json").stdout)["devices"]
    assert [(d["device"], d["unit"]) for d in listed] == [
        ("863071016800770", "R2-01"),
        ("budi/hp", "R2-02"),
    ]
    assert json.loads(cli(db, "refused", "--json").stdout) == {"refused": []}
    bad = cli(db, "add", "--unit", "R2-04")
    assert bad.returncode == 2 and "--device" in bad.stderr
    users.add_user(Store(db), "layar", "briefing", PASSWORD)  # a briefing user is refused
    env = {**os.environ, "PETA_USER": "layar", "PETA_PASSWORD": PASSWORD}
    refused = subprocess.run(
        [sys.executable, "-m", "cli", "devices", "add", "--unit", "R2-05", "--device", "x1",
         "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert refused.returncode == 2 and "briefing tidak boleh" in refused.stderr
