"""Peta Cakupan: the commander's live coverage map (posts, units, reach in minutes, gaps).

The page lays out its sections: the choices (operation, cutoffs, layers, rehearsal), the live
part refreshed on a timer (``views.coverage.live`` in an ``st.fragment``) and the planning tabs
(``views.coverage.panels``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from i18n import t
from plan import operation as op
from views import access, state
from views.coverage import cached as cs
from views.coverage import live, panels
from views.coverage.panels_staff import strength_line

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
    # wide enough that three cutoff chips and the toggles' labels are not cut
    top = st.columns([3, 5, 3])
    op_id = top[0].selectbox(t("cov.operation"), list(names), format_func=names.get, key="cov_op")
    st.session_state["operation_id"] = op_id
    data = op.load_operation(store, op_id)
    refused = cs.off_network(area.key, op_id, data.operation.revision, area, data)
    if refused:  # posts or venues far from the loaded network: no figures that would mislead
        st.error(refused)
        st.stop()
    strength_line(data)
    # any cutoff in minutes: the list offers the usual ones, a typed number adds its own
    chosen = top[1].multiselect(
        t("cov.cutoffs"),
        cs.CUTOFF_CHOICES,
        default=[5, 10, 15],
        key="cov_cutoffs",
        format_func=lambda m: t("cov.minutes", m=m),
        accept_new_options=True,
        placeholder=t("cov.cutoffs.placeholder"),
    )
    cutoffs, bad = cs.minutes_from(chosen)
    if bad:
        st.warning(t("cov.cutoffs.bad", values=", ".join(map(str, bad))))
    top[2].toggle(t("cov.use_units"), value=True, key="cov_use_units")
    sim_on = top[2].toggle(t("cov.sim.toggle"), value=False, key="cov_sim",
                       disabled=not access.can("positions.ingest"), help=t("cov.sim.help"))
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
    # off by default: the road bands already show the reach; the areas add about 80 kB to
    # each change of the sources, the bands 3 kB
    layers_on[0].checkbox(t("cov.layer.isochrones"), value=False, key="cov_iso")
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


# the live part: map, units and figures, refreshed without redrawing the rest of the page
st.html(live.STEADY_CSS)  # a timed refresh does not fade the live part
st.fragment(run_every=f"{int(st.session_state.get('cov_refresh', 5))}s")(live.render)()

with state.guarded():
    panels.render(
        state.get_area(),
        state.get_store(),
        op.load_operation(state.get_store(), int(st.session_state["cov_op"])),
    )
