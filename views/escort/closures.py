"""Escort page: closures drawn on the map, saved in the operation or read from a file."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from geo import formats
from geo.routing import Closure, closures_from_features
from i18n import t
from plan import routes as saved
from views import access, state
from views.escort.form import P


def drawn_closures(drawings: list[dict[str, Any]]) -> list[Closure]:
    """Closures from the map's drawings, with names and windows from the editor table."""
    shapes = [d for d in drawings if (d.get("geometry") or {}).get("type")]
    if not shapes:
        return []
    base = pd.DataFrame(
        {
            "kind": [d["geometry"]["type"] for d in shapes],
            "name": [f"{t('escort.layer.closures')} {i}" for i in range(1, len(shapes) + 1)],
            "starts": [""] * len(shapes),
            "ends": [""] * len(shapes),
        }
    )
    edited = st.data_editor(
        base,
        key=f"{P}closure_table_{len(shapes)}",
        hide_index=True,
        width="stretch",
        disabled=["kind"],
        column_config={
            "kind": t("escort.closures.col.kind"),
            "name": t("escort.closures.col.name"),
            "starts": st.column_config.TextColumn(t("escort.closures.col.starts"), help="JJ:MM"),
            "ends": st.column_config.TextColumn(t("escort.closures.col.ends"), help="JJ:MM"),
        },
    )
    features = []
    for feature, row in zip(shapes, edited.itertuples(), strict=True):
        props = dict(feature.get("properties") or {})
        props.update(name=row.name, starts=row.starts or None, ends=row.ends or None)
        features.append({"type": "Feature", "properties": props, "geometry": feature["geometry"]})
    return closures_from_features(features)


def closures_section(store, op_id: int, drawings: list[dict[str, Any]], draw_mode: str) -> list[Closure]:
    """The closures in force: drawn (and named in a table), saved in the operation, from a file."""
    # closures: drawn, saved in the operation, from a file
    closures: list[Closure] = []
    with st.expander(t("escort.closures"), expanded=bool(drawings) and draw_mode == "closures"):
        st.caption(t("escort.closures.help"))
        with state.guarded():
            if draw_mode == "closures":
                drawn = drawn_closures(drawings)
                st.caption(t("escort.closures.drawn", n=len(drawn)))
                closures += drawn
                if drawn and access.can("closure.add") and st.button(
                    t("escort.closures.save"), key=f"{P}save_closures"
                ):
                    for closure in drawn:
                        saved.save_closure(store, op_id, closure)
                    st.toast(t("escort.closures.saved_n", n=len(drawn)))
        stored = saved.list_closures(store, op_id)
        if stored:
            by_id = {s.id: s.closure for s in stored}
            chosen = st.multiselect(
                t("escort.closures.saved"),
                list(by_id),
                default=list(by_id),
                format_func=lambda i: by_id[i].name,
                key=f"{P}saved_closures",
                placeholder=t("common.choose"),
            )
            closures += [by_id[i] for i in chosen]
            if chosen and access.can("closure.delete") and st.button(
                t("escort.closures.delete"), key=f"{P}delete_closures"
            ):
                for i in chosen:
                    saved.delete_closure(store, op_id, i)
                st.rerun()
        upload = st.file_uploader(
            t("escort.closures.file"), type=["geojson", "json"], key=f"{P}closure_file"
        )
        if upload is not None:
            with state.guarded():
                closures += formats.read_closures(upload.getvalue())

    return closures
