"""Names a user types show as typed: layer lists (HTML), Markdown captions, the printed pack."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import folium
import pytest
from streamlit_folium import _get_layer_control_string

from geo.area import Area
from layers.control import TextLayerControl
from plaintext import escape_markdown, escape_mathtext
from plan import operation as op
from plan.store import Store
from report.briefing import build_briefing
from report.pack import write_pack
from report.schedule import load_schedule

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<img src=x onerror=alert(1)>"
MATH = "Pos $x^{$"


def test_layer_list_names_are_text_in_streamlit_folium_and_in_a_saved_map() -> None:
    m = folium.Map(tiles=None)
    folium.FeatureGroup(name=SCRIPT).add_to(m)
    folium.FeatureGroup(name="Jalan & Sungai", overlay=False).add_to(m)
    script = _get_layer_control_string(TextLayerControl(collapsed=True), m)
    assert "<img" not in script and "onerror=alert(1)\\u0026gt;" in script
    assert '"\\u0026lt;img src=x onerror=alert(1)\\u0026gt;"' in script
    assert "Jalan \\u0026amp; Sungai" in script  # shown as "Jalan & Sungai"
    saved = folium.Map(tiles=None)
    folium.FeatureGroup(name=SCRIPT).add_to(saved)
    TextLayerControl().add_to(saved)
    assert "<img src=x" not in saved.get_root().render()


def test_no_map_uses_folium_s_own_layer_control() -> None:
    """Every layer list of the app is the escaping one (folium's writes names as HTML)."""
    offenders = []
    for path in [*ROOT.glob("views/**/*.py"), *ROOT.glob("layers/*.py"), ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "LayerControl"
                and path.name != "control.py"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize(
    "name",
    [
        "![x](http://127.0.0.1:9/a.png)",
        "[klik](javascript:alert(1))",
        "# Judul\n- daftar",
        ":red[merah] :material/home: $x^2$",
        "<img src=x onerror=alert(1)>",
        "a\\*b\\",
    ],
)
def test_escape_markdown_leaves_no_markup(name: str) -> None:
    escaped = escape_markdown(name)
    assert "\n" not in escaped
    # reading the escapes back gives the name; no special character is left unescaped
    back, i = [], 0
    while i < len(escaped):
        if escaped[i] == "\\":
            back.append(escaped[i + 1])
            i += 2
        else:
            assert escaped[i] not in "\\`*_[]()#!<>:$|~", escaped
            back.append(escaped[i])
            i += 1
    assert "".join(back) == name.replace("\n", " ")


def test_escape_mathtext() -> None:
    assert escape_mathtext(MATH) == r"Pos \$x^{\$"


def test_pack_prints_a_post_named_like_mathtext(area: Area, tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    operation = op.ensure_default_operation(store, area.places)
    post = op.load_operation(store, operation.id).posts[0]
    op.update_post(store, post.id, name=MATH, kind=post.kind, personnel=post.personnel,
                   profile=post.profile, readiness_min=post.readiness_min)  # fmt: skip
    op.add_venue(store, operation.id, name=SCRIPT, lon=105.3068, lat=-5.1130)
    briefing = build_briefing(area, load_schedule(store, operation.id))
    result = write_pack(briefing, tmp_path / "paket.pdf", png=False)
    text = subprocess.run(["pdftotext", str(result.pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    assert MATH in text
    assert SCRIPT in text
