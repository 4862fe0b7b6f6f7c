"""The commander's coverage page and the escort planner in headless Chromium, offline."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, open_from_sidebar, screenshot

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

COUNT_LAYERS = """el => {
    const map = Object.values(window).find(v => v && v._container === el && v.eachLayer);
    let lines = 0, dashed = 0, ants = 0;
    const colours = {};
    map.eachLayer(l => {
        if (l instanceof L.Polyline && !(l instanceof L.Polygon)) {
            const ll = l.getLatLngs();
            const parts = Array.isArray(ll[0]) ? ll.length : 1;
            lines += parts;
            colours[l.options.color] = (colours[l.options.color] || 0) + parts;
            if (l.options.dashArray) dashed++;
        }
        if (L.Polyline.AntPath && l instanceof L.Polyline.AntPath) ants++;
    });
    return {lines, dashed, ants, colours};
}"""


def test_commander_page_shows_coverage_and_live_units(app_server: dict, offline_page) -> None:
    page, problems = offline_page
    open_from_sidebar(page, app_server["url"], "Peta Cakupan")
    frame = page.frame_locator(MAP_FRAME).first  # the live map (the replay tab has its own)
    container = frame.locator("#map_div")
    expect(container).to_be_visible(timeout=90_000)
    counts = container.evaluate(COUNT_LAYERS)
    assert counts["lines"] > 1500, counts  # every road, coloured by its time band
    banded = [c for c, n in counts["colours"].items() if n >= 50]
    assert len(banded) >= 3, counts  # 5, 10, 15 minutes and beyond
    # the figures: road share per cutoff, venues covered
    expect(page.get_by_text("%").first).to_be_visible()
    unit_labels = """el => {
            const map = Object.values(window).find(v => v && v._container === el && v.eachLayer);
            const out = [];
            map.eachLayer(l => { if (l.feature && l.feature.properties.label)
                out.push(String(l.feature.properties.label)); });
            return out;
        }"""
    # other browser tests share this store and may have placed their own units
    before = container.evaluate(unit_labels)
    assert not any("R2-11" in x or "R4-12" in x for x in before), before

    # a radio room ingests a positions file through the command line, into the same store
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    csv = ROOT / "tests" / "artifacts" / "posisi_browser.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    csv.write_text(
        "unit_id,time,lat,lon,status\n"
        f"R2-11,{now},-5.1130,105.3068,tersedia\n"
        f"R4-12,{now},-5.1400,105.3100,tersedia\n",
        encoding="utf-8",
    )
    name, password = app_server["users"]["pimpinan"]  # the command line acts as a named user
    subprocess.run(
        [sys.executable, "-m", "cli", "positions", str(csv), "--db", str(app_server["db"]),
         "--user", name],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
        env={**os.environ, "PETA_PASSWORD": password},
    )  # fmt: skip
    # the page refreshes itself (st.fragment run_every) and draws the two units
    expect(frame.locator(".peta-unit").first).to_be_visible(timeout=45_000)
    expect(frame.locator(".peta-unit").first).to_be_visible(timeout=45_000)
    for _ in range(90):  # within the refresh interval, however many units were there before
        labels = container.evaluate(unit_labels)
        if any("R2-11" in x for x in labels) and any("R4-12" in x for x in labels):
            break
        page.wait_for_timeout(500)
    assert any("R2-11" in x for x in labels) and any("R4-12" in x for x in labels), labels
    page.wait_for_timeout(1000)
    screenshot(page, "coverage_page")
    assert problems == []


def test_escort_page_shows_route_alternatives_sheet_and_havens(
    app_server: dict, offline_page
) -> None:
    page, problems = offline_page
    open_from_sidebar(page, app_server["url"], "Pengawalan")
    container = page.frame_locator(MAP_FRAME).locator("#map_div")
    expect(container).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Perbandingan rute", exact=True)).to_be_visible(timeout=60_000)
    page.wait_for_timeout(3000)
    screenshot(page, "escort_page")
    counts = container.evaluate(COUNT_LAYERS)
    assert counts["ants"] >= 1, counts  # the main route, animated
    assert counts["dashed"] >= 2, counts  # the alternatives (dashed)
    expect(page.get_by_text("Perbandingan rute", exact=True)).to_be_visible()
    expect(page.get_by_text("Lembar rute", exact=True)).to_be_visible()
    page.get_by_role("tab", name="Tempat aman").click()
    expect(
        page.get_by_role("tabpanel", name="Tempat aman")
        .locator("[data-testid='stDataFrame']")
        .first
    ).to_be_visible()
    container.scroll_into_view_if_needed()
    screenshot(page, "escort_page")
    assert problems == []


def test_a_post_named_like_html_is_drawn_as_its_name(app_server: dict, offline_page) -> None:
    """Posts travel as JSON data that peta-layers.js puts on the map as text, never as HTML."""
    from geo.area import load_area
    from plan import operation as op
    from plan.store import Store

    page, problems = offline_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    store = Store(app_server["db"])
    default = op.ensure_default_operation(store, load_area("metro").places)
    name = '<img src=x onerror="alert(1)"><b>Pos</b>'
    post = op.add_post(store, default.id, name=name, kind="pos_pengamanan",
                       lon=105.3068, lat=-5.1130)  # fmt: skip
    try:
        open_from_sidebar(page, app_server["url"], "Peta Cakupan")
        frame = page.frame_locator(MAP_FRAME).first
        label = frame.locator(".peta-label", has_text="onerror")
        expect(label).to_have_count(1, timeout=90_000)
        assert label.text_content() == name  # the name itself, as text (shown or decluttered)
        assert frame.locator(".peta-label img, .peta-label b").count() == 0
        expect(frame.locator(".peta-label", has_text="Polsek Metro Utara")).to_have_count(1)
        page.wait_for_timeout(500)
        assert dialogs == [] and problems == []
    finally:
        op.delete_post(store, post)
