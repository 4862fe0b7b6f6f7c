"""Escort page: the map (a fixed base that keeps the view, and the changing layers)."""

from __future__ import annotations

import folium
import streamlit as st
from folium import plugins
from streamlit_folium import st_folium

from geo import formats
from i18n import t
from layers.control import TextLayerControl
from layers.legend import legend
from layers.routes import (
    CHOKE_COLORS,
    CLOSURE_COLOR,
    CONTROL_COLORS,
    HAVEN_BANDS,
    chokepoints_group,
    closures_group,
    escort_group,
    havens_group,
    snapped_group,
    traffic_control_group,
)
from views import state
from views.escort.form import P, on_map_click


def draw_map(plan, sheets, closures, snapped, choice: int, n_alts: int = 3) -> None:
    """Draw the escort map; a click is answered by ``form.on_map_click`` (one rerun)."""
    # the map: a fixed base (keeps the view) and the changing layers
    theme = st.session_state.get("map_theme", "light")
    m = state.page_map(show_places=True)
    plugins.Draw(
        export=False,
        position="topleft",
        draw_options={"circlemarker": False, "marker": False},
        edit_options={"edit": True, "remove": True},
    ).add_to(m)
    legend(
        t("escort.layer.routes"),
        [
            ("line", formats.ROUTE_COLORS[0], t("escort.layer.main")),
            # each alternative in its own colour, as drawn (the legend is part of the fixed base)
            *(("dash", formats.ROUTE_COLORS[i], t("escort.layer.alt", n=i))
              for i in range(1, n_alts + 1)),
            ("line", CLOSURE_COLOR, t("escort.layer.closures")),
            ("dot", CONTROL_COLORS["utama"], t("escort.layer.control_main")),
            ("dot", CONTROL_COLORS["biasa"], t("escort.layer.control_minor")),
            ("dot", CHOKE_COLORS["bridge"], t("escort.choke.bridge")),
            ("dot", CHOKE_COLORS["river"], t("escort.choke.river")),
            ("line", HAVEN_BANDS[0], t("escort.layer.havens")),
        ],
        theme=theme,
        position="topright",  # the drawing buttons fill the left side of this map
    ).add_to(m)
    groups: list[folium.FeatureGroup] = []
    if closures:
        groups.append(
            closures_group(
                closures, name=t("escort.layer.closures"), always=t("escort.closures.always"),
                theme=theme,
            )
        )  # fmt: skip
    if plan is not None:
        groups.append(
            escort_group(
                plan, name=t("escort.layer.routes"), main_label=t("escort.layer.main"),
                alt_label=t("escort.layer.alt"), theme=theme, minute_unit=t("unit.min_short"),
            )
        )  # fmt: skip
        sheet = sheets[choice]
        groups.append(
            havens_group(
                sheet.stretches, sheet.havens, name=t("escort.layer.havens"),
                limit_s=sheet.haven_limit_s, theme=theme, minute_unit=t("unit.min_short"),
                max_word=t("escort.max_word"),
            )
        )  # fmt: skip
        groups.append(
            traffic_control_group(
                sheet.traffic_control, name=t("escort.layer.control"),
                personnel_label=t("escort.personnel"), theme=theme,
            )
        )  # fmt: skip
        groups.append(
            chokepoints_group(
                sheet.chokepoints, name=t("escort.layer.choke"),
                kind_names={k: t(f"escort.choke.{k}") for k in CHOKE_COLORS}, theme=theme,
            )
        )  # fmt: skip
    if snapped is not None:
        groups.append(
            snapped_group(
                snapped, name=t("escort.layer.hand"), drawn_label=t("escort.layer.drawn"),
                snapped_label=t("escort.layer.snapped"), theme=theme,
                minute_unit=t("unit.min_short"),
            )
        )  # fmt: skip
    st_folium(
        m,
        key=f"{P}map",
        height=620,
        center=st.session_state.get(f"{P}view", (None, None))[0],
        zoom=st.session_state.get(f"{P}view", (None, None))[1],
        use_container_width=True,
        returned_objects=["last_clicked", "all_drawings"],
        feature_group_to_add=groups or None,
        layer_control=TextLayerControl(collapsed=True),
        on_change=on_map_click,
    )


