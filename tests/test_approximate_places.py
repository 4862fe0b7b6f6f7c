"""A place whose position is approximate (Gedung Nuwo Budayo) is named so by sheet and CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from geo.area import Area
from geo.network import compile_network
from geo.route_sheet import plan_sheets
from geo.routing import plan_route

ROOT = Path(__file__).resolve().parents[1]


def test_sheet_names_the_approximate_place(area: Area) -> None:
    net = compile_network(area.graph, "convoy")
    plan = plan_route(area, net, ["Polres Metro", "Gedung Nuwo Budayo"], alternatives=1)
    (sheet, *_) = plan_sheets(area, net, plan)
    (rough,) = sheet.approximate
    assert rough["label"] == "Gedung Nuwo Budayo"
    assert "Kelurahan Metro" in rough["note"]
    assert sheet.to_dict()["approximate"] == [rough]
    surveyed = plan_route(area, net, ["Polres Metro", "KPU Kota Metro"])
    assert plan_sheets(area, net, surveyed)[0].approximate == ()


def test_route_cli_warns_about_the_approximate_place(tmp_path) -> None:
    env = {**os.environ, "PETA_DB": str(tmp_path / "operasi.sqlite")}
    run = subprocess.run(
        [sys.executable, "-m", "cli", "route", "--from", "Polres Metro", "--to",
         "Gedung Nuwo Budayo", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert [w["position"] for w in out["waypoints"]] == ["surveyed", "approximate"]
    (warning,) = out["warnings"]
    assert warning.startswith("posisi perkiraan: Gedung Nuwo Budayo")
    assert out["route"]["sheet"]["approximate"][0]["label"] == "Gedung Nuwo Budayo"
