"""Mode Briefing: the cached briefing and pack, the slides and their titles, the projector CSS."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from geo.area import Area
from i18n import t
from plan.store import Store
from report.briefing import Briefing, build_briefing
from report.schedule import load_schedule
from views import state

THEME = "projector"
PROJECTOR_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], header {display: none !important;}
[data-testid="stMainBlockContainer"], .block-container {
  padding: 0.35rem 0.8rem 0 0.8rem !important; max-width: 100% !important;}
[data-testid="stAppViewContainer"] > section {padding-top: 0 !important;}
</style>"""


@st.cache_resource(show_spinner=False, max_entries=8)
def briefing(
    area_key: str, db: str, op_id: int, revision: int, _area: Area, _store: Store
) -> Briefing:
    del area_key, db, revision  # cache key only
    return build_briefing(_area, load_schedule(_store, op_id), networks=state.get_network)


@st.cache_resource(show_spinner=False, max_entries=4)
def pack_bytes(
    area_key: str, db: str, op_id: int, revision: int, lang: str, _b: Briefing
) -> bytes:
    del area_key, db, op_id, revision
    from report.pack import write_pack

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "paket-briefing.pdf"
        write_pack(_b, out, lang=lang, png=False)
        return out.read_bytes()


def slides(b: Briefing) -> list[tuple[str, object]]:
    slides: list[tuple[str, object]] = [("overview", None)]
    slides += [("venue", v) for v in b.data.venues]
    slides += [("escort", e) for e in b.escorts]
    slides += [("patrol", None), ("gaps", None)]
    return slides


def slide_title(kind: str, item: object) -> str:
    if kind == "venue":
        return t("briefing.slide.venue", name=item.name)  # type: ignore[attr-defined]
    if kind == "escort":
        return t("briefing.slide.escort", name=item.name)  # type: ignore[attr-defined]
    return t(f"briefing.slide.{kind}")


def step(delta: int, total: int) -> None:
    st.session_state["brief_slide"] = (st.session_state.get("brief_slide", 0) + delta) % total
