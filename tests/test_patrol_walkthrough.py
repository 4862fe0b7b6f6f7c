"""Walk-through points of the patrol page (issue 10): TPS as stops, search, far stops left out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _signin import open_page
from _tps_sample import tps_csv
from streamlit.testing.v1 import AppTest

from geo.area import Area
from geo.imports import read_tps
from i18n import t
from plan import operation as op
from plan.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def page() -> AppTest:
    at = open_page("views/patrol.py", default_timeout=90)
    assert not at.exception, at.exception
    return at


def _options(at: AppTest) -> list[str]:
    return list(at.multiselect(key="pat_stops").options)


def test_no_located_tps_is_said_with_the_count(page: AppTest) -> None:
    assert t("patrol.tps.none", n=462) in [c.value for c in page.caption]


def test_uploaded_tps_are_offered_as_stops(area: Area) -> None:
    store = Store(os.environ["PETA_DB"])
    default = op.ensure_default_operation(store, area.places)
    op.save_tps(store, default.id, read_tps(area, tps_csv(area).encode(), filename="t.csv").valid)
    at = open_page("views/patrol.py", default_timeout=90)
    options = _options(at)
    assert sum(o.startswith("TPS 0") for o in options) == 22
    at.multiselect(key="pat_stops").set_value(["tps:001", "tps:005"]).run()
    assert not at.exception and not at.error
    assert at.metric  # a loop was planned through the two TPS


def test_search_narrows_the_stops(page: AppTest) -> None:
    page.text_input(key="pat_search").set_value("lapangan").run()
    options = _options(page)
    assert options and all("lapangan" in o.casefold() for o in options), options


def test_a_stop_far_from_roads_is_left_out_with_a_note(page: AppTest) -> None:
    page.multiselect(key="pat_stops").set_value(["place:P216", "place:P008", "place:P010"]).run()
    assert not page.exception and not page.error
    warnings = [w.value for w in page.warning]
    assert any("CCTV Dam Raman , Purwo Asri" in w and "652 m" in w for w in warnings), warnings
    assert t("patrol.covered") not in [m.label for m in page.metric]
    assert page.metric  # the loop through the other two stops
