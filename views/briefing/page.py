"""Mode Briefing: the operation on a projector, slide by slide, and the printed pack (PDF).

The page lays out the slide and its map; the cached briefing, the pack and the slide list live
in ``views.briefing.deck``.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from streamlit_folium import st_folium

from geo import coverage as cv
from geo.risk import RISK_TIERS
from i18n import fmt, t
from layers import briefing as lb
from layers import coverage as lc
from layers.base import FitClear
from layers.control import TextLayerControl
from layers.legend import legend, north_arrow, title_block
from plaintext import escape_markdown
from plan.operation import get_operation, posts_frame
from report.schedule import state_at
from style import OKABE_ITO
from views import state
from views.briefing.deck import (
    PROJECTOR_CSS,
    THEME,
    briefing,
    pack_bytes,
    slide_title,
    step,
)
from views.briefing.deck import (
    slides as slide_list,
)

# ------------------------------------------------------------------------------------ page

projector = st.query_params.get("proyektor") == "1"

with state.guarded():
    area = state.get_area()
    store = state.get_store()
    op = get_operation(store, state.operation_id(area))
    b = briefing(area.key, str(store.path), op.id, op.revision, area, store)
    slides = slide_list(b)
    total = len(slides)
    idx = st.session_state.get("brief_slide", 0) % total
    kind, item = slides[idx]

    if projector:
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    else:
        st.header(t("briefing.nav"))

    if projector:  # one row on the wide screen without the sidebar
        c_prev, c_next, c_info, c_time, c_pdf, c_proj = st.columns(
            [1.1, 1.1, 2.2, 3.2, 1.8, 1.6], vertical_alignment="bottom"
        )
    else:  # two rows beside the sidebar, so no button's label is cut
        c_prev, c_next, c_info = st.columns([1, 1, 2], vertical_alignment="bottom")
        c_time, c_pdf, c_proj = st.columns([3, 2, 2], vertical_alignment="bottom")
    c_prev.button(t("briefing.prev"), icon=":material/arrow_back:", shortcut="Left",
                  on_click=step, args=(-1, total), width="stretch")  # fmt: skip
    c_next.button(t("briefing.next"), icon=":material/arrow_forward:", shortcut="Right",
                  on_click=step, args=(1, total), width="stretch", type="primary")  # fmt: skip
    c_info.markdown(
        f"**{t('briefing.slide', n=idx + 1, total=total)}** · "
        f"{escape_markdown(slide_title(kind, item))}"
    )
    phases = b.schedule.phases()
    moment: datetime | None = None
    if phases:
        moment = c_time.select_slider(
            t("briefing.time"), options=phases, key="brief_time",
            format_func=lambda d: d.strftime("%d-%m %H:%M"),
        )  # fmt: skip
    else:
        c_time.caption(t("briefing.time.none"))
    if c_pdf.button(t("briefing.pdf.build"), icon=":material/picture_as_pdf:", width="stretch"):
        with st.spinner(t("briefing.pdf.building")):
            st.session_state["brief_pdf"] = pack_bytes(
                area.key, str(store.path), op.id, op.revision, st.session_state.get("lang", "id"), b
            )
    if st.session_state.get("brief_pdf"):
        c_pdf.download_button(t("briefing.pdf"), st.session_state["brief_pdf"],
                              file_name="paket-briefing.pdf", mime="application/pdf",
                              icon=":material/download:", width="stretch")  # fmt: skip
    wanted = c_proj.toggle(t("briefing.projector"), value=projector, help=t("briefing.projector.help"))
    if wanted != projector:
        if wanted:
            st.query_params["proyektor"] = "1"
        else:
            st.query_params.pop("proyektor", None)
        st.rerun()

    now = state_at(b.schedule, moment) if moment is not None else None
    data = b.data
    cov = b.coverage
    entries: list[tuple[str, str, str]] = []
    center: tuple[float, float] | None = None
    zoom: int | None = None
    m_opts: dict[str, object] = {"theme": THEME, "show_places": False, "controls": not projector,
                                 "fit_clear": True}
    if kind == "venue":
        center, zoom = (item.lat, item.lon), 16  # type: ignore[attr-defined]
        m_opts.update(center=center, zoom=zoom)
    m = state.page_map(**m_opts)
    m.get_root().header.add_child(lb.big_scale_bar(THEME))
    posts = posts_frame(data)

    if cov is not None and kind in ("overview", "venue"):
        labels = cv.band_labels(sorted(cov.cutoffs_min), unit=t("unit.min_short"))
        n_cutoffs = len(labels) - 1
        lc.road_bands_group(
            cov.bands, labels=labels, name=t("brief.sec.coverage"), theme=THEME
        ).add_to(m)
        for band, label in enumerate(labels):
            entries.append(
                ("dash" if band >= n_cutoffs else "line", lc.band_colour(band, n_cutoffs), label)
            )
    post_entry = len(entries)  # the posts' legend row comes before the venues'
    active_ids = {v.id for v in now.venues} if now is not None else None
    venue_pts = [
        (v.lon, v.lat, v.name) for v in data.venues if active_ids is None or v.id in active_ids
    ]
    idle_pts = [
        (v.lon, v.lat, v.name)
        for v in data.venues
        if active_ids is not None and v.id not in active_ids
    ]
    if kind in ("overview", "venue", "patrol"):
        if venue_pts:
            lb.points_group(venue_pts, name=t("brief.map.venue"), colour=OKABE_ITO["vermillion"], radius=9,
                            labels=True, theme=THEME).add_to(m)  # fmt: skip
            entries.append(("dot", OKABE_ITO["vermillion"],
                            t("brief.map.venue.active") if now is not None else t("brief.map.venue")))  # fmt: skip
        if idle_pts:
            lb.points_group(idle_pts, name=t("brief.map.venue"), colour="#bbbbbb", radius=6,
                            theme=THEME).add_to(m)  # fmt: skip
            entries.append(("dot", "#bbbbbb", t("brief.map.venue")))
    # posts drawn after the venues: a post is never hidden under a venue beside it
    if not posts.empty:
        lb.points_group(
            [(p.lon, p.lat, f"{p.name} ({p.personnel or t('personnel.unset')})")
             for p in posts.itertuples()],
            name=t("brief.pers.col.post"), colour=lc.POST_COLOUR, radius=9, labels=True,
            label_colour=lc.POST_COLOUR, first=True, theme=THEME,
        ).add_to(m)  # fmt: skip
        entries.insert(post_entry, ("dot", lc.POST_COLOUR, t("brief.map.post_personnel")))

    closures = now.closures if now is not None else b.schedule.closures
    if closures:
        lb.closures_group([c.closure.geometry for c in closures], [c.closure.name for c in closures],
                          name=t("brief.map.closure"), theme=THEME).add_to(m)  # fmt: skip
        entries.append(("area", "#ffd400", t("brief.map.closure")))
    if now is not None and now.convoys:
        lb.points_group([(c.lon, c.lat, c.route.name) for c in now.convoys], name=t("brief.map.convoy"),
                        colour=OKABE_ITO["orange"], radius=11, labels=True, theme=THEME).add_to(m)  # fmt: skip
        entries.append(("dot", OKABE_ITO["orange"], t("brief.map.convoy")))

    panel = None
    if kind == "overview" and cov is not None:
        rows = [[t("brief.min", m=f.cutoff_min), f"{f.road_share:.0%}", f"{f.venues_covered}/{f.venues_total}",
                 f"{f.tps_covered}/{f.tps_total}" if f.tps_total else "-"] for f in cov.figures]  # fmt: skip
        panel = lb.info_panel(t("brief.cov.figures"), [t("brief.cov.note")],
                              header=[t("brief.cov.cutoff"), t("brief.cov.road"), t("brief.cov.venues"),
                                      t("brief.cov.tps")], rows=rows, width_px=470)  # fmt: skip
    elif kind == "venue":
        hit = cov.targets[cov.targets["key"] == f"venue:{item.id}"] if cov is not None else None  # type: ignore[attr-defined]
        events = [e for e in data.events if e.venue_id == item.id]  # type: ignore[attr-defined]
        lines = []
        if hit is not None and len(hit):
            r = hit.iloc[0]
            lines.append(f"{t('brief.col.nearest')}: {r['nearest']} "
                         f"({fmt.minutes(r['time_s'] / 60, 1)})")
        lines.append(f"{t('brief.col.risk')}: {fmt.risk_label(item.risk)} · "  # type: ignore[attr-defined]
                     f"{t('brief.col.position')}: "
                     f"{t('brief.position.' + item.position)}")  # type: ignore[attr-defined]  # fmt: skip
        rows = [
            [e.starts.replace("T", " ")[:16], e.title, e.organiser, e.expected_crowd]
            for e in events
        ]
        near = posts.assign(
            d=(posts["lon"] - item.lon) ** 2 + (posts["lat"] - item.lat) ** 2
        ).nsmallest(3, "d")  # type: ignore[attr-defined]
        lines += [f"{p.name}: {p.personnel} personel" for p in near.itertuples()]
        panel = lb.info_panel(item.name, lines, header=[t("brief.col.when"), t("brief.col.what"), "Penyelenggara",  # type: ignore[attr-defined]
                              "Massa"] if rows else None, rows=rows)  # fmt: skip
        lb.points_group([(item.lon, item.lat, item.name)], name=item.name, colour=OKABE_ITO["yellow"],  # type: ignore[attr-defined]
                        radius=14, labels=False, theme=THEME).add_to(m)  # fmt: skip
    elif kind == "escort":
        esc = item
        labels = [t("brief.esc.main")] + [
            t("brief.esc.alt", n=i) for i in range(1, len(esc.routes))
        ]  # type: ignore[attr-defined]
        lb.routes_group(list(esc.routes), labels, name=esc.name, theme=THEME).add_to(m)  # type: ignore[attr-defined]
        for i, label in enumerate(labels):
            entries.append(("line" if i == 0 else "dash", lb.ROUTE_COLOURS[min(i, 3)], label))
        sheet = esc.sheet  # type: ignore[attr-defined]
        tcp = sheet.get("traffic_control", [])
        if tcp:
            lb.points_group([(r["lon"], r["lat"], f"{r['eta']} · {r['personnel']} personel") for r in tcp],
                            name=t("brief.esc.tcp"), colour="#0b2a5b", numbered=True, theme=THEME).add_to(m)  # fmt: skip
            entries.append(("dot", "#0b2a5b", t("brief.map.tcp")))
        choke = sheet.get("chokepoints", [])
        if choke:
            lb.points_group([(r["lon"], r["lat"], r["description"]) for r in choke], name=t("brief.map.choke"),
                            colour=OKABE_ITO["yellow"], radius=10, theme=THEME).add_to(m)  # fmt: skip
            entries.append(("dot", OKABE_ITO["yellow"], t("brief.map.choke")))
        havens = area.places[
            area.places["category"].isin(["hospital", "police_hq", "police_sector"])
        ]
        lb.points_group([(g.x, g.y, n) for g, n in zip(havens.geometry, havens["name"], strict=True)],
                        name=t("brief.esc.havens.map"), colour=OKABE_ITO["green"], radius=9, labels=True,
                        theme=THEME).add_to(m)  # fmt: skip
        entries.append(("dot", OKABE_ITO["green"], t("brief.esc.havens.map")))
        rows = [[labels[int(r.route)], f"{fmt.number(r.length_km, 2)} km", fmt.minutes(r.time_min, 1),
                 f"{fmt.number(r.shared * 100)}%"]
                for r in esc.figures.itertuples()]  # type: ignore[attr-defined]  # fmt: skip
        gap = sheet.get("haven_gap") or {}
        lines = [
            t("brief.esc.from", v=esc.origin), t("brief.esc.to", v=esc.destination),  # type: ignore[attr-defined]
            t("brief.esc.personnel", v=sheet.get("personnel", 0), n=len(tcp)),
        ]  # fmt: skip
        if gap.get("length_m", 0) > 0:
            lines.append(t("brief.esc.gap", lim=sheet.get("haven_limit_s", 180) / 60, a=gap["from_km"],
                           b=gap["to_km"], m=gap["length_m"]))  # fmt: skip
        if not esc.saved:  # type: ignore[attr-defined]
            lines.append(t("brief.esc.planned"))
        panel = lb.info_panel(esc.name, lines, header=[t("brief.esc.compare"), t("brief.esc.length"),  # type: ignore[attr-defined]
                              t("brief.esc.time"), t("brief.esc.shared")], rows=rows,
                              extra=[(t("brief.esc.tcp"), [t("brief.col.no"), t("brief.col.km"),
                                      t("brief.col.eta"), t("brief.col.manoeuvre"), t("brief.col.personnel")],
                                      [[i, f"{r['km']:.2f}", r["eta"], r["manoeuvre"], r["personnel"]]
                                       for i, r in enumerate(tcp, start=1)])])  # fmt: skip
        bounds = [g.bounds for g in esc.routes]  # type: ignore[attr-defined]
        if bounds:
            FitClear([[min(b_[1] for b_ in bounds), min(b_[0] for b_ in bounds)],
                      [max(b_[3] for b_ in bounds), max(b_[2] for b_ in bounds)]]).add_to(m)
    elif kind == "patrol":
        if b.patrols:
            lb.lines_group([p.line for p in b.patrols], [p.name for p in b.patrols],
                           name=t("brief.sec.patrol"), theme=THEME).add_to(m)  # fmt: skip
            for i, p in enumerate(b.patrols):
                entries.append(("line", lb.PATROL_COLOURS[i % len(lb.PATROL_COLOURS)], p.name))
            rows = [
                [p.name, f"{fmt.number(p.length_m / 1000, 1)} km", fmt.minutes(p.duration_s / 60)]
                for p in b.patrols
            ]
            order = [" → ".join(p.stops) for p in b.patrols[:2]]
            lines = order + (
                [t("brief.pat.suggested")] if not all(p.saved for p in b.patrols) else []
            )
            panel = lb.info_panel(t("brief.sec.patrol"), lines, header=[t("brief.pat.col.name"),
                                  t("brief.esc.length"), t("brief.esc.time")], rows=rows)  # fmt: skip
        else:
            panel = lb.info_panel(t("brief.sec.patrol"), [t("brief.pat.none")])
    elif kind == "gaps" and cov is not None:
        limit = cov.gap_cutoff_min
        late = cov.bands[cov.bands["time_s"] > limit * 60]
        if len(late):
            lb.lines_group(list(late.geometry), [t("brief.gap.map.gap", m=limit)] * len(late),
                           name=t("brief.gap.map.gap", m=limit), colours=[OKABE_ITO["vermillion"]],
                           theme=THEME).add_to(m)  # fmt: skip
            entries.append(("line", OKABE_ITO["vermillion"], t("brief.gap.map.gap", m=limit)))
        lc.targets_group(cov.targets, name=t("brief.col.venue"),
                         tooltip="{name} · {kind} · {risk} · {minutes} " + t("unit.min_short")
                         + " · {post}",
                         kind_labels={"venue": t("brief.col.venue"), "tps": "TPS"},
                         risk_labels={r: fmt.risk_label(r) for r in RISK_TIERS},
                         theme=THEME).add_to(m)  # fmt: skip
        entries.append(("dot", lc.COVERED_COLOUR, t("brief.gap.map.ok", m=limit)))
        entries.append(("dot", lc.GAP_COLOUR, t("brief.gap.map.gap", m=limit)))
        rows = [[r.name, f"{r.time_s / 60:.1f}" if r.time_s != float("inf") else "-", r.nearest]
                for r in cov.targets.head(10).itertuples()]  # fmt: skip
        head = (t("brief.gap.count", n=len(cov.gaps), m=limit) if len(cov.gaps)
                else t("brief.gap.none", m=limit))  # fmt: skip
        panel = lb.info_panel(t("brief.sec.gaps"), [head], header=[t("brief.col.venue"), t("unit.min_short"),
                              t("brief.col.nearest")], rows=rows)  # fmt: skip

    if panel is not None and projector:  # on the slide; beside the sidebar it goes under the map
        panel.add_to(m)
    dates = " – ".join(d[:10] for d in (op.starts, op.ends) if d) or t("brief.dates.none")
    phase = (
        t("briefing.phase", t=moment.strftime("%d-%m-%Y %H:%M")) if moment is not None else dates
    )
    title_block(
        [op.name, f"{slide_title(kind, item)} · {phase}"], marking="TERBATAS", theme=THEME
    ).add_to(m)
    legend(t("brief.legend"), entries, theme=THEME).add_to(m)
    north_arrow(theme=THEME, letter=t("brief.map.north"), label=t("map.north")).add_to(m)
    st_folium(
        m,
        key="brief_map",
        height=950 if projector else 760,
        use_container_width=True,
        returned_objects=[],
        layer_control=TextLayerControl(collapsed=True),
    )
    if not projector:
        if panel is not None:  # the slide's figures, under the map so they cover no part of it
            st.html(f'<div class="peta-brief-figures">{panel.body}</div>')
        st.caption(t("briefing.keys"))
