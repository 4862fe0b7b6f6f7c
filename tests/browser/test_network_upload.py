"""A malformed road-network file uploaded in the sidebar: the app's own message, the page stays."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from i18n import t
from tests.browser.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.browser

GRAPHML_WITHOUT_X = (
    '<?xml version="1.0" encoding="utf-8"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    '<key id="d0" for="node" attr.name="y" attr.type="string"/>'
    '<key id="d2" for="graph" attr.name="crs" attr.type="string"/>'
    '<graph edgedefault="directed"><data key="d2">epsg:4326</data>'
    '<node id="1"><data key="d0">-5.11</data></node><node id="2"><data key="d0">-5.12</data></node>'
    '<edge source="1" target="2" id="0"/><edge source="2" target="1" id="0"/></graph></graphml>'
)


def test_graphml_without_x_gives_the_apps_message(
    app_server: dict, page: Page, tmp_path: Path
) -> None:
    path = tmp_path / "tanpa-x.graphml"
    path.write_text(GRAPHML_WITHOUT_X)
    page.goto(app_server["url"])
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text(t("sidebar.area")).click()
    sidebar.get_by_text(t("sidebar.network.file")).click()
    sidebar.locator("input[type='file']").set_input_files(str(path))
    message = sidebar.get_by_text("Berkas jaringan tidak dapat dipakai")
    expect(message).to_be_visible(timeout=120_000)
    expect(message).to_contain_text("tanpa-x.graphml: sebagian simpul tidak punya koordinat x/y")
    screenshot(page, "network_upload_without_x")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    # the page is still the app: the embedded network stays loaded
    expect(sidebar.get_by_text(t("sidebar.area"))).to_be_visible()
