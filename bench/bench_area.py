"""Benchmark of the area: graph build and cached load, app cold start to a drawn map, map size.

Run: ``python -m bench.bench_area`` (writes ``bench/results/area.json``).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import geopandas as gpd

from geo import datasets, settings
from geo.area import build_rbi_graph, load_area
from geo.graph import graph_from_lines

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def graph_build() -> dict:
    lines = gpd.read_file(datasets.get_path("roads"))
    build_s = timed(lambda: graph_from_lines(lines), repeat=3)
    with tempfile.TemporaryDirectory() as tmp:
        original = settings.cache_folder
        settings.cache_folder = Path(tmp)
        try:
            build_rbi_graph("metro")  # writes the cache
            cached_s = timed(lambda: build_rbi_graph("metro"), repeat=10)
        finally:
            settings.cache_folder = original
    load_area()
    area_s = timed(load_area, repeat=5)
    return {"graph_build_s": build_s, "graph_cached_load_s": cached_s, "area_load_cached_s": area_s}


def map_payload() -> dict:
    """Size of what the map page sends the browser: the map's script plus local assets."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    args = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if proto is not None and getattr(proto, "json_args", ""):
                args.append(proto.json_args)
            walk(child)

    walk(at.main)
    payload = max(args, key=len)
    parsed = json.loads(payload)
    assets = sum(
        (ROOT / link.replace("/app/", "", 1)).stat().st_size
        for link in parsed.get("js_links", []) + parsed.get("css_links", [])
    )
    return {"map_component_bytes": len(payload.encode()), "map_assets_bytes": assets}


def cold_start() -> dict:
    """Seconds from ``streamlit run`` to the health endpoint, and to the map drawn in Chromium."""
    from playwright.sync_api import sync_playwright

    port = 8766
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.serverAddress", "localhost"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        health = None
        while health is None and time.perf_counter() - start < 60:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=1):
                    health = time.perf_counter() - start
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://localhost:{port}")
            frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
            frame.locator(".leaflet-container canvas").first.wait_for(timeout=120_000)
            drawn = time.perf_counter() - start
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    return {"cold_start_health_s": health, "cold_start_map_drawn_s": drawn}


def main() -> None:
    results = {**graph_build(), **map_payload(), **cold_start()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "area.json").write_text(json.dumps(results, indent=2) + "\n")
    for key, value in results.items():
        unit = "MB" if key.endswith("bytes") else "s"
        shown = value / 1e6 if unit == "MB" else value
        sys.stdout.write(f"{key:28s} {shown:10.3f} {unit}\n")


if __name__ == "__main__":
    main()
