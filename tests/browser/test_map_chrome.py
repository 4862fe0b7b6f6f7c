"""Map chrome in headless Chromium: scale bar in metres only, kelurahan names by zoom."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

CLEAR = """el => {
    const c = el.getBoundingClientRect();
    const rel = r => ({l: r.left - c.left, t: r.top - c.top, r: r.right - c.left, b: r.bottom - c.top});
    const pane = el.querySelector('.leaflet-marker-pane');
    const names = [...pane.querySelectorAll('.peta-label')]
        .filter(l => l.style.visibility !== 'hidden' && getComputedStyle(l).display !== 'none')
        .map(l => { const g = document.createRange(); g.selectNodeContents(l.firstElementChild || l);
                    return Object.assign(rel(g.getBoundingClientRect()), {text: l.textContent}); })
        .filter(x => x.r > x.l);
    const pins = [...pane.children].filter(e => !e.classList.contains('peta-label'))
        .map(e => rel((e.firstElementChild || e).getBoundingClientRect()))
        .map(x => { const i = (x.b - x.t) * 0.15; return {l: x.l + i, t: x.t + i, r: x.r - i, b: x.b - i}; });
    const hit = (a, b) => a.l + 1 < b.r && a.r > b.l + 1 && a.t + 1 < b.b && a.b > b.t + 1;
    const clashes = [];
    names.forEach((a, i) => {
        names.slice(i + 1).forEach(b => { if (hit(a, b)) clashes.push([a.text, b.text]); });
        pins.forEach(p => { if (hit(a, p)) clashes.push([a.text, 'marker']); });
    });
    return {names: names.map(x => x.text), pins: pins.length, clashes};
}"""

DISPLAY = """(el, level) => Array.from(el.querySelectorAll('.peta-label-' + level))
    .map(d => getComputedStyle(d).display)"""


def test_scale_in_metres_and_kelurahan_names_only_zoomed_in(app_server: dict, offline_page) -> None:
    page, problems = offline_page
    page.goto(app_server["url"])
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME)
    container = frame.locator("#map_div")
    expect(container).to_be_visible(timeout=60_000)
    scales = frame.locator(".leaflet-control-scale-line")
    expect(scales.first).to_be_visible()
    assert scales.count() == 1  # metric only: no second (feet/miles) line
    assert scales.first.inner_text().strip().endswith(("m", "km"))
    expect(frame.locator(".peta-label-kelurahan").first).to_be_attached(timeout=30_000)
    # city scale: kelurahan names (which would sit under the markers) hidden, kecamatan shown
    assert set(container.evaluate(DISPLAY, "kelurahan")) == {"none"}
    kecamatan = container.evaluate(DISPLAY, "kecamatan")
    assert len(kecamatan) == 5 and "none" not in kecamatan
    # no name covers another or a place marker, and every kecamatan keeps its name (moved off
    # a marker where it had to be: issue 10, item 15)
    page.wait_for_timeout(800)
    clear = container.evaluate(CLEAR)
    assert clear["pins"] >= 10 and clear["clashes"] == [], clear
    assert {"Metro Utara", "Metro Pusat", "Metro Barat", "Metro Timur", "Metro Selatan"} <= set(
        clear["names"]
    ), clear
    container.evaluate(
        """el => { const map = Object.values(window).find(v => v && v._container === el && v.eachLayer);
                   map.setZoom(15, {animate: false}); }"""
    )
    page.wait_for_timeout(500)
    assert "none" not in set(container.evaluate(DISPLAY, "kelurahan"))
    screenshot(page, "map_chrome_zoomed")
    assert problems == []
