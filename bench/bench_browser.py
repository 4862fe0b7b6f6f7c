"""Benchmark of what a user waits for, in headless Chromium against the running app.

Per page (area map, coverage, escort, patrol, briefing), the median and max of:

- **navigation → map drawn**: from ``page.goto`` until the Leaflet map in the streamlit-folium
  iframe exists, its layers are on it (``>= MIN_LAYERS`` paths and markers) and no layer is
  still being fetched (``window.__petaPending == 0``); *cold* = a fresh browser context (empty
  browser cache) on a server whose caches were already filled once, *warm* = a reload;
- **rerun server time**: from the browser's ``rerun_script`` websocket message to Streamlit's
  ``script_finished`` message (so it includes the local round trip, < 1 ms here);
- **bytes per rerun**: websocket frame bytes received for that rerun (``framereceived``);
- **click → answer**: a click on the map until the answer is on screen (area map: the nearest
  road; coverage: an incident's responders);
- **coverage timed refresh**: the server time and bytes of the ``st.fragment(run_every)``
  reruns during ``REFRESH_WATCH_S`` seconds, and how often anything on the page was greyed out
  (Streamlit's stale-element state) while watching;
- **20 browsers** on the coverage page at once: time until every map is drawn.

Frames are parsed with Streamlit's own protobuf classes (``ForwardMsg``/``BackMsg``).

Run: ``python -m bench.bench_browser`` (starts ``streamlit run server.py`` on a free port with a
temporary store; ``--url`` to measure an app that is already running; ``--quick`` for fewer
repeats). Writes ``bench/results/browser.json`` and ``bench/results/browser.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Frame, Page, sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {
    "map": "",
    "coverage": "cakupan",
    "escort": "pengawalan",
    "patrol": "patroli",
    "briefing": "briefing",
}
# the old coverage map drew its bands as one multi-line per band: count its other layers
MIN_LAYERS = {"map": 1500, "coverage": 30, "escort": 1500, "patrol": 1500, "briefing": 1500}
REFRESH_WATCH_S = 30
CROWD = 20

DRAWN_JS = """min => {
    const m = window.map;
    if (!m || !m._loaded || !window.L) return false;
    if ((window.__petaPending || 0) > 0) return false;
    let n = 0;
    m.eachLayer(l => { if (l instanceof L.Path || l instanceof L.Marker) n++; });
    return n >= min;
}"""

STALE_JS = """() => [...document.querySelectorAll(
    "[data-testid='stElementContainer'], [data-testid='stVerticalBlock']")]
    .filter(e => parseFloat(getComputedStyle(e).opacity) < 0.9).length"""
"""Elements drawn greyed out (Streamlit fades a stale element after a short delay)."""


# ------------------------------------------------------------------------------------------
# the app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _make_user(db: Path) -> None:
    """A user for the benchmark in its temporary store, if the app signs users in."""
    try:
        import secrets

        from plan import users
        from plan.store import Store
    except ImportError:
        return
    password = secrets.token_urlsafe(12)
    users.add_user(Store(db), "bench-admin", "admin", password)
    CREDENTIALS.update(name="bench-admin", password=password)


def _wait_healthy(base: str, timeout_s: float) -> None:
    """Wait until Streamlit answers on ``/_stcore/health`` (at most ``timeout_s``)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)


