"""A phone's positions, posted over HTTP as Traccar Client posts them, move its unit on the open
coverage page and change the coverage figures, with no reload (headless Chromium, offline)."""

from __future__ import annotations

import time
import urllib.request
from datetime import UTC, datetime
from urllib.parse import urlencode

import numpy as np
import pytest
from playwright.sync_api import expect

from plan import devices as dv
from plan import operation as op
from plan.store import Store
from tests.browser.conftest import open_from_sidebar, screenshot

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
UNIT, DEVICE = "R2-LIVE", "863071016899001"

UNIT_AT = """(el, unit) => {
    const map = Object.values(window).find(v => v && v._container === el && v.eachLayer);
    let at = null;
    map.eachLayer(l => {
        if (l.feature && l.feature.properties.label === unit && l.getLatLng) {
            const p = l.getLatLng(); at = [p.lat, p.lng];
        }
    });
    return at;
}"""


def road_node(area, lon: float, lat: float) -> tuple[float, float]:
    """The road node of the main network nearest to a point (so the unit is on a road)."""
    nodes = [
        (d["x"], d["y"]) for n, d in area.graph.nodes(data=True) if area.graph.degree(n) >= 3
    ]
    xy = np.asarray(nodes)
    i = int(np.argmin(np.hypot(xy[:, 0] - lon, xy[:, 1] - lat)))
    return float(xy[i, 0]), float(xy[i, 1])


def post(url: str, lon: float, lat: float) -> int:
    query = urlencode(
        {"id": DEVICE, "timestamp": int(datetime.now(UTC).timestamp()), "lat": f"{lat:.6f}",
         "lon": f"{lon:.6f}", "speed": "12.0", "bearing": "90.0", "batt": "77.0"}
    )  # fmt: skip
    with urllib.request.urlopen(f"{url}/api/osmand?{query}", timeout=10) as resp:
        return resp.status


def metrics(page) -> str:
    return " | ".join(page.locator("[data-testid='stMetricValue']").all_inner_texts())


def test_posted_positions_move_the_unit_and_change_coverage(
    app_server: dict, offline_page, area
) -> None:
    page, problems = offline_page
    open_from_sidebar(page, app_server["url"], "Peta Cakupan")
    container = page.frame_locator(MAP_FRAME).locator("#map_div")
    expect(container).to_be_visible(timeout=90_000)
    expect(page.locator("[data-testid='stMetricValue']").first).to_be_visible(timeout=60_000)

    store = Store(app_server["db"])
    oid = op.get_operation(store, op.DEFAULT_OPERATION).id
    dv.add_device(store, oid, unit_id=UNIT, device_id=DEVICE, replace=True)
    page.evaluate("window.__notReloaded = true")
    before = metrics(page)

    # far north-west of the city, then far south-east: out of reach of the police posts
    first = road_node(area, 105.268, -5.062)
    second = road_node(area, 105.352, -5.172)
    assert post(app_server["url"], *first) == 200
    deadline = time.monotonic() + 45
    at = None
    while time.monotonic() < deadline:
        at = container.evaluate(UNIT_AT, UNIT)
        if at is not None:
            break
        page.wait_for_timeout(500)
    assert at == pytest.approx([first[1], first[0]], abs=1e-5), at
    page.wait_for_timeout(1500)
    with_unit = metrics(page)
    assert with_unit != before, (before, with_unit)  # the unit's reach counts
    container.scroll_into_view_if_needed()
    screenshot(page, "live_positions_first")

    assert post(app_server["url"], *second) == 200
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        at = container.evaluate(UNIT_AT, UNIT)
        if at is not None and at != pytest.approx([first[1], first[0]], abs=1e-5):
            break
        page.wait_for_timeout(500)
    assert at == pytest.approx([second[1], second[0]], abs=1e-5), at
    page.wait_for_timeout(1500)
    moved = metrics(page)
    assert moved != with_unit, (with_unit, moved)
    assert page.evaluate("window.__notReloaded") is True  # the page was never reloaded
    # beside the unit: its heading (bearing 90 = east) and battery, as the phone reported them
    status = page.frame_locator(MAP_FRAME).locator(".peta-unit-status")
    expect(status.first).to_contain_text("→ 77%")
    container.scroll_into_view_if_needed()
    screenshot(page, "live_positions_moved")
    assert problems == []
