"""Peta Cakupan: the commander's live coverage map (posts, units, reach in minutes, gaps)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import folium
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit_folium import st_folium

from geo import coverage as cv
from geo._errors import GeoError
from geo.area import Area
from geo.snap import snap_point
from i18n import t
from layers import coverage as lc
from layers.legend import title_block
from plan import operation as op
from plan.store import Store
from views import coverage_panels, state
from views import coverage_state as cs

CUTOFF_CHOICES = [3, 5, 10, 15, 20, 30]
MODES = ("view", "add_post", "move_post", "place_unit", "incident")


# ------------------------------------------------------------------------------------------
# the page

st.header(t("cov.title"))
st.caption(t("cov.intro"))

with state.guarded():
    area = state.get_area()
    store = state.get_store()
    default = op.ensure_default_operation(store, area.places)
    operations = op.list_operations(store)
    names = {o.id: o.name for o in operations}
    # the operation chosen here is the session's operation on every page ("operation_id")
    st.session_state.setdefault("cov_op", st.session_state.get("operation_id", default.id))
    if st.session_state["cov_op"] not in names:
        st.session_state["cov_op"] = default.id
    top = st.columns([3, 3, 2, 2])
    op_id = top[0].selectbox(t("cov.operation"), list(names), format_func=names.get, key="cov_op")
    st.session_state["operation_id"] = op_id
    cutoffs = top[1].multiselect(
        t("cov.cutoffs"),
        CUTOFF_CHOICES,
        default=[5, 10, 15],
        key="cov_cutoffs",
        format_func=lambda m: t("cov.minutes", m=m),
    )
    top[2].toggle(t("cov.use_units"), value=True, key="cov_use_units")
    sim_on = top[3].toggle(t("cov.sim.toggle"), value=False, key="cov_sim")
    if not cutoffs:
        st.warning(t("cov.no_cutoffs"))
        st.stop()
    cutoffs = sorted(cutoffs)
    if st.session_state.get("cov_standard") not in cutoffs:
        st.session_state["cov_standard"] = cutoffs[len(cutoffs) // 2]
    st.select_slider(
        t("cov.standard"),
        options=cutoffs,
        format_func=lambda m: t("cov.minutes", m=m),
        key="cov_standard",
    )
    layers_on = st.columns(4)
    layers_on[0].checkbox(t("cov.layer.isochrones"), value=True, key="cov_iso")
    layers_on[1].checkbox(t("cov.layer.aor"), value=False, key="cov_aor")
    layers_on[2].checkbox(t("cov.layer.backup"), value=False, key="cov_backup")
    layers_on[3].number_input(
        t("cov.refresh"), min_value=2, max_value=60, value=5, step=1, key="cov_refresh"
    )

    if sim_on:
        st.session_state.setdefault("cov_sim_seed", 1)
        st.session_state.setdefault(
            "cov_sim_start", datetime.now(UTC).replace(microsecond=0).isoformat()
        )
        st.warning(t("cov.sim.banner"), icon=":material/science:")
        data0 = op.load_operation(store, op_id)
        cs.ensure_rehearsal_units(store, data0)
    elif st.session_state.pop("cov_sim_start", None) is not None:
        op.clear_simulation(store, op_id)
        st.session_state.pop("cov_sim_written", None)


@st.fragment(run_every=f"{int(st.session_state.get('cov_refresh', 5))}s")
def live_map() -> None:
    """Map, units and figures: refreshed on a timer without redrawing the rest of the page."""
    started = time.perf_counter()
    with state.guarded():
        area = state.get_area()
        store = state.get_store()
        op_id = int(st.session_state["cov_op"])
        data = op.load_operation(store, op_id)
        rev = data.operation.revision
        sim = bool(st.session_state.get("cov_sim"))
        if sim:
            cs.tick_simulation(store, area, data)
        positions = cs.positions(store, data, sim)
        posts = op.posts_frame(data)
        post_sources = cs.post_sources(area.key, op_id, rev, area, data)
        unit_sources: tuple = ()
        if st.session_state.get("cov_use_units", True):
            unit_sources = tuple(cv.sources_from_frame(area, op.units_frame(positions)))
        sources = (*post_sources, *unit_sources)
        nets = cs.networks({s.profile for s in sources})
        roads = cs.roads(area.key, area, nets["car"])
        targets = cs.targets(area.key, op_id, rev, area, roads, data)
        target_key = (op_id, rev)
        cutoffs_min = sorted(st.session_state["cov_cutoffs"])
        cutoffs_s = tuple(float(m) * 60 for m in cutoffs_min)
        standard_s = float(st.session_state["cov_standard"]) * 60

        mode_col, pick_col = st.columns([3, 2])
        mode = mode_col.radio(
            t("cov.mode"),
            MODES,
            format_func=lambda m: t(f"cov.mode.{m}"),
            horizontal=True,
            key="cov_mode",
        )
        picked = None
        if mode == "move_post" and not posts.empty:
            picked = pick_col.selectbox(
                t("cov.pick_post"),
                posts["id"].tolist(),
                format_func=dict(zip(posts["id"], posts["name"], strict=True)).get,
                key="cov_move_pick",
            )
        elif mode == "place_unit":
            known = [u.unit_id for u in data.units]
            picked = pick_col.selectbox(
                t("cov.pick_unit"),
                [*known, "__new__"],
                format_func=lambda u: t("cov.new_unit") if u == "__new__" else u,
                key="cov_unit_pick",
            )
            if picked == "__new__":
                picked = pick_col.text_input(t("cov.new_unit_id"), key="cov_new_unit").strip()

        if not sources:
            st.info(t("cov.no_sources"))
            analysis = None
        else:
            analysis = cs.analysis(
                area.key, sources, cutoffs_s, standard_s, target_key, nets, roads, targets
            )

        # ---- map
        theme = st.session_state.get("map_theme", "light")
        m = state.page_map(show_roads=analysis is None, show_places=False)
        band_labels = cv.band_labels(cutoffs_min)
        extra = [
            ("dot", lc.POST_COLOUR, t("cov.legend.post")),
            ("dot", lc.UNIT_COLOUR, t("cov.legend.unit")),
            ("dot", lc.STALE_COLOUR, t("cov.legend.stale")),
            ("dot", lc.GAP_COLOUR, t("cov.legend.gap", m=st.session_state["cov_standard"])),
            ("dot", lc.COVERED_COLOUR, t("cov.legend.covered")),
        ]
        lc.coverage_legend(t("cov.legend.title"), band_labels, extra, theme=theme).add_to(m)
        if sim:
            title_block([t("cov.sim.title")], marking=t("cov.sim.marking"), theme=theme).add_to(m)
        groups: list[folium.FeatureGroup] = []
        if analysis is not None:
            groups.append(
                lc.road_bands_group(
                    analysis.bands, labels=band_labels, name=t("cov.layer.bands"), theme=theme
                )
            )
            if st.session_state.get("cov_iso"):
                iso = cs.isochrones(area.key, sources, cutoffs_s, analysis, roads)
                groups.append(
                    lc.isochrone_group(
                        iso,
                        n_cutoffs=len(cutoffs_s),
                        name=t("cov.layer.isochrones"),
                        label=t("cov.tip.isochrone"),
                    )
                )
            if st.session_state.get("cov_aor"):
                groups.append(
                    lc.responsibility_group(
                        analysis.bands,
                        name=t("cov.layer.aor"),
                        tooltip=t("cov.tip.aor"),
                        show=True,
                    )
                )
            if not analysis.targets.empty:
                groups.append(
                    lc.targets_group(
                        analysis.targets,
                        name=t("cov.layer.targets"),
                        tooltip=t("cov.tip.target"),
                        kind_labels=cs.labels("cov.kind", ("venue", "tps")),
                        risk_labels=cs.labels("cov.risk", op.RISK_TIERS),
                        theme=theme,
                    )
                )
        if not posts.empty:
            groups.append(
                lc.posts_group(
                    posts,
                    name=t("cov.layer.posts"),
                    tooltip=t("cov.tip.post"),
                    kind_labels=cs.labels("cov.postkind", op.POST_KINDS),
                    selected=picked if mode == "move_post" else None,
                    theme=theme,
                )
            )
        if positions:
            groups.append(
                lc.units_group(
                    cs.units_frame(positions),
                    name=t("cov.layer.units"),
                    tooltip=t("cov.tip.unit"),
                    status_labels=cs.labels("cov.status", op.UNIT_STATUSES),
                    simulated=sim,
                    theme=theme,
                )
            )
        suggestion = st.session_state.get("cov_placement")
        if suggestion and suggestion[0] == (op_id, rev):
            groups.append(
                lc.suggestions_group(
                    suggestion[1].added,
                    name=t("cov.layer.suggested"),
                    tooltip=t("cov.tip.suggested"),
                )
            )
        incident = st.session_state.get("cov_incident")
        if incident and incident["op"] == op_id:
            groups.append(
                lc.incident_group(
                    (incident["lat"], incident["lon"]),
                    incident["routes"],
                    name=t("cov.layer.incident"),
                    label=t("cov.tip.incident"),
                )
            )
        view = st.session_state.get("cov_view", {})
        out = st_folium(
            m,
            key="coverage_map",
            height=600,
            use_container_width=True,
            returned_objects=["last_clicked", "center", "zoom"],
            center=view.get("center"),
            zoom=view.get("zoom"),
            feature_group_to_add=groups,
            layer_control=folium.LayerControl(collapsed=True),
        )
        out = out or {}
        if out.get("center") and out.get("zoom"):
            st.session_state["cov_view"] = {
                "center": (out["center"]["lat"], out["center"]["lng"]),
                "zoom": out["zoom"],
            }
        click = out.get("last_clicked")
        if click and click != st.session_state.get("cov_last_click"):
            st.session_state["cov_last_click"] = click
            _on_click(area, store, data, mode, picked, click["lng"], click["lat"], sources, nets)
        if mode != "view":
            with st.form("cov_point_form", clear_on_submit=False, border=False):
                c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
                typed = c1.text_input(
                    t("cov.point"), placeholder="-5.1130, 105.3068", key="cov_point"
                )
                if c2.form_submit_button(t("cov.point.apply")):
                    lat, lon = _parse_point(typed)
                    _on_click(area, store, data, mode, picked, lon, lat, sources, nets)

        if sim:
            st.caption(t("cov.sim.caption", n=len(positions)))
        if analysis is not None:
            _figures(analysis, cutoffs_min, positions)
            if st.session_state.get("cov_backup"):
                backup = cs.backup(area.key, sources, standard_s, target_key, nets, roads, targets)
                st.metric(
                    t("cov.backup.metric", m=st.session_state["cov_standard"]),
                    f"{backup.road_share_backup:.1%}",
                    help=t("cov.backup.help"),
                )
                if len(backup.target_count):
                    single = int((backup.target_count == 1).sum())
                    st.caption(t("cov.backup.targets", n=single))
        if incident and incident["op"] == op_id:
            _incident_panel(incident)
    # server time of this refresh (read by bench/bench_coverage.py)
    st.session_state["cov_refresh_s"] = time.perf_counter() - started


def _rerun_fragment() -> None:
    """Rerun the live map only (the whole page when this is a full run)."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:
        st.rerun()


