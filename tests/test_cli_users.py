"""The command line acts as a named user and manages users (``python -m cli users …``)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from plan import audit, users
from plan.store import Store

ROOT = Path(__file__).resolve().parents[1]
ADMIN_PW = "sandi-admin-uji-1"


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, argv: list[str], stdin: str = ""
) -> tuple[int, dict | None, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:
    path = tmp_path / "operasi.sqlite"
    monkeypatch.setenv("PETA_DB", str(path))
    monkeypatch.delenv("PETA_PASSWORD", raising=False)
    monkeypatch.delenv("PETA_USER", raising=False)
    code, out, _ = _run(
        monkeypatch,
        capsys,
        ["users", "add", "--name", "kepala", "--role", "admin"],
        ADMIN_PW + "\n",
    )
    assert code == 0 and out["added"]["role"] == "admin" and out["by"] == "(sistem)"
    return path


def test_add_list_disable(db: Path, monkeypatch, capsys) -> None:
    code, out, _ = _run(
        monkeypatch, capsys,
        ["users", "add", "--name", "layar1", "--role", "briefing", "--user", "kepala"],
        f"{ADMIN_PW}\nsandi-layar-uji-2\n",
    )  # fmt: skip
    assert code == 0 and out["by"] == "kepala" and out["added"]["name"] == "layar1"
    code, out, _ = _run(monkeypatch, capsys, ["users", "list"])
    assert [(u["name"], u["role"], u["active"]) for u in out["users"]] == [
        ("kepala", "admin", True),
        ("layar1", "briefing", True),
    ]
    monkeypatch.setenv("PETA_PASSWORD", ADMIN_PW)  # the acting password from the environment
    code, out, _ = _run(monkeypatch, capsys, ["users", "disable", "layar1", "--user", "kepala"])
    assert code == 0 and out["disable"]["active"] is False
    store = Store(db)
    with pytest.raises(users.SignInError, match="dinonaktifkan"):
        users.authenticate(store, "layar1", "sandi-layar-uji-2")
    names = [(e.actor, e.action) for e in audit.list_entries(store, action="user.")]
    assert ("kepala", "user.disable") in names and ("kepala", "user.add") in names


def test_only_admin_manages_users_and_errors_are_one_line(db: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PETA_PASSWORD", ADMIN_PW)
    assert _run(monkeypatch, capsys,
                ["users", "add", "--name", "bos", "--role", "pimpinan", "--user", "kepala"],
                "sandi-bos-uji-3\n")[0] == 0  # fmt: skip
    monkeypatch.setenv("PETA_PASSWORD", "sandi-bos-uji-3")
    cases = [
        (["users", "add", "--name", "x2", "--role", "admin", "--user", "bos"], "sandi-x2-uji-4\n",
         "pimpinan tidak boleh mengubah pengguna"),
        (["users", "add", "--name", "x3", "--role", "briefing"], "sandi-x3-uji-5\n", "--user"),
        (["users", "disable", "kepala", "--user", "bos"], "", "tidak boleh"),
        (["users", "add", "--name", "x4", "--role", "briefing", "--user", "bos"], "pendek\n",
         "Kata sandi terlalu pendek"),
        (["users", "disable", "tidak-ada", "--user", "kepala"], "", "salah"),
    ]  # fmt: skip
    for argv, stdin, expected in cases:
        code, out, err = _run(monkeypatch, capsys, argv, stdin)
        assert code == 2 and out is None, argv
        assert err.startswith("galat: ") and err.count("\n") == 1 and expected in err, err
    assert [u.name for u in users.list_users(Store(db))] == ["bos", "kepala"]


def test_first_user_must_be_admin(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PETA_DB", str(tmp_path / "kosong.sqlite"))
    code, _, err = _run(
        monkeypatch,
        capsys,
        ["users", "add", "--name", "a1", "--role", "briefing"],
        "sandi-a1-uji-6\n",
    )
    assert code == 2 and "harus berperan admin" in err


def test_commands_act_as_the_named_user(db: Path, monkeypatch, capsys, tmp_path: Path) -> None:
    monkeypatch.setenv("PETA_PASSWORD", ADMIN_PW)
    _run(monkeypatch, capsys,
         ["users", "add", "--name", "layar2", "--role", "briefing", "--user", "kepala"],
         "sandi-layar-uji-7\n")  # fmt: skip
    _run(monkeypatch, capsys,
         ["users", "add", "--name", "bos2", "--role", "pimpinan", "--user", "kepala"],
         "sandi-bos2-uji-8\n")  # fmt: skip
    monkeypatch.delenv("PETA_PASSWORD")
    csv = tmp_path / "posisi.csv"
    csv.write_text("unit_id,time,lon,lat\nR4-01,2026-12-01T08:00:00Z,105.3076,-5.1129\n")
    argv = ["positions", str(csv)]
    code, _, err = _run(monkeypatch, capsys, argv)
    assert code == 2 and "--user" in err  # nobody named: read only
    code, _, err = _run(monkeypatch, capsys, [*argv, "--user", "layar2"], "sandi-layar-uji-7\n")
    assert code == 2 and "briefing tidak boleh" in err
    code, _, err = _run(monkeypatch, capsys, [*argv, "--user", "bos2"], "salah-sandi-xx\n")
    assert code == 2 and err == "galat: Nama pengguna atau kata sandi salah.\n"
    code, out, _ = _run(monkeypatch, capsys, [*argv, "--user", "bos2"], "sandi-bos2-uji-8\n")
    assert code == 0 and out["accepted"] == 1
    entry = audit.list_entries(Store(db), action="positions.ingest")[0]
    assert entry.actor == "bos2"
    # reading needs no user
    code, out, _ = _run(monkeypatch, capsys, ["coverage", "--minutes", "5"])
    assert code == 0 and out["cutoffs"]


def test_users_command_end_to_end_through_stdin(tmp_path: Path) -> None:
    env = {**os.environ, "PETA_DB": str(tmp_path / "e2e.sqlite")}
    env.pop("PETA_PASSWORD", None)

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cli", *args], input=stdin, text=True,
                              capture_output=True, cwd=ROOT, env=env, timeout=120, check=False)  # fmt: skip

    first = cli("users", "add", "--name", "admin1", "--role", "admin", stdin="sandi-admin1-uji\n")
    assert first.returncode == 0, first.stderr
    second = cli("users", "add", "--name", "perencana1", "--role", "perencana", "--user", "admin1",
                 stdin="sandi-admin1-uji\nsandi-perencana1\n")  # fmt: skip
    assert second.returncode == 0, second.stderr
    listing = cli("users", "list")
    assert "perencana1" in listing.stdout and "argon2" not in listing.stdout
    bad = cli("users", "disable", "perencana1", "--user", "perencana1", stdin="sandi-perencana1\n")
    assert (
        bad.returncode == 2 and bad.stderr.startswith("galat: ") and "Traceback" not in bad.stderr
    )
