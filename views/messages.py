"""Messages that stay on screen until the user dismisses them (not lost at the next refresh).

A message shown inside a fragment that refreshes on a timer would vanish at the next tick; so
a page keeps its messages in ``st.session_state`` and draws them on every run until the user
closes them.
"""

from __future__ import annotations

import itertools

import streamlit as st

from i18n import t

_counter = itertools.count()


def notify(box: str, kind: str, text: str) -> None:
    """Keep a message (``kind``: ``error``, ``warning``, ``info``, ``success``) in ``box``."""
    messages = st.session_state.setdefault(f"msg_{box}", [])
    if any(m[1:] == (kind, text) for m in messages):
        return  # the same message once
    messages.append((next(_counter), kind, text))


def clear(box: str) -> None:
    """Forget every message of ``box``."""
    st.session_state.pop(f"msg_{box}", None)


def show(box: str) -> None:
    """Draw the messages of ``box``, each with a button that dismisses it."""
    messages = st.session_state.get(f"msg_{box}", [])
    for number, kind, text in list(messages):
        text_col, close_col = st.columns([12, 1], vertical_alignment="center")
        getattr(text_col, kind)(text)
        close_col.button(
            "✕",
            key=f"msg_{box}_{number}",
            help=t("msg.dismiss"),
            on_click=_dismiss,
            args=(box, number),
        )


def _dismiss(box: str, number: int) -> None:
    messages = st.session_state.get(f"msg_{box}", [])
    st.session_state[f"msg_{box}"] = [m for m in messages if m[0] != number]
