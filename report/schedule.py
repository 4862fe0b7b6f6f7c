"""The operation's timeline: events at venues, escorts at their departures, closures and their windows.

Times in the store are ISO date-times (events) or either ISO or ``"HH:MM"`` clock texts (closures,
escort departures). A clock text is anchored on the operation's reference day (its start date,
else the day of its first event); with no reference day it repeats every day and is anchored on
the day asked about. ``state_at`` answers what holds at one moment: which venues are active,
which closures apply, where escorts and units should be.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import shapely
from shapely.geometry import LineString, shape

from geo._errors import GeoError
from geo.routing import parse_time
from plan.operation import Event, OperationData, Venue, load_operation
from plan.routes import SavedClosure, SavedRoutePlan, list_closures, list_route_plans
from plan.store import Store

#: Kinds of timeline items, in display order.
ITEM_KINDS: tuple[str, ...] = ("event", "escort", "patrol", "closure")


@dataclass(frozen=True)
class SavedRoute:
    """A saved escort or patrol plan (``route_plans``), read for the briefing.

    Attributes
    ----------
    id, name, kind, profile
        As stored (``kind`` ``escort`` or ``patrol``).
    depart
        Departure as stored (``"HH:MM"``, ISO text or None).
    request, result
        The stored JSON documents.
    geometry
        The main route (EPSG:4326), when the result holds one.
    alternatives
        Alternative routes' lines, when the result holds them.
    travel_time_s, length_m
        Of the main route (NaN when unknown).
    """

    id: int
    name: str
    kind: str
    profile: str
    depart: str | None
    request: dict[str, Any] = field(default_factory=dict, repr=False)
    result: dict[str, Any] = field(default_factory=dict, repr=False)
    geometry: LineString | None = None
    alternatives: tuple[LineString, ...] = ()
    travel_time_s: float = math.nan
    length_m: float = math.nan


@dataclass(frozen=True)
class Item:
    """One line of the timeline.

    Attributes
    ----------
    kind
        ``event``, ``escort``, ``patrol`` or ``closure``.
    title
        What happens.
    starts, ends
        Window (``ends`` of an escort = its arrival); None = open.
    ref
        Id of the event, route plan or closure.
    venue_id
        The event's venue.
    where
        Venue name, route or closure name.
    daily
        A clock time with no reference day (repeats every day).
    """

    kind: str
    title: str
    starts: datetime | None
    ends: datetime | None
    ref: int
    venue_id: int | None = None
    where: str = ""
    daily: bool = False


@dataclass(frozen=True)
class Schedule:
    """Everything timed in one operation."""

    data: OperationData
    items: tuple[Item, ...]
    routes: tuple[SavedRoute, ...]
    closures: tuple[SavedClosure, ...]
    day: date | None

    @property
    def days(self) -> list[date]:
        """Days that have at least one dated item, in order."""
        out: set[date] = set()
        for item in self.items:
            if item.starts is not None and not item.daily:
                end = item.ends or item.starts
                d = item.starts.date()
                while d <= end.date():
                    out.add(d)
                    d += timedelta(days=1)
        return sorted(out)

    def span(self) -> tuple[datetime, datetime] | None:
        """First start and last end of the dated items (None when nothing is dated)."""
        times = [t for i in self.items if not i.daily for t in (i.starts, i.ends) if t is not None]
        return (min(times), max(times)) if times else None

    def phases(self) -> list[datetime]:
        """Moments at which the state changes (starts and ends of dated items), sorted."""
        times = {t for i in self.items if not i.daily for t in (i.starts, i.ends) if t is not None}
        return sorted(times)


@dataclass(frozen=True)
class Convoy:
    """An escort or patrol on its way at a moment."""

    route: SavedRoute
    progress: float
    lon: float
    lat: float


@dataclass(frozen=True)
class ExpectedUnit:
    """Where a unit should be at a moment (at its post; the plan has no other assignment)."""

    unit_id: str
    name: str
    post: str
    lon: float
    lat: float
    personnel: int


@dataclass(frozen=True)
class State:
    """The operation at one moment."""

    time: datetime
    events: tuple[Event, ...]
    venues: tuple[Venue, ...]
    closures: tuple[SavedClosure, ...]
    convoys: tuple[Convoy, ...]
    units: tuple[ExpectedUnit, ...]


# --------------------------------------------------------------------------------------------
# reading


def _line(value: Any) -> LineString | None:
    """A LineString from a GeoJSON geometry or Feature (None if it is not a usable line)."""
    if not isinstance(value, dict):
        return None
    geom_json = value.get("geometry") if value.get("type") == "Feature" else value
    try:
        geom = shape(geom_json)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        return None
    if geom.geom_type == "MultiLineString":
        geom = shapely.line_merge(geom)
    return geom if geom.geom_type == "LineString" and not geom.is_empty else None


def _main_route(result: dict[str, Any]) -> dict[str, Any]:
    """The main route's object in a stored result (``plan.routes.plan_result`` or a flat one)."""
    for key in ("main", "route"):
        if isinstance(result.get(key), dict):
            return result[key]
    return result


