"""Personnel: posts and units against the operation's strength, and TPS staffing by pattern.

The TPS pattern says how many police guard how many TPS of one risk tier (e.g. 2 police per
16 TPS kurang rawan). It is a setting of the operation, not doctrine: the defaults below are
the planning example of the issue and must be set by the operation's staff (Bag Ops) to the
pattern in force. TPS are grouped per kelurahan, since one team cannot guard TPS far apart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo._errors import GeoError

#: Default pattern: tier -> (police, per this many TPS). Configurable per operation.
DEFAULT_TPS_PATTERN: dict[str, tuple[int, int]] = {
    "kurang_rawan": (2, 16),
    "rawan": (2, 8),
    "sangat_rawan": (2, 2),
    "khusus": (2, 1),
}


@dataclass(frozen=True)
class Strength:
    """Personnel of the operation against what is assigned.

    Attributes
    ----------
    own
        Personnel of the Polres (565 for Polres Metro).
    bko
        Attached (BKO) personnel.
    at_posts
        Personnel assigned to posts.
    in_units
        Personnel in registered units (crews), own and BKO.
    tps_required
        Police the TPS pattern needs.
    """

    own: int
    bko: int
    at_posts: int
    in_units: int
    tps_required: int

    @property
    def total(self) -> int:
        """Own plus BKO personnel."""
        return self.own + self.bko

    @property
    def assigned(self) -> int:
        """Personnel at posts and in units."""
        return self.at_posts + self.in_units

    @property
    def free(self) -> int:
        """Personnel not yet assigned (negative: over-committed)."""
        return self.total - self.assigned

    @property
    def free_after_tps(self) -> int:
        """Personnel left after the TPS pattern is staffed (negative: shortfall)."""
        return self.free - self.tps_required


def parse_pattern(raw: Mapping[str, object] | None) -> dict[str, tuple[int, int]]:
    """A TPS pattern from settings (``{"rawan": [2, 8], ...}``), defaults for missing tiers.

    Raises
    ------
    GeoError
        If a tier's numbers are not two positive integers.
    """
    out = dict(DEFAULT_TPS_PATTERN)
    for tier, value in (raw or {}).items():
        try:
            police, per = (int(x) for x in value)  # type: ignore[union-attr]
        except (TypeError, ValueError) as exc:
            msg = f"Pola pengamanan TPS {tier!r} tidak sah: {value!r}."
            raise GeoError(msg) from exc
        if police < 0 or per < 1:
            msg = f"Pola pengamanan TPS {tier!r}: personel >= 0 dan TPS >= 1."
            raise GeoError(msg)
        out[str(tier)] = (police, per)
    return out


def tps_requirement(
    tps: pd.DataFrame, pattern: Mapping[str, tuple[int, int]] | None = None
) -> pd.DataFrame:
    """Police the pattern needs for the TPS of each kelurahan and tier.

    Parameters
    ----------
    tps
        TPS with ``kelurahan`` and ``risk``.
    pattern
        ``tier -> (police, per TPS)``; default ``DEFAULT_TPS_PATTERN``.

    Returns
    -------
    pandas.DataFrame
        ``kelurahan``, ``risk``, ``tps``, ``police_per``, ``per_tps``, ``required``.
    """
    pattern = dict(pattern or DEFAULT_TPS_PATTERN)
    cols = ["kelurahan", "risk", "tps", "police_per", "per_tps", "required"]
    if tps.empty:
        return pd.DataFrame(columns=cols)
    counts = tps.groupby(["kelurahan", "risk"], sort=True).size().reset_index(name="tps")
    rows = []
    for rec in counts.itertuples(index=False):
        police, per = pattern.get(rec.risk, DEFAULT_TPS_PATTERN["rawan"])
        rows.append(
            (rec.kelurahan, rec.risk, int(rec.tps), police, per, math.ceil(rec.tps / per) * police)
        )
    return pd.DataFrame(rows, columns=cols)


def tps_shortfalls(
    tps: pd.DataFrame,
    assigned: pd.DataFrame,
    pattern: Mapping[str, tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """Kelurahan whose TPS need more police than are assigned there.

    Parameters
    ----------
    tps
        TPS with ``kelurahan`` and ``risk``.
    assigned
        Personnel on TPS duty by place: ``kelurahan``, ``personnel`` (e.g. posts of kind
        ``pos_pengamanan`` and units located in the kelurahan).
    pattern
        TPS pattern.

    Returns
    -------
    pandas.DataFrame
        ``kelurahan``, ``tps``, ``required``, ``assigned``, ``shortfall`` for every kelurahan
        with TPS, largest shortfall first.
    """
    need = tps_requirement(tps, pattern)
    cols = ["kelurahan", "tps", "required", "assigned", "shortfall"]
    if need.empty:
        return pd.DataFrame(columns=cols)
    per_kel = need.groupby("kelurahan", sort=True)[["tps", "required"]].sum()
    have = (
        assigned.groupby("kelurahan")["personnel"].sum()
        if not assigned.empty
        else pd.Series(dtype=float)
    )
    per_kel["assigned"] = have.reindex(per_kel.index).fillna(0).astype(int)
    per_kel["shortfall"] = (per_kel["required"] - per_kel["assigned"]).clip(lower=0)
    out = per_kel.reset_index()[cols]
    return out.sort_values(["shortfall", "kelurahan"], ascending=[False, True]).reset_index(
        drop=True
    )


def strength(
    *,
    own: int,
    bko: int,
    posts: pd.DataFrame,
    units: pd.DataFrame,
    tps: pd.DataFrame,
    pattern: Mapping[str, tuple[int, int]] | None = None,
) -> Strength:
    """Personnel strength against posts, units and the TPS pattern.

    Parameters
    ----------
    own, bko
        Own (565 for Polres Metro) and attached personnel.
    posts
        Posts with ``personnel``.
    units
        Units with ``personnel``.
    tps
        TPS with ``kelurahan`` and ``risk``.
    pattern
        TPS pattern.

    Returns
    -------
    Strength
    """
    need = tps_requirement(tps, pattern)
    return Strength(
        own=int(own),
        bko=int(bko),
        at_posts=int(posts["personnel"].sum()) if not posts.empty else 0,
        in_units=int(units["personnel"].sum()) if not units.empty else 0,
        tps_required=int(need["required"].sum()) if not need.empty else 0,
    )


def personnel_table(posts: pd.DataFrame, total: int) -> pd.DataFrame:
    """Personnel per post and its share of the total strength.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``kind``, ``personnel``, ``share`` (of ``total``), largest first.
    """
    cols = ["name", "kind", "personnel", "share"]
    if posts.empty:
        return pd.DataFrame(columns=cols)
    out = posts[["name", "kind", "personnel"]].copy()
    out["share"] = out["personnel"] / total if total else 0.0
    return out.sort_values("personnel", ascending=False, kind="stable").reset_index(drop=True)
