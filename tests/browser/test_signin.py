"""Sign-in and roles in headless Chromium: what each role sees, and what it is refused."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in, wait_for_app

pytestmark = pytest.mark.browser


def _nav_links(page: Page) -> list[str]:
    links = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    return [x.strip().split("\n")[-1].strip() for x in links]  # without the icon name


def test_no_page_without_signing_in(app_server: dict, offline_page) -> None:
    page, problems = offline_page
    for path in ("", "/cakupan", "/pengawalan", "/admin"):
        page.goto(app_server["url"] + path)
        wait_for_app(page, sign_in_as=None)
        expect(page.locator(".st-key-peta-signin")).to_be_visible()
        assert _nav_links(page) == []
        assert page.locator("iframe").count() == 0  # no map, no page content
        assert page.get_by_text("Peta Cakupan").count() == 0
    screenshot(page, "signin_page")
    # a wrong password: the product's message, still only the form
    form = page.locator(".st-key-peta-signin")
    form.get_by_label("Nama pengguna").fill("tidak-ada-orangnya")
    form.get_by_label("Kata sandi").fill("salah-sekali-sandinya")
    form.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Nama pengguna atau kata sandi salah.")).to_be_visible()
    assert _nav_links(page) == []
    assert problems == []


def test_deep_link_opens_after_signing_in(app_server: dict, offline_page) -> None:
    page, problems = offline_page
    page.goto(f"{app_server['url']}/pengawalan")
    wait_for_app(page, sign_in_as=None)
    sign_in(page, "perencana")
    assert page.url.rstrip("/").endswith("/pengawalan")
    expect(page.get_by_role("button", name="Simpan ke operasi")).to_be_visible(timeout=90_000)
    assert "Admin & audit" not in _nav_links(page)
    assert problems == []


def test_briefing_sees_maps_but_no_control_that_writes(app_server: dict, offline_page) -> None:
    page, problems = offline_page
    page.goto(app_server["url"])
    wait_for_app(page, sign_in_as="briefing")
    links = _nav_links(page)
    assert {"Peta Wilayah", "Peta Cakupan", "Pengawalan", "Mode Briefing"} <= set(links)
    assert "Admin & audit" not in links
    expect(page.get_by_text("Masuk sebagai uji-briefing")).to_be_visible()

    page.get_by_role("link", name="Peta Cakupan").click()
    wait_for_app(page)
    expect(page.get_by_text("Peran Anda hanya dapat melihat halaman ini")).to_be_visible(
        timeout=90_000
    )
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    expect(frame.locator("#map_div")).to_be_visible(timeout=90_000)  # the live map, yes
    tabs = page.get_by_role("tab").all_inner_texts()
    assert [x.strip() for x in tabs] == ["Jejak & putar ulang"], tabs  # no tab that changes the plan
    assert page.get_by_text("menambah pos").count() == 0  # no click mode that writes
    screenshot(page, "briefing_coverage_readonly")

    page.get_by_role("link", name="Pengawalan").click()
    wait_for_app(page)
    expect(page.get_by_text("Rencana tersimpan").first).to_be_visible(timeout=90_000)
    assert page.get_by_role("button", name="Simpan ke operasi").count() == 0

    # the admin page is refused even by its address
    page.goto(f"{app_server['url']}/admin")
    wait_for_app(page, sign_in_as="briefing")
    assert page.get_by_text("Pengguna dan log audit").count() == 0
    assert problems == []


def test_admin_sees_users_and_the_audit_by_name_and_exports_it(
    app_server: dict, offline_page
) -> None:
    page, problems = offline_page
    page.goto(app_server["url"])
    wait_for_app(page, sign_in_as="admin")
    page.get_by_role("link", name="Admin & audit").click()
    wait_for_app(page)
    expect(page.get_by_text("Pengguna dan log audit")).to_be_visible(timeout=60_000)
    page.get_by_role("tab", name="Log audit").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh CSV").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    signins = {(r["pengguna"], r["aksi"]) for r in rows}
    assert ("uji-admin", "auth.login") in signins and ("uji-briefing", "auth.login") in signins
    assert any(r["aksi"] == "auth.fail" for r in rows)  # the wrong password is on record
    screenshot(page, "admin_audit")

    page.get_by_role("button", name="Keluar").click()
    wait_for_app(page, sign_in_as=None)
    expect(page.locator(".st-key-peta-signin")).to_be_visible()
    expect(page.get_by_text("Anda telah keluar.")).to_be_visible()
    assert problems == []