def saved_route(plan: SavedRoutePlan) -> SavedRoute:
    """A stored route plan (``plan.routes``) with its lines read from the result."""
    main = _main_route(plan.result)
    alts_raw = plan.result.get("alternatives")
    alts_raw = alts_raw if isinstance(alts_raw, list) else []
    alts = tuple(
        g for g in (_line(a.get("geometry")) for a in alts_raw if isinstance(a, dict)) if g
    )
    return SavedRoute(
        id=plan.id,
        name=plan.name,
        kind=plan.kind,
        profile=plan.profile,
        depart=plan.depart or plan.request.get("depart") or None,
        request=plan.request,
        result=plan.result,
        geometry=_line(main.get("geometry")),
        alternatives=alts,
        travel_time_s=float(main.get("duration_s") or main.get("travel_time_s") or math.nan),
        length_m=float(main.get("length_m") or math.nan),
    )


def _reference_day(data: OperationData) -> date | None:
    if data.operation.starts:
        try:
            return parse_time(data.operation.starts[:10] + "T00:00").date()
        except GeoError:
            pass
    starts = sorted(e.starts for e in data.events)
    if starts:
        try:
            return parse_time(starts[0]).date()
        except GeoError:
            return None
    return None


def _when(text: str | None, day: date | None) -> tuple[datetime | None, bool]:
    """A stored time as a datetime, and whether it is a daily clock time."""
    if not text:
        return None, False
    clock = ":" in text and "T" not in text and "-" not in text
    try:
        value = parse_time(text, day=day or date(2000, 1, 1))
    except GeoError:
        return None, False
    return value, clock and day is None


def build_schedule(
    data: OperationData,
    plans: Sequence[SavedRoutePlan],
    closures: Sequence[SavedClosure],
) -> Schedule:
    """The schedule of an operation from its data and its stored route plans and closures.

    Parameters
    ----------
    data
        The operation (``plan.operation.load_operation``).
    plans, closures
        The operation's saved route plans and closures (``plan.routes``).

    Returns
    -------
    Schedule
    """
    day = _reference_day(data)
    venues = {v.id: v for v in data.venues}
    items: list[Item] = []
    for event in data.events:
        starts, _ = _when(event.starts, day)
        ends, _ = _when(event.ends, day)
        venue = venues.get(event.venue_id)
        items.append(
            Item("event", event.title, starts, ends, event.id, event.venue_id,
                 venue.name if venue else "")
        )  # fmt: skip
    routes = tuple(saved_route(p) for p in plans)
    for route in routes:
        starts, daily = _when(route.depart, day)
        ends = (
            starts + timedelta(seconds=route.travel_time_s)
            if starts is not None and math.isfinite(route.travel_time_s)
            else None
        )
        items.append(Item(route.kind, route.name, starts, ends, route.id, None, route.name, daily))
    closures = tuple(closures)
    for saved in closures:
        c = saved.closure
        starts, daily_s = _when(c.starts, day)
        ends, daily_e = _when(c.ends, day)
        if starts is not None and ends is not None and ends <= starts:
            ends += timedelta(days=1)  # a window across midnight
        items.append(
            Item("closure", c.name, starts, ends, saved.id, None, c.note, daily_s or daily_e)
        )
    order = {k: i for i, k in enumerate(ITEM_KINDS)}
    items.sort(key=lambda i: (i.starts or datetime.min, order.get(i.kind, 9), i.title))
    return Schedule(data=data, items=tuple(items), routes=routes, closures=closures, day=day)


