"""Every page's map, in headless Chromium: its own layers drawn, no script error, nothing external.

One test per page (area map, coverage, escort, patrol, briefing). A map is drawn when the
served base layers have arrived (``window.__petaPending == 0``) and the page's own layers are on
the Leaflet map; a script error in the map frame (e.g. ``L.polyline.antPath is not a
function``) fails the test.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

LAYERS_JS = """el => {
    const map = Object.values(window).find(v => v && v._container === el && v.eachLayer);
    const out = {lines: 0, polys: 0, markers: 0, circles: 0, ants: 0, colours: {},
                 pending: window.__petaPending || 0, loading: !!el.querySelector('.peta-loading')};
    map.eachLayer(l => {
        if (L.Polyline.AntPath && l instanceof L.Polyline.AntPath) out.ants++;
        if (l instanceof L.Polygon) out.polys++;
        else if (l instanceof L.Polyline) {
            out.lines++;
            out.colours[l.options.color] = (out.colours[l.options.color] || 0) + 1;
        } else if (l instanceof L.CircleMarker) out.circles++;
        else if (l instanceof L.Marker) out.markers++;
    });
    return out;
}"""


def _drawn(page: Page, url: str, name: str) -> dict:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    wait_for_app(page)
    container = page.frame_locator(MAP_FRAME).first.locator("#map_div")
    expect(container).to_be_visible(timeout=90_000)
    frame = page.frame_locator(MAP_FRAME).first
    # the served layers arrive, then the loading notice goes away
    panes = frame.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane svg")
    expect(panes.first).to_be_attached(timeout=60_000)
    page.wait_for_function(
        "() => { const f = [...document.querySelectorAll('iframe')].find(i =>"
        " i.title === 'streamlit_folium.st_folium'); const w = f && f.contentWindow;"
        " return w && w.map && w.__petaPending === 0; }",
        timeout=60_000,
    )
    expect(frame.locator(".peta-loading")).to_have_count(0)
    page.wait_for_timeout(800)
    counts = container.evaluate(LAYERS_JS)
    screenshot(page, f"drawn_{name}")
    assert not errors, errors
    return counts


@pytest.fixture
def app_page(app_server: dict, offline_page) -> tuple[Page, list[str], str]:
    page, problems = offline_page
    return page, problems, app_server["url"]


def test_area_map_draws_roads_boundaries_and_places(app_page) -> None:
    page, problems, url = app_page
    counts = _drawn(page, f"{url}/", "map")
    assert counts["lines"] > 1500, counts  # 2 086 roads + rivers
    assert counts["polys"] >= 28, counts  # kota, kecamatan, kelurahan, settlements
    assert counts["markers"] >= 10, counts  # police, venues, KPU, hospitals, labels
    assert page.frame_locator(MAP_FRAME).locator(".beautify-marker").count() >= 10
    assert problems == []


def test_coverage_map_draws_time_bands_and_posts(app_page) -> None:
    page, problems, url = app_page
    counts = _drawn(page, f"{url}/cakupan", "coverage")
    banded = [c for c, n in counts["colours"].items() if n >= 50]
    assert len(banded) >= 3, counts  # the roads recoloured by 5, 10, 15 minutes and beyond
    assert counts["circles"] >= 6, counts  # Polres and the five Polsek, venues
    assert problems == []


def test_escort_map_draws_the_route_animated(app_page) -> None:
    page, problems, url = app_page
    counts = _drawn(page, f"{url}/pengawalan", "escort")
    assert counts["ants"] >= 1, counts
    assert counts["lines"] > 1500, counts
    assert problems == []


def test_patrol_map_draws_the_patrol(app_page) -> None:
    page, problems, url = app_page
    counts = _drawn(page, f"{url}/patroli", "patrol_empty")
    assert counts["lines"] > 1500, counts
    # choose two stops: the loop arrives through feature_group_to_add, after the map mounted,
    # so the AntPath plugin must have been loaded with the map
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    stops = page.locator("[data-testid='stMultiSelect']").filter(has_text="Titik singgah")
    for stop in ("Lapangan Garuda", "Stadion Tejosari"):
        stops.locator("input").click()
        stops.locator("input").fill(stop)  # the list is virtual: filter it first
        page.get_by_role("option", name=stop, exact=True).click()
        page.keyboard.press("Escape")
        wait_for_app(page)
    container = page.frame_locator(MAP_FRAME).first.locator("#map_div")
    page.wait_for_function(
        "() => { const f = [...document.querySelectorAll('iframe')].find(i =>"
        " i.title === 'streamlit_folium.st_folium'); const w = f && f.contentWindow;"
        " if (!w || !w.map || !w.L.Polyline.AntPath) return false; let n = 0;"
        " w.map.eachLayer(l => { if (l instanceof w.L.Polyline.AntPath) n++; }); return n > 0; }",
        timeout=60_000,
    )
    counts = container.evaluate(LAYERS_JS)
    page.wait_for_timeout(1000)
    screenshot(page, "drawn_patrol")
    assert counts["ants"] >= 1, counts  # the loop, animated
    assert not errors, errors
    assert problems == []


def test_briefing_map_draws_its_layers(app_page) -> None:
    page, problems, url = app_page
    counts = _drawn(page, f"{url}/briefing", "briefing")
    assert counts["lines"] > 1500, counts
    assert counts["circles"] + counts["markers"] >= 6, counts  # posts and venues
    assert problems == []
