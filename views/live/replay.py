"""A unit's track over the last minutes, and the replay of a time window (after-action review)."""

from __future__ import annotations

from datetime import datetime, timedelta

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import coverage as cv
from geo import settings
from geo.area import Area
from i18n import t
from layers import coverage as lc
from layers import live as ll
from plan import live
from plan import operation as op
from plan.store import Store
from views import state

MAX_STEPS = 720


@st.cache_resource(show_spinner=False, max_entries=4)
def _roads(area_key: str, _area: Area, _network) -> cv.Roads:
    return cv.road_index(_area, _network)


@st.cache_resource(show_spinner=False, max_entries=8)
def _targets(area_key: str, op_id: int, revision: int, _area: Area, _roads, _data):
    return cv.locate_targets(_area, _roads, op.targets_frame(_data))


@st.cache_resource(show_spinner=False, max_entries=32)
def _analysis(area_key: str, key: tuple, _nets, _roads, _targets, _sources, standard_s: float):
    """Coverage at a replayed moment, keyed by the units' positions (cheap to hash)."""
    return cv.analyse(_nets, _roads, _sources, _targets, (standard_s,), standard_s=standard_s)


def _local(ts: datetime | str) -> str:
    return pd.Timestamp(ts).tz_convert(settings.timezone).strftime("%d-%m %H:%M")


# ------------------------------------------------------------------------------------ track


def track_panel(store: Store, data: op.OperationData) -> None:
    """Choose a unit and a number of minutes; its track is drawn on the live map."""
    st.markdown(f"**{t('live.track.title')}**")
    units = [u.unit_id for u in data.units]
    if not units:
        st.caption(t("live.track.none"))
        return
    c1, c2 = st.columns(2)
    unit = c1.selectbox(t("live.track.unit"), ["", *units], key="live_track_unit")
    minutes = c2.number_input(
        t("live.track.minutes"), min_value=1, max_value=720, value=30, step=5, key="live_track_min"
    )
    if unit:
        points = live.track(store, data.operation.id, str(unit), minutes=float(minutes))
        if points:
            st.caption(t("live.track.summary", n=len(points), m=int(minutes)))
        else:
            st.caption(t("live.track.none"))


def track_layer(store: Store, operation_id: int) -> folium.FeatureGroup | None:
    """The track chosen in ``track_panel``, as a layer for the live map (None when none)."""
    unit = st.session_state.get("live_track_unit")
    if not unit:
        return None
    minutes = int(st.session_state.get("live_track_min", 30))
    points = live.track(store, operation_id, str(unit), minutes=float(minutes))
    label = t("live.track.layer", unit=unit, m=minutes)
    return ll.track_group(points, name=label, label=str(unit))


# ------------------------------------------------------------------------------------ replay


def replay_panel(area: Area, store: Store, data: op.OperationData) -> None:
    """Step through a stored time window: where the units were and what they covered."""
    st.subheader(t("live.replay.title"))
    op_id = data.operation.id
    span = live.time_range(store, op_id)
    if span is None:
        st.caption(t("live.replay.none"))
        return
    first, last = (datetime.fromisoformat(x) for x in span)
    c1, c2, c3 = st.columns([2, 1, 1])
    step = int(c2.number_input(t("live.replay.step"), 1, 60, 1, key="live_replay_step"))
    with_sim = c3.checkbox(t("live.replay.sim"), value=False, key="live_replay_sim")
    first = first.replace(second=0)
    count = min(int((last - first).total_seconds() // (step * 60)) + 1, MAX_STEPS)

    def at(i: int) -> datetime:
        return first + timedelta(minutes=step * i)

    with c1:
        index = st.select_slider(
            t("live.replay.moment"), options=list(range(count)), value=count - 1,
            format_func=lambda i: _local(at(i)), key="live_replay_moment",
        )  # fmt: skip
    moment = at(int(index))
    stale_s = float(data.operation.settings.get("stale_after_min", 10.0)) * 60
    units = live.positions_at(
        store, op_id, moment, window_s=stale_s, simulated=None if with_sim else False
    )
    st.caption(t("live.replay.units", n=len(units), t=_local(moment)))
    profiles = {u.unit_id: u.profile for u in data.units}
    frame = pd.DataFrame(
        {
            "key": [f"unit:{u[0]}" for u in units],
            "name": [u[0] for u in units],
            "kind": "unit",
            "lon": [u[2] for u in units],
            "lat": [u[3] for u in units],
            "profile": [profiles.get(u[0], "car") for u in units],
            "readiness_s": 0.0,
        }
    )
    posts = tuple(cv.sources_from_frame(area, op.posts_frame(data)))
    sources = (*posts, *(cv.sources_from_frame(area, frame) if units else ()))
    standard_min = float(st.session_state.get("cov_standard", 10))
    m = state.page_map(show_roads=not sources, show_places=False)
    if sources:
        nets = {p: state.get_network(p) for p in {s.profile for s in sources} | {"car"}}
        roads = _roads(area.key, area, nets["car"])
        targets = _targets(area.key, op_id, data.operation.revision, area, roads, data)
        key = (op_id, data.operation.revision, moment.isoformat(), standard_min,
               tuple((u[0], round(u[2], 6), round(u[3], 6)) for u in units))  # fmt: skip
        analysis = _analysis(area.key, key, nets, roads, targets, sources, standard_min * 60)
        fig = analysis.figures[0]
        st.markdown(
            t("live.replay.share", m=int(standard_min), share=fig.road_share,
              v=f"{fig.venues_covered}/{fig.venues_total}", tps=f"{fig.tps_covered}/{fig.tps_total}")
        )  # fmt: skip
        lc.road_bands_group(
            analysis.bands, labels=cv.band_labels([int(standard_min)], unit=t("unit.min_short")), name=t("cov.layer.bands")
        ).add_to(m)
    ll.replay_group(units, name=t("live.replay.layer")).add_to(m)
    st_folium(m, key="live_replay_map", height=450, use_container_width=True, returned_objects=[])


def render(area: Area, store: Store, data: op.OperationData) -> None:
    """The tab: a unit's track (drawn on the live map), then the replay."""
    track_panel(store, data)
    st.divider()
    replay_panel(area, store, data)
