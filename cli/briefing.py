"""Command line for the briefing pack: ``python -m cli briefing --out PACK.pdf``.

Writes the printed briefing pack of an operation (PDF, A4 landscape, and a PNG per page beside
it), rendered offline with matplotlib from the area's own layers, from an operation of the store
(``plan``) or an exported operation file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.core import add_area_arg, area_from_args, command
from cli.coverage import add_store_args, operation_from_args
from plan.routes import list_closures, list_route_plans


def run_briefing(args: argparse.Namespace) -> dict[str, Any]:
    """Write the briefing pack of an operation and describe what was written."""
    # matplotlib loads only for this command
    from report.briefing import build_briefing
    from report.pack import write_pack
    from report.schedule import build_schedule

    area = area_from_args(args)
    store, data = operation_from_args(args, area)
    if store is None:  # an exported operation file: no saved routes or closures
        schedule = build_schedule(data, [], [])
    else:
        op_id = data.operation.id
        schedule = build_schedule(data, list_route_plans(store, op_id), list_closures(store, op_id))
    briefing = build_briefing(area, schedule)
    result = write_pack(briefing, Path(args.out), lang=args.lang, png=not args.no_png)
    return {
        "operation": data.operation.name,
        "out": str(result.pdf),
        "pages": result.pages,
        "titles": result.titles,
        "png": [str(p) for p in result.pngs],
        "escorts": [e.name for e in briefing.escorts],
        "escorts_planned_for_briefing": [e.name for e in briefing.escorts if not e.saved],
        "patrols": [p.name for p in briefing.patrols],
        "notes": list(briefing.notes),
    }


@command("briefing", "write the briefing pack (PDF and PNG pages) of an operation", run_briefing)
def _briefing_args(parser: argparse.ArgumentParser) -> None:
    add_area_arg(parser)
    add_store_args(parser)
    parser.add_argument("--out", required=True, help="output PDF file")
    parser.add_argument("--lang", choices=("id", "en"), default="id", help="language (default: id)")
    parser.add_argument("--no-png", action="store_true", help="write the PDF only")
