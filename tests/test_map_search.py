"""Peta Wilayah: a place found by the search is marked and the map centred on it (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

from _signin import open_page
from streamlit.testing.v1 import AppTest

from i18n import t

ROOT = Path(__file__).resolve().parents[1]


def _map_args(at: AppTest) -> dict:
    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if proto is not None and '"script"' in getattr(proto, "json_args", ""):
                found.append(json.loads(proto.json_args))
            walk(child)

    walk(at.main)
    assert found, "no map"
    return found[0]


def test_search_marks_and_centres_the_place(area) -> None:
    at = open_page("views/map.py", default_timeout=90)
    assert not at.exception
    at.text_input(key="place_query").set_value("nuwo").run()
    assert not at.exception
    nuwo = area.places[area.places["name"] == "Gedung Nuwo Budayo"].geometry.iloc[0]
    assert at.selectbox(key="place_pick").value == area.places.loc[
        area.places["name"] == "Gedung Nuwo Budayo", "place_id"].iloc[0]  # fmt: skip
    args = _map_args(at)
    assert "Gedung Nuwo Budayo" in args["feature_group"]
    centre = args.get("center")
    assert centre is not None, sorted(args)
    lat, lon = (centre["lat"], centre["lng"]) if isinstance(centre, dict) else centre
    assert abs(lat - nuwo.y) < 1e-6 and abs(lon - nuwo.x) < 1e-6
    assert args.get("zoom") == 16
    at.text_input(key="place_query").set_value("tidak ada tempat ini").run()
    assert t("map.places.none", query="tidak ada tempat ini") in [c.value for c in at.caption]


def test_map_chrome_scale_in_metres_labels_by_zoom() -> None:
    at = open_page("views/map.py", default_timeout=90)
    args = _map_args(at)
    script = args["script"]
    assert "L.control.scale({metric: true, imperial: false" in script
    assert "control_scale" not in script and "imperial: true" not in script
    assert "peta-zoom-low" in script  # kelurahan names hidden at city scale
    assert '"labelClass": "peta-label-kelurahan"' in script or "peta-label-kelurahan" in script
    html = " ".join(str(v) for v in args.values())
    assert "leaflet-control-layers-expanded{max-height:calc(100% - 230px)" in html
