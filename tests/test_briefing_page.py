"""Mode Briefing through Streamlit's AppTest: every slide renders, the map carries its furniture."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

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
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at.switch_page("views/briefing.py").run()
    assert not at.exception and not at.error
    seen = []
    for _ in range(12):
        label = next(m.value for m in at.markdown if "Slide" in m.value)
        seen.append(label)
        args = " ".join(_map_args(at.main))
        assert "TERBATAS" in args and "peta-legend" in args and "peta-title" in args, label
        assert "control_scale" in args or "leaflet-control-scale" in args or "L.control.scale" in args
        next_button = next(b for b in at.button if b.label == "Berikutnya")
        next_button.click().run()
        assert not at.exception and not at.error, label
    titles = " ".join(seen)
    for needed in ("Ikhtisar", "Lokasi: Lapangan Garuda", "Pengawalan:", "Rute patroli", "Celah"):
        assert needed in titles
    assert seen[0] == seen[10]  # wraps around after the last slide
