"""``python -m cli route``: an escort route with alternatives and its route sheet, as JSON."""

from __future__ import annotations

import argparse
from typing import Any

from cli.core import add_area_arg, area_from_args, command
from geo import formats
from geo.network import compile_network
from geo.profiles import PROFILES
from geo.route_sheet import approximate_places, route_sheet
from geo.routing import parse_time, plan_route


def run_route(args: argparse.Namespace) -> dict[str, Any]:
    """Plan a route (``--from``, ``--via``, ``--to``) and return it with its sheet."""
    area = area_from_args(args)
    closures = formats.read_closures(args.avoid) if args.avoid else []
    depart = parse_time(args.depart) if args.depart else None
    net = compile_network(area.graph, args.profile)
    plan = plan_route(
        area,
        net,
        [args.origin, *(args.via or []), args.destination],
        closures=closures,
        depart=depart,
        alternatives=args.alternatives,
    )

    def described(route: Any) -> dict[str, Any]:
        out = route.to_dict()
        sheet = route_sheet(area, net, route, depart=depart, closed=plan.closed,
                            waypoints=plan.waypoints)  # fmt: skip
        out["sheet"] = sheet.to_dict()
        return out

    rough = {a["place_id"]: a for a in approximate_places(area, plan.waypoints)}
    waypoints = [
        {**w.to_dict(), "position": "approximate" if w.place_id in rough else "surveyed"}
        for w in plan.waypoints
    ]
    result: dict[str, Any] = {
        "area": area.title,
        "profile": plan.profile,
        "depart": depart.isoformat(timespec="minutes") if depart else None,
        "waypoints": waypoints,
        "warnings": [
            f"posisi perkiraan: {a['label']} (tidak disurvei; rute dan ETA ke/dari titik ini "
            f"perkiraan). {a['note']}".strip()
            for a in rough.values()
        ],
        "closures": [{"name": c.name, "starts": c.starts, "ends": c.ends} for c in plan.closures],
        "closed_edges": int(plan.closed.sum()),
        "route": described(plan.main),
        "alternatives": [described(r) for r in plan.alternatives],
    }
    if args.gpx:
        lines, points = formats.plan_features(plan)
        name = f"{plan.waypoints[0].label} - {plan.waypoints[-1].label}"
        result["gpx"] = str(formats.write_text(args.gpx, formats.to_gpx(lines, points, name=name)))
    return result


@command("route", "escort route with alternatives and route sheet", run_route)
def _route_args(parser: argparse.ArgumentParser) -> None:
    add_area_arg(parser)
    parser.add_argument(
        "--from", dest="origin", required=True, metavar="NAME|LON,LAT", help="origin"
    )
    parser.add_argument(
        "--to", dest="destination", required=True, metavar="NAME|LON,LAT", help="destination"
    )
    parser.add_argument(
        "--via",
        action="extend",
        nargs="+",
        metavar="NAME|LON,LAT",
        help="waypoints in order (repeatable)",
    )
    parser.add_argument("--avoid", metavar="FILE.geojson", help="closures (lines/polygons)")
    parser.add_argument(
        "--alternatives", type=int, default=0, choices=range(4), metavar="N", help="0 to 3"
    )
    parser.add_argument("--profile", default="convoy", choices=sorted(PROFILES))
    parser.add_argument("--depart", metavar="HH:MM", help="departure time (ETA, closure windows)")
    parser.add_argument("--gpx", metavar="OUT.gpx", help="also write the routes as GPX")