def load_schedule(store: Store, operation_id: int) -> Schedule:
    """The schedule of a stored operation."""
    data = load_operation(store, operation_id)
    return build_schedule(
        data, list_route_plans(store, operation_id), list_closures(store, operation_id)
    )


# --------------------------------------------------------------------------------------------
# state at a moment


def _anchored(item: Item, time: datetime) -> tuple[datetime | None, datetime | None]:
    """An item's window, with daily clock times moved to the day of ``time``."""
    if not item.daily:
        return item.starts, item.ends
    shift = [
        (t.replace(year=time.year, month=time.month, day=time.day) if t else None)
        for t in (item.starts, item.ends)
    ]
    starts, ends = shift
    if starts is not None and ends is not None and ends <= starts:
        ends += timedelta(days=1)
    return starts, ends


def _within(starts: datetime | None, ends: datetime | None, time: datetime) -> bool:
    return (starts is None or starts <= time) and (ends is None or time < ends)


def state_at(schedule: Schedule, time: datetime) -> State:
    """What holds at a moment: running events and their venues, closures, convoys, units.

    Parameters
    ----------
    schedule
        The operation's schedule.
    time
        The moment (naive local time).

    Returns
    -------
    State
        ``closures`` are those whose window contains ``time`` (no window: always); ``convoys``
        the escorts and patrols between departure and arrival, placed along their route by
        elapsed time; ``units`` every unit attached to a post, at that post.
    """
    data = schedule.data
    events = {e.id: e for e in data.events}
    venues = {v.id: v for v in data.venues}
    running: list[Event] = []
    closures: list[SavedClosure] = []
    convoys: list[Convoy] = []
    routes = {r.id: r for r in schedule.routes}
    by_closure = {c.id: c for c in schedule.closures}
    for item in schedule.items:
        starts, ends = _anchored(item, time)
        if item.kind == "closure":
            if _within(starts, ends, time):
                closures.append(by_closure[item.ref])
        elif item.kind == "event":
            if starts is not None and _within(starts, ends, time):
                running.append(events[item.ref])
        elif starts is not None and ends is not None and _within(starts, ends, time):
            route = routes[item.ref]
            if route.geometry is None:
                continue
            progress = (time - starts).total_seconds() / max((ends - starts).total_seconds(), 1)
            point = route.geometry.interpolate(progress, normalized=True)
            convoys.append(Convoy(route, float(progress), float(point.x), float(point.y)))
    active_ids = list(dict.fromkeys(e.venue_id for e in running))
    posts = {p.id: p for p in data.posts}
    units = tuple(
        ExpectedUnit(u.unit_id, u.name, posts[u.post_id].name, posts[u.post_id].lon,
                     posts[u.post_id].lat, u.personnel)
        for u in data.units
        if u.post_id in posts
    )  # fmt: skip
    return State(
        time=time,
        events=tuple(running),
        venues=tuple(venues[i] for i in active_ids if i in venues),
        closures=tuple(closures),
        convoys=tuple(convoys),
        units=units,
    )
