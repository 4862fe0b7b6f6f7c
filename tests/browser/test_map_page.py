"""The area map in headless Chromium with no internet: drawn, local assets only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def test_map_draws_roads_and_boundaries_offline(app_server: dict, offline_page) -> None:
    page, problems = offline_page
    page.goto(app_server["url"])
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator("#map_div")).to_be_visible(timeout=60_000)
    # roads and boundaries are canvas-rendered (prefer_canvas), so count drawn layers in Leaflet
    counts = frame.locator("#map_div").evaluate(
        """el => {
            const map = Object.values(window).find(v => v && v._container === el && v.eachLayer);
            let lines = 0, polys = 0;
            map.eachLayer(l => { if (l instanceof L.Polygon) polys++; else if (l instanceof L.Polyline) lines++; });
            return {lines, polys};
        }"""
    )
    assert counts["lines"] > 1500, counts  # 2 087 roads + rivers
    assert counts["polys"] >= 28, counts  # 1 kota + 5 kecamatan + 22 kelurahan (+ settlements)
    expect(frame.locator(".peta-legend")).to_be_visible()
    expect(frame.locator(".leaflet-control-scale")).to_be_visible()
    expect(frame.locator(".leaflet-control-minimap path").first).to_be_attached()  # offline minimap
    expect(
        frame.locator(".leaflet-control-zoom-fullscreen, .leaflet-control-fullscreen")
    ).to_have_count(1)
    page.wait_for_timeout(1500)
    screenshot(page, "map_page")
    assert frame.locator(".beautify-marker").count() >= 10  # police, venues, KPU, hospitals…
    expect(frame.locator(".leaflet-control-attribution")).to_contain_text(
        "Badan Informasi Geospasial"
    )
    assert problems == []


def test_click_tells_nearest_road_and_kelurahan(app_server: dict, offline_page) -> None:
    page, problems = offline_page
    page.goto(app_server["url"])
    wait_for_app(page)
    container = page.frame_locator(MAP_FRAME).locator("#map_div")
    expect(container).to_be_visible(timeout=60_000)
    box = container.bounding_box()
    # the middle of the city, away from the controls and the legend
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
    info = page.get_by_text("Jalan terdekat berjarak")
    expect(info).to_be_visible(timeout=30_000)
    assert "Kelurahan" in info.inner_text()
    screenshot(page, "map_click")
    assert problems == []
