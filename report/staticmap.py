"""Static maps with matplotlib (Agg): the area's own vector layers plus the operation's overlays.

Everything is drawn in the area's metric CRS (EPSG:32748), so the scale bar is true in metres and
north is up (the UTM grid convergence in Kota Metro is about 0.03°). No tiles, no internet: the
basemap is the area's settlements, rivers, roads by class and boundaries with labels. The palette
is colour-blind safe (Okabe-Ito), and sizes scale for a page or a projector.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.area import Area
from i18n import t
from style import (
    OKABE_ITO,
    PATROL_COLOURS,
    POST_COLOUR,
    ROAD_STYLE,
    ROUTE_COLOURS,
    band_colour,
)

#: Security marking printed on every page and slide.
MARKING = "TERBATAS"
MARKING_COLOUR = "#b00000"

#: Post kind -> (marker, colour).
POST_STYLE: dict[str, tuple[str, str]] = {
    "polres": ("s", POST_COLOUR),
    "polsek": ("s", OKABE_ITO["blue"]),
    "pos_pengamanan": ("D", OKABE_ITO["green"]),
    "pos_pengaturan": ("D", OKABE_ITO["orange"]),
    "mobile": ("^", OKABE_ITO["purple"]),
}

_HALO = [patheffects.withStroke(linewidth=3, foreground="white")]


@dataclass(frozen=True)
class MetricLayers:
    """The area's layers in the metric CRS, ready to draw."""

    roads: dict[str, np.ndarray]
    settlements: gpd.GeoSeries
    rivers: gpd.GeoSeries
    kota: gpd.GeoDataFrame
    kecamatan: gpd.GeoDataFrame
    kelurahan: gpd.GeoDataFrame
    bounds: tuple[float, float, float, float]


_LAYERS: dict[str, MetricLayers] = {}


def metric_layers(area: Area) -> MetricLayers:
    """The area's drawable layers in EPSG:32748 (cached per area key)."""
    cached = _LAYERS.get(area.key)
    if cached is not None:
        return cached
    crs = area.crs_metric
    edges = area.edges_metric
    cls = edges["highway"].where(edges["highway"].isin(list(ROAD_STYLE)), "other")
    roads = {h: edges.geometry.to_numpy()[(cls == h).to_numpy()] for h in ROAD_STYLE}
    kota = area.kota.to_crs(crs)
    layers = MetricLayers(
        roads=roads,
        settlements=area.settlements.geometry.to_crs(crs).simplify(5),
        rivers=area.rivers.geometry.to_crs(crs).simplify(5),
        kota=kota,
        kecamatan=area.kecamatan.to_crs(crs),
        kelurahan=area.kelurahan.to_crs(crs),
        bounds=tuple(float(b) for b in kota.total_bounds),  # type: ignore[arg-type]
    )
    _LAYERS[area.key] = layers
    return layers


def to_metric(
    geoms: Iterable[BaseGeometry] | gpd.GeoSeries, crs: str = settings.crs_metric
) -> np.ndarray:
    """EPSG:4326 geometries in the metric CRS."""
    series = (
        geoms
        if isinstance(geoms, gpd.GeoSeries)
        else gpd.GeoSeries(list(geoms), crs=settings.crs_geographic)
    )
    if series.crs is None:
        series = series.set_crs(settings.crs_geographic)
    return series.to_crs(crs).to_numpy()


def _segments(geoms: Iterable[BaseGeometry]) -> list[np.ndarray]:
    """Coordinate arrays of every line part of geometries (for a LineCollection)."""
    out: list[np.ndarray] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in {"Polygon", "MultiPolygon"}:
            geom = geom.boundary
        parts = getattr(geom, "geoms", [geom])
        for part in parts:
            if part.geom_type == "LineString" and len(part.coords) >= 2:
                out.append(np.asarray(part.coords)[:, :2])
            elif part.geom_type in {"MultiLineString", "LinearRing"}:
                out.extend(_segments([part]))
    return out


