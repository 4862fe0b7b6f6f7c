"""Starting the app and opening every page makes no connection outside the machine.

Three witnesses: the browser's requests (every one to localhost), the server process's own
sockets while the pages open (read from ``/proc``: every remote end on loopback), and the
server's log (Streamlit logs "Did not auto detect external IP" when it asked
checkip.amazonaws.com at start-up, which ``browser.serverAddress`` in the config prevents).
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
from pathlib import Path

import pytest

from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = ("", "cakupan", "pengawalan", "patroli", "briefing")


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _address(hex_addr: str) -> str:
    host, _, _port = hex_addr.partition(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    # /proc prints IPv6 as four little-endian 32-bit words
    words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
    return str(ipaddress.IPv6Address(b"".join(words)))


def remote_ends(pid: int) -> set[str]:
    """Remote addresses of the process's connected TCP and UDP sockets (not listening ones)."""
    inodes = _socket_inodes(pid)
    found = set()
    for table in ("tcp", "tcp6", "udp", "udp6"):
        path = Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            cols = line.split()
            if len(cols) < 10 or cols[9] not in inodes:
                continue
            remote = _address(cols[2])
            if remote not in ("0.0.0.0", "::"):
                found.add(remote)
    return found


def _outside(addresses: set[str]) -> set[str]:
    out = set()
    for a in addresses:
        ip = ipaddress.ip_address(a)
        mapped = getattr(ip, "ipv4_mapped", None)
        if not (ip.is_loopback or (mapped is not None and mapped.is_loopback)):
            out.add(a)
    return out


def test_start_and_every_page_stay_on_the_machine(app_server: dict, offline_page) -> None:
    page, problems = offline_page
    pid = app_server["pid"]
    seen: set[str] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                seen.update(remote_ends(pid))
            stop.wait(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        for path in PAGES:
            page.goto(f"{app_server['url']}/{path}")
            wait_for_app(page)
            page.frame_locator(MAP_FRAME).first.locator("#map_div").wait_for(timeout=90_000)
            page.wait_for_function(
                "() => { const f = [...document.querySelectorAll('iframe')].find(i =>"
                " i.title === 'streamlit_folium.st_folium'); const w = f && f.contentWindow;"
                " return w && w.map && w.__petaPending === 0; }",
                timeout=90_000,
            )
    finally:
        stop.set()
        watcher.join(timeout=2)
    assert seen, "the watcher saw no connection at all (the browser's must be there)"
    assert _outside(seen) == set(), seen
    assert problems == []  # the browser asked nothing outside localhost either
    log = Path(app_server["log"]).read_text(encoding="utf-8", errors="replace")
    assert "Did not auto detect external IP" not in log
    assert "checkip" not in log
