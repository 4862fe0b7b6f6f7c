"""Bad command lines: every error is one ``galat:`` line on stderr and exit status 2.

Most cases run ``cli.main`` in this process (the code ``python -m cli`` runs, without paying the
start-up for each); a few run the real ``python -m cli`` to show the entry point is that code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main

ROOT = Path(__file__).resolve().parents[1]
POLRES, KPU = "Kantor Polisi Resor Metro", "KPU Kota Metro"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cli-bad")
    (d / "folder").mkdir()
    out = {"folder": d / "folder", "missing": d / "tidak" / "ada"}
    out["y1"] = d / "y1.csv"
    out["y1"].write_text("unit,waktu,lat,lon\nA,0001-01-01 08:00,-5.1130,105.3068\n")
    out["ym1"] = d / "ym1.csv"
    out["ym1"].write_text("unit,waktu,lat,lon\nA,-0001-01-01 08:00,-5.1130,105.3068\n")
    out["notdb"] = d / "bukan.sqlite"
    out["notdb"].write_text("bukan basis data\n" * 100)
    graphml = (
        '<?xml version="1.0" encoding="utf-8"?><graphml xmlns="http://graphml.graphdrawing.org/'
        'xmlns"><key id="d0" for="node" attr.name="y" attr.type="string"/>'
        '<key id="d1" for="node" attr.name="x" attr.type="string"/>'
        '<key id="d2" for="graph" attr.name="crs" attr.type="string"/>'
        '<key id="d3" for="edge" attr.name="length" attr.type="string"/>'
        '<graph edgedefault="directed"><data key="d2">{crs}</data>'
        '<node id="1"><data key="d0">-5.11</data>{x1}</node>'
        '<node id="2"><data key="d0">-5.12</data><data key="d1">105.31</data></node>'
        '<edge source="1" target="2" id="0"><data key="d3">1400</data></edge>'
        '<edge source="2" target="1" id="0"><data key="d3">1400</data></edge></graph></graphml>'
    )
    out["no_x"] = d / "tanpa-x.graphml"
    out["no_x"].write_text(graphml.format(crs="epsg:4326", x1=""))
    out["bad_crs"] = d / "crs.graphml"
    out["bad_crs"].write_text(
        graphml.format(crs="EPSG:999999", x1='<data key="d1">105.30</data>')
    )
    bad_ops = {
        "op_types": {"posts": [{"name": 5, "kind": "polres", "lon": "a"}]},
        "op_list": [1, 2],
        "op_strength": {"posts": [], "operation": {"strength": "banyak"}},
        "op_inf": {"posts": [], "operation": {"id": 1e400}},
        "op_settings": {"posts": [], "operation": {"settings": [1]}},
    }
    for name, content in bad_ops.items():
        out[name] = d / f"{name}.json"
        out[name].write_text(json.dumps(content))
    out["op_deep"] = d / "op_deep.json"
    out["op_deep"].write_text('{"posts": ' + "[" * 100_000 + "]" * 100_000 + "}")
    return out


CASES = {
    "db-folder": ["coverage", "--db", "{folder}"],
    "db-not-a-database": ["coverage", "--db", "{notdb}"],
    "graphml-without-x": ["info", "--area", "{no_x}"],
    "graphml-invalid-crs": ["info", "--area", "{bad_crs}"],
    "alternatives-9": ["route", "--from", POLRES, "--to", KPU, "--alternatives", "9"],
    "gpx-on-a-folder": ["route", "--from", POLRES, "--to", KPU, "--gpx", "{folder}"],
    "graph-on-a-folder": ["graph", "--out", "{folder}"],
    "pack-on-a-folder": ["briefing", "--out", "{folder}", "--no-png"],
    "minutes-nan": ["coverage", "--minutes", "nan"],
    "minutes-inf": ["coverage", "--minutes", "inf"],
    "op-types": ["coverage", "--operation", "{op_types}"],
    "op-list": ["coverage", "--operation", "{op_list}"],
    "op-strength": ["coverage", "--operation", "{op_strength}"],
    "op-inf": ["coverage", "--operation", "{op_inf}"],
    "op-settings": ["coverage", "--operation", "{op_settings}"],
    "op-deep": ["coverage", "--operation", "{op_deep}"],
    "unknown-command": ["terbang"],
}


def _argv(case: list[str], files: dict[str, Path]) -> list[str]:
    return [a.format(**{k: str(v) for k, v in files.items()}) for a in case]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_invocation_is_one_galat_line(
    case: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        status = main(_argv(CASES[case], files))
    except SystemExit as exc:  # argparse
        status = exc.code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2, err
    assert len(lines) == 1 and lines[0].startswith("galat: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["y1", "ym1"])
def test_impossible_years_in_a_positions_file_are_rejected_rows(
    name: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["positions", str(files[name]), "--json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    result = json.loads(captured.out)
    assert result["accepted"] == 0
    assert [r["id"] for r in result["rejected"]] == ["A"]
    assert "waktu" in result["rejected"][0]["alasan"]


@pytest.mark.parametrize(
    "case", ["db-not-a-database", "alternatives-9"]
)
def test_the_real_entry_point(case: str, files: dict[str, Path], tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cli", *_argv(CASES[case], files)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PETA_DB": str(tmp_path / "db.sqlite")},
    )  # fmt: skip
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("galat: "), proc.stderr
