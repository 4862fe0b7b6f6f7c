"""Walk-through points of the commander's page (issue 10): AppTest on the real data.

Typed cutoffs, a clicked post asks for its name and strength, the total assigned against 565 at
the top, a placed unit shows in "Unit & posisi", the incident answer beside the map, and typed
points in either coordinate order.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _signin import open_page
from streamlit.testing.v1 import AppTest

from i18n import t
from plan import operation as op
from plan.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def page() -> AppTest:
    at = open_page("views/coverage/page.py", default_timeout=90)
    assert not at.exception, at.exception
    return at


def _store() -> Store:
    return Store(os.environ["PETA_DB"])


def _apply(page: AppTest, text: str) -> None:
    page.text_input(key="cov_point").set_value(text)
    next(b for b in page.button if b.label == t("cov.point.apply")).click().run()
    assert not page.exception


def test_any_cutoff_in_minutes(page: AppTest) -> None:
    page.multiselect(key="cov_cutoffs").set_value([5, "7", "12,5"]).run()
    assert not page.exception
    metrics = {m.label for m in page.metric}
    assert t("cov.metric.road", m=7) in metrics and t("cov.metric.road", m=12.5) in metrics
    page.multiselect(key="cov_cutoffs").set_value([5, "tujuh", "500"]).run()
    assert any("tujuh" in w.value and "500" in w.value for w in page.warning)
    assert t("cov.metric.road", m=5) in {m.label for m in page.metric}


def test_strength_at_the_top(page: AppTest) -> None:
    top = t("cov.staff.top", assigned="0", total="565", own="565", bko="0", free="565")
    captions = [c.value for c in page.caption]
    assert any(c.startswith(top) and "6 dari 6 pos belum diisi" in c for c in captions), captions


def test_clicked_post_asks_for_its_name_and_strength(page: AppTest) -> None:
    page.radio(key="cov_mode").set_value("add_post").run()
    _apply(page, "-5.1130, 105.3068")
    assert any(t("cov.new_post.need_name") == e.value for e in page.error)
    assert len(op.load_operation(_store(), 1).posts) == 6  # nothing saved
    page.text_input(key="cov_new_post_name").set_value("Pos Pam Tugu Pena")
    page.number_input(key="cov_new_post_personnel").set_value(8)
    _apply(page, "105.3068, -5.1130")  # the other order: understood and said so
    assert any("dibaca sebagai bujur, lintang" in c.value for c in page.caption)
    new = op.load_operation(_store(), 1).posts[-1]
    assert (new.name, new.personnel, new.lat, new.lon) == ("Pos Pam Tugu Pena", 8, -5.113, 105.3068)
    top = t("cov.staff.top", assigned="8", total="565", own="565", bko="0", free="557")
    assert any(c.value.startswith(top) for c in page.caption)


def test_placed_unit_shows_in_units_tab(page: AppTest) -> None:
    assert any(t("cov.units.none") == c.value for c in page.caption)
    page.radio(key="cov_mode").set_value("place_unit").run()
    page.selectbox(key="cov_unit_pick").set_value("__new__").run()
    page.text_input(key="cov_new_unit").set_value("R4-07")
    _apply(page, "-5.1130, 105.3068")
    assert not any(t("cov.units.none") == c.value for c in page.caption)
    units = next(d.value for d in page.dataframe if t("cov.col.unit") in list(d.value.columns))
    assert "R4-07" in list(units[t("cov.col.unit")])


def test_incident_answer_beside_the_map(page: AppTest) -> None:
    page.radio(key="cov_mode").set_value("incident").run()
    assert any(t("cov.incident.hint") == i.value for i in page.info)
    _apply(page, "-5.1130, 105.3068")
    # the map and the answer are the two columns of one row
    row = next(c for c in page.columns if any(
        getattr(e, "value", None) == t("cov.incident.title") for e in c.subheader))  # fmt: skip
    assert row.weight < 0.5  # the narrow column beside the map
    assert page.success and "Polres Metro" in page.success[0].value
