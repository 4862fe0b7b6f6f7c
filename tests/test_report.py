"""The briefing pack rendered for the real default operation: pages, their text, the maps drawn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg
from matplotlib.figure import Figure

import style
from geo.area import Area
from geo.network import compile_network
from geo.routing import plan_route
from plan.operation import ensure_default_operation
from plan.routes import plan_request, plan_result, save_route_plan
from plan.store import Store
from report import staticmap as sm
from report.briefing import Briefing, build_briefing
from report.pack import PackResult, write_pack
from report.schedule import load_schedule

ROOT = Path(__file__).resolve().parents[1]


def _pdf_pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0


def _pixels_of(png: Path, colour: str, tol: float = 0.06) -> int:
    img = mpimg.imread(png)[..., :3]
    return int((np.abs(img - _hex_rgb(colour)).max(axis=-1) < tol).sum())


@pytest.fixture(scope="module")
def briefing(area: Area, tmp_path_factory: pytest.TempPathFactory) -> Briefing:
    store = Store(tmp_path_factory.mktemp("report-db") / "operasi.sqlite")
    op = ensure_default_operation(store, area.places)
    return build_briefing(area, load_schedule(store, op.id))


@pytest.fixture(scope="module")
def pack(briefing: Briefing, tmp_path_factory: pytest.TempPathFactory) -> PackResult:
    return write_pack(briefing, tmp_path_factory.mktemp("pack") / "paket.pdf")


@pytest.fixture(scope="module")
def pages(pack: PackResult) -> list[str]:
    return _pdf_pages_text(pack.pdf)


def test_pack_has_every_section_and_a_png_per_page(pack: PackResult, pages: list[str]) -> None:
    assert len(pages) == pack.pages == len(pack.pngs) >= 8
    assert [p.name for p in pack.pngs] == [f"paket-p{i:02d}.png" for i in range(1, pack.pages + 1)]
    expected = [
        "RENCANA PENGAMANAN",
        "Jadwal dan lokasi kegiatan",
        "Jangkauan pos dalam menit",
        "Rute pengawalan: Kantor Polisi Resor Metro – KPU Kota Metro",
        "Lembar rute: Kantor Polisi Resor Metro – KPU Kota Metro",
        "Rute patroli",
        "Personel per pos",
        "Personel TPS per Polsek (Pemilu 2024)",
        "Celah jangkauan",
    ]
    assert list(dict.fromkeys(pack.titles)) == expected
    for n, (title, text) in enumerate(zip(pack.titles, pages, strict=True), start=1):
        assert "TERBATAS" in text, n
        assert title.split(":")[0] in text, (n, title)
        if n > 1:
            assert f"Halaman {n} dari {pack.pages}" in text


def test_cover_names_operation_unit_and_sources(pages: list[str]) -> None:
    cover = pages[0]
    for needed in (
        "RENCANA PENGAMANAN",
        "Pengamanan Kampanye Kota Metro",
        "Kepolisian Resor Metro",
        "6 pos · 6 lokasi kegiatan",
        "Badan Informasi Geospasial",
        "wilayah_boundaries",
        "Pemerintah Kota Metro",
    ):
        assert needed in cover, needed


def test_coverage_page_prints_the_computed_figures(briefing: Briefing, pages: list[str]) -> None:
    text = pages[2]
    assert briefing.coverage is not None
    for fig in briefing.coverage.figures:
        assert f"{fig.cutoff_min:g} mnt" in text
        assert f"{fig.road_share:.1%}".replace(".", ",") in text  # Indonesian decimal comma
        assert f"{fig.venues_covered}/{fig.venues_total}" in text
    for name in ("Metro Barat", "Metro Pusat", "Metro Selatan", "Metro Timur", "Metro Utara"):
        assert name in text
    shares = [f.road_share for f in briefing.coverage.figures]
    assert shares == sorted(shares) and 0 < shares[0] < 1


def test_escort_pages_carry_the_route_sheet(briefing: Briefing, pages: list[str]) -> None:
    (escort,) = briefing.escorts
    assert not escort.saved  # the default operation has none: planned for the briefing
    text = pages[3]
    assert "Rute utama" in text and "Alternatif 1" in text
    assert f"{escort.figures['length_km'].iloc[0]:.2f} km".replace(".", ",") in text
    assert f"Personel pengaturan: {escort.sheet['personnel']} di" in text
    sheet_text = "\n".join(pages[4:6])
    for heading in (
        "Segmen",
        "Titik pengaturan lalu lintas",
        "Titik rawan",
        "Tempat aman terdekat per bentang",
    ):
        assert heading in sheet_text
    assert len(escort.sheet["traffic_control"]) >= 3
    assert "RSUD Jenderal Ahmad Yani" in sheet_text


def test_personnel_and_gap_pages(briefing: Briefing, pages: list[str]) -> None:
    personnel = next(p for p in pages if "Personel per pos" in p and "Kekuatan" in p)
    for post in briefing.data.posts:
        assert post.name in personnel
    assert "565" in personnel
    gaps = next(p for p in pages if "Celah jangkauan" in p and "terlama" in p)
    for venue in briefing.data.venues:
        assert venue.name[:20] in gaps


def test_maps_are_drawn(pack: PackResult) -> None:
    coverage_png = pack.pngs[2]
    # roads covered within 5 minutes, in the first band colour, are a large part of the page
    assert _pixels_of(coverage_png, style.BAND_COLOURS[0]) > 20_000
    escort_png = pack.pngs[3]
    assert _pixels_of(escort_png, sm.ROUTE_COLOURS[0]) > 3_000  # the main route
    assert _pixels_of(escort_png, style.BAND_COLOURS[0]) < 100  # no coverage bands there
    # settlements of the basemap
    assert _pixels_of(pack.pngs[0], "#efe6d2", tol=0.02) > 20_000


def test_pack_is_deterministic_and_english(briefing: Briefing, pack: PackResult, tmp_path) -> None:
    again = write_pack(briefing, tmp_path / "again.pdf", png=False)
    assert again.pdf.read_bytes() == pack.pdf.read_bytes()
    english = write_pack(briefing, tmp_path / "en.pdf", lang="en", png=False)
    text = _pdf_pages_text(english.pdf)
    assert "SECURITY PLAN" in text[0] and "Post coverage in minutes" in text[2]
    everything = "\n".join(text)
    # no Indonesian unit, risk tier, profile or legend word left in the English pack
    for word in (" mnt", "Konvoi pengawalan", "Rawan", "Sungai", "Batas kota", "Asal", "Tujuan",
                 "Jumlah", "belum diisi"):  # fmt: skip
        assert word not in everything, word
    assert "At risk" in everything and "Escort convoy" in everything
    assert "Origin" in text[3] and "Destination" in text[3] and "River" in text[2]
    (escort,) = briefing.escorts
    assert f"{escort.figures['length_km'].iloc[0]:.2f} km" in text[3]  # English decimal point


def test_pack_labels_risk_and_unset_personnel(pages: list[str]) -> None:
    everything = "\n".join(pages)
    assert "kurang_rawan" not in everything and "sangat_rawan" not in everything
    assert "Rawan" in everything  # the venues' tier, as a label
    personnel = next(p for p in pages if "Personel per pos" in p and "Kekuatan" in p)
    assert "belum diisi" in personnel  # the default posts' strength is not set yet


def test_pack_tps_page_from_the_real_counts(briefing: Briefing, pages: list[str]) -> None:
    assert briefing.tps is not None and briefing.tps.tps == 462
    page = next(p for p in pages if "Personel TPS per Polsek" in p and "Berposisi" in p)
    for polsek in ("Polsek Metro Pusat", "Polsek Metro Timur", "Polsek Metro Selatan"):
        assert polsek in page
    assert "462" in page and "Iring Mulyo" in page and "Sumbersari Bantul" in page
    assert f"{briefing.tps.required}" in page
    assert "462 dari 462 TPS belum berposisi" in page


def test_saved_escort_is_planned_again_with_its_sheet(area: Area, tmp_path) -> None:
    store = Store(tmp_path / "operasi.sqlite")
    op = ensure_default_operation(store, area.places)
    depart = datetime(2026, 11, 25, 8, 0)
    net = compile_network(area.graph, "convoy")
    plan = plan_route(area, net, ["Lapangan Garuda", "Stadion Tejosari"], depart=depart,
                      alternatives=1)  # fmt: skip
    save_route_plan(store, op.id, "Garuda ke Tejosari", kind="escort", profile="convoy",
                    request=plan_request(plan), result=plan_result(plan),
                    depart=depart.isoformat(timespec="minutes"))  # fmt: skip
    b = build_briefing(area, load_schedule(store, op.id), default_patrol=False)
    (escort,) = b.escorts
    assert escort.saved and escort.name == "Garuda ke Tejosari"
    assert escort.depart == depart
    assert escort.figures["time_min"].iloc[0] == pytest.approx(plan.main.travel_time_s / 60)
    assert escort.sheet["traffic_control"][0]["eta"].count(":") == 1  # clock time, "08:0x"
    assert escort.sheet["traffic_control"][0]["eta"].startswith("08:")


def test_static_map_furniture() -> None:
    assert sm.nice_length(2600) == 2500
    assert sm.nice_length(1999) == 1000
    assert sm.nice_length(340) == 250
    x0, y0, x1, y1 = sm.fit_extent((0, 0, 1000, 500), 1.0)
    assert x1 - x0 == pytest.approx(y1 - y0)
    # the pack and the app's map colour time bands with one function of the shared styles
    from layers import coverage as lc

    assert sm.band_colour is lc.band_colour is style.band_colour


def test_scale_bar_is_true_in_metres(area: Area) -> None:
    fig = Figure(figsize=(8, 8))
    ax = fig.add_axes((0, 0, 1, 1))
    m = sm.StaticMap(ax, area)
    width = m.extent[2] - m.extent[0]
    m.scale_bar()
    blocks = [p for p in ax.patches if p.get_facecolor()[:3] in ((0, 0, 0), (1, 1, 1))][1:]
    total = sum(p.get_width() for p in blocks)
    assert total == sm.nice_length(width / 5)
    # the city's extent in EPSG:32748 is about 10 km wide
    assert 8_000 < width < 16_000


def test_cli_writes_the_pack(tmp_path) -> None:
    out = tmp_path / "pack.pdf"
    env = {**os.environ, "PETA_DB": str(tmp_path / "operasi.sqlite")}
    run = subprocess.run(
        [sys.executable, "-m", "cli", "briefing", "--out", str(out), "--no-png", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert out.exists() and result["pages"] >= 8
    assert result["escorts_planned_for_briefing"] == ["Kantor Polisi Resor Metro – KPU Kota Metro"]
    assert "Lembar rute: Kantor Polisi Resor Metro – KPU Kota Metro" in result["titles"]
    assert "Personel per pos" in result["titles"]
