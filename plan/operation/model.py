"""What an operation holds: its entities, post kinds, unit statuses, settings and ``PlanError``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geo._errors import GeoError
from geo.profiles import PROFILES

#: Post kinds, in the order forms list them.
POST_KINDS: tuple[str, ...] = ("polres", "polsek", "pos_pengamanan", "pos_pengaturan", "mobile")

#: Labels of the post kinds (Bahasa Indonesia).
POST_KIND_LABELS: dict[str, str] = {
    "polres": "Polres",
    "polsek": "Polsek",
    "pos_pengamanan": "Pos pengamanan",
    "pos_pengaturan": "Pos pengaturan",
    "mobile": "Unit mobile",
}

#: Unit statuses; only ``available`` units count for coverage and dispatch.
UNIT_STATUSES: tuple[str, ...] = ("available", "busy", "off")

#: Travel profiles a post or unit may use (names of ``geo.profiles.PROFILES``).
PROFILE_NAMES: tuple[str, ...] = tuple(PROFILES)

#: Personnel of Polres Metro (the operation's own strength by default).
POLRES_METRO_STRENGTH = 565

#: Name of the operation the app starts with.
DEFAULT_OPERATION = "Pengamanan Kampanye Kota Metro"

#: Id prefix of the units a rehearsal creates when the operation has none.
SIMULATION_UNIT_PREFIX = "SIM-"

#: Default settings of an operation (stored as JSON in ``operations.settings``).
DEFAULT_SETTINGS: dict[str, Any] = {"stale_after_min": 10.0}


class PlanError(GeoError):
    """A change to the operation that cannot be saved (message for the user)."""


@dataclass(frozen=True)
class Operation:
    """An operation (name, dates, revision, personnel strength)."""

    id: int
    name: str
    starts: str | None = None
    ends: str | None = None
    revision: int = 0
    strength: int = POLRES_METRO_STRENGTH
    bko: int = 0
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Post:
    """A post: where personnel wait, with their vehicle profile and readiness."""

    id: int
    name: str
    kind: str
    lon: float
    lat: float
    personnel: int = 0
    profile: str = "car"
    readiness_min: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class Venue:
    """A venue of campaign events."""

    id: int
    name: str
    lon: float
    lat: float
    position: str = "surveyed"
    risk: str = "rawan"
    place_id: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Event:
    """An event at a venue."""

    id: int
    venue_id: int
    title: str
    starts: str
    ends: str
    organiser: str = ""
    expected_crowd: int = 0


@dataclass(frozen=True)
class Tps:
    """A polling station (TPS)."""

    id: int
    code: str
    name: str
    kelurahan: str
    risk: str
    voters: int
    lon: float
    lat: float


@dataclass(frozen=True)
class Unit:
    """A unit (vehicle and crew) whose positions are tracked."""

    id: int
    unit_id: str
    name: str = ""
    post_id: int | None = None
    profile: str = "car"
    personnel: int = 2
    bko: bool = False


@dataclass(frozen=True)
class UnitPosition:
    """A unit's latest known position, with what its device reported (None when it did not)."""

    unit_id: str
    name: str
    time: str
    lon: float
    lat: float
    status: str
    source: str
    profile: str
    personnel: int
    age_s: float
    stale: bool
    device_id: str | None = None
    speed: float | None = None
    heading: float | None = None
    battery: float | None = None


@dataclass(frozen=True)
class OperationData:
    """Everything saved for one operation, read at one revision."""

    operation: Operation
    posts: tuple[Post, ...] = ()
    venues: tuple[Venue, ...] = ()
    events: tuple[Event, ...] = ()
    tps: tuple[Tps, ...] = ()
    units: tuple[Unit, ...] = ()
