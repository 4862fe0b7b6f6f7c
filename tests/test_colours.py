"""Colours agree with the legends: alternatives are not green, bands are not the gap colour."""

from __future__ import annotations

import colorsys

import style
from geo import formats


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _hue(colour: str) -> float:
    return colorsys.rgb_to_hsv(*_rgb(colour))[0] * 360


def _distance(a: str, b: str) -> float:
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b), strict=True)) ** 0.5


def test_exports_and_maps_use_one_set_of_route_colours() -> None:
    assert [c.lower() for c in formats.ROUTE_COLORS] == [c.lower() for c in style.ROUTE_COLOURS]


def test_alternatives_are_blue_not_green_nor_pink() -> None:
    havens = style.CATEGORY_STYLE["hospital"][1]
    for colour in style.ROUTE_COLOURS[1:]:
        assert 190 <= _hue(colour) <= 255, colour  # blue, as the legend's "Alternatif"
        assert _distance(colour, havens) > 0.25
        assert _distance(colour, style.OKABE_ITO["purple"]) > 0.4


def test_time_bands_differ_from_not_reached() -> None:
    for colour in style.BAND_COLOURS:
        assert _distance(colour, style.TARGET_GAP_COLOUR) > 0.3, colour
        assert _distance(colour, style.BEYOND_COLOUR) > 0.2, colour
    # a reached TPS is not drawn green on the green roads of the first band
    assert _distance(style.TARGET_REACHED_COLOUR, style.BAND_COLOURS[0]) > 0.5


def test_coverage_map_targets_use_the_shared_colours() -> None:
    from layers import coverage as lc

    assert lc.COVERED_COLOUR == style.TARGET_REACHED_COLOUR
    assert lc.GAP_COLOUR == style.TARGET_GAP_COLOUR