@contextmanager
def running_app(url: str | None):
    """Yield the URL of the app: the given one, or a fresh ``streamlit run server.py``."""
    if url:
        yield url.rstrip("/")
        return
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "operasi.sqlite"
        env = {**os.environ, "PETA_DB": str(db)}
        _make_user(db)
        log = (Path(tmp) / "streamlit.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
             "--server.headless", "true", "--browser.serverAddress", "localhost"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://localhost:{port}"
        try:
            _wait_healthy(base, 90)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


# ------------------------------------------------------------------------------------------
# websocket recording


class Wire:
    """Websocket frames of one page, parsed: reruns with their server time and bytes."""

    def __init__(self, page: Page) -> None:
        self.events: list[tuple[float, str, object, int]] = []
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        if "_stcore/stream" not in ws.url:
            return
        ws.on("framesent", lambda payload: self._sent(payload))
        ws.on("framereceived", lambda payload: self._received(payload))

    def _sent(self, payload) -> None:
        now = time.perf_counter()
        if isinstance(payload, str):
            return
        msg = BackMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:
            return
        if msg.WhichOneof("type") == "rerun_script":
            state = msg.rerun_script
            kind = "auto" if state.is_auto_rerun else ("fragment" if state.fragment_id else "full")
            self.events.append((now, "rerun", kind, len(payload)))

    def _received(self, payload) -> None:
        now = time.perf_counter()
        size = len(payload)
        if isinstance(payload, str):
            self.events.append((now, "recv", None, size))
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:
            self.events.append((now, "recv", None, size))
            return
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            self.events.append((now, "finished", int(msg.script_finished), size))
        else:
            self.events.append((now, "recv", kind, size))

    def mark(self) -> int:
        return len(self.events)

    def reruns(self, since: int = 0) -> list[dict]:
        """Each rerun the browser asked for since ``since``: kind, server seconds, bytes."""
        out: list[dict] = []
        current: dict | None = None
        for when, what, kind, size in self.events[since:]:
            if what == "rerun":
                current = {"kind": kind, "start": when, "bytes": 0, "runs": 0}
            elif current is not None:
                current["bytes"] += size
                if what == "finished":
                    current["runs"] += 1  # a script's own st.rerun() is one more run
                    if kind != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        current["server_s"] = when - current.pop("start")
                        out.append(current)
                        current = None
        return out

    def bytes_since(self, since: int) -> int:
        return sum(e[3] for e in self.events[since:] if e[1] != "rerun")


CREDENTIALS: dict[str, str] = {}


def sign_in_if_asked(page: Page, started: float) -> float:
    """Sign in when the page asks (a new browser session); return the new start time.

    The time to type the name and password is not the app's: the clock restarts at the click.
    """
    form = page.locator(".st-key-peta-signin")
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if map_frame(page) is not None or not CREDENTIALS:
            return started
        if form.count():
            form.get_by_label("Nama pengguna").fill(CREDENTIALS["name"])
            form.get_by_label("Kata sandi").fill(CREDENTIALS["password"])
            clicked = time.perf_counter()
            form.get_by_role("button", name="Masuk").click()
            return clicked
        page.wait_for_timeout(50)
    return started


def map_frame(page: Page) -> Frame | None:
    for frame in page.frames:
        if "streamlit_folium" in frame.url:
            return frame
    return None


def wait_drawn(page: Page, minimum: int, timeout_s: float = 120) -> float:
    """Seconds until the map of the page is drawn (polled every 50 ms)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        frame = map_frame(page)
        if frame is not None:
            try:
                if frame.evaluate(DRAWN_JS, minimum):
                    return time.perf_counter() - started
            except Exception:
                pass
        page.wait_for_timeout(50)
    raise TimeoutError(f"map not drawn within {timeout_s} s: {page.url}")


def wait_idle(page: Page, timeout_ms: int = 120_000) -> None:
    page.wait_for_function(
        "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
        " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout_ms,
    )


def summary(values: list[float]) -> dict:
    if not values:
        return {}
    return {
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
        "n": len(values),
    }


# ------------------------------------------------------------------------------------------
# measurements


def page_open(browser, url: str, name: str, repeat: int) -> dict:
    """Cold open (fresh context) and warm reloads of one page; a full rerun's time and bytes."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    wire = Wire(page)
    http = {"map": 0, "all": 0}

    def count(response) -> None:
        size = int(response.headers.get("content-length") or 0)
        http["all"] += size
        if "/api/layers/" in response.url or "/app/static/vendor/" in response.url:
            http["map"] += size

    page.on("response", count)
    started = time.perf_counter()
    page.goto(f"{url}/{PAGES[name]}", wait_until="commit")
    started = sign_in_if_asked(page, started)
    wait_drawn(page, MIN_LAYERS[name])
    cold = time.perf_counter() - started
    wait_idle(page)
    first_bytes = wire.bytes_since(0)
    first_http = dict(http)
    warm = []
    for _ in range(repeat):
        mark = wire.mark()
        started = time.perf_counter()
        page.reload(wait_until="commit")
        started = sign_in_if_asked(page, started)
        wait_drawn(page, MIN_LAYERS[name])
        warm.append(time.perf_counter() - started)
        wait_idle(page)
        del mark
    # reruns of the open page: the rerun hotkey ("r") reruns the whole script
    reruns = []
    for _ in range(repeat):
        mark = wire.mark()
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press("r")
        page.wait_for_timeout(300)
        wait_idle(page)
        page.wait_for_timeout(200)
        reruns += [r for r in wire.reruns(mark) if r["kind"] == "full"]
    context.close()
    return {
        "cold_s": round(cold, 3),
        "warm_s": summary(warm),
        "first_load_ws_bytes": first_bytes,
        "first_load_map_http_bytes": first_http["map"],
        "first_load_all_http_bytes": first_http["all"],
        "rerun_server_s": summary([r["server_s"] for r in reruns]),
        "rerun_bytes": summary([r["bytes"] for r in reruns]),
    }


def click_map(page: Page, fx: float, fy: float) -> None:
    frame = page.locator('iframe[title="streamlit_folium.st_folium"]').first
    frame.wait_for(state="visible", timeout=60_000)
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


CLICKS = [(0.55, 0.5), (0.45, 0.45), (0.6, 0.6), (0.5, 0.4), (0.4, 0.55)]


def map_clicks(browser, url: str, repeat: int) -> dict:
    """Area map: click → 'nearest road' text changed on screen."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    wire = Wire(page)
    page.goto(url)
    sign_in_if_asked(page, 0)
    wait_drawn(page, MIN_LAYERS["map"])
    wait_idle(page)
    times, reruns = [], []
    info = page.get_by_text("Jalan terdekat berjarak")
    for i in range(repeat):
        before = info.inner_text() if info.count() else ""
        mark = wire.mark()
        started = time.perf_counter()
        fx, fy = CLICKS[i % len(CLICKS)]
        click_map(page, fx, fy)
        page.wait_for_function(
            "before => { const e = [...document.querySelectorAll('[data-testid=\"stAlert\"]')]"
            ".find(x => x.innerText.includes('Jalan terdekat berjarak'));"
            " return e && e.innerText !== before; }",
            arg=before,
            timeout=60_000,
        )
        times.append(time.perf_counter() - started)
        wait_idle(page)
        page.wait_for_timeout(300)
        reruns.append(wire.reruns(mark))
    context.close()
    return {
        "click_to_answer_s": summary(times),
        "reruns_per_click": summary([sum(x["runs"] for x in r) for r in reruns]),
        "click_bytes": summary([sum(x["bytes"] for x in r) for r in reruns]),
        "click_server_s": summary([sum(x["server_s"] for x in r) for r in reruns]),
    }


def coverage_clicks_and_refresh(browser, url: str, repeat: int, watch_s: float) -> dict:
    """Coverage page: incident clicks → responders on screen; then the timed refresh."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    wire = Wire(page)
    page.goto(f"{url}/cakupan")
    sign_in_if_asked(page, 0)
    wait_drawn(page, MIN_LAYERS["coverage"])
    wait_idle(page)
    page.get_by_text("kejadian: unit terdekat").first.click()  # the incident mode
    page.wait_for_timeout(500)
    wait_idle(page)
    times, reruns = [], []
    for i in range(repeat):
        before = page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=\"stAlert\"]')]"
            ".map(x => x.innerText).join('|')"
        )
        mark = wire.mark()
        started = time.perf_counter()
        fx, fy = CLICKS[i % len(CLICKS)]
        click_map(page, fx, fy)
        page.wait_for_function(
            "before => { const t = [...document.querySelectorAll('[data-testid=\"stAlert\"]')]"
            ".map(x => x.innerText).join('|'); return t !== before && /menit|min/.test(t); }",
            arg=before,
            timeout=60_000,
        )
        times.append(time.perf_counter() - started)
        wait_idle(page)
        page.wait_for_timeout(300)
        reruns.append(wire.reruns(mark))
    # the timed refresh, watched for greyed-out elements
    mark = wire.mark()
    stale_samples = 0
    samples = 0
    started = time.perf_counter()
    while time.perf_counter() - started < watch_s:
        stale_samples += 1 if page.evaluate(STALE_JS) else 0
        samples += 1
        page.wait_for_timeout(100)
    auto = [r for r in wire.reruns(mark) if r["kind"] in ("auto", "fragment")]
    context.close()
    return {
        "click_to_answer_s": summary(times),
        "reruns_per_click": summary([sum(x["runs"] for x in r) for r in reruns]),
        "click_bytes": summary([sum(x["bytes"] for x in r) for r in reruns]),
        "click_server_s": summary([sum(x["server_s"] for x in r) for r in reruns]),
        "refresh_server_s": summary([r["server_s"] for r in auto]),
        "refresh_bytes": summary([r["bytes"] for r in auto]),
        "refresh_greyed_share": round(stale_samples / max(samples, 1), 3),
        "refresh_watch_s": watch_s,
    }


