"""Shared fixtures: the real Kota Metro area, loaded once per test session."""

from __future__ import annotations

import pytest

from geo.area import Area, load_area


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--online", action="store_true", help="run tests that need the internet")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--online"):
        return
    skip = pytest.mark.skip(reason="needs the internet (use --online)")
    for item in items:
        if "online" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def area() -> Area:
    return load_area()


@pytest.fixture(autouse=True)
def _private_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test writes to its own store file, never the user's."""
    monkeypatch.setenv("PETA_DB", str(tmp_path_factory.mktemp("db") / "operasi.sqlite"))


# ------------------------------------------------------------------------------------------
# the store on both engines: SQLite (a file) and a real PostgreSQL + PostGIS server


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL 15 + PostGIS server on a unix socket in a temp dir, with a migrated
    template database; skipped only where PostgreSQL is not installed and not required."""
    import os

    from _pg_server import PgServer, bindir, postgis_installed

    if bindir() is None or not postgis_installed():
        if os.environ.get("PETA_TEST_PG") == "required":
            pytest.fail("PostgreSQL 15 + PostGIS required (scripts/test.sh installs them)")
        pytest.skip("PostgreSQL 15 + PostGIS not installed (scripts/test.sh installs them)")
    server = PgServer().start()
    try:
        from plan import _pg
        from plan.store import Store

        template = server.new_database()
        Store(template)
        _pg.close_engine(template)
        server.template = template.split("@/", 1)[1].split("?")[0]
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_path(request: pytest.FixtureRequest, tmp_path):
    """Where a test's store lives: a fresh SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield tmp_path / "operasi.sqlite"
        return
    from plan import _pg

    server = request.getfixturevalue("pg_server")
    url = server.new_database(template=server.template)
    yield url
    _pg.close_engine(url)


@pytest.fixture
def signed_in_app():
    """Factory ``(role="admin", default_timeout=120) -> AppTest`` of ``app.py``, signed in.

    Every page needs a signed-in user: the session is signed in as a saved user of that role in
    the test's own store, made with a random password (``tests/_signin.py``).
    """
    from _signin import app_test

    return app_test
