"""Mode Briefing through Streamlit's AppTest: every slide renders, the map carries its furniture."""

from __future__ import annotations

from pathlib import Path

from _signin import open_page

ROOT = Path(__file__).resolve().parents[1]


def _map_args(node) -> list[str]:
    found = []
    for child in node.children.values() if hasattr(node, "children") else []:
        proto = getattr(child, "proto", None)
        if proto is not None and getattr(proto, "json_args", ""):
            found.append(proto.json_args)
        found += _map_args(child)
    return found


def test_every_slide_renders_with_title_legend_and_marking() -> None:
    at = open_page("views/briefing/page.py", default_timeout=180)
    assert not at.exception and not at.error
    seen = []
    for _ in range(12):
        label = next(m.value for m in at.markdown if "Slide" in m.value)
        seen.append(label)
        args = " ".join(_map_args(at.main))
        assert "TERBATAS" in args and "peta-legend" in args and "peta-title" in args, label
        assert (
            "control_scale" in args or "leaflet-control-scale" in args or "L.control.scale" in args
        )
        next_button = next(b for b in at.button if b.label == "Berikutnya")
        next_button.click().run()
        assert not at.exception and not at.error, label
    titles = " ".join(seen).replace("\\", "")  # the caption is markdown-escaped ("Lokasi\\:")
    for needed in ("Ikhtisar", "Lokasi: Lapangan Garuda", "Pengawalan:", "Rute patroli", "Celah"):
        assert needed in titles
    assert seen[0] == seen[10]  # wraps around after the last slide


def test_time_slider_shows_active_venues_and_convoys(area) -> None:
    import os
    from datetime import datetime

    from geo.network import compile_network
    from geo.routing import plan_route
    from plan.operation import add_event, ensure_default_operation, load_operation
    from plan.routes import plan_request, plan_result, save_route_plan
    from plan.store import Store

    store = Store(os.environ["PETA_DB"])
    op = ensure_default_operation(store, area.places)
    garuda = next(v for v in load_operation(store, op.id).venues if v.name == "Lapangan Garuda")
    add_event(store, garuda.id, title="Kampanye terbuka", starts="2026-11-25T09:00",
              ends="2026-11-25T12:00")  # fmt: skip
    depart = datetime(2026, 11, 25, 8, 0)
    plan = plan_route(area, compile_network(area.graph, "convoy"),
                      ["Kantor Polisi Resor Metro", "Lapangan Garuda"], depart=depart)  # fmt: skip
    save_route_plan(store, op.id, "Kawal ke Garuda", kind="escort", profile="convoy",
                    request=plan_request(plan), result=plan_result(plan),
                    depart="2026-11-25T08:00")  # fmt: skip

    at = open_page("views/briefing/page.py", default_timeout=180)
    assert not at.exception and not at.error
    slider = at.select_slider(key="brief_time")
    phases = slider.options
    assert len(phases) == 4
    slider.set_value(datetime(2026, 11, 25, 8, 0)).run()
    args = " ".join(_map_args(at.main))
    assert "Posisi konvoi" in args and "Kawal ke Garuda" in args
    assert "Lokasi kegiatan aktif" not in args
    at.select_slider(key="brief_time").set_value(datetime(2026, 11, 25, 9, 0)).run()
    args = " ".join(_map_args(at.main))
    assert "Lokasi kegiatan aktif" in args and "Posisi konvoi" not in args
    assert "Fase 25-11-2026 09:00" in args