def _fill_sign_in(page: Page, timeout_s: float = 120) -> bool:
    """Type the benchmark user into the sign-in form once it shows; False if it never does."""
    form = page.locator(".st-key-peta-signin")
    try:
        form.get_by_label("Nama pengguna").fill(CREDENTIALS["name"], timeout=timeout_s * 1000)
        form.get_by_label("Kata sandi").fill(CREDENTIALS["password"], timeout=timeout_s * 1000)
    except Exception:
        return False
    return True


def crowd(browser, url: str, n: int) -> dict:
    """``n`` browsers (contexts) open the coverage page at once: seconds until all maps drawn.

    Each browser is a new session, so each signs in first. The forms are filled, then all
    ``n`` press *Masuk* together: the clock starts at the first press (typing is the user's
    time, not the app's) and stops when the last map is drawn.
    """
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(n)]
    pages = [c.new_page() for c in contexts]
    opened = time.perf_counter()
    for page in pages:
        page.goto(f"{url}/cakupan", wait_until="commit")
    forms_s = None
    if CREDENTIALS:
        filled = [_fill_sign_in(page) for page in pages]
        forms_s = round(time.perf_counter() - opened, 2)
        if not all(filled):
            for c in contexts:
                c.close()
            return {"browsers": n, "drawn": 0, "error": f"{filled.count(False)} sign-in forms did not show"}
        buttons = [p.locator(".st-key-peta-signin").get_by_role("button", name="Masuk") for p in pages]
        started = time.perf_counter()
        for button in buttons:
            button.click(no_wait_after=True)
    else:
        started = opened
    drawn: dict[int, float] = {}
    while len(drawn) < n and time.perf_counter() - started < 600:
        for i, page in enumerate(pages):
            if i in drawn:
                continue
            frame = map_frame(page)
            if frame is None:
                continue
            try:
                if frame.evaluate(DRAWN_JS, MIN_LAYERS["coverage"]):
                    drawn[i] = time.perf_counter() - started
            except Exception:
                pass
        pages[0].wait_for_timeout(100)
    errors = sum(
        page.locator("[data-testid='stException'], :text('Terjadi kesalahan')").count()
        for page in pages
    )
    for c in contexts:
        c.close()
    times = sorted(drawn.values())
    return {
        "browsers": n,
        "drawn": len(drawn),
        "all_drawn_s": round(times[-1], 2) if len(times) == n else None,
        "median_s": round(statistics.median(times), 2) if times else None,
        "forms_shown_s": forms_s,
        "errors": errors,
    }


