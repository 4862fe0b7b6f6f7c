"""An operation exported to and read from a JSON file (without saving it)."""

from __future__ import annotations

import json
import math
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


#: Largest operation file read (a whole province's TPS fit in a few MB).
MAX_OPERATION_BYTES = 20_000_000

#: Most items of one kind (posts, venues, TPS, ...) in an operation file.
MAX_ITEMS = 100_000

#: Integers in an operation file stay within this (SQLite stores 64-bit integers).
MAX_INT = 10**9


def _value(kind: str, value: Any) -> Any:
    """``value`` as the field type ``kind`` (an annotation string); ValueError if it is not one."""
    optional = kind.endswith("| None")
    base = kind.removesuffix("| None").strip()
    if value is None:
        if optional:
            return None
        raise ValueError("kosong")
    if base == "str":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise ValueError(f"bukan teks ({type(value).__name__})")
    if base == "bool":
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        raise ValueError("bukan ya/tidak")
    if base in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"bukan angka ({type(value).__name__})")
        number = float(value)  # a numeric string is accepted; "abc" raises ValueError
        if not math.isfinite(number) or abs(number) > MAX_INT:
            raise ValueError(f"angka di luar rentang ({str(value)[:20]})")
        if base == "int":
            if number != int(number):
                raise ValueError(f"bukan bilangan bulat ({str(value)[:20]})")
            return int(number)
        return number
    if base.startswith("dict"):
        if isinstance(value, dict):
            return value
        raise ValueError("bukan objek")
    return value


def _typed(cls: type, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValueError("bukan objek JSON")
    out = {}
    for f in fields(cls):
        if f.name in item:
            try:
                out[f.name] = _value(str(f.type), item[f.name])
            except ValueError as exc:
                raise ValueError(f"{f.name}: {exc}") from None
    return out


def operation_from_file(path: str | Path) -> OperationData:
    """Read an operation exported by ``operation_to_dict`` (JSON), without saving it.

    Every value is checked against its field's type (text, whole number, finite number within
    range), so a malformed file is refused with a reason and never reaches the computations.

    Raises
    ------
    PlanError
        If the file is not such an export.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_OPERATION_BYTES:
            msg = f"Berkas operasi {path.name} terlalu besar (batas {MAX_OPERATION_BYTES // 10**6} MB)."
            raise PlanError(msg)
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"Berkas operasi {path.name} tidak dapat dibaca: {exc}"
        raise PlanError(msg) from exc
    except RecursionError:
        msg = f"Berkas operasi {path.name} tidak dapat dibaca: susunan JSON terlalu dalam."
        raise PlanError(msg) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("posts"), list):
        msg = f"Berkas operasi {path.name} tidak berisi daftar 'posts'."
        raise PlanError(msg)
    op = raw.get("operation") or {}
    if not isinstance(op, dict):
        msg = f"Berkas operasi {path.name}: 'operation' bukan objek."
        raise PlanError(msg)

    def build(cls: type, items: Any, what: str) -> tuple[Any, ...]:
        if items is None:
            return ()
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            msg = f"Berkas operasi {path.name}: daftar {what} bukan daftar (maks. {MAX_ITEMS})."
            raise PlanError(msg)
        out = []
        for i, item in enumerate(items, start=1):
            try:
                values = _typed(cls, item)
                values.setdefault("id", i)
                out.append(cls(**values))
            except (TypeError, ValueError) as exc:
                msg = f"Berkas operasi {path.name}: {what} ke-{i} tidak sah ({exc})."
                raise PlanError(msg) from None
        return tuple(out)

    posts = build(Post, raw.get("posts"), "pos")
    for p in posts:
        _check_post_fields(p.name, p.kind, p.personnel, p.profile, p.readiness_min)
        _check_point(p.lon, p.lat)
    try:
        head = _typed(Operation, {"id": 0, "name": path.stem, **op})
    except ValueError as exc:
        msg = f"Berkas operasi {path.name}: operasi tidak sah ({exc})."
        raise PlanError(msg) from None
    return OperationData(
        operation=Operation(
            id=head["id"],
            name=head["name"],
            starts=head.get("starts"),
            ends=head.get("ends"),
            strength=head.get("strength", POLRES_METRO_STRENGTH),
            bko=head.get("bko", 0),
            settings={**DEFAULT_SETTINGS, **head.get("settings", {})},
        ),
        posts=posts,
        venues=build(Venue, raw.get("venues"), "lokasi"),
        events=build(Event, raw.get("events"), "kegiatan"),
        tps=build(Tps, raw.get("tps"), "TPS"),
        units=build(Unit, raw.get("units"), "unit"),
    )
