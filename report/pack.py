"""The printed briefing pack: one PDF (A4 landscape) and a PNG per page, rendered offline.

Pages: cover; schedule and venues; coverage map with its figures; for each escort a route map
with the routes compared, then its route sheet (segments, traffic-control points, chokepoints,
safe havens); patrol routes; personnel per post; coverage gaps. Bahasa Indonesia by default.
Fonts are matplotlib's DejaVu, embedded as TrueType; the PDF carries no creation date, so the
same operation gives the same file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from shapely.geometry import LineString

from geo.coverage import band_labels
from i18n import fmt, t
from plan.operation import POST_KIND_LABELS
from report import staticmap as sm
from report.briefing import Briefing, EscortBriefing
from report.schedule import Item

#: A4 landscape, inches.
A4_LANDSCAPE: tuple[float, float] = (11.69, 8.27)

#: Resolution of the PNG pages (1754 × 1240 px: sharp on a 1920 × 1080 projector).
PNG_DPI = 150

_RC = {
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "peta",
    "hatch.linewidth": 1.2,
    "path.simplify": True,
    # names are text: a post named "Pos $x^{$" must print as typed, never as mathtext
    "text.parse_math": False,
}

_CATEGORY = {"hospital": "RS", "police_hq": "Polres", "police_sector": "Polsek", "-": "-"}


@dataclass
class PackResult:
    """What ``write_pack`` wrote."""

    pdf: Path
    pngs: list[Path] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Number of pages."""
        return len(self.titles)


# --------------------------------------------------------------------------------------------
# tables


def draw_table(
    ax: Axes,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    fontsize: float = 8.5,
    title: str | None = None,
    align: Sequence[str] | None = None,
    row_height: float | None = None,
) -> None:
    """A plain table drawn with text on an empty axes (zebra rows, bold header, clipped cells).

    Parameters
    ----------
    ax
        Axes to fill (its whole box).
    header
        Column titles.
    rows
        Cell values (``str()`` is applied).
    widths
        Relative column widths.
    fontsize
        Points.
    title
        Heading above the table.
    align
        ``"l"`` or ``"r"`` per column.
    row_height
        Height of a row in axes units (default from the font size).
    """
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig = ax.get_figure()
    box = ax.get_position()
    height_in = box.height * fig.get_size_inches()[1]  # type: ignore[union-attr]
    width_in = box.width * fig.get_size_inches()[0]  # type: ignore[union-attr]
    rh = row_height or (fontsize * 1.75 / 72) / height_in
    y = 1.0
    if title:
        ax.text(0, y, title, fontsize=fontsize * 1.2, weight="bold", va="top")
        y -= rh * 1.35
    total = float(sum(widths))
    xs = np.concatenate([[0.0], np.cumsum(widths) / total])
    align = align or ["l"] * len(header)
    chars = [
        max(3, int((xs[i + 1] - xs[i]) * width_in * 72 / (fontsize * 0.6)))
        for i in range(len(header))
    ]

    def cell(text: object, i: int) -> tuple[str, float]:
        """The cell's text and size: set smaller (down to 72%) to fit, else cut with "…"."""
        s = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
        if len(s) <= chars[i]:
            return s, fontsize
        size = max(fontsize * 0.72, fontsize * chars[i] / len(s))
        room = int(chars[i] * fontsize / size)
        return (s if len(s) <= room else s[: room - 1] + "…"), size

    ax.add_patch(
        Rectangle((0, y - rh), 1, rh, color="#1f2d3d", transform=ax.transAxes, clip_on=False)
    )
    for i, name in enumerate(header):
        x = xs[i] + 0.004 if align[i] == "l" else xs[i + 1] - 0.004
        room = (xs[i + 1] - xs[i]) * width_in * 72 - 4
        size = min(fontsize, room / max(len(str(name)) * 0.64, 1))
        ax.text(x, y - rh / 2, str(name), color="white", weight="bold", fontsize=size,
                va="center", ha="left" if align[i] == "l" else "right")  # fmt: skip
    y -= rh
    for r, row in enumerate(rows):
        if y - rh < -1e-6:
            break
        if r % 2:
            ax.add_patch(
                Rectangle(
                    (0, y - rh), 1, rh, color="#eef1f5", transform=ax.transAxes, clip_on=False
                )
            )
        for i, value in enumerate(row):
            x = xs[i] + 0.004 if align[i] == "l" else xs[i + 1] - 0.004
            text, size = cell(value, i)
            ax.text(x, y - rh / 2, text, fontsize=size, va="center",
                    ha="left" if align[i] == "l" else "right")  # fmt: skip
        y -= rh
    ax.plot([0, 1], [y, y], color="#1f2d3d", linewidth=1.0, transform=ax.transAxes, clip_on=False)


def rows_fitting(height_frac: float, fontsize: float, *, title: bool = True) -> int:
    """How many table rows fit in an axes of ``height_frac`` of an A4-landscape page."""
    rh = fontsize * 1.75 / 72
    return max(1, int((height_frac * A4_LANDSCAPE[1] - (rh * 1.35 if title else 0)) / rh) - 1)


def _street_cell(street: object, road_class: str) -> str:
    """The road column of a segment: its street name with the class (class alone when unnamed)."""
    name = str(street or "").strip()
    if not name or name.startswith("jalan tanpa nama"):
        return road_class
    return f"{_short(name)} · {road_class}" if road_class else _short(name)


def _fmt_min(seconds: object) -> str:
    try:
        value = float(seconds)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"
    return f"{value / 60:.1f}" if math.isfinite(value) else "-"


# --------------------------------------------------------------------------------------------
# the pack