BASELINE_APP = 'import streamlit as st\n\nst.text_input("Nama pengguna")\n'


def crowd_baseline(browser, n: int) -> dict:
    """``n`` tabs of a Streamlit app holding one text input: what the browsers alone cost here.

    The same Chromium on the same machine, against ``streamlit run`` of a two-line script: the
    time until every tab shows its input is the floor under any Streamlit page's crowd figure.
    """
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "satu_isian.py"
        script.write_text(BASELINE_APP, encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.headless", "true", "--browser.serverAddress", "localhost",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://localhost:{port}"
            _wait_healthy(base, 60)
            contexts = [browser.new_context(viewport={"width": 1400, "height": 1000})
                        for _ in range(n)]  # fmt: skip
            pages = [c.new_page() for c in contexts]
            started = time.perf_counter()
            for page in pages:
                page.goto(base, wait_until="commit")
            for page in pages:
                page.get_by_label("Nama pengguna").wait_for(timeout=600_000)
            shown = time.perf_counter() - started
            for c in contexts:
                c.close()
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    return {"tabs": n, "all_shown_s": round(shown, 2)}


# ------------------------------------------------------------------------------------------
# report

TARGETS = {
    "warm_s": 3.0,
    "cold_s": 8.0,
    "click_to_answer_s": 1.0,
    "rerun_server_s": 0.3,
    "refresh_server_s": 0.2,
    "crowd_s": 10.0,
    "map_first_load_bytes": 1_000_000,
    "click_bytes": 50_000,
}


def _f(block: dict, key: str, stat: str | None = None, scale: float = 1.0, digits: int = 2) -> str:
    value = block.get(key) if isinstance(block, dict) else None
    if isinstance(value, dict):
        value = value.get(stat or "median")
    if value is None:
        return "–"
    return f"{value / scale:.{digits}f}"


def markdown(result: dict) -> str:
    lines = [
        f"# Browser benchmark ({result['when']})",
        "",
        f"Machine: {result['machine']}. Command: `{result['command']}`. Load average at start: "
        f"{result.get('load_at_start', '–')}.",
        "",
        "| page | cold → drawn (s) | warm → drawn, median / max (s) | rerun server, median / max (s) "
        "| first load: websocket / layers+assets (kB) | bytes per rerun, median (kB) |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in result["pages"].items():
        if "error" in r:
            lines.append(f"| {name} | {r['error'][:80]} | | | | |")
            continue
        lines.append(
            f"| {name} | {_f(r, 'cold_s')} | {_f(r, 'warm_s')} / {_f(r, 'warm_s', 'max')} "
            f"| {_f(r, 'rerun_server_s', digits=3)} / {_f(r, 'rerun_server_s', 'max', digits=3)} "
            f"| {_f(r, 'first_load_ws_bytes', scale=1000, digits=0)} / "
            f"{_f(r, 'first_load_map_http_bytes', scale=1000, digits=0)} "
            f"| {_f(r, 'rerun_bytes', scale=1000, digits=1)} |"
        )
    lines += ["", "| click | to answer, median / max (s) | reruns per click | bytes per click "
              "(kB, median) | server (s, median) |", "|---|---|---|---|---|"]  # fmt: skip
    for name in ("map_click", "coverage_click"):
        r = result.get(name, {})
        if "error" in r:
            lines.append(f"| {name} | {r['error'][:80]} | | | |")
            continue
        lines.append(
            f"| {name} | {_f(r, 'click_to_answer_s')} / {_f(r, 'click_to_answer_s', 'max')} "
            f"| {_f(r, 'reruns_per_click', digits=0)} | {_f(r, 'click_bytes', scale=1000, digits=1)} "
            f"| {_f(r, 'click_server_s', digits=3)} |"
        )
    c = result.get("coverage_click", {})
    if c.get("refresh_server_s"):
        lines += [
            "",
            f"Coverage timed refresh ({c['refresh_watch_s']} s watched): server "
            f"{_f(c, 'refresh_server_s', digits=3)} s median / "
            f"{_f(c, 'refresh_server_s', 'max', digits=3)} s max over "
            f"{c['refresh_server_s']['n']} refreshes, {_f(c, 'refresh_bytes', scale=1000, digits=1)} kB "
            f"each (median); greyed out in {c['refresh_greyed_share']:.0%} of 100 ms samples.",
        ]
    w = result.get("crowd")
    if w:
        if "error" in w:
            lines += ["", f"Crowd: {w['error']}"]
        else:
            lines += [
                "",
                f"{w['browsers']} browsers on the coverage page at once: {w['drawn']} drawn, "
                f"all within {w['all_drawn_s']} s of pressing *Masuk* together (median "
                f"{w['median_s']} s), {w['errors']} errors; the {w['browsers']} sign-in forms "
                f"had shown and been filled {w.get('forms_shown_s')} s after opening.",
            ]
    b = result.get("crowd_baseline")
    if b and "error" not in b:
        lines += [
            "",
            f"Baseline: {b['tabs']} tabs of a Streamlit app holding one text input, in the same "
            f"Chromium on the same machine, all shown after {b['all_shown_s']} s (the browsers' "
            "own work; `python -m bench.bench_crowd` measures the server for 20 sessions).",
        ]
    return "\n".join(lines) + "\n"


def guarded(fn, *args) -> dict:
    """Run one measurement; a failure is recorded in the results, not fatal to the others."""
    try:
        return fn(*args)
    except Exception as exc:  # a page that never draws is a result too
        print(f"  failed: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        return {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an app already running (default: start one)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no crowd")
    parser.add_argument("--pages", default=",".join(PAGES), help="pages to open")
    parser.add_argument("--crowd", type=int, default=CROWD, help="browsers at once (0: skip)")
    parser.add_argument("--out", default="browser", help="results file name (no suffix)")
    parser.add_argument("--crowd-only", action="store_true", help="only the crowd step")
    args = parser.parse_args(argv)
    repeat = 2 if args.quick else 5
    result: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "targets": TARGETS,
        "command": "python -m bench.bench_browser " + " ".join(argv if argv is not None else sys.argv[1:]),
        "load_at_start": os.getloadavg()[0],
        "pages": {},
    }
    with running_app(args.url) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # fill the server's caches once (the cold figure is a cold browser, not a cold server)
        warmup = browser.new_context()
        wp = warmup.new_page()
        started = time.perf_counter()
        wp.goto(url, wait_until="commit")
        started = sign_in_if_asked(wp, started)
        wait_drawn(wp, MIN_LAYERS["map"], timeout_s=300)
        result["server_cold_first_map_s"] = round(time.perf_counter() - started, 2)
        warmup.close()
        for name in [] if args.crowd_only else args.pages.split(","):
            print(f"page {name} …", file=sys.stderr)
            result["pages"][name] = guarded(page_open, browser, url, name, repeat)
        if not args.crowd_only:
            print("clicks …", file=sys.stderr)
            result["map_click"] = guarded(map_clicks, browser, url, repeat)
            result["coverage_click"] = guarded(
                coverage_clicks_and_refresh, browser, url, repeat,
                10 if args.quick else REFRESH_WATCH_S,
            )  # fmt: skip
        if args.crowd:
            print(f"{args.crowd} browsers …", file=sys.stderr)
            result["crowd"] = guarded(crowd, browser, url, args.crowd)
            result["crowd_baseline"] = guarded(crowd_baseline, browser, args.crowd)
        browser.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"{args.out}.md").write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
