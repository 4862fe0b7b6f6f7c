"""Risk tiers of TPS and venues (kerawanan) and their weights; labels are in ``i18n`` (``cov.risk.*``)."""

from __future__ import annotations

#: Risk tiers of TPS and venues, least to most demanding.
RISK_TIERS: tuple[str, ...] = ("kurang_rawan", "rawan", "sangat_rawan", "khusus")

#: Weight of a target by risk tier (used by placement).
RISK_WEIGHTS: dict[str, float] = {
    "kurang_rawan": 1.0,
    "rawan": 2.0,
    "sangat_rawan": 4.0,
    "khusus": 4.0,
}
