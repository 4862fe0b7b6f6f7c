"""Map labels of the pack and projector do not collide (report.staticmap.place_labels)."""

from __future__ import annotations

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from geo.area import Area
from report import staticmap as sm


def _collisions(m: sm.StaticMap, texts: list) -> tuple[int, int]:
    """Label pairs that overlap, and label/marker pairs that overlap (display boxes)."""
    renderer = m.ax.get_figure().canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text, _, _ in texts]
    per_pt = m._metres_per_point()
    to_px = m.ax.transData.transform
    marks = []
    for x, y, r in m._markers:
        (a, b), (c, d) = to_px([(x - r * per_pt, y - r * per_pt), (x + r * per_pt, y + r * per_pt)])
        marks.append(Bbox.from_extents(a, b, c, d))
    pairs = sum(boxes[i].overlaps(boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes)))
    covered = sum(box.overlaps(mark) for box in boxes for mark in marks)
    return int(pairs), int(covered)


def test_names_move_off_each_other_and_the_markers(area: Area) -> None:
    places = area.places
    police = places[places["category"].isin(["police_hq", "police_sector"])]
    venues = places[places["category"] == "venue"]
    fig = Figure(figsize=(11.69, 8.27))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.015, 0.075, 0.60, 0.80))  # the pack's coverage map
    m = sm.StaticMap(ax, area).basemap(roads=True, muted=True)
    m.posts(pd.DataFrame({"lon": police.geometry.x, "lat": police.geometry.y, "kind": "polsek",
                          "name": police["name"]}))  # fmt: skip
    m.points(venues.geometry.x.tolist(), venues.geometry.y.tolist(), label="Lokasi",
             colour="#d55e00", marker="P", size=10, names=venues["name"].tolist())  # fmt: skip
    texts = list(m._texts)
    assert len(texts) == 5 + len(police) + len(venues)  # kecamatan names + tags
    before = _collisions(m, texts)
    assert before[0] > 0 and before[1] > 0  # as drawn: names over names and over markers
    m.place_labels()
    assert _collisions(m, texts) == (0, 0)
    # every label stays inside the map
    frame = ax.get_window_extent()
    renderer = fig.canvas.get_renderer()
    for text, _, _ in texts:
        box = text.get_window_extent(renderer)
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, text.get_text()


def test_north_arrow_and_legend_follow_the_language(area: Area) -> None:
    for lang, north, river in (("id", "U", "Sungai"), ("en", "N", "River")):
        fig = Figure(figsize=(6, 6))
        ax = fig.add_axes((0, 0, 1, 1))
        m = sm.StaticMap(ax, area, lang=lang).basemap(roads=False).north_arrow()
        assert north in [t.get_text() for t in ax.texts]
        assert river in [label for _, label in m._legend]
