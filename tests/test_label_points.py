"""Kecamatan names placed clear of the map's markers (geo.display.label_points), real data."""

from __future__ import annotations

from geo.area import Area
from geo.display import label_points
from style import CATEGORY_STYLE


def test_kecamatan_labels_leave_the_markers_uncovered(area: Area) -> None:
    shown = [c for c, (_, _, on) in CATEGORY_STYLE.items() if on]
    markers = area.places[area.places["category"].isin(shown)].geometry
    kec = area.kecamatan[["nama", "geometry"]]
    plain = label_points(kec)
    placed = label_points(kec, avoid=markers)
    metric = markers.to_crs(area.crs_metric)
    before = [metric.distance(p).min() for p in plain.geometry.to_crs(area.crs_metric)]
    after = [metric.distance(p).min() for p in placed.geometry.to_crs(area.crs_metric)]
    assert min(before) < 150  # Metro Barat's centre point is on a marker
    assert min(after) > 1000  # every name at least 1 km from any marker
    for poly, point in zip(kec.geometry, placed.geometry, strict=True):
        assert poly.contains(point)
    assert list(placed["nama"]) == list(kec["nama"])
    assert label_points(kec, avoid=markers).geometry.equals(placed.geometry)  # deterministic
