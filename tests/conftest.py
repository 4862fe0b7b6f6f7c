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
