"""Panel of field devices: register a phone to a unit, adopt an unknown one, refused reports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import fmt, t
from plan import devices as dv
from plan import operation as op
from plan.store import Store

NEW = "__new__"


def _reason(code: str) -> str:
    return t(f"live.reason.{code}")


def _unit_choice(data: op.OperationData, key: str) -> str:
    units = [u.unit_id for u in data.units if not u.unit_id.startswith(op.SIMULATION_UNIT_PREFIX)]
    picked = st.selectbox(
        t("live.devices.unit"),
        [*units, NEW],
        format_func=lambda u: t("live.devices.new_unit") if u == NEW else u,
        key=f"{key}_unit",
    )
    if picked == NEW:
        return st.text_input(t("live.devices.new_unit_id"), key=f"{key}_new").strip()
    return str(picked)


def register_form(store: Store, data: op.OperationData) -> None:
    """Register a device id to a unit (with a password for OwnTracks)."""
    with st.form("live_dev_form", clear_on_submit=True):
        st.markdown(f"**{t('live.devices.add')}**")
        c1, c2 = st.columns(2)
        with c1:
            unit = _unit_choice(data, "live_dev")
        device = c2.text_input(t("live.devices.device_id"), key="live_dev_id")
        c3, c4 = st.columns(2)
        password = c3.text_input(t("live.devices.password"), type="password", key="live_dev_pw")
        label = c4.text_input(t("live.devices.label"), key="live_dev_label")
        replace = st.checkbox(t("live.devices.replace"), key="live_dev_replace")
        if st.form_submit_button(t("live.devices.save")):
            saved = dv.add_device(
                store,
                data.operation.id,
                unit_id=unit,
                device_id=device,
                secret=password or None,
                label=label,
                replace=replace,
            )
            st.toast(t("live.devices.saved", device=saved.device_id, unit=saved.unit_id))
            st.rerun()


def devices_table(store: Store, data: op.OperationData) -> None:
    """The operation's devices with their unit's last report and battery."""
    devices = dv.list_devices(store, data.operation.id)
    if not devices:
        st.caption(t("live.devices.none"))
        return
    latest = {p.unit_id: p for p in op.latest_positions(store, data.operation.id)}
    st.dataframe(
        pd.DataFrame(
            {
                t("live.devices.col.device"): [d.device_id for d in devices],
                t("live.devices.col.unit"): [d.unit_id for d in devices],
                t("live.devices.col.secret"): ["✓" if d.has_secret else "–" for d in devices],
                t("live.devices.col.label"): [d.label for d in devices],
                t("live.devices.col.last"): [
                    fmt.local_time(latest[d.unit_id].time, fmt=fmt.SECONDS)
                    if d.unit_id in latest
                    else "–"
                    for d in devices
                ],
                t("live.devices.col.battery"): [
                    f"{latest[d.unit_id].battery:.0f}"
                    if d.unit_id in latest and latest[d.unit_id].battery is not None
                    else "–"
                    for d in devices
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    gone = c1.selectbox(
        t("live.devices.remove"), [d.device_id for d in devices], key="live_dev_remove"
    )
    if c2.button(t("live.devices.remove"), key="live_dev_remove_btn"):
        dv.remove_device(store, str(gone))
        st.toast(t("live.devices.removed", device=gone))
        st.rerun()


def unknown_devices(store: Store, data: op.OperationData) -> None:
    """Devices whose reports were refused as unknown, each adopted with one click."""
    st.markdown(f"**{t('live.unknown.title')}**")
    unknown = dv.refusals(store, unknown_only=True)
    unknown = [u for u in unknown if u.device_id not in {"?", "*"}][:20]
    if not unknown:
        st.caption(t("live.unknown.none"))
        return
    units = [u.unit_id for u in data.units if not u.unit_id.startswith(op.SIMULATION_UNIT_PREFIX)]
    for i, u in enumerate(unknown):
        row = st.columns([4, 2, 2, 2], vertical_alignment="bottom")
        row[0].markdown(
            t("live.unknown.row", device=u.device_id, protocol=u.protocol, count=u.count,
              last=fmt.local_time(u.last_seen, fmt=fmt.SECONDS))
        )  # fmt: skip
        unit = row[1].selectbox(
            t("live.devices.unit"), units or [u.device_id], key=f"live_adopt_unit_{i}"
        )
        secret = None
        if u.protocol == "owntracks":
            secret = row[2].text_input(
                t("live.devices.password"), type="password", key=f"live_adopt_pw_{i}"
            )
        if row[3].button(t("live.unknown.adopt"), key=f"live_adopt_{i}"):
            saved = dv.add_device(
                store, data.operation.id, unit_id=str(unit), device_id=u.device_id,
                secret=secret or None,
            )  # fmt: skip
            st.toast(t("live.devices.saved", device=saved.device_id, unit=saved.unit_id))
            st.rerun()


def refused_table(store: Store) -> None:
    """Refused reports counted per device and reason."""
    st.markdown(f"**{t('live.refused.title')}**")
    rows = dv.refusals(store)
    if not rows:
        st.caption(t("live.refused.none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("live.devices.col.device"): [r.device_id for r in rows],
                t("live.refused.col.reason"): [_reason(r.reason) for r in rows],
                t("live.refused.col.count"): [r.count for r in rows],
                t("live.refused.col.last"): [
                    fmt.local_time(r.last_seen, fmt=fmt.SECONDS) for r in rows
                ],
                t("live.refused.col.detail"): [r.detail for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
        height=240,
    )


def render(store: Store, data: op.OperationData, *, cot_port: int | None = None) -> None:
    """The whole devices panel (a tab of the coverage page)."""
    st.subheader(t("live.devices.title"))
    st.caption(
        t("live.devices.intro", osmand="/api/osmand", owntracks="/api/owntracks",
          cot=cot_port or 8087)
    )  # fmt: skip
    register_form(store, data)
    devices_table(store, data)
    unknown_devices(store, data)
    refused_table(store)
