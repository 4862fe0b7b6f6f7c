"""Two app servers behind nginx share one PostgreSQL: a position received by one server moves
the unit on a coverage page served by the other (headless Chromium through nginx, offline)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from plan import devices as dv
from plan import operation as op
from plan.store import Store
from tests.browser import _users
from tests.browser.conftest import (
    ROOT,
    _free_port,
    open_from_sidebar,
    record_problems,
    screenshot,
)
from tests.browser.test_live_positions import MAP_FRAME, UNIT_AT, road_node

pytestmark = pytest.mark.browser

CONF = ROOT / "deploy" / "nginx" / "peta-pengamanan.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UNIT, DEVICE = "R2-DUA", "863071016899002"


def _wait_health(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer /_stcore/health")


def _upstream(url: str, route: str) -> str:
    req = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"peta_server={route}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.headers["X-Peta-Upstream"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, pg_server) -> Iterator[dict]:
    """PostgreSQL, two ``streamlit run server.py`` on free ports, nginx in front (shipped conf)."""
    from plan import users
    from plan.roles import ROLES

    work = tmp_path_factory.mktemp("cluster")
    url = pg_server.new_database()
    store = Store(url)
    for role in ROLES:  # the browser tests' users (same passwords when already made)
        name, password = _users.USERS.get(role) or (f"uji-{role}", secrets.token_urlsafe(12))
        users.add_user(store, name, role, password)
        _users.USERS[role] = (name, password)
    ports = [_free_port(), _free_port()]
    procs, logs = [], []
    env = {**os.environ, "PETA_DB": url}
    try:
        for port in ports:
            log = work / f"app-{port}.log"
            logs.append(log)
            cmd = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port)]
            out = log.open("w")
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out))
        for port, proc, log in zip(ports, procs, logs, strict=True):
            _wait_health(f"http://127.0.0.1:{port}", proc, log)
        front = _free_port()
        site = CONF.read_text()
        site = site.replace("127.0.0.1:8501", f"127.0.0.1:{ports[0]}")
        site = site.replace("127.0.0.1:8502", f"127.0.0.1:{ports[1]}")
        site = site.replace("listen 80;", f"listen 127.0.0.1:{front};")
        site = site.replace("listen [::]:80;", "")
        (work / "site.conf").write_text(site)
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (work / d).mkdir()
        (work / "nginx.conf").write_text(
            f"{'user root;' if os.geteuid() == 0 else ''}\n"
            f"worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n access_log {work}/access.log;\n"
            f" client_body_temp_path {work}/body;\n proxy_temp_path {work}/proxy;\n"
            f" fastcgi_temp_path {work}/fastcgi;\n uwsgi_temp_path {work}/uwsgi;\n"
            f" scgi_temp_path {work}/scgi;\n include {work}/site.conf;\n}}\n"
        )
        nginx = subprocess.Popen(
            [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=(work / "nginx.out").open("w"),
        )  # fmt: skip
        procs.append(nginx)
        front_url = f"http://127.0.0.1:{front}"
        _wait_health(front_url, nginx, work / "nginx.out", timeout=30)
        # a routing cookie for each app server (the key nginx hashes)
        routes: dict[str, str] = {}
        for i in range(200):
            upstream = _upstream(front_url, f"k{i}")
            routes.setdefault(upstream.rsplit(":", 1)[1], f"k{i}")
            if len(routes) == 2:
                break
        assert set(routes) == {str(p) for p in ports}, routes
        yield {"url": front_url, "db": url, "ports": ports, "routes": routes, "work": work}
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _post(url: str, route: str, lon: float, lat: float) -> str:
    query = urlencode(
        {"id": DEVICE, "timestamp": int(datetime.now(UTC).timestamp()), "lat": f"{lat:.6f}",
         "lon": f"{lon:.6f}", "speed": "10.0", "bearing": "180.0", "batt": "64.0"}
    )  # fmt: skip
    req = urllib.request.Request(
        f"{url}/api/osmand?{query}", headers={"Cookie": f"peta_server={route}"}
    )
    with urllib.request.urlopen(req, timeout=15) as resp:
        assert resp.status == 200
        return resp.headers["X-Peta-Upstream"]


def test_position_through_one_server_shows_on_a_page_of_the_other(
    cluster: dict, browser, area
) -> None:
    first, second = (str(p) for p in cluster["ports"])
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies(
        [{"name": "peta_server", "value": cluster["routes"][first], "url": cluster["url"]}]
    )
    page = context.new_page()
    problems = record_problems(page)
    served_by: set[str] = set()
    page.on(
        "response",
        lambda r: served_by.add(r.headers.get("x-peta-upstream", "").rsplit(":", 1)[-1]),
    )
    open_from_sidebar(page, cluster["url"], "Peta Cakupan")  # the one address
    container = page.frame_locator(MAP_FRAME).locator("#map_div")
    expect(container).to_be_visible(timeout=90_000)

    store = Store(cluster["db"])
    oid = op.get_operation(store, op.DEFAULT_OPERATION).id
    dv.add_device(store, oid, unit_id=UNIT, device_id=DEVICE, replace=True)
    page.evaluate("window.__notReloaded = true")

    where = road_node(area, 105.268, -5.062)
    # the report goes to the other app server, through the same address
    assert _post(cluster["url"], cluster["routes"][second], *where).endswith(f":{second}")
    deadline, at = time.monotonic() + 60, None
    while time.monotonic() < deadline:
        at = container.evaluate(UNIT_AT, UNIT)
        if at is not None:
            break
        page.wait_for_timeout(500)
    assert at == pytest.approx([where[1], where[0]], abs=1e-5), at
    assert page.evaluate("window.__notReloaded") is True
    assert served_by - {""} == {first}  # every response of the page came from the first server
    container.scroll_into_view_if_needed()
    screenshot(page, "multi_server_position")
    assert problems == []
    context.close()
