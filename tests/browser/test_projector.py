"""Mode Briefing on a 1920×1080 projector in headless Chromium: everything visible, no scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import record_problems, screenshot, wait_for_app

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WIDTH, HEIGHT = 1920, 1080

#: In the map: the visible labels' text boxes, the boxes over the map, and the city's bounds on
#: screen (from the kota boundary layer), all in the map container's pixels.
LAYOUT_JS = """el => {
    const map = Object.values(window).find(v => v && v._container === el && v.eachLayer);
    const c = el.getBoundingClientRect();
    const rel = r => ({left: r.left - c.left, top: r.top - c.top, right: r.right - c.left,
                       bottom: r.bottom - c.top});
    const labels = [...el.querySelectorAll('.leaflet-marker-pane .peta-label')]
        .filter(l => l.style.visibility !== 'hidden' && getComputedStyle(l).display !== 'none')
        .map(l => { const r = document.createRange(); r.selectNodeContents(l.firstElementChild || l);
                    return Object.assign(rel(r.getBoundingClientRect()), {text: l.textContent}); })
        .filter(b => b.right > b.left);
    const boxes = [...el.querySelectorAll('.peta-title, .peta-brief-panel, .peta-legend')]
        .map(b => rel(b.getBoundingClientRect()));
    let city = null;
    map.eachLayer(l => { if (l.getBounds && l.feature && l.feature.geometry
                           && /Polygon/.test(l.feature.geometry.type)) {
        const b = l.getBounds(); city = city ? city.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); } });
    const nw = map.latLngToContainerPoint(city.getNorthWest());
    const se = map.latLngToContainerPoint(city.getSouthEast());
    return {labels, boxes, city: {left: nw.x, top: nw.y, right: se.x, bottom: se.y}};
}"""


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (a["left"] + slack < b["right"] and a["right"] > b["left"] + slack
            and a["top"] + slack < b["bottom"] and a["bottom"] > b["top"] + slack)  # fmt: skip


def _inside(box: dict | None, frame_box: dict) -> bool:
    """A box of an element inside the map iframe lies inside the 1920×1080 viewport."""
    if box is None:
        return False
    # boxes from frame locators are already in page coordinates
    del frame_box
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= WIDTH + 0.5
        and box["y"] + box["height"] <= HEIGHT + 0.5
        and box["width"] > 0
        and box["height"] > 0
    )


def test_projector_shows_title_legend_scale_without_scrolling(
    app_server: dict, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    problems = record_problems(page)
    try:
        page.goto(f"{app_server['url']}/briefing?proyektor=1")
        wait_for_app(page)
        frame = page.frame_locator(MAP_FRAME)
        expect(frame.locator("#map_div")).to_be_visible(timeout=60_000)
        expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
        title = frame.locator(".peta-title")
        legend = frame.locator(".peta-legend")
        scale = frame.locator(".leaflet-control-scale")
        north = frame.locator(".peta-north")
        for element in (title, legend, scale, north):
            expect(element).to_be_visible()
        expect(title).to_contain_text("TERBATAS")
        expect(title).to_contain_text("Pengamanan Kampanye Kota Metro")
        page.wait_for_timeout(1500)
        frame_box = page.locator(MAP_FRAME).bounding_box()
        assert frame_box is not None
        for name, element in (("title", title), ("legend", legend), ("scale", scale)):
            assert _inside(element.bounding_box(), frame_box), (name, element.bounding_box())
        # the page does not scroll: the document fits the viewport
        scroll = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=\"stMain\"]') || "
            "document.scrollingElement; return [m.scrollHeight, m.clientHeight]; }"
        )
        assert scroll[0] <= scroll[1] + 2, scroll
        # the city is framed clear of the title, the figures panel and the legend, and no two
        # names shown on it cover each other (issue 10, item 15)
        layout = frame.locator("#map_div").evaluate(LAYOUT_JS)
        for box in layout["boxes"]:
            assert not _overlap(layout["city"], box), (layout["city"], box)
        shown = layout["labels"]
        assert len(shown) >= 8, shown
        assert {"Polres Metro", "Gedung Nuwo Budayo"} <= {b["text"].split(" (")[0] for b in shown}
        clashes = [(a["text"], b["text"]) for i, a in enumerate(shown) for b in shown[i + 1:]
                   if _overlap(a, b)]  # fmt: skip
        assert clashes == [], clashes
        screenshot(page, "projector")

        # step to the escort slide with the keyboard (→) and back (←)
        slide_label = page.locator("[data-testid='stMarkdown']").filter(has_text="Slide").first
        slide_label.click()
        for _ in range(20):
            before = slide_label.inner_text()
            if "Pengawalan" in before:
                break
            page.keyboard.press("ArrowRight")
            expect(slide_label).not_to_have_text(before, timeout=30_000)
            wait_for_app(page)
        expect(slide_label).to_contain_text("Pengawalan")
        frame = page.frame_locator(MAP_FRAME)
        expect(frame.locator(".peta-brief-panel")).to_contain_text("Rute utama")
        expect(frame.locator(".peta-legend")).to_be_visible()
        page.wait_for_timeout(1500)
        screenshot(page, "projector_escort")
        before = slide_label.inner_text()
        page.keyboard.press("ArrowLeft")
        wait_for_app(page)
        expect(slide_label).not_to_have_text(before)
        assert problems == []
    finally:
        context.close()
