"""Planning panels of the coverage page, one tab each (each shows its own errors)."""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.area import Area
from i18n import t
from plan import operation as op
from plan.store import Store
from views.coverage.panels_plan import placement_tab, venues_tab
from views.coverage.panels_posts import posts_tab, tps_tab, units_tab
from views.coverage.panels_staff import operation_tab, staffing_tab
from views.live import devices as live_devices
from views.live import replay as live_replay


def render(area: Area, store: Store, data: op.OperationData) -> None:
    """The planning tabs under the live map; each shows its own errors."""
    tabs = st.tabs(
        [
            t("cov.tab.posts"),
            t("cov.tab.units"),
            t("cov.tab.tps"),
            t("cov.tab.venues"),
            t("cov.tab.placement"),
            t("cov.tab.staffing"),
            t("cov.tab.operation"),
            t("live.tab.devices"),
            t("live.tab.replay"),
        ]
    )
    for tab, render in zip(
        tabs,
        (
            lambda: posts_tab(area, store, data),
            lambda: units_tab(area, store, data),
            lambda: tps_tab(area, store, data),
            lambda: venues_tab(store, data),
            lambda: placement_tab(area, store, data),
            lambda: staffing_tab(area, store, data),
            lambda: operation_tab(store),
            lambda: live_devices.render(store, data),
            lambda: live_replay.render(area, store, data),
        ),
        strict=True,
    ):
        with tab:
            try:
                render()
            except GeoError as exc:
                st.error(str(exc))
