"""A real PostgreSQL 15 + PostGIS server for tests and benchmarks, in a temporary folder.

``initdb`` into a fresh directory, the server listening only on a unix socket there (and
optionally 127.0.0.1 on a free port), stopped and removed at the end. PostgreSQL refuses to
run as root, so as root the server runs as the ``postgres`` OS user (``runuser``).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

_BINDIRS = ("/usr/lib/postgresql/15/bin",)


def bindir() -> Path | None:
    """The PostgreSQL 15 programs, or None when the server is not installed."""
    for d in _BINDIRS:
        if (Path(d) / "postgres").exists() and (Path(d) / "initdb").exists():
            return Path(d)
    return None


def postgis_installed() -> bool:
    """True when PostGIS 3 for PostgreSQL 15 is installed."""
    return Path("/usr/share/postgresql/15/extension/postgis.control").exists()


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One throw-away cluster: ``start()``, ``url(db)``, ``new_database()``, ``stop()``.

    Parameters
    ----------
    tcp
        Also listen on 127.0.0.1 (``port``) besides the unix socket.
    durable
        Keep ``fsync`` on (benchmarks); tests turn it off for speed.
    """

    def __init__(self, *, tcp: bool = False, durable: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="peta-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.tcp = tcp
        self.durable = durable
        self._names = itertools.count(1)
        self._as_postgres = os.geteuid() == 0
        self.user = "postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> PgServer:
        """initdb and start; returns self once it accepts connections."""
        bin_ = bindir()
        if bin_ is None:
            raise RuntimeError("PostgreSQL 15 is not installed (apt-get install postgresql-15)")
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
        self.root.chmod(0o755)
        self._run(
            str(bin_ / "initdb"), "-D", str(self.data), "-U", self.user, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = [
            f"-k {self.root}",
            f"-p {self.port}",
            "-c listen_addresses=" + ("127.0.0.1" if self.tcp else "''"),
            "-c max_connections=200",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._options = " ".join(options)
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action: str) -> None:
        bin_ = bindir()
        assert bin_ is not None
        self._run(
            str(bin_ / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-o", self._options, "-m", "fast", "-w", "-t", "60", action,
        )  # fmt: skip

    def restart(self) -> None:
        """Stop the server (fast: connections dropped) and start it again."""
        self._pg_ctl("stop")
        self._pg_ctl("start")

    def url(self, db: str = "postgres", *, tcp: bool = False) -> str:
        """Connection URL of a database (unix socket, or 127.0.0.1 with ``tcp``)."""
        if tcp:
            return f"postgresql://{self.user}@127.0.0.1:{self.port}/{db}"
        return f"postgresql://{self.user}@/{db}?host={self.root}&port={self.port}"

    def new_database(self, *, template: str | None = None) -> str:
        """Create an empty database (or a copy of ``template``); returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            extra = f" TEMPLATE {template}" if template else ""
            conn.execute(f"CREATE DATABASE {name}{extra}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        bin_ = bindir()
        if bin_ is not None and (self.data / "postmaster.pid").exists():
            try:
                self._run(str(bin_ / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
            except subprocess.CalledProcessError:
                time.sleep(0.5)
        shutil.rmtree(self.root, ignore_errors=True)
