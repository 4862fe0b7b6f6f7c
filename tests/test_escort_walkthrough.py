"""Walk-through points of the escort page (issue 10): AppTest on the real data."""

from __future__ import annotations

from pathlib import Path

import pytest
from _signin import open_page
from streamlit.testing.v1 import AppTest

from geo import formats
from i18n import t

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def page() -> AppTest:
    at = open_page("views/escort/page.py", default_timeout=90)
    assert not at.exception, at.exception
    return at


def _name(at: AppTest) -> str:
    return at.text_input(key="esc_plan_name").value


def test_plan_name_follows_the_destination_until_edited(page: AppTest, area) -> None:
    assert "KPU Kota Metro" in _name(page)
    nuwo = area.places.loc[area.places["name"] == "Gedung Nuwo Budayo", "place_id"].iloc[0]
    page.selectbox(key="esc_destination").set_value(nuwo).run()
    assert not page.exception
    assert _name(page).endswith("→ Gedung Nuwo Budayo 08:00")
    page.text_input(key="esc_plan_name").set_value("Kampanye hari 1").run()
    page.selectbox(key="esc_destination").set_value("P007").run()
    assert _name(page) == "Kampanye hari 1"  # the planner's own name stays


def test_same_origin_and_destination_is_a_message(page: AppTest) -> None:
    page.selectbox(key="esc_destination").set_value("P001").run()
    assert not page.exception
    errors = [e.value for e in page.error]
    assert errors == [t("escort.same_place", name="Kantor Polisi Resor Metro")], errors


@pytest.mark.parametrize("text", ["-5.121654, 105.303957", "105.303957,-5.121654"])
def test_coordinates_in_either_order(page: AppTest, text: str) -> None:
    page.selectbox(key="esc_destination").set_value("__map__").run()
    page.text_input(key="esc_destination_xy").set_value(text).run()
    assert not page.exception and not page.error
    order = t("cov.point.lat_lon") if text.startswith("-") else t("cov.point.lon_lat")
    assert any(f"dibaca sebagai {order}" in c.value for c in page.caption)
    assert _name(page).startswith("Kantor Polisi Resor Metro → ")


def test_legend_shows_each_alternative_in_its_colour(page: AppTest) -> None:
    script = _script(page)  # two alternatives asked for (the default): two in the legend
    for i in (1, 2):
        assert t("escort.layer.alt", n=i) in script
        assert formats.ROUTE_COLORS[i].lower() in script.lower()
    assert t("escort.layer.alt", n=3) not in script
    page.slider(key="esc_alts").set_value(3).run()
    assert not page.exception
    script = _script(page)
    assert t("escort.layer.alt", n=3) in script and formats.ROUTE_COLORS[3].lower() in script.lower()


def _script(at: AppTest) -> str:
    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if proto is not None and getattr(proto, "json_args", ""):
                found.append(proto.json_args)
            walk(child)

    walk(at.main)
    return "\n".join(found)


def test_words_in_the_session_language(page: AppTest) -> None:
    table = next(d.value for d in page.dataframe if t("escort.sc.roads") in list(d.value.columns))
    roads = " ".join(table[t("escort.sc.roads")])
    assert "Jalan lain" in roads
    for raw in ("residential", "secondary", "tertiary"):
        assert raw not in roads
    assert page.multiselect(key="esc_vias").placeholder == t("common.choose") == "Pilih"



def test_route_tooltips_in_english(page: AppTest) -> None:
    page.sidebar.radio(key="lang").set_value("en").run()
    assert not page.exception
    script = _script(page)
    assert t("escort.layer.main", lang="en") in script  # the English map
    assert " min" in script and " mnt" not in script and "maks." not in script
