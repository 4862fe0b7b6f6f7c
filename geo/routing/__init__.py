"""Escort routing: fastest route through ordered waypoints, closures and alternatives that differ.

Everything runs on the compiled network (``geo.network.CompiledNetwork``): closures are edge
masks, alternatives come from the penalty method (the edges of every route found are made
slower and the search is run again; a candidate is kept only if it shares at most
``max_shared`` of its length with the main route and takes at most ``max_stretch`` times its
time), not from Yen's k-shortest paths, whose alternates differ by one side street.

The travel time of a route is node to node, by the profile's edge travel times: the same
figure an independent Dijkstra on ``python -m cli graph --profile <name>`` gives between the
route's first and last node.

One topic a module: ``edges`` (edge geometry), ``waypoints`` (names, coordinates, snapping),
``closures`` (closures and their time windows), ``paths`` (paths through stops and points,
alternatives) and ``routes`` (``Route``, ``RoutePlan``, ``plan_route``). This package re-exports
their public names, so ``from geo.routing import X`` works as before.
"""

from geo.routing.closures import (
    CLOSURE_TOUCH_M,
    POINT_CLOSURE_RADIUS_M,
    Closure,
    closed_edges,
    closures_from_features,
    closures_from_geojson,
    parse_time,
)
from geo.routing.edges import (
    EdgeTable,
    edge_table,
)
from geo.routing.paths import (
    Found,
    StopAccess,
    path_through,
    path_through_points,
    route_edges,
)
from geo.routing.routes import (
    Route,
    RoutePlan,
    build_route,
    piece_geometries,
    plan_route,
)
from geo.routing.waypoints import (
    Waypoint,
    find_place,
    parse_lonlat,
    resolve_waypoint,
    resolve_waypoints,
)

__all__ = [
    "CLOSURE_TOUCH_M",
    "POINT_CLOSURE_RADIUS_M",
    "Closure",
    "EdgeTable",
    "Found",
    "Route",
    "RoutePlan",
    "StopAccess",
    "Waypoint",
    "build_route",
    "closed_edges",
    "closures_from_features",
    "closures_from_geojson",
    "edge_table",
    "find_place",
    "parse_lonlat",
    "parse_time",
    "path_through",
    "path_through_points",
    "piece_geometries",
    "plan_route",
    "resolve_waypoint",
    "resolve_waypoints",
    "route_edges",
]