def _parse_point(text: str) -> tuple[float, float]:
    """``"lat, lon"`` typed by the user (decimal degrees)."""
    parts = text.replace(";", ",").split(",")
    try:
        lat, lon = (float(x) for x in parts)
    except ValueError:
        raise GeoError(t("cov.point.bad", text=text)) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeoError(t("cov.point.bad", text=text))
    return lat, lon


def _on_click(
    area: Area,
    store: Store,
    data: op.OperationData,
    mode: str,
    picked,
    lon: float,
    lat: float,
    sources: tuple,
    nets: dict,
) -> None:
    """Act on a map click according to the mode (every error shown, nothing half-saved)."""
    op_id = data.operation.id
    if mode == "view":
        return
    snap = snap_point(area, lon, lat)  # OffNetworkError beyond 500 m: shown by guarded()
    if mode == "add_post":
        n = len(data.posts) + 1
        op.add_post(
            store,
            op_id,
            name=t("cov.new_post_name", n=n),
            kind="pos_pengamanan",
            lon=lon,
            lat=lat,
            note=t("cov.new_post_note"),
        )
        st.toast(t("cov.saved.post_added"))
        st.rerun(scope="app")
    elif mode == "move_post" and picked is not None:
        op.move_post(store, int(picked), lon, lat)
        st.toast(t("cov.saved.post_moved"))
        st.rerun(scope="app")
    elif mode == "place_unit":
        if not picked:
            st.error(t("cov.unit_needed"))
            return
        frame = pd.DataFrame(
            {
                "unit_id": [picked],
                "time": [datetime.now(UTC)],
                "lon": [lon],
                "lat": [lat],
                "status": ["available"],
            }
        )
        op.record_positions(store, op_id, frame, source="peta")
        st.toast(t("cov.saved.unit_placed", unit=picked))
        _rerun_fragment()
    elif mode == "incident":
        available = list(sources)
        found = cv.nearest_responders(nets, available, snap.node, count=3)
        if not found:
            st.session_state.pop("cov_incident", None)
            st.error(t("cov.incident.none"))
            return
        routes, rows = [], []
        for i, r in enumerate(found):
            line = cv.path_line(area, nets[r.source.profile], r.edges)
            coords = [(y, x) for x, y in line.coords] if not line.is_empty else []
            coords = [(r.source.lat, r.source.lon), *coords, (snap.lat, snap.lon)]
            label = f"{r.source.name}: {r.eta_s / 60:.1f} {t('cov.min_short')}"
            routes.append((label, coords, lc.INCIDENT_COLOUR if i == 0 else "#444444"))
            rows.append(
                {
                    "name": r.source.name,
                    "kind": r.source.kind,
                    "profile": r.source.profile,
                    "eta_min": r.eta_s / 60,
                    "km": float(nets[r.source.profile].length[list(r.edges)].sum() / 1000)
                    if r.edges
                    else 0.0,
                }
            )
        st.session_state["cov_incident"] = {
            "op": op_id,
            "lat": snap.lat,
            "lon": snap.lon,
            "routes": routes,
            "rows": rows,
            "kelurahan": snap.kelurahan or "",
        }
        _rerun_fragment()


