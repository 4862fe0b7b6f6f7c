"""All user-visible strings, in Bahasa Indonesia (default) and English.

Each page keeps its strings in ``i18n/<page>.py`` as ``STRINGS = {key: (id, en)}``; every module
of this package is loaded into one catalogue, and ``t(key)`` answers in the session's language.
"""

from __future__ import annotations

import importlib
import pkgutil

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


def t(key: str, /, lang: str | None = None, **values: object) -> str:
    """The string ``key`` in the session's language, formatted with ``values``.

    An unknown key is returned as itself so a missing translation shows, not crashes.
    """
    if not _CATALOGUE:
        _load()
    pair = _CATALOGUE.get(key)
    if pair is None:
        return key
    text = pair[1] if (lang or current_language()) == "en" else pair[0]
    return text.format(**values) if values else text


def keys() -> list[str]:
    """Every key of the catalogue (for tests)."""
    if not _CATALOGUE:
        _load()
    return sorted(_CATALOGUE)
