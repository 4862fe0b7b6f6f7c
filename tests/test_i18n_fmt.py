"""Strings and numbers in each language: plurals, thousands, WIB times, labels."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from i18n import _CATALOGUE, fmt, keys, t


def test_plural_follows_the_count() -> None:
    assert t("cov.units_summary", lang="en", n=1, stale=0) == "1 unit on the map, 0 stale."
    assert t("cov.units_summary", lang="en", n=3, stale=1) == "3 units on the map, 1 stale."
    assert t("cov.units_summary", lang="id", n=1, stale=0) == "1 unit di peta, 0 usang."
    assert t("cov.minutes", lang="en", m=1) == "1 minute"
    assert t("cov.minutes", lang="en", m=15) == "15 minutes"


def test_every_string_formats_and_no_plural_syntax_leaks() -> None:
    keys()  # load the catalogue
    field = re.compile(r"\{(\w+)(?:\|[^{}]*)?(?::[^{}]*)?\}")
    for key, pair in _CATALOGUE.items():
        for lang, text in zip(("id", "en"), pair, strict=True):
            names = set(field.findall(text))
            if not names:
                continue
            out = t(key, lang=lang, **dict.fromkeys(names, 2))
            assert "{" not in out and "}" not in out, (key, lang, out)


def test_numbers_in_each_language() -> None:
    assert fmt.number(1377, lang="id") == "1.377"
    assert fmt.number(1377, lang="en") == "1,377"
    assert fmt.number(1234.56, 1, lang="id") == "1.234,6"
    assert fmt.number(1234.56, 1, lang="en") == "1,234.6"
    assert fmt.minutes(4.66, 1, lang="en") == "4.7 min"
    assert fmt.minutes(4.66, 1, lang="id") == "4,7 mnt"


def test_times_are_shown_in_wib() -> None:
    assert fmt.local_time("2024-01-20T01:00:00+00:00") == "20-01-2024 08:00 WIB"
    assert fmt.local_time(datetime(2024, 1, 19, 17, 30, tzinfo=UTC), fmt="%H:%M") == "00:30 WIB"
    assert fmt.local_time("2024-01-20T01:00:00") == "20-01-2024 08:00 WIB"  # naive = UTC
    assert fmt.local_time(None) == fmt.local_time("bukan waktu") == "-"


@pytest.mark.parametrize(
    ("tier", "id_", "en"),
    [("kurang_rawan", "Kurang rawan", "Low risk"), ("sangat_rawan", "Sangat rawan", "High risk")],
)
def test_risk_and_profile_labels(tier: str, id_: str, en: str) -> None:
    assert fmt.risk_label(tier, lang="id") == id_
    assert fmt.risk_label(tier, lang="en") == en
    assert fmt.profile_label("convoy", lang="en") == "Escort convoy"
    assert fmt.profile_label("convoy", lang="id") == "Konvoi pengawalan"
    assert fmt.risk_label("lain", lang="en") == "lain"


def test_north_arrow_letter_per_language() -> None:
    from layers.legend import north_arrow

    assert ">N</text>" in north_arrow(letter=t("brief.map.north", lang="en")).body
    assert ">U</text>" in north_arrow(letter=t("brief.map.north", lang="id")).body
