"""Coverage page: the figures under the live map and the incident panel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import coverage as cv
from i18n import t
from views.coverage import cached as cs


def incident_panel(incident: dict) -> None:
    """The suggested dispatch and the nearest responders of the last incident."""
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
    st.button(
        t("cov.incident.clear"),
        key="cov_incident_clear",
        on_click=lambda: st.session_state.pop("cov_incident", None),
    )


def figures(analysis: cv.Analysis, cutoffs_min: list[int], positions) -> None:
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
