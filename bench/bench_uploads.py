"""Hostile uploads: how fast a TPS or position file past the limits is answered.

The files of issue 14 (50 000 blank lines, 50 000 empty rows, 100 000 columns, a 5 MB single
line, 50 000 and 100 000 position rows), read with ``geo.imports.read_tps`` /
``read_positions`` on the embedded Kota Metro area. Each is answered with rows or with the
product's own error; the load average at the start is recorded, since the machine is shared.

``python -m bench.bench_uploads [case ...]``; results in ``bench/results/uploads.json``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from geo._errors import GeoError
from geo.area import load_area
from geo.imports import read_positions, read_tps

RESULTS = Path(__file__).parent / "results" / "uploads.json"


def _positions(n: int) -> bytes:
    rows = "".join(
        f"U{i % 50},2024-11-20 08:{i % 60:02d}:{(i // 60) % 60:02d},"
        f"-5.11{i % 90:02d},105.30{i % 90:02d}\n"
        for i in range(n)
    )
    return ("unit,waktu,lat,lon\n" + rows).encode()


def cases() -> dict[str, tuple[object, bytes, str]]:
    """Name -> (reader, bytes, file name)."""
    header = "kode,kerawanan,lat,lon\n"
    wide = ",".join(f"c{i}" for i in range(100_000))
    return {
        "blank_lines_50k": (read_tps, (header + "\n" * 50_000).encode(), "t.csv"),
        "empty_rows_50k": (read_tps, (header + ",,,\n" * 50_000).encode(), "t.csv"),
        "columns_100k": (read_tps, (wide + "\n" + wide + "\n").encode(), "t.csv"),
        "line_5mb": (read_tps, (header + "1,r," + "9" * 5_000_000 + ",105.3\n").encode(), "t.csv"),
        "positions_50k": (read_positions, _positions(50_000), "p.csv"),
        "positions_100k": (read_positions, _positions(100_000), "p.csv"),
    }


def main(names: list[str]) -> dict[str, dict[str, object]]:
    """Time each case once and write the results."""
    area = load_area()
    out: dict[str, dict[str, object]] = {}
    load = os.getloadavg()[0]
    for name, (reader, data, filename) in cases().items():
        if names and name not in names:
            continue
        start = time.perf_counter()
        try:
            answer = reader(area, data, filename=filename).summary  # type: ignore[operator]
        except GeoError as exc:
            answer = f"GeoError: {exc}"
        seconds = time.perf_counter() - start
        out[name] = {"seconds": round(seconds, 3), "answer": answer[:160]}
        sys.stdout.write(f"{name}: {seconds:.2f} s  {answer[:100]}\n")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"load_average_1min": load, "cases": out}, indent=2, ensure_ascii=False) + "\n"
    )
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
