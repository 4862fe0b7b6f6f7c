"""The app shell and area map page through Streamlit's AppTest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _signin import app_test
from streamlit.testing.v1 import AppTest

from i18n import keys, t
from layers import served

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app() -> AppTest:
    return app_test(default_timeout=120).run()


def _all_json_args(node) -> list[str]:
    found = []
    for child in getattr(node, "children", {}).values() if hasattr(node, "children") else []:
        proto = getattr(child, "proto", None)
        if proto is not None and getattr(proto, "json_args", ""):
            found.append(proto.json_args)
        found += _all_json_args(child)
    return found


def test_map_page_renders_figures_without_error(app: AppTest) -> None:
    assert not app.exception
    assert not app.error
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[t("map.nodes")] == "1.377"
    assert metrics[t("map.components")] == "21"
    assert app.header[0].value == t("map.title")


def test_map_uses_local_assets_and_draws_layers(app: AppTest) -> None:
    args = [json.loads(a) for a in _all_json_args(app.main) if "script" in a]
    assert args, "no folium map found"
    m = args[0]
    links = m.get("js_links", []) + m.get("css_links", [])
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    assert "/app/static/vendor/peta-layers.js" in links
    script = m["script"]
    # the static layers are not in the script: it names the served bundle, once per area
    assert len(script) < 50_000, len(script)
    assert "Kantor Polisi Resor Metro" not in script
    urls = set(re.findall(r'"(/api/layers/[a-z0-9_]+-[0-9a-f]{20}\.geojson)"', script))
    assert len(urls) == 1, urls
    bundle = json.loads(served.body(urls.pop()))
    names = [f["properties"]["n"] for f in bundle["places_police_hq"]["features"]]
    assert "Kantor Polisi Resor Metro" in names
    labels = {f["properties"]["t"] for f in bundle["kelurahan_labels"]["features"]}
    labels |= {f["properties"]["t"] for f in bundle["kecamatan_labels"]["features"]}
    assert {"Metro Selatan", "Hadimulyo Timur"} <= labels  # kecamatan and kelurahan labels
    highways = [f["properties"]["h"] for f in bundle["roads"]["features"]]
    assert highways.count("residential") > 1000
    # the street name for the road tooltip: RBI roads have none, and say so
    streets = {f["properties"]["n"] for f in bundle["roads"]["features"]}
    assert streets == {"jalan tanpa nama (RBI)"}, streets
    # each road knows its row in Area.edges (coverage recolours the served roads by it)
    index = sorted(f["properties"]["i"] for f in bundle["roads"]["features"])
    assert index[0] >= 0 and len(set(index)) == len(index) > 2000


def test_rerun_sends_the_same_small_map(app: AppTest) -> None:
    first = [a for a in _all_json_args(app.main) if '"script"' in a]
    app.run()
    again = [a for a in _all_json_args(app.main) if '"script"' in a]
    assert len(first[0]) < 60_000
    # the same script: streamlit-folium keeps the mounted map (no remount, no lost view)
    assert json.loads(first[0])["script"] == json.loads(again[0])["script"]


def test_language_switch_to_english(app: AppTest) -> None:
    app.sidebar.radio[0].set_value("en").run()
    assert app.header[0].value == t("map.title", lang="en")
    assert app.metric[0].label == "Nodes"


def test_place_search_filters_table(app: AppTest) -> None:
    app.text_input(key="place_query").set_value("polisi sektor").run()
    table = app.dataframe[0].value
    assert len(table) == 5


def test_every_string_has_both_languages() -> None:
    for key in keys():
        assert t(key, lang="id") and t(key, lang="en"), key
