"""Map chrome in headless Chromium: scale bar in metres only, kelurahan names by zoom."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

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
    container.evaluate(
        """el => { const map = Object.values(window).find(v => v && v._container === el && v.eachLayer);
                   map.setZoom(15, {animate: false}); }"""
    )
    page.wait_for_timeout(500)
    assert "none" not in set(container.evaluate(DISPLAY, "kelurahan"))
    screenshot(page, "map_chrome_zoomed")
    assert problems == []
