"""Planning panels of the coverage page, one tab each (each shows its own errors)."""

from __future__ import annotations

import streamlit as st

from geo._errors import GeoError
from geo.area import Area
from i18n import t
from plan import operation as op
from plan.store import Store
from views import access
from views.coverage.panels_plan import placement_tab, venues_tab
from views.coverage.panels_posts import posts_tab, tps_tab, units_tab
from views.coverage.panels_staff import operation_tab, staffing_tab
from views.live import devices as live_devices
from views.live import replay as live_replay


def render(area: Area, store: Store, data: op.OperationData) -> None:
    """The planning tabs under the live map; each shows its own errors."""
    panels = [  # (tab, what it changes, its content): a role sees the tabs it may use
        (t("cov.tab.posts"), "post.update", lambda: posts_tab(area, store, data)),
        (t("cov.tab.units"), "unit.add", lambda: units_tab(area, store, data)),
        (t("cov.tab.tps"), "tps.import", lambda: tps_tab(area, store, data)),
        (t("cov.tab.venues"), "venue.update", lambda: venues_tab(store, data)),
        (t("cov.tab.placement"), "post.add", lambda: placement_tab(area, store, data)),
        (t("cov.tab.staffing"), "operation.update", lambda: staffing_tab(area, store, data)),
        (t("cov.tab.operation"), "operation.create", lambda: operation_tab(store)),
        (t("live.tab.devices"), "device.add", lambda: live_devices.render(store, data)),
        (t("live.tab.replay"), None, lambda: live_replay.render(area, store, data)),
    ]
    panels = [p for p in panels if access.can(p[1])]
    if all(p[1] is None for p in panels):  # nothing this role may change here
        access.read_only_note()
    if not panels:
        return
    tabs = st.tabs([p[0] for p in panels])
    for tab, render in zip(tabs, [p[2] for p in panels], strict=True):
        with tab:
            try:
                render()
            except GeoError as exc:
                st.error(str(exc))
