"""Each unit's last report on the live map: heading, speed, battery, age and source."""

from __future__ import annotations

import folium

from i18n import t
from layers import live as ll
from plan import operation as op
from plan.store import Store
from views.live.replay import track_layer


def status_layer(
    store: Store, operation_id: int, *, simulated: bool, stale_after_s: float
) -> folium.FeatureGroup | None:
    """A layer beside the units: heading arrow and battery; the popup says all (None if none)."""
    rows = op.latest_positions(store, operation_id, stale_after_s=stale_after_s, simulated=simulated)
    units = []
    for p in rows:
        arrow = ll.heading_arrow(p.heading)
        battery = f"{p.battery:.0f}%" if p.battery is not None else ""
        units.append(
            {
                "lon": p.lon,
                "lat": p.lat,
                "label": " ".join(x for x in (arrow, battery) if x),
                "detail": t(
                    "live.unit.detail",
                    unit=p.name,
                    age=f"{p.age_s / 60:.0f}",
                    heading=f"{p.heading:.0f}°" if p.heading is not None else "–",
                    speed=f"{p.speed * 3.6:.0f}" if p.speed is not None else "–",
                    battery=battery or "–",
                    source=p.source or "–",
                    stale=t("live.unit.stale") if p.stale else "",
                ),
                "stale": p.stale,
            }
        )
    return ll.status_group(units, name=t("live.unit.layer")) if units else None


def layers(store: Store, data: op.OperationData, *, simulated: bool) -> list[folium.FeatureGroup]:
    """The live-feed layers of the coverage map: units' last reports, and the chosen track."""
    stale_s = float(data.operation.settings.get("stale_after_min", 10.0)) * 60
    out = [
        status_layer(store, data.operation.id, simulated=simulated, stale_after_s=stale_s),
        track_layer(store, data.operation.id),
    ]
    return [g for g in out if g is not None]
