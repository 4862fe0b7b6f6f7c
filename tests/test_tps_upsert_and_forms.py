"""TPS uploads correct saved TPS (upsert by code); post forms refuse nonsense with a message."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
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


def _store() -> Store:
    return Store(os.environ["PETA_DB"])


def _first(area: Area, n: int, *, tier: str | None = None) -> bytes:
    lines = tps_csv(area).splitlines()
    rows = lines[1 : n + 1]
    if tier is not None:
        rows = [",".join([*r.split(",")[:3], tier, *r.split(",")[4:]]) for r in rows]
    return ("\n".join([lines[0], *rows]) + "\n").encode()


def test_save_tps_adds_then_corrects(area: Area) -> None:
    store = _store()
    data = op.ensure_default_operation(store, area.places)
    first = read_tps(area, _first(area, 10), filename="tps.csv")
    saved = op.save_tps(store, data.id, first.valid)
    assert (saved.added, saved.updated, saved.saved) == (10, 0, 10)
    corrected = read_tps(area, _first(area, 12, tier="sangat rawan"), filename="tps.csv")
    assert len(corrected.valid) == 12 and corrected.rejected.empty  # saved codes are not rejected
    again = op.save_tps(store, data.id, corrected.valid)
    assert (again.added, again.updated) == (2, 10)
    tps = op.load_operation(store, data.id).tps
    assert len(tps) == 12 and {x.risk for x in tps} == {"sangat_rawan"}
    # all or nothing: a code twice in one frame saves nothing
    twice = pd.concat([corrected.valid.head(1), corrected.valid.head(1)])
    before = op.revision(store, data.id)
    with pytest.raises(op.PlanError, match="lebih dari sekali"):
        op.save_tps(store, data.id, twice)
    assert op.revision(store, data.id) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Nama pos wajib diisi"),
        ({"personnel": -5}, "tidak boleh negatif"),
        ({"personnel": 99999}, "tidak masuk akal"),
        ({"readiness_min": 99999}, "Waktu kesiapan 99999 menit tidak masuk akal"),
        ({"readiness_min": -1}, "tidak boleh negatif"),
    ],
)
def test_post_fields_are_checked_before_saving(area: Area, changes: dict, message: str) -> None:
    store = _store()
    data = op.load_operation(store, op.ensure_default_operation(store, area.places).id)
    post = data.posts[0]
    fields = {"name": post.name, "kind": post.kind, "personnel": post.personnel,
              "profile": post.profile, "readiness_min": post.readiness_min}  # fmt: skip
    with pytest.raises(op.PlanError, match=message):
        op.update_post(store, post.id, **{**fields, **changes})
    assert op.load_operation(store, data.operation.id).posts[0] == post  # nothing saved
    with pytest.raises(op.PlanError, match=message):
        op.add_post(store, data.operation.id, lon=post.lon, lat=post.lat, **{**fields, **changes})
    assert len(op.load_operation(store, data.operation.id).posts) == len(data.posts)


@pytest.fixture
def page() -> AppTest:
    at = open_page("views/coverage/page.py", default_timeout=90)
    assert not at.exception, at.exception
    return at


def test_page_reupload_says_saved_not_rejected(page: AppTest, area: Area) -> None:
    page.file_uploader(key="cov_tps_upload").set_value(("tps.csv", _first(area, 10), "text/csv"))
    page.run()
    next(b for b in page.button if b.label == t("cov.tps.save", n=10)).click().run()
    assert not page.exception
    assert t("cov.tps.saved", n=10, bad=0, new=10, updated=0) in [s.value for s in page.success]
    # the corrected file again: the same ten codes are updated, none rejected
    corrected = _first(area, 10, tier="khusus")
    page.file_uploader(key="cov_tps_upload").set_value(("tps2.csv", corrected, "text/csv"))
    page.run()
    assert t("cov.tps.will_update", n=10) in [c.value for c in page.caption]
    next(b for b in page.button if b.label == t("cov.tps.save", n=10)).click().run()
    assert t("cov.tps.saved", n=10, bad=0, new=0, updated=10) in [s.value for s in page.success]
    assert t("cov.tps.saved", n=10, bad=0, new=0, updated=10).startswith("10 disimpan, 0 ditolak")
    tps = op.load_operation(_store(), 1).tps
    assert len(tps) == 10 and {x.risk for x in tps} == {"khusus"}


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("cov.col.personnel", -5, "tidak boleh negatif"),
        ("cov.col.readiness", 99999.0, "tidak masuk akal"),
    ],
)
def test_page_post_form_refuses_nonsense(page: AppTest, label: str, value: float,
                                         message: str) -> None:  # fmt: skip
    store = _store()
    before = op.load_operation(store, 1).posts[0]
    form = f"cov_post_form_{before.id}"
    field = next(n for n in page.number_input if n.label == t(label) and n.form_id == form)
    field.set_value(value)
    next(b for b in page.button if b.label == t("cov.save") and b.form_id == form).click().run()
    assert not page.exception
    assert any(message in e.value for e in page.error), [e.value for e in page.error]
    assert op.load_operation(store, 1).posts[0] == before


def test_page_empty_post_name_is_refused(page: AppTest) -> None:
    store = _store()
    before = op.load_operation(store, 1).posts[0]
    form = f"cov_post_form_{before.id}"
    next(x for x in page.text_input if x.label == t("cov.col.name") and x.form_id == form).set_value("")
    next(b for b in page.button if b.label == t("cov.save") and b.form_id == form).click().run()
    assert any("Nama pos wajib diisi" in e.value for e in page.error)
    assert op.load_operation(store, 1).posts[0] == before
