"""All user-visible strings, in Bahasa Indonesia (default) and English.

Each page keeps its strings in ``i18n/<page>.py`` as ``STRINGS = {key: (id, en)}``; every module
of this package is loaded into one catalogue, and ``t(key)`` answers in the session's language.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

LANGUAGES: dict[str, str] = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

_CATALOGUE: dict[str, tuple[str, str]] = {}


def _load() -> None:
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, pair in getattr(module, "STRINGS", {}).items():
            if key in _CATALOGUE and _CATALOGUE[key] != pair:
                msg = f"i18n key {key!r} defined twice"
                raise ValueError(msg)
            _CATALOGUE[key] = pair


def current_language() -> str:
    """Language of the running Streamlit session, or the default outside one."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT_LANGUAGE
    return str(st.session_state.get("lang", DEFAULT_LANGUAGE))


#: ``{n|unit|units}``: the first word when ``n`` is 1, else the second.
_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _plural(text: str, values: dict[str, object]) -> str:
    def pick(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        try:
            one = float(value) == 1  # type: ignore[arg-type]
        except (TypeError, ValueError):
            one = False
        return match.group(2) if one else match.group(3)

    return _PLURAL.sub(pick, text)


def t(key: str, /, lang: str | None = None, **values: object) -> str:
    """The string ``key`` in the session's language, formatted with ``values``.

    ``{n|unit|units}`` in a string picks the singular when ``n`` is 1. An unknown key is
    returned as itself so a missing translation shows, not crashes.
    """
    if not _CATALOGUE:
        _load()
    pair = _CATALOGUE.get(key)
    if pair is None:
        return key
    text = pair[1] if (lang or current_language()) == "en" else pair[0]
    if not values:
        return text
    return _plural(text, values).format(**values)


def keys() -> list[str]:
    """Every key of the catalogue (for tests)."""
    if not _CATALOGUE:
        _load()
    return sorted(_CATALOGUE)
