"""Typed coordinates in either order (geo.coords) on the real extent of Kota Metro."""

from __future__ import annotations

import pytest

from geo.area import Area
from geo.coords import LAT_LON, LON_LAT, CoordinateError, parse_point


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("-5.1130, 105.3068", LAT_LON),
        ("105.3068,-5.1130", LON_LAT),
        ("-5.1130 105.3068", LAT_LON),
        ("105.3068; -5.1130", LON_LAT),
        ("-5,1130 105,3068", LAT_LON),  # decimal commas, as Indonesian texts write them
        ("(−5.1130, 105.3068)", LAT_LON),  # a typographic minus
    ],
)
def test_both_orders_are_recognised(text: str, order: str) -> None:
    point = parse_point(text)
    assert (point.lat, point.lon, point.order) == (-5.113, 105.3068, order)
    assert not point.ambiguous
    assert "lintang -5.113000, bujur 105.306800" in point.describe()


def test_area_bounds_decide_when_both_orders_fit(area: Area) -> None:
    bounds = tuple(area.kota.total_bounds)
    # both values under 90 and neither order near the city: lat, lon, flagged
    flipped = parse_point("-5.1130, 80.0", bounds=bounds)
    assert flipped.ambiguous and flipped.order == LAT_LON  # neither order is near Kota Metro
    near = parse_point("-5.1, 85.0", bounds=(84.5, -5.5, 85.5, -4.5))
    assert (near.order, near.ambiguous) == (LAT_LON, False)
    other = parse_point("85.0, -5.1", bounds=(84.5, -5.5, 85.5, -4.5))
    assert (other.lon, other.lat, other.order) == (85.0, -5.1, LON_LAT)


@pytest.mark.parametrize("text", ["", "abc", "-5.1", "-5,1,105,3", "200, 300", "1 2 3"])
def test_not_a_pair_is_a_clear_message(text: str) -> None:
    with pytest.raises(CoordinateError, match="Koordinat"):
        parse_point(text)
