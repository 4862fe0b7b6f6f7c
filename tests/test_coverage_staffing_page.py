"""The commander's personnel tab on the real Pemilu 2024 TPS counts (AppTest, no upload)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _signin import open_page
from _tps_sample import tps_csv
from streamlit.testing.v1 import AppTest

from geo.area import Area
from i18n import t

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def page() -> AppTest:
    at = open_page("views/coverage/page.py", default_timeout=90)
    assert not at.exception, at.exception
    return at


def _frame_with(at: AppTest, *columns: str):
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_staffing_works_on_election_day_without_an_upload(page: AppTest) -> None:
    metrics = {m.label: m.value for m in page.metric}
    assert metrics[t("cov.staff.total")] == "565"
    assert metrics[t("cov.staff.tps_required")] == "80"  # 462 counted TPS at the default pattern
    captions = " ".join(c.value for c in page.caption)
    assert "462 TPS Pemilu 2024" in captions and "462 belum berposisi" in captions
    polsek = _frame_with(page, t("cov.col.polsek"))
    assert list(polsek[t("cov.col.polsek")]) == [
        "Polsek Metro Barat", "Polsek Metro Pusat", "Polsek Metro Selatan",
        "Polsek Metro Timur", "Polsek Metro Utara",
    ]  # fmt: skip
    assert int(polsek["TPS"].sum()) == 462
    assert int(polsek[t("cov.staff.required")].sum()) == 80
    kel = _frame_with(page, t("cov.col.kecamatan"), t("cov.staff.missing"))
    assert len(kel) == 22 and int(kel[t("cov.staff.missing")].sum()) == 462
    # the pattern editor shows tier labels, not codes
    editor = _frame_with(page, t("cov.staff.police"), t("cov.staff.per_tps"))
    assert list(editor.iloc[:, 0]) == ["Kurang rawan", "Rawan", "Sangat rawan", "Khusus"]


def test_uploaded_tps_refine_the_counts(page: AppTest, area: Area) -> None:
    page.file_uploader(key="cov_tps_upload").set_value(
        ("tps.csv", tps_csv(area).encode(), "text/csv")
    )
    page.run()
    next(b for b in page.button if b.label == t("cov.tps.save", n=22)).click().run()
    assert not page.exception
    kel = _frame_with(page, t("cov.col.kecamatan"), t("cov.staff.missing"))
    assert int(kel[t("cov.staff.positioned")].sum()) == 22
    assert int(kel[t("cov.staff.missing")].sum()) == 462 - 22
    captions = " ".join(c.value for c in page.caption)
    assert "22 berposisi" in captions and "440 belum berposisi" in captions


def test_a_stricter_pattern_and_tier_show_the_shortfall(page: AppTest) -> None:
    page.selectbox(key="cov_default_risk").set_value("sangat_rawan")
    next(n for n in page.number_input if n.label == t("cov.staff.own")).set_value(400)
    save = next(b for b in page.button if b.label == t("cov.save") and "strength" in b.form_id)
    save.click().run()
    assert not page.exception
    metrics = {m.label: m.value for m in page.metric}
    # 460 regular TPS at 2 police per 2 TPS, and the two TPS khusus at 2 per TPS
    assert metrics[t("cov.staff.tps_required")] == "476"
    assert metrics[t("cov.staff.total")] == "400"
    assert [e.value for e in page.error] == [t("cov.staff.short", n=76)]