class _Pack:
    """Builds the pages of one pack."""

    def __init__(self, briefing: Briefing, lang: str) -> None:
        self.b = briefing
        self.lang = lang
        self.pages: list[tuple[str, Callable[[Figure], None]]] = []
        op = briefing.data.operation
        self.op_name = op.name
        self.kinds = {k: self.tr(f"cov.postkind.{k}") for k in POST_KIND_LABELS}
        dates = " – ".join(d[:10] for d in (op.starts, op.ends) if d)
        self.dates = dates or self.tr("brief.dates.none")

    def tr(self, key: str, **values: object) -> str:
        return t(key, lang=self.lang, **values)

    def num(self, value: float, decimals: int = 0) -> str:
        """A number with the language's marks (``1,59`` / ``1.59``)."""
        return fmt.number(value, decimals, lang=self.lang)

    def pct(self, share: float, decimals: int = 0) -> str:
        """A share as a percentage (``64,5%`` / ``64.5%``)."""
        return f"{self.num(share * 100, decimals)}%"

    def mins(self, value: float | str, decimals: int = 1) -> str:
        """Minutes with their unit (``4,7 mnt`` / ``4.7 min``); ``"-"`` stays ``"-"``."""
        if value == "-":
            return "-"
        return fmt.minutes(float(value), decimals, lang=self.lang)

    def risk(self, tier: str) -> str:
        return fmt.risk_label(tier, lang=self.lang)

    def smap(self, ax: Axes, **kwargs: object) -> sm.StaticMap:
        """A static map of the briefing's area in the pack's language."""
        return sm.StaticMap(ax, self.b.area, lang=self.lang, **kwargs)  # type: ignore[arg-type]

    # ---------------------------------------------------------------- frame of a page

    def _page(self, fig: Figure, title: str) -> None:
        sm.title_block(fig, title, [self.op_name, self.tr("brief.dates", dates=self.dates)])

    def _footer(self, fig: Figure, n: int, total: int) -> None:
        sources = "; ".join(self.b.area.attribution)
        sm.footer(
            fig,
            self.tr("brief.sources.short", sources=sources),
            self.tr("brief.page", n=n, total=total),
        )

    def _map_axes(self, fig: Figure, *, right: float = 0.60) -> Axes:
        return fig.add_axes((0.015, 0.075, right, 0.80))

    def _finish_map(self, m: sm.StaticMap, fig: Figure, *, legend_on_map: bool = True) -> None:
        m.place_labels().scale_bar().north_arrow()
        if legend_on_map:
            m.legend(loc="lower left", title=self.tr("brief.legend"), fontsize=8)

    # ---------------------------------------------------------------- pages

    def add(self, title: str, draw: Callable[[Figure], None]) -> None:
        self.pages.append((title, draw))

    def cover(self) -> None:
        b = self.b
        data = b.data

        def draw(fig: Figure) -> None:
            fig.text(
                0.5,
                0.95,
                sm.MARKING,
                ha="center",
                va="top",
                fontsize=22,
                color=sm.MARKING_COLOUR,
                weight="bold",
            )
            fig.text(0.06, 0.84, self.tr("brief.plan"), fontsize=30, weight="bold", va="top")
            fig.text(0.06, 0.755, self.op_name, fontsize=22, va="top", wrap=True)
            fig.text(0.06, 0.69, self.tr("brief.unit"), fontsize=14, va="top", color="#333333")
            fig.text(0.06, 0.64, self.tr("brief.dates", dates=self.dates), fontsize=14, va="top")
            fig.text(
                0.06,
                0.60,
                self.tr("brief.revision", rev=data.operation.revision),
                fontsize=11,
                va="top",
                color="#555555",
            )
            fig.text(
                0.06, 0.55,
                self.tr("brief.cover.figures", posts=len(data.posts), venues=len(data.venues),
                        tps=len(data.tps), escorts=len(b.escorts), patrols=len(b.patrols)),
                fontsize=11, va="top",
            )  # fmt: skip
            fig.text(0.06, 0.49, self.tr("brief.contents"), fontsize=13, weight="bold", va="top")
            titles = [title for title, _ in self.pages[1:]]
            seen: list[str] = []
            for title in titles:
                if title not in seen:
                    seen.append(title)
            for i, title in enumerate(seen[:12]):
                fig.text(
                    0.07,
                    0.455 - i * 0.027,
                    f"{i + 2:>2}. {title}" if False else f"•  {title}",
                    fontsize=10,
                    va="top",
                )
            fig.text(0.06, 0.105, self.tr("brief.sources"), fontsize=10, weight="bold", va="top")
            for i, line in enumerate(b.area.attribution):
                fig.text(0.06, 0.08 - i * 0.018, line, fontsize=7.5, va="top", color="#333333")
            fig.text(
                0.06,
                0.135,
                self.tr("brief.cover.note"),
                fontsize=8.5,
                va="top",
                color=sm.MARKING_COLOUR,
                style="italic",
            )
            ax = fig.add_axes((0.56, 0.16, 0.42, 0.72))
            m = self.smap(ax).basemap(legend_roads=False)
            from plan.operation import posts_frame

            m.posts(posts_frame(data), names=False, kind_labels=self.kinds)
            venues = data.venues
            m.points([v.lon for v in venues], [v.lat for v in venues], label=self.tr("brief.map.venue"),
                     colour=sm.OKABE_ITO["vermillion"], marker="P", size=9)  # fmt: skip
            for esc in b.escorts[:1]:
                m.routes(esc.routes[:1], [esc.name])
            m.place_labels().scale_bar().north_arrow()

        self.add(self.tr("brief.plan"), draw)

    def schedule(self) -> None:
        b = self.b
        items = list(b.schedule.items)
        venue_rows = self._venue_rows()
        fs = 8.5
        per_page = rows_fitting(0.78, fs)
        chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
        title = self.tr("brief.sec.schedule")
        for k, chunk in enumerate(chunks):

            def draw(fig: Figure, chunk: list[Item] = chunk, first: bool = k == 0) -> None:
                self._page(fig, title if first else f"{title} ({self.tr('brief.continued')})")
                if first:
                    ax_v = fig.add_axes((0.02, 0.50, 0.96, 0.36))
                    draw_table(
                        ax_v,
                        [self.tr("brief.col.venue"), self.tr("brief.col.risk"), self.tr("brief.col.position"),
                         self.tr("brief.col.events"), self.tr("brief.col.nearest"), self.tr("brief.col.time")],
                        venue_rows, [4.2, 1.4, 1.3, 1.0, 2.4, 1.3], fontsize=fs,
                        title=self.tr("brief.col.venue"), align=["l", "l", "l", "r", "l", "r"],
                    )  # fmt: skip
                    ax_s = fig.add_axes((0.02, 0.09, 0.96, 0.38))
                else:
                    ax_s = fig.add_axes((0.02, 0.09, 0.96, 0.78))
                if not chunk:
                    ax_s.set_axis_off()
                    ax_s.text(
                        0,
                        1,
                        self.tr("brief.sched.items"),
                        fontsize=fs * 1.2,
                        weight="bold",
                        va="top",
                    )
                    ax_s.text(
                        0, 0.85, self.tr("brief.sched.none"), fontsize=11, va="top", wrap=True
                    )
                    return
                draw_table(
                    ax_s,
                    [self.tr("brief.col.when"), self.tr("brief.col.until"), self.tr("brief.col.kind"),
                     self.tr("brief.col.what"), self.tr("brief.col.where")],
                    [self._item_row(i) for i in chunk], [1.8, 1.8, 1.5, 3.5, 3.5], fontsize=fs,
                    title=self.tr("brief.sched.items"),
                )  # fmt: skip

            self.add(title, draw)

    def _item_row(self, item: Item) -> list[str]:
        def when(x: object) -> str:
            if x is None:
                return "-"
            fmt = "%H:%M" if item.daily else "%d-%m-%Y %H:%M"
            text = x.strftime(fmt)  # type: ignore[attr-defined]
            return f"{text} ({self.tr('brief.sched.daily')})" if item.daily else text

        return [
            when(item.starts),
            when(item.ends),
            self.tr(f"brief.kind.{item.kind}"),
            item.title,
            item.where,
        ]

    def _venue_rows(self) -> list[list[object]]:
        b = self.b
        table = b.coverage.targets if b.coverage is not None else pd.DataFrame()
        counts: dict[int, int] = {}
        for e in b.data.events:
            counts[e.venue_id] = counts.get(e.venue_id, 0) + 1
        rows = []
        for v in b.data.venues:
            hit = table[table["key"] == f"venue:{v.id}"] if len(table) else table
            nearest = str(hit["nearest"].iloc[0]) if len(hit) else "-"
            minutes = _fmt_min(hit["time_s"].iloc[0]) if len(hit) else "-"
            rows.append([v.name, self.risk(v.risk), self.tr(f"brief.position.{v.position}"),
                         counts.get(v.id, 0), nearest, self.mins(minutes)])  # fmt: skip
        return rows

    def coverage(self) -> None:
        b = self.b
        title = self.tr("brief.sec.coverage")
        cov = b.coverage

        def draw(fig: Figure) -> None:
            self._page(fig, title)
            if cov is None:
                fig.text(0.5, 0.5, self.tr("brief.cov.none"), ha="center", fontsize=14)
                return
            ax = self._map_axes(fig)
            m = self.smap(ax).basemap(roads=True, muted=True)
            labels = self._band_labels()
            m.bands(cov.bands, labels)
            from plan.operation import posts_frame

            m.posts(posts_frame(b.data), kind_labels=self.kinds)
            self._targets(m)
            self._finish_map(m, fig)
            # figures
            ax_f = fig.add_axes((0.635, 0.60, 0.35, 0.27))
            rows = []
            for f in cov.figures:
                tps = f"{f.tps_covered}/{f.tps_total}" if f.tps_total else "-"
                rows.append([self.tr("brief.min", m=f.cutoff_min), self.pct(f.road_share, 1),
                             f"{f.venues_covered}/{f.venues_total}", tps])  # fmt: skip
            draw_table(
                ax_f,
                [self.tr("brief.cov.cutoff"), self.tr("brief.cov.road"), self.tr("brief.cov.venues"), self.tr("brief.cov.tps")],
                rows, [1.1, 1.5, 1.0, 1.0], fontsize=10, title=self.tr("brief.cov.figures"),
                align=["l", "r", "r", "r"],
            )  # fmt: skip
            ax_k = fig.add_axes((0.635, 0.30, 0.35, 0.27))
            kec = cov.figures[0].kecamatan[["nama"]].copy()
            for f in cov.figures:
                kec[f"{f.cutoff_min:g}"] = f.kecamatan["road_share"].to_numpy()
            krows = [[r.iloc[0], *(self.pct(x) for x in r.iloc[1:])] for _, r in kec.iterrows()]
            draw_table(
                ax_k, [self.tr("brief.col.kecamatan"),
                       *(self.tr("brief.min", m=f.cutoff_min) for f in cov.figures)],
                krows, [2.2] + [1.0] * len(cov.figures), fontsize=10,
                title=self.tr("brief.cov.kecamatan"), align=["l"] + ["r"] * len(cov.figures),
            )  # fmt: skip
            import textwrap

            note = "\n".join(textwrap.wrap(self.tr("brief.cov.note"), 60))
            fig.text(0.635, 0.26, note, fontsize=9, va="top", color="#333333")

        self.add(title, draw)

    def _band_labels(self) -> list[str]:
        cov = self.b.coverage
        if cov is None:
            return []
        return band_labels(sorted(cov.cutoffs_min), unit=self.tr("unit.min_short"))

    def _targets(self, m: sm.StaticMap, *, active: set[int] | None = None) -> None:
        data = self.b.data
        venues = data.venues
        m.points([v.lon for v in venues], [v.lat for v in venues], label=self.tr("brief.map.venue"),
                 colour=sm.OKABE_ITO["vermillion"], marker="P", size=10,
                 names=[v.name for v in venues], name_colour="#7a2200")  # fmt: skip
        if data.tps:
            m.points([x.lon for x in data.tps], [x.lat for x in data.tps], label=self.tr("brief.map.tps"),
                     colour=sm.OKABE_ITO["yellow"], marker="v", size=6)  # fmt: skip

    def escort(self, esc: EscortBriefing) -> None:
        title = self.tr("brief.sec.escort", name=esc.name)
        sheet = esc.sheet

        def draw(fig: Figure) -> None:
            self._page(fig, title)
            ax = self._map_axes(fig)
            lines = [g for g in esc.routes if g is not None and not g.is_empty]
            metric = sm.to_metric(lines)
            bounds = np.array([g.bounds for g in metric])
            box = (
                (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
                if len(bounds)
                else None
            )
            extent = None
            if box is not None:
                extent = sm.fit_extent(
                    box, 0.60 * 11.69 / (0.80 * 8.27), margin=0.12, min_size_m=1500
                )
            m = self.smap(ax, extent=extent).basemap(labels="both")
            labels = [self.tr("brief.esc.main")] + [
                self.tr("brief.esc.alt", n=i) for i in range(1, len(lines))
            ]
            m.routes(lines, labels)
            self._sheet_overlays(m, sheet, esc)
            self._closures(m)
            self._finish_map(m, fig)
            # comparison
            ax_c = fig.add_axes((0.635, 0.68, 0.35, 0.19))
            rows = [[labels[int(r.route)] if int(r.route) < len(labels) else r.route, f"{self.num(r.length_km, 2)} km",
                     self.mins(r.time_min), self.pct(r.shared)] for r in esc.figures.itertuples()]  # fmt: skip
            draw_table(ax_c, [self.tr("brief.esc.compare"), self.tr("brief.esc.length"), self.tr("brief.esc.time"),
                              self.tr("brief.esc.shared")], rows, [1.5, 1.0, 1.0, 1.0], fontsize=9.5,
                       align=["l", "r", "r", "r"])  # fmt: skip
            y = 0.63
            fig.text(0.635, y, self.tr("brief.esc.summary"), fontsize=11.5, weight="bold", va="top")
            depart = (
                esc.depart.strftime("%d-%m-%Y %H:%M")
                if esc.depart
                else self.tr("brief.esc.depart.none")
            )
            tcp = sheet.get("traffic_control", [])
            lines_txt = [
                self.tr("brief.esc.from", v=esc.origin),
                self.tr("brief.esc.to", v=esc.destination),
                self.tr("brief.esc.depart", v=depart),
                self.tr("brief.esc.profile", v=fmt.profile_label(esc.profile, lang=self.lang)),
                self.tr("brief.esc.kelurahan", v=", ".join(sheet.get("kelurahan", [])) or "-"),
                self.tr("brief.esc.personnel", v=sheet.get("personnel", 0), n=len(tcp)),
            ]
            gap = sheet.get("haven_gap") or {}
            limit = float(sheet.get("haven_limit_s", 180)) / 60
            if gap.get("length_m", 0) > 0:
                lines_txt.append(
                    self.tr(
                        "brief.esc.gap",
                        lim=limit,
                        a=gap["from_km"],
                        b=gap["to_km"],
                        m=gap["length_m"],
                    )
                )
            elif sheet:
                lines_txt.append(self.tr("brief.esc.nogap", lim=limit))
            for rough in sheet.get("approximate", []):
                lines_txt.append(self.tr("brief.esc.approximate", name=rough["label"]))
            if not esc.saved:
                lines_txt.append(self.tr("brief.esc.planned"))
            import textwrap

            y -= 0.04
            for line in lines_txt:
                wrapped = textwrap.wrap(line, 52)
                for w in wrapped:
                    fig.text(0.64, y, w, fontsize=9.5, va="top")
                    y -= 0.026
                y -= 0.006

        self.add(title, draw)
        if sheet:
            self._sheet_pages(esc)

    def _sheet_overlays(self, m: sm.StaticMap, sheet: dict, esc: EscortBriefing) -> None:
        tcp = sheet.get("traffic_control", [])
        if tcp:
            m.numbered([r["lon"] for r in tcp], [r["lat"] for r in tcp], list(range(1, len(tcp) + 1)),
                       label=self.tr("brief.map.tcp"), colour="#0b2a5b")  # fmt: skip
        choke = sheet.get("chokepoints", [])
        if choke:
            m.points([r["lon"] for r in choke], [r["lat"] for r in choke], label=self.tr("brief.map.choke"),
                     colour=sm.OKABE_ITO["yellow"], marker="X", size=11, z=13)  # fmt: skip
        havens = self.b.area.places[
            self.b.area.places["category"].isin(["hospital", "police_hq", "police_sector"])
        ]
        m.points(havens.geometry.x.to_list(), havens.geometry.y.to_list(), label=self.tr("brief.esc.havens.map"),
                 colour=sm.OKABE_ITO["green"], marker="H", size=10, names=havens["name"].map(_short).to_list(),
                 name_colour="#00573f")  # fmt: skip
        gap = sheet.get("haven_gap") or {}
        if gap.get("length_m", 0) > 0 and esc.routes:
            from shapely.ops import substring

            main = sm.to_metric([esc.routes[0]])[0]
            total_km = (
                float(esc.figures["length_km"].iloc[0]) if len(esc.figures) else main.length / 1000
            )
            scale = main.length / max(total_km * 1000, 1)
            part = substring(main, gap["from_km"] * 1000 * scale, gap["to_km"] * 1000 * scale)
            gpart = sm.gpd.GeoSeries([part], crs=self.b.area.crs_metric).to_crs(4326).iloc[0]
            m.highlight(
                [gpart], colour=sm.OKABE_ITO["yellow"], label=self.tr("brief.esc.gap.map"), width=9
            )

    def _classes(self, text: str) -> str:
        return ", ".join(self.tr(f"road.class.{c.strip()}") if c.strip() in ("secondary", "tertiary", "residential")
                         else c.strip() for c in str(text).split(","))  # fmt: skip

    def _closures(self, m: sm.StaticMap) -> None:
        closures = self.b.schedule.closures
        if closures:
            m.closures([c.closure.geometry for c in closures], label=self.tr("brief.map.closure"),
                       radius_m=[c.closure.radius_m for c in closures])  # fmt: skip

    def _sheet_pages(self, esc: EscortBriefing) -> None:
        sheet = esc.sheet
        title = self.tr("brief.sec.sheet", name=esc.name)
        fs = 8.5
        seg = sheet.get("segments", [])
        seg_rows = [
            [r["no"], f"{r['from_km']:.2f}–{r['to_km']:.2f}", f"{r['length_m']:.0f} m", r.get("eta", ""),
             _street_cell(r.get("street"), self.tr(f"road.class.{r['highway']}") if r.get("highway") in ("secondary", "tertiary", "residential") else r.get("highway", "")),
             r.get("kelurahan", ""), r.get("then", ""),
             "; ".join(x for x in (r.get("landmarks", ""), r.get("cctv", "")) if x)]
            for r in seg
        ]  # fmt: skip
        tcp = sheet.get("traffic_control", [])
        tcp_rows = [
            [i, f"{r['km']:.2f}", r.get("eta", ""), r.get("street_count", ""), r.get("manoeuvre", ""),
             r.get("personnel", ""), r.get("priority", ""), self._classes(r.get("roads", ""))]
            for i, r in enumerate(tcp, start=1)
        ]  # fmt: skip
        choke = sheet.get("chokepoints", [])
        choke_rows = [
            [self.tr(f"brief.choke.{r.get('kind', '')}"), r.get("description", ""), self.tr("brief.yes") if r.get("on_route") else self.tr("brief.no"),
             f"{r['km']:.2f}" if r.get("km") is not None else "-", r.get("eta", "")]
            for r in choke
        ]  # fmt: skip
        havens = sheet.get("havens", [])
        haven_rows = [
            [r["no"], f"{r['from_km']:.2f}–{r['to_km']:.2f}", _short(str(r.get("haven", "-"))),
             _CATEGORY.get(str(r.get("category", "-")), str(r.get("category", ""))), _fmt_min(r.get("time_s")),
             _fmt_min(r.get("worst_s"))]
            for r in havens
        ]  # fmt: skip
        blocks: list[tuple[str, list[str], list[list[object]], list[float], list[str]]] = [
            (self.tr("brief.esc.segments"),
             [self.tr("brief.col.no"), self.tr("brief.col.km"), self.tr("brief.col.length"), self.tr("brief.col.eta"),
              self.tr("brief.col.road"), self.tr("brief.col.kelurahan"), self.tr("brief.col.then"),
              self.tr("brief.col.landmarks")],
             seg_rows, [0.5, 1.2, 0.9, 0.8, 1.3, 1.5, 1.2, 6.0], ["r", "l", "r", "l", "l", "l", "l", "l"]),
            (self.tr("brief.esc.tcp"),
             [self.tr("brief.col.no"), self.tr("brief.col.km"), self.tr("brief.col.eta"), self.tr("brief.col.arms"),
              self.tr("brief.col.manoeuvre"), self.tr("brief.col.personnel"), self.tr("brief.col.priority"),
              self.tr("brief.col.road")],
             tcp_rows, [0.5, 0.8, 0.8, 0.8, 1.3, 1.0, 1.0, 4.0], ["r", "r", "l", "r", "l", "r", "l", "l"]),
            (self.tr("brief.esc.choke"),
             [self.tr("brief.col.kind"), self.tr("brief.col.description"), self.tr("brief.col.onroute"),
              self.tr("brief.col.km"), self.tr("brief.col.eta")],
             choke_rows, [1.3, 6.0, 0.9, 0.8, 0.8], ["l", "l", "l", "r", "l"]),
            (self.tr("brief.esc.havens"),
             [self.tr("brief.col.no"), self.tr("brief.col.km"), self.tr("brief.col.haven"), self.tr("brief.col.kind"),
              self.tr("brief.col.time") + self.tr("brief.col.in_min"),
              self.tr("brief.col.worst") + self.tr("brief.col.in_min")],
             haven_rows, [0.5, 1.2, 4.5, 1.0, 1.4, 1.4], ["r", "l", "l", "l", "r", "r"]),
        ]  # fmt: skip
        # flow the blocks over pages: two blocks side by side would be cramped; stack them
        page_rows = rows_fitting(0.80, fs, title=False)
        pages: list[list[tuple[str, list[str], list[list[object]], list[float], list[str]]]] = [[]]
        used = 0
        for name, header, rows, widths, align in blocks:
            rows = rows or [[self.tr("brief.none")] + [""] * (len(header) - 1)]
            start = 0
            while start < len(rows):
                room = page_rows - used - 2  # title and header
                if room < 3:
                    pages.append([])
                    used = 0
                    continue
                part = rows[start : start + room]
                label = name if start == 0 else f"{name} ({self.tr('brief.continued')})"
                pages[-1].append((label, header, part, widths, align))
                used += len(part) + 3
                start += len(part)
        for k, content in enumerate(pages):

            def draw(fig: Figure, content: list = content, first: bool = k == 0) -> None:
                self._page(fig, title if first else f"{title} ({self.tr('brief.continued')})")
                rh = fs * 1.75 / 72 / A4_LANDSCAPE[1]
                top = 0.87
                for name, header, rows, widths, align in content:
                    h = rh * (len(rows) + 2.4)
                    ax = fig.add_axes((0.02, top - h, 0.96, h))
                    draw_table(
                        ax,
                        header,
                        rows,
                        widths,
                        fontsize=fs,
                        title=name,
                        align=align,
                        row_height=rh / h,
                    )
                    top -= h + rh * 0.8

            self.add(title, draw)

    def patrols(self) -> None:
        b = self.b
        title = self.tr("brief.sec.patrol")

        def draw(fig: Figure) -> None:
            import textwrap

            self._page(fig, title)
            ax = self._map_axes(fig)
            m = self.smap(ax).basemap(muted=True, legend_roads=False)
            from plan.operation import posts_frame

            m.posts(posts_frame(b.data), kind_labels=self.kinds)
            if b.patrols:
                m.patrols([p.line for p in b.patrols], [p.name for p in b.patrols])
            venues = b.data.venues
            m.points([v.lon for v in venues], [v.lat for v in venues], label=self.tr("brief.map.venue"),
                     colour=sm.OKABE_ITO["vermillion"], marker="P", size=9)  # fmt: skip
            self._finish_map(m, fig)
            h_t = (max(len(b.patrols), 1) + 2.5) * 9.5 * 1.75 / 72 / A4_LANDSCAPE[1]
            ax_t = fig.add_axes((0.635, 0.87 - h_t, 0.35, h_t))
            if not b.patrols:
                ax_t.set_axis_off()
                ax_t.text(
                    0,
                    1,
                    "\n".join(textwrap.wrap(self.tr("brief.pat.none"), 48)),
                    fontsize=11,
                    va="top",
                )
                return
            rows = [[p.name, p.depart or "-", f"{self.num(p.length_m / 1000, 1)} km",
                     self.mins(p.duration_s / 60, 0) if math.isfinite(p.duration_s) else "-"] for p in b.patrols]  # fmt: skip
            draw_table(ax_t, [self.tr("brief.pat.col.name"), self.tr("brief.pat.col.depart"), self.tr("brief.esc.length"),
                              self.tr("brief.esc.time")], rows, [3.0, 1.2, 1.1, 1.1], fontsize=9.5,
                       align=["l", "l", "r", "r"])  # fmt: skip
            y = 0.87 - h_t - 0.04
            for p in b.patrols[:3]:
                fig.text(0.635, y, p.name, fontsize=10.5, weight="bold", va="top")
                y -= 0.03
                order = " → ".join(_short(s) for s in p.stops) + (
                    f" → {_short(p.stops[0])}" if p.stops else ""
                )
                for line in textwrap.wrap(order, 60)[:6]:
                    fig.text(0.64, y, line, fontsize=9, va="top")
                    y -= 0.025
                if not p.saved:
                    for line in textwrap.wrap(self.tr("brief.pat.suggested"), 60):
                        fig.text(
                            0.64, y, line, fontsize=9, va="top", style="italic", color="#555555"
                        )
                        y -= 0.025
                y -= 0.015

        self.add(title, draw)

    def personnel(self) -> None:
        b = self.b
        title = self.tr("brief.sec.personnel")
        table = b.personnel
        fs = 10

        def draw(fig: Figure) -> None:
            self._page(fig, title)
            rows = [[r.post, self.kinds.get(r.kind, r.kind), self._staff(r.personnel), r.units, r.unit_personnel,
                     fmt.profile_label(r.profile, lang=self.lang), self.num(r.readiness_min, 0)] for r in table.itertuples()]  # fmt: skip
            total = [[self.tr("brief.total"), "", int(table["personnel"].sum()),
                      int(table["units"].sum()), int(table["unit_personnel"].sum()), "", ""]]  # fmt: skip
            h = min(0.66, (len(rows) + 3.5) * fs * 1.75 / 72 / A4_LANDSCAPE[1])
            ax = fig.add_axes((0.02, 0.86 - h, 0.62, h))
            draw_table(
                ax,
                [self.tr("brief.pers.col.post"), self.tr("brief.pers.col.kind"), self.tr("brief.pers.col.personnel"),
                 self.tr("brief.pers.col.units"), self.tr("brief.pers.col.unit_personnel"),
                 self.tr("brief.pers.col.profile"), self.tr("brief.pers.col.readiness")],
                rows + total, [3.0, 1.4, 1.1, 0.8, 1.1, 2.0, 1.1], fontsize=fs,
                align=["l", "l", "r", "r", "r", "l", "r"],
            )  # fmt: skip
            st = b.strength
            y = 0.86 - h - 0.04
            lines = [
                self.tr("brief.pers.total", own=st.own, bko=st.bko, total=st.total),
                self.tr("brief.pers.assigned", posts=st.at_posts, units=st.in_units, free=st.free),
            ]
            if st.tps_required:
                lines.append(
                    self.tr("brief.pers.tps", need=st.tps_required, left=st.free_after_tps)
                )
            for line in lines:
                fig.text(0.02, y, line, fontsize=11, va="top")
                y -= 0.035
            if len(table) and int(table["personnel"].sum()) == 0:
                fig.text(
                    0.02,
                    y - 0.01,
                    self.tr("brief.pers.zero"),
                    fontsize=10.5,
                    va="top",
                    color=sm.MARKING_COLOUR,
                )
            ax_m = fig.add_axes((0.66, 0.30, 0.32, 0.56))
            m = self.smap(ax_m).basemap(muted=True, legend_roads=False)
            frame = pd.DataFrame([{"lon": p.lon, "lat": p.lat, "kind": p.kind,
                                   "name": f"{_short(p.name)} ({self._staff(p.personnel)})"}
                                  for p in b.data.posts])  # fmt: skip
            m.posts(frame, kind_labels=self.kinds)
            m.place_labels().scale_bar().north_arrow()

        self.add(title, draw)

    def _staff(self, personnel: int) -> str:
        """A post's personnel, or "belum diisi" while it is 0."""
        return str(personnel) if personnel else self.tr("personnel.unset")

    def tps_duty(self) -> None:
        """TPS per Polsek and kelurahan: counted, located, personnel needed and short."""
        staff = self.b.tps
        if staff is None or staff.tps == 0:
            return
        title = self.tr("brief.tps.title")
        fs = 9

        def draw(fig: Figure) -> None:
            self._page(fig, title)
            header = [self.tr("brief.tps.col.tps"), self.tr("brief.tps.col.positioned"),
                      self.tr("brief.tps.col.required"), self.tr("brief.tps.col.assigned"),
                      self.tr("brief.tps.col.short")]  # fmt: skip
            cols = ["tps", "positioned", "required", "assigned", "shortfall"]
            pol = staff.polsek
            rows = [[r.polsek, r.kelurahan, *(int(getattr(r, c)) for c in cols)]
                    for r in pol.itertuples()]  # fmt: skip
            rows.append([self.tr("brief.total"), int(pol["kelurahan"].sum()),
                         *(int(pol[c].sum()) for c in cols)])  # fmt: skip
            h = (len(rows) + 2.6) * fs * 1.75 / 72 / A4_LANDSCAPE[1]
            ax = fig.add_axes((0.02, 0.86 - h, 0.46, h))
            draw_table(ax, [self.tr("brief.tps.col.polsek"), self.tr("brief.tps.col.kelurahan"), *header],
                       rows, [2.3, 0.6, 0.7, 1.1, 1.0, 1.1, 0.9], fontsize=fs,
                       align=["l", "r", "r", "r", "r", "r", "r"])  # fmt: skip
            st = self.b.strength
            notes = [self.tr("brief.pers.total", own=st.own, bko=st.bko, total=st.total),
                     self.tr("brief.pers.tps", need=st.tps_required, left=st.free_after_tps)]  # fmt: skip
            if st.free_after_tps < 0:
                notes.append(self.tr("brief.tps.short", short=-st.free_after_tps,
                                     need=st.tps_required, free=st.free))  # fmt: skip
            if staff.missing:
                notes.append(self.tr("brief.tps.missing", missing=staff.missing, tps=staff.tps))
            import textwrap

            y = 0.86 - h - 0.04
            for i, line in enumerate(notes):
                for part in textwrap.wrap(line, 70):
                    fig.text(0.02, y, part, fontsize=10, va="top",
                             color=sm.MARKING_COLOUR if i == 2 and st.free_after_tps < 0 else "black")  # fmt: skip
                    y -= 0.03
                y -= 0.01
            kel = staff.kelurahan
            krows = [[r.kelurahan, r.kecamatan, *(int(getattr(r, c)) for c in cols)]
                     for r in kel.itertuples()]  # fmt: skip
            hk = min(0.80, (len(krows) + 1.6) * fs * 1.75 / 72 / A4_LANDSCAPE[1])
            ax_k = fig.add_axes((0.51, 0.86 - hk, 0.47, hk))
            draw_table(ax_k, [self.tr("brief.col.kelurahan"), self.tr("brief.col.kecamatan"), *header],
                       krows, [2.0, 1.6, 0.6, 1.1, 1.0, 1.1, 0.9], fontsize=fs,
                       align=["l", "l", "r", "r", "r", "r", "r"])  # fmt: skip

        self.add(title, draw)

    def gaps(self) -> None:
        b = self.b
        cov = b.coverage
        title = self.tr("brief.sec.gaps")
        fs = 9

        def draw(fig: Figure) -> None:
            self._page(fig, title)
            if cov is None:
                fig.text(0.5, 0.5, self.tr("brief.cov.none"), ha="center", fontsize=14)
                return
            limit = cov.gap_cutoff_min
            ax = fig.add_axes((0.015, 0.075, 0.45, 0.80))
            m = self.smap(ax).basemap(roads=True, muted=True, legend_roads=False)
            bands = cov.bands
            late = bands[bands["time_s"] > limit * 60]
            ok = bands[bands["time_s"] <= limit * 60]
            m._lines(sm.to_metric(ok.geometry), colour=sm.OKABE_ITO["sky"], width=1.6, z=7)
            m.add_legend_entry(
                m._line_handle(sm.OKABE_ITO["sky"], 1.6), self.tr("brief.gap.map.ok", m=limit)
            )
            m._lines(
                sm.to_metric(late.geometry), colour=sm.OKABE_ITO["vermillion"], width=3.2, z=7.5
            )
            m.add_legend_entry(
                m._line_handle(sm.OKABE_ITO["vermillion"], 3.2),
                self.tr("brief.gap.map.gap", m=limit),
            )
            from plan.operation import posts_frame

            m.posts(posts_frame(b.data), names=False, kind_labels=self.kinds)
            gaps = cov.gaps
            if len(gaps):
                m.points(gaps["lon"].to_list(), gaps["lat"].to_list(), label=self.tr("brief.gap.map.gap", m=limit),
                         colour=sm.OKABE_ITO["vermillion"], marker="X", size=11, names=gaps["name"].to_list())  # fmt: skip
            self._finish_map(m, fig)
            # summary
            text = (
                self.tr("brief.gap.count", n=len(gaps), m=limit)
                if len(gaps)
                else self.tr("brief.gap.none", m=limit)
            )
            fig.text(0.49, 0.865, text, fontsize=12, weight="bold", va="top",
                     color=sm.MARKING_COLOUR if len(gaps) else "#00573f")  # fmt: skip
            targets = cov.targets
            rows = []
            for r in targets.head(14).itertuples():
                minutes = _fmt_min(r.time_s)
                rows.append([r.name, "TPS" if r.kind == "tps" else self.tr("brief.col.venue"), self.risk(r.risk),
                             r.nearest or "-", minutes if minutes != "-" else self.tr("brief.gap.unreached"),
                             self.tr("brief.yes") if r.covered else self.tr("brief.no")])  # fmt: skip
            ax_t = fig.add_axes((0.49, 0.47, 0.495, 0.35))
            draw_table(ax_t, [self.tr("brief.col.venue"), self.tr("brief.col.kind"), self.tr("brief.col.risk"),
                              self.tr("brief.col.nearest"), self.tr("brief.col.time") + self.tr("brief.col.in_min"),
                              f"≤ {self.mins(limit, 0)}"], rows, [3.6, 0.9, 1.2, 2.2, 1.5, 0.9], fontsize=fs,
                       title=self.tr("brief.gap.targets"), align=["l", "l", "l", "l", "r", "l"])  # fmt: skip
            late_km = late.groupby("kelurahan")["length"].sum().sort_values(ascending=False) / 1000
            all_km = bands.groupby("kelurahan")["length"].sum() / 1000
            krows = [
                [k or self.tr("brief.gap.outside"), self.num(v, 1), self.pct(v / all_km.get(k, np.nan))]
                for k, v in late_km.head(10).items()
                if v > 0
            ]
            ax_k = fig.add_axes((0.49, 0.08, 0.30, 0.35))
            draw_table(ax_k, [self.tr("brief.col.kelurahan"), self.tr("brief.gap.col.km"), self.tr("brief.gap.col.share")],
                       krows or [[self.tr("brief.none"), "", ""]], [2.2, 1.0, 0.9], fontsize=fs,
                       title=self.tr("brief.gap.roads", m=limit), align=["l", "r", "r"])  # fmt: skip

        self.add(title, draw)

    # ---------------------------------------------------------------- assembly

    def build(self) -> list[tuple[str, Callable[[Figure], None]]]:
        self.cover()
        self.schedule()
        self.coverage()
        for esc in self.b.escorts:
            self.escort(esc)
        self.patrols()
        self.personnel()
        self.tps_duty()
        self.gaps()
        return self.pages


def _short(name: str) -> str:
    """Shorter names of havens and police offices for map labels."""
    out = name.replace("UPTD RSUD ", "RSUD ").replace(" Dinas Kesehatan Kota Metro", "")
    return out.replace("Kantor Polisi Resor ", "Polres ").replace(
        "Kantor Polisi Sektor ", "Polsek "
    )


@contextmanager
def _style() -> Iterator[None]:
    with mpl.rc_context(_RC):
        yield


def write_pack(briefing: Briefing, out: str | Path, *, lang: str = "id", png: bool = True,
               png_dpi: int = PNG_DPI) -> PackResult:  # fmt: skip
    """Write the briefing pack as a PDF, and a PNG per page next to it.

    Parameters
    ----------
    briefing
        What to print (``report.briefing.build_briefing``).
    out
        The PDF file; PNG pages are ``<stem>-p01.png``, ``<stem>-p02.png``, … beside it.
    lang
        ``"id"`` (default) or ``"en"``.
    png
        Also write the PNG pages.
    png_dpi
        Resolution of the PNGs.

    Returns
    -------
    PackResult
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pack = _Pack(briefing, lang)
    pages = pack.build()
    result = PackResult(pdf=out)
    for old in out.parent.glob(f"{out.stem}-p[0-9][0-9].png"):
        old.unlink()
    metadata = {
        "Title": f"{t('brief.plan', lang=lang)}: {briefing.data.operation.name}",
        "Author": "Polres Metro",
        "Subject": sm.MARKING,
        "Creator": "Peta Pengamanan Polres Metro",
        "CreationDate": None,
    }
    with _style(), PdfPages(out, metadata=metadata) as pdf:
        for n, (title, draw) in enumerate(pages, start=1):
            fig = Figure(figsize=A4_LANDSCAPE)
            try:
                draw(fig)
                if n > 1:
                    pack._footer(fig, n, len(pages))
                else:
                    fig.text(
                        0.985,
                        0.012,
                        pack.tr("brief.page", n=n, total=len(pages)),
                        ha="right",
                        va="bottom",
                        fontsize=8,
                    )
                pdf.savefig(fig)
                if png:
                    path = out.with_name(f"{out.stem}-p{n:02d}.png")
                    fig.savefig(path, dpi=png_dpi, metadata={"Software": None})
                    result.pngs.append(path)
            finally:
                fig.clear()
            result.titles.append(title)
    return result


def render_slide_png(draw: Callable[[Figure], None], path: str | Path, *, size: tuple[float, float] = (16, 9),
                     dpi: int = 120) -> Path:  # fmt: skip
    """Render one figure-drawing function to a PNG (used for previews)."""
    path = Path(path)
    with _style():
        fig = Figure(figsize=size)
        try:
            draw(fig)
            fig.savefig(path, dpi=dpi)
        finally:
            fig.clear()
    return path


def route_lines(esc: EscortBriefing) -> list[LineString]:
    """The drawable lines of an escort (main first)."""
    return [g for g in esc.routes if g is not None and not g.is_empty]
