"""Numbers, times and labels written the way each language writes them.

Bahasa Indonesia groups thousands with "." and marks decimals with ","; English the other way.
Times are stored in UTC and shown in Western Indonesia Time (WIB, ``Asia/Jakarta``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from geo import settings
from i18n import current_language, t

#: The operation's time zone (Kota Metro, Lampung: WIB, UTC+7).
LOCAL_TZ = ZoneInfo(settings.timezone)


def _lang(lang: str | None) -> str:
    return lang or current_language()


def number(value: float, decimals: int = 0, *, lang: str | None = None) -> str:
    """``1377`` -> ``"1.377"`` (id) or ``"1,377"`` (en); ``decimals`` digits after the mark."""
    text = f"{float(value):,.{decimals}f}"
    if _lang(lang) == "en":
        return text
    return text.replace(",", "\\0").replace(".", ",").replace("\\0", ".")


#: ``local_time``'s format to the second (report and audit times).
SECONDS = "%d-%m-%Y %H:%M:%S"


def local_time(value: datetime | str | None, *, fmt: str = "%d-%m-%Y %H:%M",
               lang: str | None = None) -> str:  # fmt: skip
    """A stored time (UTC ISO 8601, or an aware/naive-UTC datetime) in WIB: ``"20-01-2024 08:00 WIB"``.

    Returns ``"-"`` for None or an unreadable value.
    """
    if value is None or value == "":
        return "-"
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return "-"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    del lang  # WIB in both languages
    return f"{when.astimezone(LOCAL_TZ).strftime(fmt)} WIB"


def risk_label(tier: str, *, lang: str | None = None) -> str:
    """A risk tier's label (``"kurang_rawan"`` -> ``"Kurang rawan"`` / ``"Low risk"``)."""
    key = f"cov.risk.{tier}"
    text = t(key, lang=_lang(lang))
    return tier if text == key else text


def profile_label(name: str, *, lang: str | None = None) -> str:
    """A travel profile's label (``"convoy"`` -> ``"Konvoi pengawalan"`` / ``"Escort convoy"``)."""
    key = f"profile.{name}"
    text = t(key, lang=_lang(lang))
    return name if text == key else text


def minutes(value: float, decimals: int = 0, *, lang: str | None = None) -> str:
    """Minutes with the language's unit: ``"12 mnt"`` / ``"12 min"``."""
    return t("unit.min", lang=_lang(lang), v=number(value, decimals, lang=lang))