def _incident_panel(incident: dict) -> None:
    st.subheader(t("cov.incident.title"))
    rows = incident["rows"]
    first = rows[0]
    st.success(
        t(
            "cov.incident.dispatch",
            name=first["name"],
            eta=f"{first['eta_min']:.1f}",
            km=f"{first['km']:.1f}",
            kelurahan=incident["kelurahan"] or "–",
        )
    )
    table = pd.DataFrame(
        {
            t("cov.col.responder"): [r["name"] for r in rows],
            t("cov.col.kind"): [
                t(f"cov.postkind.{r['kind']}") if r["kind"] != "unit" else t("cov.unit")
                for r in rows
            ],
            t("cov.col.profile"): [t(f"cov.profile.{r['profile']}") for r in rows],
            t("cov.col.eta"): [round(r["eta_min"], 1) for r in rows],
            t("cov.col.km"): [round(r["km"], 2) for r in rows],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    if st.button(t("cov.incident.clear"), key="cov_incident_clear"):
        st.session_state.pop("cov_incident", None)
        _rerun_fragment()


def _figures(analysis: cv.Analysis, cutoffs_min: list[int], positions) -> None:
    """Metrics per cutoff, tables per kecamatan/kelurahan, and the gaps."""
    st.subheader(t("cov.figures"))
    for minutes, fig in zip(cutoffs_min, analysis.figures, strict=True):
        cols = st.columns(4)
        cols[0].metric(
            t("cov.metric.road", m=minutes), f"{fig.road_share:.1%}", help=t("cov.metric.road_help")
        )
        cols[1].metric(
            t("cov.metric.venues", m=minutes), f"{fig.venues_covered}/{fig.venues_total}"
        )
        cols[2].metric(t("cov.metric.tps", m=minutes), f"{fig.tps_covered}/{fig.tps_total}")
        tiers = " · ".join(f"{t('cov.risk.' + k)} {c}/{n}" for k, (c, n) in fig.tps_by_risk.items())
        cols[3].caption(t("cov.metric.tps_tiers", tiers=tiers or "–"))
    stale = sum(1 for p in positions if p.stale)
    if positions:
        st.caption(t("cov.units_summary", n=len(positions), stale=stale))
    left, right = st.columns(2)
    kec = pd.DataFrame({t("cov.col.kecamatan"): analysis.figures[0].kecamatan["nama"]})
    kel = pd.DataFrame({t("cov.col.kelurahan"): analysis.figures[0].kelurahan["nama"]})
    for minutes, fig in zip(cutoffs_min, analysis.figures, strict=True):
        kec[t("cov.col.share", m=minutes)] = (fig.kecamatan["road_share"] * 100).round(1).to_numpy()
        kel[t("cov.col.share", m=minutes)] = (fig.kelurahan["road_share"] * 100).round(1).to_numpy()
    left.markdown(f"**{t('cov.by_kecamatan')}**")
    left.dataframe(kec, hide_index=True, width="stretch")
    right.markdown(f"**{t('cov.by_kelurahan')}**")
    right.dataframe(kel, hide_index=True, width="stretch", height=260)
    gaps = analysis.targets[~analysis.targets["covered"]] if not analysis.targets.empty else None
    st.markdown(f"**{t('cov.gaps', m=round(analysis.standard_s / 60))}**")
    if gaps is None or gaps.empty:
        st.caption(t("cov.gaps.none"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("cov.col.name"): gaps["name"],
                    t("cov.col.kind"): gaps["kind"].map(lambda k: t(f"cov.kind.{k}")),
                    t("cov.col.risk"): gaps["risk"].map(lambda r: t(f"cov.risk.{r}")),
                    t("cov.col.nearest"): gaps["nearest"].replace("", "–"),
                    t("cov.col.time"): gaps["time_s"].map(cs.minutes),
                }
            ),
            hide_index=True,
            width="stretch",
        )


live_map()


with state.guarded():
    coverage_panels.render(
        state.get_area(),
        state.get_store(),
        op.load_operation(state.get_store(), int(st.session_state["cov_op"])),
    )
