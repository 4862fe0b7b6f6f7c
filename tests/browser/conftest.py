"""Headless Chromium against the running app (Debian's chromium; never a browser download)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from tests.browser import _users

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"

#: Users of the test server, one per role: role -> (name, password). The passwords are random,
#: made for this run in the server's own temporary store (the product has no default password).
USERS = _users.USERS

#: Role that ``wait_for_app`` signs in as when a page shows the sign-in form.
DEFAULT_ROLE = "admin"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _make_users(db: Path) -> None:
    """One user per role in the test server's store, with random passwords (``USERS``)."""
    from plan import users
    from plan.roles import ROLES
    from plan.store import Store

    store = Store(db)
    for role in ROLES:
        name, password = f"uji-{role}", secrets.token_urlsafe(12)
        users.add_user(store, name, role, password)
        USERS[role] = (name, password)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    return {"viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Start ``streamlit run app.py`` on a free port; yield its URL, start-up time and store."""
    port = _free_port()
    db = tmp_path_factory.mktemp("browser-db") / "operasi.sqlite"
    _make_users(db)
    env = {**os.environ, "PETA_DB": str(db)}
    log_path = tmp_path_factory.mktemp("browser-log") / "streamlit.log"
    log = log_path.open("w")
    started = time.monotonic()
    proc = subprocess.Popen(
        # the plain run command: headless and the server address come from .streamlit/config.toml
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://localhost:{port}"
    healthy = None
    try:
        while time.monotonic() - started < 60:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        healthy = time.monotonic() - started
                        break
            except OSError:
                time.sleep(0.3)
        if healthy is None:
            pytest.fail("the app did not answer on /_stcore/health within 60 s")
        yield {
            "url": url, "health_seconds": healthy, "db": db, "users": dict(USERS),
            "pid": proc.pid, "log": log_path,
        }  # fmt: skip
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def record_problems(page: Page) -> list[str]:
    """Record every failed request and every request that leaves localhost; return the list."""
    problems: list[str] = []

    def failed(request) -> None:
        # ERR_ABORTED is the browser cancelling a load (e.g. an iframe replaced by a page or
        # slide change), not a resource that could not be fetched
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"failed: {request.url} ({request.failure})")

    def external(request) -> None:
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("http://", "https://", "ws://")) and host not in {
            "localhost",
            "127.0.0.1",
        }:
            problems.append(f"external: {request.url}")

    def bad_status(response) -> None:
        path = urlparse(response.url).path
        # opened at a page URL (/briefing?proyektor=1), Streamlit's frontend first probes its
        # endpoints under that path, gets 404 and then uses the root: not a missing resource
        probe = path.endswith(("/_stcore/health", "/_stcore/host-config")) and path.count("/") > 2
        if response.status >= 400 and not (response.status == 404 and probe):
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("requestfailed", failed)
    page.on("request", external)
    page.on("response", bad_status)
    return problems


@pytest.fixture
def offline_page(page: Page) -> Iterator[tuple[Page, list[str]]]:
    """A page that records failed requests and requests that leave localhost."""
    yield page, record_problems(page)


def _wait_idle(page: Page, timeout_ms: int) -> None:
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function(
        "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout_ms,
    )


def sign_in(page: Page, role: str = DEFAULT_ROLE, *, timeout_ms: int = 90_000) -> None:
    """Fill in the sign-in form as the test server's user of ``role`` and wait for the page."""
    name, password = USERS[role]
    form = page.locator(".st-key-peta-signin")
    form.get_by_label("Nama pengguna").fill(name)
    form.get_by_label("Kata sandi").fill(password)
    form.get_by_role("button", name="Masuk").click()
    page.wait_for_selector(".st-key-peta-signin", state="detached", timeout=timeout_ms)
    _wait_idle(page, timeout_ms)


def wait_for_app(
    page: Page, timeout_ms: int = 90_000, *, sign_in_as: str | None = DEFAULT_ROLE
) -> None:
    """Wait until Streamlit has finished running the page script.

    A page that shows the sign-in form (every page of a new browser session) is signed in as
    the test server's user of ``sign_in_as`` first; ``None`` leaves the form as it is.
    """
    _wait_idle(page, timeout_ms)
    if sign_in_as and page.locator(".st-key-peta-signin").count():
        sign_in(page, sign_in_as, timeout_ms=timeout_ms)


def open_from_sidebar(page: Page, url: str, title: str) -> None:
    """Open the app, sign in, and go to a page through the sidebar navigation, as a person does."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_role("link", name=title).click()
    page.wait_for_timeout(500)
    wait_for_app(page)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
