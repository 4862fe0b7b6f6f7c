"""Personnel: posts and units against the operation's strength, and TPS staffing by pattern.

The TPS pattern says how many police guard how many TPS of one risk tier (e.g. 2 police per
16 TPS kurang rawan). It is a setting of the operation, not doctrine: the defaults below are
the planning example of the issue and must be set by the operation's staff (Bag Ops) to the
pattern in force. TPS are grouped per kelurahan, since one team cannot guard TPS far apart.

The real number of TPS per kelurahan (Pemilu 2024, ``data/<area>/source/tps_counts_*.csv``)
sizes the requirement with no TPS uploaded; uploaded TPS (with positions and risk tiers)
replace the counted ones of their kelurahan, and the difference tells where positions are
still missing. Each kecamatan is the area of the Polsek of the same name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from geo import datasets
from geo._errors import AreaDataError, GeoError

if TYPE_CHECKING:
    from geo.area import Area

#: Default pattern: tier -> (police, per this many TPS). Configurable per operation.
DEFAULT_TPS_PATTERN: dict[str, tuple[int, int]] = {
    "kurang_rawan": (2, 16),
    "rawan": (2, 8),
    "sangat_rawan": (2, 2),
    "khusus": (2, 1),
}


#: Tier of a counted regular TPS whose own tier is not known yet (no upload).
DEFAULT_COUNTED_RISK = "kurang_rawan"

#: Tier of a counted special TPS (TPS khusus: hospital, prison, campus).
COUNTED_SPECIAL_RISK = "khusus"

#: Columns of ``load_tps_counts``.
COUNT_COLUMNS: tuple[str, ...] = (
    "kode_kelurahan",
    "kelurahan",
    "kode_kecamatan",
    "kecamatan",
    "tps_reguler",
    "tps_khusus",
    "tps_total",
)


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
        Police the TPS pattern needs (for the counted TPS when the area has counts).
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
    counts: pd.DataFrame | None = None,
    default_risk: str = DEFAULT_COUNTED_RISK,
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
    counts
        TPS counts per kelurahan (``load_tps_counts``); with them the requirement covers
        every counted TPS, not only the uploaded ones.
    default_risk
        Tier of a counted regular TPS not uploaded yet.

    Returns
    -------
    Strength
    """
    if counts is not None and not counts.empty:
        required = int(
            tps_plan(counts, tps, pattern=pattern, default_risk=default_risk)["required"].sum()
        )
    else:
        need = tps_requirement(tps, pattern)
        required = int(need["required"].sum()) if not need.empty else 0
    return Strength(
        own=int(own),
        bko=int(bko),
        at_posts=int(posts["personnel"].sum()) if not posts.empty else 0,
        in_units=int(units["personnel"].sum()) if not units.empty else 0,
        tps_required=required,
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


# --------------------------------------------------------------------------------------------
# counted TPS (Pemilu 2024) and the requirement per kelurahan, kecamatan and Polsek


def load_tps_counts(
    area: str = "metro", *, kelurahan: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The number of TPS per kelurahan of an embedded area (empty if it has none).

    Parameters
    ----------
    area
        Embedded area name (the part of ``Area.key`` before ``:``).
    kelurahan
        The area's kelurahan layer (``kode``, ``nama``): names are taken from it by code, so
        they match the names every other figure uses (the count file says "Sumbersari", the
        boundary layer "Sumbersari Bantul").

    Returns
    -------
    pandas.DataFrame
        ``COUNT_COLUMNS``, one row per kelurahan, in code order.

    Raises
    ------
    AreaDataError
        If the file exists but is not a valid count table.
    """
    try:
        path = datasets.get_path("tps_counts", area)
    except AreaDataError:
        return pd.DataFrame({c: [] for c in COUNT_COLUMNS})
    try:
        frame = pd.read_csv(path, dtype={"kode_kelurahan": str, "kode_kecamatan": str})
        frame = frame[list(COUNT_COLUMNS)].copy()
        for col in ("tps_reguler", "tps_khusus", "tps_total"):
            frame[col] = frame[col].astype(int)
    except (OSError, ValueError, KeyError) as exc:
        msg = f"Jumlah TPS wilayah {area!r} tidak dapat dibaca: {exc}"
        raise AreaDataError(msg) from exc
    bad = frame[frame["tps_reguler"] + frame["tps_khusus"] != frame["tps_total"]]
    if len(bad) or (frame[["tps_reguler", "tps_khusus"]] < 0).any().any():
        msg = f"Jumlah TPS wilayah {area!r} tidak konsisten: {', '.join(bad['kelurahan'])}."
        raise AreaDataError(msg)
    if kelurahan is not None and len(kelurahan):
        names = dict(zip(kelurahan["kode"].astype(str), kelurahan["nama"].astype(str), strict=True))
        frame["kelurahan"] = [names.get(k, n) for k, n in zip(frame["kode_kelurahan"],
                                                               frame["kelurahan"], strict=True)]  # fmt: skip
    return frame.sort_values("kode_kelurahan").reset_index(drop=True)


def area_tps_counts(area: Area) -> pd.DataFrame:
    """``load_tps_counts`` of an area (its embedded data; empty when it has none)."""
    return load_tps_counts(area.key.split(":")[0], kelurahan=area.kelurahan)


def polsek_of(kecamatan: str) -> str:
    """The Polsek whose area is a kecamatan (``"Metro Pusat"`` -> ``"Polsek Metro Pusat"``)."""
    return f"Polsek {kecamatan}" if kecamatan else ""


def _tier_need(n: int, tier: str, pattern: Mapping[str, tuple[int, int]]) -> int:
    police, per = pattern.get(tier, DEFAULT_TPS_PATTERN["rawan"])
    return math.ceil(n / per) * police if n > 0 else 0


def tps_plan(
    counts: pd.DataFrame,
    tps: pd.DataFrame,
    *,
    pattern: Mapping[str, tuple[int, int]] | None = None,
    default_risk: str = DEFAULT_COUNTED_RISK,
    assigned: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """TPS, positions and police needed per kelurahan: counted TPS refined by uploaded ones.

    In each kelurahan the uploaded TPS count with their own tier; the counted TPS not
    uploaded yet count at ``default_risk`` (regular) or ``khusus`` (special TPS). A kelurahan
    with more uploaded TPS than counted counts what was uploaded.

    Parameters
    ----------
    counts
        ``load_tps_counts`` (may be empty: then only the uploaded TPS count).
    tps
        Uploaded TPS with ``kelurahan`` and ``risk``.
    pattern
        ``tier -> (police, per TPS)``; default ``DEFAULT_TPS_PATTERN``.
    default_risk
        Tier of a counted regular TPS not uploaded yet.
    assigned
        Personnel on TPS duty by place: ``kelurahan``, ``personnel``.

    Returns
    -------
    pandas.DataFrame
        ``kelurahan``, ``kecamatan``, ``polsek``, ``tps`` (counted or uploaded, the larger),
        ``counted``, ``positioned`` (uploaded with a position), ``missing`` (counted without a
        position yet), ``required``, ``assigned``, ``shortfall``; in code order.
    """
    pattern = dict(pattern or DEFAULT_TPS_PATTERN)
    if default_risk not in pattern:
        msg = f"Tingkat kerawanan TPS tidak dikenal: {default_risk!r}."
        raise GeoError(msg)
    up = tps[["kelurahan", "risk"]] if len(tps) else pd.DataFrame({"kelurahan": [], "risk": []})
    by_kel = {k: g["risk"].value_counts().to_dict() for k, g in up.groupby("kelurahan")}
    rows = []
    seen = set()
    for rec in counts.itertuples(index=False):
        tiers: dict[str, int] = dict(by_kel.get(rec.kelurahan, {}))
        n_up = sum(tiers.values())
        special_up = tiers.get(COUNTED_SPECIAL_RISK, 0)
        special_left = max(int(rec.tps_khusus) - special_up, 0)
        regular_left = max(int(rec.tps_reguler) - (n_up - special_up), 0)
        tiers[COUNTED_SPECIAL_RISK] = tiers.get(COUNTED_SPECIAL_RISK, 0) + special_left
        tiers[default_risk] = tiers.get(default_risk, 0) + regular_left
        rows.append((rec.kelurahan, rec.kecamatan, int(rec.tps_total), n_up, tiers))
        seen.add(rec.kelurahan)
    for kel, tiers in sorted(by_kel.items()):
        if kel not in seen:  # uploaded TPS of a kelurahan without counts (or outside)
            rows.append((kel, "", 0, sum(tiers.values()), dict(tiers)))
    have = (
        assigned.groupby("kelurahan")["personnel"].sum()
        if assigned is not None and len(assigned)
        else pd.Series(dtype=float)
    )
    out = pd.DataFrame(
        [
            {
                "kelurahan": kel,
                "kecamatan": kec,
                "polsek": polsek_of(kec),
                "tps": max(counted, n_up),
                "counted": counted,
                "positioned": n_up,
                "missing": max(counted - n_up, 0),
                "required": sum(_tier_need(n, tier, pattern) for tier, n in tiers.items()),
                "assigned": int(have.get(kel, 0)),
            }
            for kel, kec, counted, n_up, tiers in rows
        ],
        columns=["kelurahan", "kecamatan", "polsek", "tps", "counted", "positioned", "missing",
                 "required", "assigned"],
    )  # fmt: skip
    out["assigned"] = out["assigned"].astype(int)
    out["shortfall"] = (out["required"] - out["assigned"]).clip(lower=0).astype(int)
    return out


def tps_plan_by(plan: pd.DataFrame, level: str, *, extra: Mapping[str, int] | None = None) -> pd.DataFrame:
    """``tps_plan`` summed per ``"kecamatan"`` or ``"polsek"``.

    Parameters
    ----------
    plan
        ``tps_plan``.
    level
        ``"kecamatan"`` or ``"polsek"``.
    extra
        Personnel assigned to the level as a whole (e.g. a Polsek's own post), by name.

    Returns
    -------
    pandas.DataFrame
        ``<level>``, ``kelurahan`` (how many), ``tps``, ``positioned``, ``missing``,
        ``required``, ``assigned``, ``shortfall``.
    """
    if level not in ("kecamatan", "polsek"):
        msg = f"Tingkat ringkasan tidak dikenal: {level!r}."
        raise GeoError(msg)
    cols = ["tps", "positioned", "missing", "required", "assigned"]
    if plan.empty:
        return pd.DataFrame(columns=[level, "kelurahan", *cols, "shortfall"])
    grouped = plan.groupby(level, sort=True)
    out = grouped[cols].sum()
    out.insert(0, "kelurahan", grouped.size())
    if extra:
        out["assigned"] = out["assigned"] + pd.Series(dict(extra)).reindex(out.index).fillna(0)
    out = out.astype(int)
    out["shortfall"] = (out["required"] - out["assigned"]).clip(lower=0)
    return out.reset_index()


@dataclass(frozen=True)
class TpsStaffing:
    """TPS duty of an operation: per kelurahan, kecamatan and Polsek, and in all.

    Attributes
    ----------
    kelurahan
        ``tps_plan`` (one row per kelurahan).
    kecamatan, polsek
        ``tps_plan_by`` of it; a Polsek's own post counts for its whole area.
    counted
        Whether the figures come from the area's real TPS counts (else uploads only).
    """

    kelurahan: pd.DataFrame
    kecamatan: pd.DataFrame
    polsek: pd.DataFrame
    counted: bool

    @property
    def tps(self) -> int:
        """TPS in all (counted, or uploaded where more were uploaded)."""
        return int(self.kelurahan["tps"].sum()) if len(self.kelurahan) else 0

    @property
    def positioned(self) -> int:
        """TPS with a position (uploaded)."""
        return int(self.kelurahan["positioned"].sum()) if len(self.kelurahan) else 0

    @property
    def missing(self) -> int:
        """Counted TPS still without a position."""
        return int(self.kelurahan["missing"].sum()) if len(self.kelurahan) else 0

    @property
    def required(self) -> int:
        """Police the pattern needs for all TPS."""
        return int(self.kelurahan["required"].sum()) if len(self.kelurahan) else 0


def posts_by_place(area: Area, posts: pd.DataFrame) -> pd.DataFrame:
    """The kelurahan and kecamatan each post stands in (``lon``, ``lat``, ``kind``, ``personnel``).

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``personnel``, ``kelurahan``, ``kecamatan`` ("" outside the area).
    """
    cols = ["kind", "personnel", "kelurahan", "kecamatan"]
    if posts.empty:
        return pd.DataFrame({c: [] for c in cols})
    import geopandas as gpd

    points = gpd.GeoDataFrame(
        posts[["kind", "personnel"]].reset_index(drop=True),
        geometry=gpd.points_from_xy(posts["lon"], posts["lat"]),
        crs="EPSG:4326",
    )
    out = points.drop(columns="geometry").copy()
    for level, layer in (("kelurahan", area.kelurahan), ("kecamatan", area.kecamatan)):
        hit = gpd.sjoin(points, layer[["nama", "geometry"]], how="left", predicate="within")
        hit = hit[~hit.index.duplicated(keep="first")]
        out[level] = hit["nama"].fillna("").astype(str).to_numpy()
    out["personnel"] = out["personnel"].fillna(0).astype(int)
    return out[cols]


def tps_staffing(
    area: Area,
    tps: pd.DataFrame,
    posts: pd.DataFrame,
    *,
    pattern: Mapping[str, tuple[int, int]] | None = None,
    default_risk: str = DEFAULT_COUNTED_RISK,
    counts: pd.DataFrame | None = None,
) -> TpsStaffing:
    """TPS duty of an operation on its area: needed, assigned and short per place.

    Parameters
    ----------
    area
        The area (its TPS counts, kelurahan and kecamatan).
    tps
        Uploaded TPS (``kelurahan``, ``risk``).
    posts
        Posts (``lon``, ``lat``, ``kind``, ``personnel``): posts other than the Polres and
        Polsek count for their kelurahan; a Polsek's post counts for its kecamatan.
    pattern
        TPS pattern.
    default_risk
        Tier of a counted regular TPS not uploaded yet.
    counts
        TPS counts; default ``load_tps_counts`` of the area.

    Returns
    -------
    TpsStaffing
    """
    if counts is None:
        counts = area_tps_counts(area)
    placed = posts_by_place(area, posts)
    duty = placed[~placed["kind"].isin(["polres", "polsek"])]
    plan = tps_plan(counts, tps, pattern=pattern, default_risk=default_risk, assigned=duty)
    own = placed[placed["kind"] == "polsek"]
    extra = own.groupby(own["kecamatan"].map(polsek_of))["personnel"].sum().to_dict()
    return TpsStaffing(
        kelurahan=plan,
        kecamatan=tps_plan_by(plan, "kecamatan"),
        polsek=tps_plan_by(plan, "polsek", extra={k: int(v) for k, v in extra.items() if k}),
        counted=not counts.empty,
    )
