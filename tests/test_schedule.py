"""The operation's timeline and its state at a moment, on the real default operation."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import shapely
from shapely.geometry import LineString

from geo.area import Area
from geo.network import compile_network
from geo.routing import Closure, plan_route
from plan.operation import add_event, add_unit, ensure_default_operation, load_operation
from plan.routes import plan_request, plan_result, save_closure, save_route_plan
from plan.store import Store
from report.schedule import build_schedule, load_schedule, state_at


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "operasi.sqlite")


@pytest.fixture
def op_id(store: Store, area: Area) -> int:
    return ensure_default_operation(store, area.places).id


def _venue(store: Store, op_id: int, name: str):
    return next(v for v in load_operation(store, op_id).venues if v.name == name)


def test_empty_default_operation_has_no_timeline(store: Store, op_id: int) -> None:
    schedule = load_schedule(store, op_id)
    assert schedule.items == ()
    assert schedule.phases() == []
    assert schedule.span() is None
    now = state_at(schedule, datetime(2026, 11, 25, 9, 0))
    assert now.venues == () and now.closures == () and now.convoys == ()


def test_events_make_venues_active_in_their_window(store: Store, op_id: int) -> None:
    garuda = _venue(store, op_id, "Lapangan Garuda")
    merdeka = _venue(store, op_id, "Taman Merdeka")
    add_event(store, garuda.id, title="Kampanye terbuka A", starts="2026-11-25T09:00",
              ends="2026-11-25T12:00", organiser="Partai A", expected_crowd=3000)  # fmt: skip
    add_event(store, merdeka.id, title="Kampanye terbuka B", starts="2026-11-26T13:00",
              ends="2026-11-26T16:00", organiser="Partai B", expected_crowd=1500)  # fmt: skip
    schedule = load_schedule(store, op_id)
    assert [i.title for i in schedule.items] == ["Kampanye terbuka A", "Kampanye terbuka B"]
    assert [d.isoformat() for d in schedule.days] == ["2026-11-25", "2026-11-26"]
    assert schedule.day.isoformat() == "2026-11-25"
    assert len(schedule.phases()) == 4
    assert [v.name for v in state_at(schedule, datetime(2026, 11, 25, 9, 0)).venues] == [
        "Lapangan Garuda"
    ]  # the start is inside the window
    assert state_at(schedule, datetime(2026, 11, 25, 12, 0)).venues == ()  # the end is not
    assert [v.name for v in state_at(schedule, datetime(2026, 11, 26, 14, 0)).venues] == [
        "Taman Merdeka"
    ]
    assert state_at(schedule, datetime(2026, 11, 26, 8, 0)).venues == ()


def test_closure_windows_clock_and_iso(store: Store, op_id: int) -> None:
    line = LineString([(105.3060, -5.1130), (105.3100, -5.1130)])
    save_closure(store, op_id, Closure("Jl. A (pagi)", line, starts="07:00", ends="09:00"))
    save_closure(store, op_id, Closure("Jl. B", line, starts="2026-11-25T10:00",
                                       ends="2026-11-25T11:00"))  # fmt: skip
    save_closure(store, op_id, Closure("Jl. C (selalu)", line))
    schedule = load_schedule(store, op_id)
    morning = next(i for i in schedule.items if i.title == "Jl. A (pagi)")
    assert morning.daily  # no event fixes the day: repeats every day

    def names(when: datetime) -> list[str]:
        return sorted(c.closure.name for c in state_at(schedule, when).closures)

    assert names(datetime(2026, 11, 27, 8, 0)) == ["Jl. A (pagi)", "Jl. C (selalu)"]
    assert names(datetime(2026, 11, 25, 10, 30)) == ["Jl. B", "Jl. C (selalu)"]
    assert names(datetime(2026, 11, 25, 12, 0)) == ["Jl. C (selalu)"]


def test_escort_moves_along_its_route(store: Store, op_id: int, area: Area) -> None:
    net = compile_network(area.graph, "convoy")
    depart = datetime(2026, 11, 25, 8, 0)
    plan = plan_route(area, net, ["Kantor Polisi Resor Metro", "KPU Kota Metro"], depart=depart)
    save_route_plan(store, op_id, "Pengawalan KPU", kind="escort", profile="convoy",
                    request=plan_request(plan), result=plan_result(plan),
                    depart=depart.isoformat(timespec="minutes"))  # fmt: skip
    schedule = load_schedule(store, op_id)
    (item,) = schedule.items
    assert item.kind == "escort" and item.starts == depart
    assert (item.ends - depart).total_seconds() == pytest.approx(plan.main.travel_time_s, abs=0.01)
    half = depart + timedelta(seconds=plan.main.travel_time_s / 2)
    (convoy,) = state_at(schedule, half).convoys
    assert convoy.progress == pytest.approx(0.5, abs=1e-3)
    assert plan.main.geometry.distance(shapely.Point(convoy.lon, convoy.lat)) < 1e-9
    assert state_at(schedule, depart - timedelta(minutes=1)).convoys == ()
    assert state_at(schedule, item.ends + timedelta(seconds=1)).convoys == ()


def test_units_are_expected_at_their_posts(store: Store, op_id: int) -> None:
    data = load_operation(store, op_id)
    polres = next(p for p in data.posts if p.kind == "polres")
    add_unit(store, op_id, unit_id="R4-01", name="Patroli 1", post_id=polres.id, personnel=3)
    schedule = load_schedule(store, op_id)
    (unit,) = state_at(schedule, datetime(2026, 11, 25, 8, 0)).units
    assert (unit.unit_id, unit.post, unit.personnel) == ("R4-01", polres.name, 3)
    assert (unit.lon, unit.lat) == (polres.lon, polres.lat)


def test_build_schedule_without_store(store: Store, op_id: int) -> None:
    data = load_operation(store, op_id)
    schedule = build_schedule(data, [], [])
    assert schedule.items == () and schedule.routes == () and schedule.closures == ()
