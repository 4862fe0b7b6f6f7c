"""Mode Briefing on a 1920×1080 projector in headless Chromium: everything visible, no scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import record_problems, screenshot, wait_for_app

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
WIDTH, HEIGHT = 1920, 1080


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
