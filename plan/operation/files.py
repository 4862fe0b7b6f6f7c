"""An operation exported to and read from a JSON file (without saving it)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from plan.operation._checks import _check_point, _check_post_fields
from plan.operation.model import (
    DEFAULT_SETTINGS,
    POLRES_METRO_STRENGTH,
    Event,
    Operation,
    OperationData,
    PlanError,
    Post,
    Tps,
    Unit,
    Venue,
)


def operation_to_dict(data: OperationData) -> dict[str, Any]:
    """An operation as JSON-able data (the format ``operation_from_file`` reads)."""
    return {
        "format": "peta-pengamanan/operation",
        "version": 1,
        "operation": asdict(data.operation),
        "posts": [asdict(p) for p in data.posts],
        "venues": [asdict(v) for v in data.venues],
        "events": [asdict(e) for e in data.events],
        "tps": [asdict(t) for t in data.tps],
        "units": [asdict(u) for u in data.units],
    }


def operation_from_file(path: str | Path) -> OperationData:
    """Read an operation exported by ``operation_to_dict`` (JSON), without saving it.

    Raises
    ------
    PlanError
        If the file is not such an export.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"Berkas operasi {path.name} tidak dapat dibaca: {exc}"
        raise PlanError(msg) from exc
    if not isinstance(raw, dict) or "posts" not in raw:
        msg = f"Berkas operasi {path.name} tidak berisi daftar 'posts'."
        raise PlanError(msg)
    op = raw.get("operation") or {}

    def build(cls: type, items: list[dict[str, Any]], what: str) -> tuple[Any, ...]:
        names = {f.name for f in fields(cls)}
        out = []
        for i, item in enumerate(items or [], start=1):
            try:
                values = {k: v for k, v in item.items() if k in names}
                values.setdefault("id", i)
                out.append(cls(**values))
            except (TypeError, AttributeError) as exc:
                msg = f"Berkas operasi {path.name}: {what} ke-{i} tidak sah ({exc})."
                raise PlanError(msg) from exc
        return tuple(out)

    posts = build(Post, raw.get("posts", []), "pos")
    for p in posts:
        _check_post_fields(p.name, p.kind, p.personnel, p.profile, p.readiness_min)
        _check_point(p.lon, p.lat)
    return OperationData(
        operation=Operation(
            id=int(op.get("id", 0)),
            name=str(op.get("name", path.stem)),
            starts=op.get("starts"),
            ends=op.get("ends"),
            strength=int(op.get("strength", POLRES_METRO_STRENGTH)),
            bko=int(op.get("bko", 0)),
            settings={**DEFAULT_SETTINGS, **(op.get("settings") or {})},
        ),
        posts=posts,
        venues=build(Venue, raw.get("venues", []), "lokasi"),
        events=build(Event, raw.get("events", []), "kegiatan"),
        tps=build(Tps, raw.get("tps", []), "TPS"),
        units=build(Unit, raw.get("units", []), "unit"),
    )
