"""Coverage page, the live part: mode, map, figures (the timed ``st.fragment``).

Each run: a pending click is handled first (so one rerun answers it), the coverage is taken
from the caches (keyed by the sources), and the map's changing layers go through
streamlit-folium's ``feature_group_to_add``: the base map's script stays the same, so the
mounted map is kept (no remount, no lost view, no grey box) and only the small dynamic layers
travel. The road bands recolour the served roads (``layers.coverage.road_bands_restyle``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo import coverage as cv
from geo.area import Area
from i18n import t
from layers import coverage as lc
from layers.control import TextLayerControl
from layers.legend import title_block
from plan import operation as op
from plan.store import Store
from views import access, messages, signin, state
from views.coverage import cached as cs
from views.coverage import clicks
from views.coverage.figures import figures, incident_panel
from views.live import units as live_units


@dataclass
class Live:
    """What one run of the live part works on."""

    data: op.OperationData
    positions: list
    posts: object
    sources: tuple
    nets: dict


def _load(area: Area, store: Store, op_id: int, sim: bool) -> Live:
    data = op.load_operation(store, op_id)
    positions = cs.positions(store, data, sim)
    post_sources = cs.post_sources(area.key, op_id, data.operation.revision, area, data)
    unit_sources: tuple = ()
    if st.session_state.get("cov_use_units", True):
        unit_sources = tuple(cv.sources_from_frame(area, op.units_frame(positions)))
    sources = (*post_sources, *unit_sources)
    return Live(data, positions, op.posts_frame(data), sources, cs.networks({s.profile for s in sources}))


def _mode_picker(live: Live) -> tuple[str, object]:
    mode_col, pick_col = st.columns([5, 4])
    mode = mode_col.radio(
        t("cov.mode"),
        [m for m in clicks.MODES if access.can(clicks.MODE_ACTIONS.get(m))],
        format_func=lambda m: t(f"cov.mode.{m}"),
        horizontal=True,
        key="cov_mode",
    )
    picked = None
    posts = live.posts
    if mode == "move_post" and not posts.empty:
        picked = pick_col.selectbox(
            t("cov.pick_post"),
            posts["id"].tolist(),
            format_func=dict(zip(posts["id"], posts["name"], strict=True)).get,
            key="cov_move_pick",
        )
    elif mode == "add_post":
        # the new post's name and strength are asked before the click, not made up
        name_col, staff_col = pick_col.columns([1, 1])
        name_col.text_input(t("cov.new_post.name"), key="cov_new_post_name",
                            placeholder=t("cov.new_post.placeholder"))  # fmt: skip
        staff_col.number_input(t("cov.col.personnel"), value=None, step=1,
                               key="cov_new_post_personnel",
                               placeholder=t("personnel.unset"))  # fmt: skip
    elif mode == "place_unit":
        known = [u.unit_id for u in live.data.units]
        picked = pick_col.selectbox(
            t("cov.pick_unit"),
            [*known, "__new__"],
            format_func=lambda u: t("cov.new_unit") if u == "__new__" else u,
            key="cov_unit_pick",
        )
        if picked == "__new__":
            picked = pick_col.text_input(t("cov.new_unit_id"), key="cov_new_unit").strip()
    return mode, picked


def _groups(area: Area, live: Live, analysis, cutoffs_s, roads, mode, picked, sim) -> list:
    """The map's changing layers (bands, isochrones, targets, posts, units, incident)."""
    theme = st.session_state.get("map_theme", "light")
    op_id, rev = live.data.operation.id, live.data.operation.revision
    band_labels = cv.band_labels([s / 60 for s in cutoffs_s], unit=t("unit.min_short"))
    groups: list[folium.FeatureGroup] = [
        lc.road_bands_restyle(
            analysis.bands if analysis is not None else None, labels=band_labels, theme=theme
        )
    ]
    if analysis is not None:
        if st.session_state.get("cov_iso"):
            iso = cs.isochrones(area.key, live.sources, cutoffs_s, analysis, roads)
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
                    analysis.bands, name=t("cov.layer.aor"), tooltip=t("cov.tip.aor"), show=True
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
    if not live.posts.empty:
        groups.append(
            lc.posts_group(
                live.posts,
                name=t("cov.layer.posts"),
                tooltip=t("cov.tip.post"),
                kind_labels=cs.labels("cov.postkind", op.POST_KINDS),
                selected=picked if mode == "move_post" else None,
                theme=theme,
            )
        )
    if live.positions:
        groups.append(
            lc.units_group(
                cs.units_frame(live.positions),
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
                suggestion[1].added, name=t("cov.layer.suggested"), tooltip=t("cov.tip.suggested")
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
    return groups


def _base_map(cutoffs_min: list[int], sim: bool) -> folium.Map:
    """The coverage page's base map: the same script on every run (legend by the cutoffs)."""
    theme = st.session_state.get("map_theme", "light")
    m = state.page_map(show_places=False)
    extra = [
        ("dot", lc.POST_COLOUR, t("cov.legend.post")),
        ("dot", lc.UNIT_COLOUR, t("cov.legend.unit")),
        ("dot", lc.STALE_COLOUR, t("cov.legend.stale")),
        ("dot", lc.GAP_COLOUR, t("cov.legend.gap", m=st.session_state["cov_standard"])),
        ("dot", lc.COVERED_COLOUR, t("cov.legend.covered")),
    ]
    labels = cv.band_labels(cutoffs_min, unit=t("unit.min_short"))
    lc.coverage_legend(t("cov.legend.title"), labels, extra, theme=theme).add_to(m)
    if sim:
        title_block([t("cov.sim.title")], marking=t("cov.sim.marking"), theme=theme).add_to(m)
    return m


def _map(area: Area, live: Live, analysis, cutoffs_s, roads, mode, picked, sim, cutoffs_min,
         store: Store) -> None:  # fmt: skip
    st_folium(
        _base_map(cutoffs_min, sim),
        key="coverage_map",
        height=600,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=[
            *_groups(area, live, analysis, cutoffs_s, roads, mode, picked, sim),
            *live_units.layers(store, live.data, simulated=sim),  # heading, battery, track
        ],
        layer_control=TextLayerControl(collapsed=True),
    )


#: Streamlit fades the elements of a running fragment after a moment; the live part refreshes
#: every few seconds in the background and must not flicker (the running indicator still shows).
STEADY_CSS = (
    "<style>.st-key-cov-live [data-stale='true'], .st-key-cov-live[data-stale='true']"
    "{opacity:1 !important;transition:none !important}</style>"
)


def render() -> None:
    """One run of the live part (called inside ``st.fragment(run_every=…)`` by the page)."""
    started = time.perf_counter()
    # a timed refresh checks the session without counting as activity; a click on the map does
    if not signin.still_signed_in(state.base_store(), active=clicks.has_pending_point()):
        return
    with st.container(key="cov-live"), state.guarded():
        area = state.get_area()
        store = state.get_store()
        op_id = int(st.session_state["cov_op"])
        sim = bool(st.session_state.get("cov_sim"))
        if sim:
            cs.tick_simulation(store, area, op.load_operation(store, op_id))
        live = _load(area, store, op_id, sim)
        mode, picked = _mode_picker(live)
        point = clicks.pending_point()
        if point is not None:
            outcome = clicks.act(area, store, live.data, mode, picked, point, live.sources, live.nets)
            if outcome == "app":
                st.rerun(scope="app")  # the posts tab lists the posts too
            if outcome == "data":
                live = _load(area, store, op_id, sim)
        messages.show(clicks.BOX)

        rev = live.data.operation.revision
        roads = cs.roads(area.key, area, live.nets["car"])
        targets = cs.targets(area.key, op_id, rev, area, roads, live.data)
        target_key = (op_id, rev)
        cutoffs_min, _ = cs.minutes_from(st.session_state["cov_cutoffs"])
        cutoffs_s = tuple(float(m) * 60 for m in cutoffs_min)
        standard_s = float(st.session_state["cov_standard"]) * 60
        analysis = None
        if not live.sources:
            st.info(t("cov.no_sources"))
        else:
            analysis = cs.analysis(
                area.key, live.sources, cutoffs_s, standard_s, target_key, live.nets, roads, targets
            )

        incident = st.session_state.get("cov_incident")
        incident = incident if incident and incident["op"] == op_id else None
        # in incident mode the answer stands beside the map, not under the figure tables (the
        # layout follows the mode, so a click does not remount the map)
        beside = mode == "incident"
        map_col, side_col = st.columns([2, 1]) if beside else (st.container(), None)
        with map_col:
            _map(area, live, analysis, cutoffs_s, roads, mode, picked, sim, cutoffs_min, store)
        if side_col is not None:
            with side_col:
                if incident is not None:
                    incident_panel(incident)
                else:
                    st.info(t("cov.incident.hint"))
        if mode != "view":
            with st.form("cov_point_form", clear_on_submit=False, border=False):
                c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
                c1.text_input(t("cov.point"), placeholder="-5.1130, 105.3068", key="cov_point")
                c2.form_submit_button(t("cov.point.apply"), on_click=clicks.typed_point)
            if st.session_state.get("cov_point_read"):
                st.caption(st.session_state["cov_point_read"])

        if sim:
            st.caption(t("cov.sim.caption", n=len(live.positions)))
        if analysis is not None:
            figures(analysis, cutoffs_min, live.positions)
            if st.session_state.get("cov_backup"):
                backup = cs.backup(
                    area.key, live.sources, standard_s, target_key, live.nets, roads, targets
                )
                st.metric(
                    t("cov.backup.metric", m=st.session_state["cov_standard"]),
                    f"{backup.road_share_backup:.1%}",
                    help=t("cov.backup.help"),
                )
                if len(backup.target_count):
                    single = int((backup.target_count == 1).sum())
                    st.caption(t("cov.backup.targets", n=single))
        if incident is not None and not beside:
            incident_panel(incident)
    # server time of this refresh (read by bench/bench_coverage.py)
    st.session_state["cov_refresh_s"] = time.perf_counter() - started