def _polygon_path(geom: BaseGeometry) -> MplPath | None:
    polys = getattr(geom, "geoms", [geom])
    verts, codes = [], []
    for poly in polys:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            verts.append(coords)
            codes.append(
                [MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2) + [MplPath.CLOSEPOLY]
            )
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def fit_extent(
    bounds: Sequence[float], aspect: float, *, margin: float = 0.04, min_size_m: float = 0.0
) -> tuple[float, float, float, float]:
    """Bounds grown by a margin and to an axes' width/height ratio (metric units)."""
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    w, h = max(maxx - minx, min_size_m), max(maxy - miny, min_size_m)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def nice_length(target_m: float) -> float:
    """The largest 1-2-2.5-5 × 10^k length not above ``target_m``."""
    if target_m <= 0:
        return 1.0
    k = 10 ** np.floor(np.log10(target_m))
    for step in (5, 2.5, 2, 1):
        if step * k <= target_m:
            return float(step * k)
    return float(k)


class StaticMap:
    """One map drawn on a matplotlib axes in the metric CRS.

    Parameters
    ----------
    ax
        The axes to draw on (its box sets the map's aspect).
    area
        The area.
    extent
        ``(minx, miny, maxx, maxy)`` in metres; default the city with a margin.
    scale
        Multiplier of line widths, marker and font sizes (``1`` page, ``1.6`` projector).
    lang
        Language of the legend, north arrow and scale bar (``"id"`` or ``"en"``).
    """

    def __init__(
        self,
        ax: Axes,
        area: Area,
        *,
        extent: Sequence[float] | None = None,
        scale: float = 1.0,
        lang: str = "id",
    ) -> None:
        self.ax = ax
        self.area = area
        self.layers = metric_layers(area)
        self.scale = scale
        self.lang = lang
        self._legend: list[tuple[object, str]] = []
        #: Labels ``place_labels`` may move, each with the point it names.
        self._texts: list[tuple[Text, float, float]] = []
        #: Markers labels must not cover: ``(x, y, half size in points)``.
        self._markers: list[tuple[float, float, float]] = []
        fig = ax.get_figure()
        box = ax.get_position()
        fw, fh = fig.get_size_inches()  # type: ignore[union-attr]
        self.aspect = (box.width * fw) / (box.height * fh)
        self.extent = fit_extent(
            extent or self.layers.bounds, self.aspect, margin=0.02 if extent is None else 0.0
        )
        ax.set_xlim(self.extent[0], self.extent[2])
        ax.set_ylim(self.extent[1], self.extent[3])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(1.2)
        ax.set_facecolor("#ffffff")

    # ------------------------------------------------------------------ helpers

    def _lines(self, geoms: Iterable[BaseGeometry], *, colour: str, width: float, z: float,
               style: str = "solid", alpha: float = 1.0) -> LineCollection:  # fmt: skip
        coll = LineCollection(
            _segments(geoms), colors=colour, linewidths=width * self.scale, zorder=z,
            linestyles=style, alpha=alpha, capstyle="round", joinstyle="round",
        )  # fmt: skip
        self.ax.add_collection(coll)
        return coll

    def _metres_per_point(self) -> float:
        x0, _, x1, _ = self.extent
        fig = self.ax.get_figure()
        inches = self.ax.get_position().width * fig.get_size_inches()[0]  # type: ignore[union-attr]
        return (x1 - x0) / (inches * 72)

    def tr(self, key: str, **values: object) -> str:
        """A string in the map's language."""
        return t(key, lang=self.lang, **values)

    def _road_label(self, highway: str) -> str:
        key = f"road.class.{highway}"
        text = self.tr(key)
        return _ROAD_LABELS.get(highway, highway) if text == key else text

    def add_legend_entry(self, handle: object, label: str) -> None:
        """Add a row to the legend (once per label)."""
        if label not in [lab for _, lab in self._legend]:
            self._legend.append((handle, label))

    def _line_handle(self, colour: str, width: float, style: str = "-") -> Line2D:
        return Line2D([], [], color=colour, linewidth=width * self.scale, linestyle=style)

    def _marker_handle(self, marker: str, colour: str, size: float = 9) -> Line2D:
        return Line2D([], [], marker=marker, color="none", markerfacecolor=colour,
                      markeredgecolor="black", markersize=size * self.scale)  # fmt: skip

    # ------------------------------------------------------------------ basemap

    def basemap(self, *, roads: bool = True, muted: bool = False, labels: str = "kecamatan",
                legend_roads: bool = True) -> StaticMap:  # fmt: skip
        """Settlements, rivers, roads by class and boundaries with labels.

        Parameters
        ----------
        roads
            Draw the roads.
        muted
            Draw the roads grey and thin (under coverage bands or routes).
        labels
            ``"kecamatan"``, ``"kelurahan"``, ``"both"`` or ``""``.
        legend_roads
            List the road classes in the legend.
        """
        lay, ax = self.layers, self.ax
        patches = [p for p in (_polygon_path(g) for g in lay.settlements) if p is not None]
        ax.add_collection(
            PatchCollection([PathPatch(p) for p in patches], facecolor="#efe6d2",
                            edgecolor="none", zorder=1)
        )  # fmt: skip
        self._lines(lay.rivers, colour="#5a9fd4", width=1.1, z=2)
        self.add_legend_entry(self._line_handle("#5a9fd4", 1.1), self.tr("brief.map.river"))
        if roads:
            for h in ("other", "residential", "tertiary", "secondary", "primary", "trunk"):
                geoms = lay.roads.get(h, ())
                if len(geoms) == 0:
                    continue
                colour, width = ROAD_STYLE[h]
                if muted:
                    colour, width = (
                        ("#9a9a9a" if h in {"residential", "other"} else "#6f6f6f"),
                        width * 0.7,
                    )
                self._lines(geoms, colour=colour, width=width * 0.55, z=3 + (h != "residential"))
                if legend_roads and not muted:
                    self.add_legend_entry(
                        self._line_handle(colour, width * 0.55), self._road_label(h)
                    )
        self._lines(lay.kelurahan.geometry, colour="#555555", width=0.6, z=5, style=(0, (4, 3)))
        self._lines(lay.kecamatan.geometry, colour="#222222", width=1.3, z=5, style=(0, (8, 3)))
        self._lines(lay.kota.geometry, colour="#000000", width=2.2, z=5)
        self.add_legend_entry(self._line_handle("#000000", 2.2), self.tr("brief.map.kota"))
        self.add_legend_entry(
            self._line_handle("#222222", 1.3, "--"), self.tr("brief.map.kecamatan")
        )
        if labels in {"kelurahan", "both"}:
            self._labels(lay.kelurahan, size=6.5, colour="#444444", style="italic")
        if labels in {"kecamatan", "both"}:
            self._labels(lay.kecamatan, size=10, colour="#111111", weight="bold", upper=True)
        return self

    def _labels(self, frame: gpd.GeoDataFrame, *, size: float, colour: str, weight: str = "normal",
                style: str = "normal", upper: bool = False) -> None:  # fmt: skip
        x0, y0, x1, y1 = self.extent
        for name, point in zip(frame["nama"], frame.geometry.representative_point(), strict=True):
            if not (x0 < point.x < x1 and y0 < point.y < y1):
                continue
            text = self.ax.text(
                point.x, point.y, str(name).upper() if upper else str(name), ha="center",
                va="center", fontsize=size * self.scale, color=colour, weight=weight,
                style=style, zorder=6, path_effects=_HALO, clip_on=True,
            )  # fmt: skip
            self._texts.append((text, point.x, point.y))

    # ------------------------------------------------------------------ overlays

    def bands(self, bands: gpd.GeoDataFrame, labels: Sequence[str]) -> StaticMap:
        """Roads coloured by coverage time band (``geo.coverage.road_bands``).

        ``labels`` has one label per band, the last one for "beyond the last cutoff".
        """
        geoms = to_metric(bands.geometry)
        band = bands["band"].to_numpy()
        n_cutoffs = len(labels) - 1
        for b in sorted(set(band.tolist()), reverse=True):
            colour, beyond = band_colour(b, n_cutoffs), b >= n_cutoffs
            self._lines(geoms[band == b], colour=colour, width=1.4 if beyond else 2.0, z=7,
                        style=(0, (2, 2)) if beyond else "solid")  # fmt: skip
        for b, label in enumerate(labels):
            beyond = b >= n_cutoffs
            handle = self._line_handle(band_colour(b, n_cutoffs), 1.8 if beyond else 2.6,
                                       "--" if beyond else "-")  # fmt: skip
            self.add_legend_entry(handle, label)
        return self

    def posts(
        self, posts: pd.DataFrame, *, names: bool = True, kind_labels: dict[str, str] | None = None
    ) -> StaticMap:
        """Posts by kind (``lon``, ``lat``, ``kind``, ``name``)."""
        if posts.empty:
            return self
        pts = to_metric(shapely.points(posts["lon"].to_numpy(float), posts["lat"].to_numpy(float)))
        for kind, group in posts.assign(_g=pts).groupby("kind", sort=False):
            marker, colour = POST_STYLE.get(str(kind), ("o", "#333333"))
            xy = np.array([[g.x, g.y] for g in group["_g"]])
            self._markers.extend((x, y, 6.5 * self.scale) for x, y in xy)
            self.ax.scatter(xy[:, 0], xy[:, 1], s=(11 * self.scale) ** 2, marker=marker, c=colour,
                            edgecolors="white", linewidths=1.4 * self.scale, zorder=12)  # fmt: skip
            label = (kind_labels or {}).get(str(kind), str(kind))
            self.add_legend_entry(self._marker_handle(marker, colour, 10), label)
            if names:
                for (x, y), name in zip(xy, group["name"], strict=True):
                    self._tag(x, y, str(name), colour="#0b2a5b")
        return self

    def _tag(self, x: float, y: float, text: str, *, colour: str = "#111111", size: float = 7.5,
             dx: float = 6, dy: float = 6) -> None:  # fmt: skip
        """A name beside a marker; ``place_labels`` moves it off other labels and markers."""
        per_pt = self._metres_per_point()
        label = self.ax.text(
            x + dx * self.scale * per_pt, y + dy * self.scale * per_pt, text, ha="left",
            va="bottom", fontsize=size * self.scale, color=colour, weight="bold", zorder=14,
            path_effects=_HALO, clip_on=True,
        )  # fmt: skip
        self._texts.append((label, x, y))

    def points(self, lon: Sequence[float], lat: Sequence[float], *, label: str, colour: str,
               marker: str = "o", size: float = 8, names: Sequence[str] | None = None,
               z: float = 11, name_colour: str = "#111111") -> StaticMap:  # fmt: skip
        """Generic point markers with a legend row and optional name tags."""
        if len(lon) == 0:
            return self
        pts = to_metric(shapely.points(np.asarray(lon, float), np.asarray(lat, float)))
        xy = np.array([[p.x, p.y] for p in pts])
        self._markers.extend((x, y, (size / 2 + 1) * self.scale) for x, y in xy)
        self.ax.scatter(xy[:, 0], xy[:, 1], s=(size * self.scale) ** 2, marker=marker, c=colour,
                        edgecolors="black", linewidths=0.9 * self.scale, zorder=z)  # fmt: skip
        self.add_legend_entry(self._marker_handle(marker, colour, size), label)
        if names is not None:
            for (x, y), name in zip(xy, names, strict=True):
                self._tag(x, y, str(name), colour=name_colour)
        return self

    def numbered(self, lon: Sequence[float], lat: Sequence[float], numbers: Sequence[int], *,
                 label: str, colour: str) -> StaticMap:  # fmt: skip
        """Numbered circles (e.g. traffic-control points keyed to a table)."""
        if len(lon) == 0:
            return self
        pts = to_metric(shapely.points(np.asarray(lon, float), np.asarray(lat, float)))
        for p, n in zip(pts, numbers, strict=True):
            self._markers.append((p.x, p.y, 6 * self.scale))
            self.ax.text(p.x, p.y, str(n), ha="center", va="center", fontsize=6.5 * self.scale,
                         color="white", weight="bold", zorder=15, clip_on=True,
                         bbox={"boxstyle": "circle,pad=0.25", "fc": colour, "ec": "black",
                               "lw": 0.8})  # fmt: skip
        self.add_legend_entry(self._marker_handle("o", colour, 9), label)
        return self

    def routes(self, lines: Sequence[BaseGeometry], labels: Sequence[str]) -> StaticMap:
        """A main route (thick) and its alternatives (dashed), main drawn last."""
        geoms = to_metric(lines)
        for i in range(len(geoms) - 1, -1, -1):
            colour = ROUTE_COLOURS[min(i, len(ROUTE_COLOURS) - 1)]
            main = i == 0
            self._lines([geoms[i]], colour="white", width=(6.5 if main else 4.5), z=8 + (main * 2))
            self._lines([geoms[i]], colour=colour, width=(4.5 if main else 2.8), z=8.5 + (main * 2),
                        style="solid" if main else (0, (3, 1.5)))  # fmt: skip
        for i, label in enumerate(labels[: len(geoms)]):
            colour = ROUTE_COLOURS[min(i, len(ROUTE_COLOURS) - 1)]
            self.add_legend_entry(
                self._line_handle(colour, 4.5 if i == 0 else 2.8, "-" if i == 0 else "--"), label
            )
        if len(geoms) and not geoms[0].is_empty:
            start, end = geoms[0].coords[0], geoms[0].coords[-1]
            self.ax.scatter([start[0]], [start[1]], s=(13 * self.scale) ** 2, marker="o", c="#ffffff",
                            edgecolors="black", linewidths=2 * self.scale, zorder=13)  # fmt: skip
            self.ax.scatter([end[0]], [end[1]], s=(15 * self.scale) ** 2, marker="*", c="#000000",
                            edgecolors="white", linewidths=1 * self.scale, zorder=13)  # fmt: skip
            self._markers.extend([(start[0], start[1], 8 * self.scale),
                                  (end[0], end[1], 8 * self.scale)])  # fmt: skip
            self.add_legend_entry(self._marker_handle("o", "#ffffff", 11), self.tr("brief.map.origin"))
            self.add_legend_entry(
                self._marker_handle("*", "#000000", 14), self.tr("brief.map.destination")
            )
        return self

    def patrols(self, lines: Sequence[BaseGeometry], labels: Sequence[str]) -> StaticMap:
        """Patrol loops, one colour each."""
        geoms = to_metric(lines)
        for i, (g, label) in enumerate(zip(geoms, labels, strict=True)):
            colour = PATROL_COLOURS[i % len(PATROL_COLOURS)]
            self._lines([g], colour="white", width=5.0, z=8)
            self._lines([g], colour=colour, width=3.2, z=9)
            self.add_legend_entry(self._line_handle(colour, 3.2), label)
        return self

    def closures(self, geoms: Sequence[BaseGeometry], *, label: str | None = None,
                 radius_m: Sequence[float | None] | None = None) -> StaticMap:  # fmt: skip
        """Road closures: hatched areas, thick crossed lines, or circles around points."""
        label = label or self.tr("brief.map.closure")
        metric = to_metric(geoms)
        colour = "#000000"
        for i, g in enumerate(metric):
            if g.geom_type in {"Point", "MultiPoint"}:
                radius = (radius_m[i] if radius_m is not None else None) or 60.0
                g = g.buffer(radius)
            if g.geom_type in {"Polygon", "MultiPolygon"}:
                path = _polygon_path(g)
                if path is not None:
                    self.ax.add_patch(PathPatch(path, facecolor="none", edgecolor=colour, hatch="xx",
                                                linewidth=1.6 * self.scale, zorder=12))  # fmt: skip
            else:
                self._lines([g], colour="#ffd400", width=7, z=12)
                self._lines([g], colour=colour, width=3.5, z=12.5, style=(0, (1, 1)))
        if len(metric):
            self.add_legend_entry(Patch(facecolor="none", edgecolor=colour, hatch="xx"), label)
        return self

    def highlight(
        self, geoms: Sequence[BaseGeometry], *, colour: str, label: str, width: float = 5
    ) -> StaticMap:
        """Lines drawn over everything (e.g. the longest stretch without a haven)."""
        self._lines(to_metric(geoms), colour=colour, width=width, z=10.5, alpha=0.55)
        self.add_legend_entry(self._line_handle(colour, width), label)
        return self

    # ------------------------------------------------------------------ furniture

    def place_labels(self, *, iterations: int = 200) -> StaticMap:
        """Move names off each other and off the markers (``adjustText``), with a leader line.

        Deterministic (a fixed number of iterations, adjustText's seeded shifts), so the same
        map gives the same file. Call once, after every layer with names is drawn.
        """
        if not self._texts:
            return self
        from adjustText import adjust_text
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = self.ax.get_figure()
        if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure: measure text with Agg
            FigureCanvasAgg(fig)  # type: ignore[arg-type]
        from matplotlib.transforms import Bbox

        texts = [text for text, _, _ in self._texts]
        per_pt = self._metres_per_point()
        boxes = [
            Bbox.from_extents(x - r * per_pt, y - r * per_pt, x + r * per_pt, y + r * per_pt)
            for x, y, r in self._markers
        ]
        adjust_text(
            texts,
            objects=boxes or None,
            target_x=[x for _, x, _ in self._texts],
            target_y=[y for _, _, y in self._texts],
            ax=self.ax,
            iter_lim=iterations,
            expand=(1.15, 1.4),
            force_static=(0.3, 0.4),
            ensure_inside_axes=True,
            min_arrow_len=8 * self.scale,
            arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.6, "zorder": 13},
        )
        self._texts = []
        return self

    def legend(self, *, loc: str = "lower left", title: str | None = None, fontsize: float = 7.5,
               ncol: int = 1, target: Axes | None = None) -> StaticMap:  # fmt: skip
        """The legend of everything drawn, on the map or on another axes (``target``)."""
        if not self._legend:
            return self
        title = title or self.tr("brief.legend")
        handles, labels = zip(*self._legend, strict=True)
        where = target or self.ax
        leg = where.legend(
            handles, labels, loc=loc if target is None else "upper left", title=title, ncol=ncol,
            fontsize=fontsize * self.scale, title_fontsize=(fontsize + 1) * self.scale,
            frameon=True, framealpha=0.95, edgecolor="#333333", fancybox=False, borderpad=0.6,
            handlelength=2.2,
        )  # fmt: skip
        leg.get_title().set_fontweight("bold")
        leg.set_zorder(30)
        return self

    def scale_bar(self, *, loc: str = "lower right", decimal: str | None = None) -> StaticMap:
        """Scale bar in metres (alternating blocks), true in the metric CRS.

        Parameters
        ----------
        loc
            ``"lower right"`` or ``"lower left"``.
        decimal
            Decimal mark of the labels (default ``","`` in Bahasa Indonesia, ``"."`` in English).
        """
        decimal = decimal or ("." if self.lang == "en" else ",")
        x0, y0, x1, y1 = self.extent
        width, height = x1 - x0, y1 - y0
        length = nice_length(width / 5)
        n = 5 if str(int(length)).startswith(("25", "5")) else 4
        seg = length / n
        pad = 0.03
        bx = x1 - pad * width - length - 0.035 * width if loc.endswith("right") else x0 + pad * width
        by = y0 + pad * height * 1.6
        bh = height * 0.012 * self.scale
        self.ax.add_patch(Rectangle((bx - 0.015 * width, by - bh * 1.2), length + 0.055 * width,
                                    bh * 5.4, facecolor="white", edgecolor="#333333", alpha=0.92,
                                    linewidth=0.8, zorder=28))  # fmt: skip
        for i in range(n):
            self.ax.add_patch(Rectangle((bx + i * seg, by), seg, bh, facecolor="black" if i % 2 == 0 else "white",
                                        edgecolor="black", linewidth=0.8, zorder=29))  # fmt: skip
        marks = (0, n // 2, n) if n % 2 == 0 and n > 2 else (0, n)
        for i in marks:
            value = i * seg
            if length >= 1000:
                text = f"{value / 1000:g}".replace(".", decimal) + (" km" if i == n else "")
            else:
                text = f"{value:g}" + (" m" if i == n else "")
            self.ax.text(bx + value, by + bh * 1.5, text, ha="center", va="bottom",
                         fontsize=8.5 * self.scale, zorder=30)  # fmt: skip
        return self

    def north_arrow(self, *, loc: str = "upper right") -> StaticMap:
        """North arrow (grid north of EPSG:32748, within 0.03° of true north here)."""
        x0, y0, x1, y1 = self.extent
        width, height = x1 - x0, y1 - y0
        size = min(width, height) * 0.07 * self.scale
        cx = x1 - 0.05 * width if loc.endswith("right") else x0 + 0.05 * width
        top = y1 - 0.04 * height
        verts = [
            (cx, top),
            (cx + size * 0.38, top - size),
            (cx, top - size * 0.72),
            (cx - size * 0.38, top - size),
        ]
        self.ax.add_patch(
            Polygon(
                verts, closed=True, facecolor="black", edgecolor="white", linewidth=1, zorder=30
            )
        )
        self.ax.text(cx, top - size * 1.05, self.tr("brief.map.north"), ha="center", va="top",
                     fontsize=11 * self.scale,
                     weight="bold", zorder=30, path_effects=_HALO)  # fmt: skip
        return self


_ROAD_LABELS: dict[str, str] = {
    "trunk": "Jalan arteri primer",
    "primary": "Jalan arteri",
    "secondary": "Jalan kolektor",
    "tertiary": "Jalan lokal",
    "residential": "Jalan lain",
    "other": "Jalan lain",
}


def set_road_labels(labels: dict[str, str]) -> None:
    """Replace the road-class legend labels (for another language)."""
    _ROAD_LABELS.update(labels)


def title_block(fig: Figure, title: str, lines: Sequence[str] = (), *, marking: str = MARKING,
                top: float = 0.985, size: float = 16) -> None:  # fmt: skip
    """Page header: the marking (red, both sides), title and subtitle lines."""
    fig.text(0.015, top, marking, ha="left", va="top", fontsize=size * 0.75, color=MARKING_COLOUR,
             weight="bold")  # fmt: skip
    fig.text(0.985, top, marking, ha="right", va="top", fontsize=size * 0.75, color=MARKING_COLOUR,
             weight="bold")  # fmt: skip
    fig.text(0.5, top, title, ha="center", va="top", fontsize=size, weight="bold")
    if lines:
        fig.text(0.5, top - 0.045 * size / 16, "  ·  ".join(lines), ha="center", va="top",
                 fontsize=size * 0.62, color="#333333")  # fmt: skip


def footer(fig: Figure, left: str, right: str, *, marking: str = MARKING) -> None:
    """Page footer: sources on the left, page number on the right, the marking centred."""
    import textwrap

    fig.text(0.015, 0.008, "\n".join(textwrap.wrap(left, 190)), ha="left", va="bottom",
             fontsize=6.2, color="#444444", linespacing=1.2)  # fmt: skip
    fig.text(0.985, 0.012, right, ha="right", va="bottom", fontsize=8, color="#222222")
    fig.text(
        0.5,
        0.034,
        marking,
        ha="center",
        va="bottom",
        fontsize=9,
        color=MARKING_COLOUR,
        weight="bold",
    )
