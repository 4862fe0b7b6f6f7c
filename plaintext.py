"""Names as plain text wherever they are shown: Markdown, HTML and matplotlib escapes.

A venue, post or plan name is typed by a user and must show as typed: never as a Markdown image
that makes the browser fetch an address, never as HTML that runs, never as mathtext. One module
below ``views``, ``layers`` and ``report``; it imports nothing of ours.
"""

from __future__ import annotations

import html
import re

# every ASCII punctuation character may be backslash-escaped in CommonMark; Streamlit also reads
# ``:name:`` (emoji/icons), ``:red[...]`` (colours) and ``$...$`` (LaTeX) in Markdown
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^\"'%@,;?/])")


def escape_markdown(text: object) -> str:
    """Text that Streamlit's Markdown shows exactly as typed.

    Every Markdown, HTML-entity, emoji-code, colour and LaTeX character is backslash-escaped
    and line breaks become spaces, so a name cannot start a heading, a list, a link or an image.

    Parameters
    ----------
    text
        Any value; ``None`` gives an empty string.

    Returns
    -------
    str
    """
    if text is None:
        return ""
    flat = re.sub(r"[\r\n\u2028\u2029]+", " ", str(text))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def escape_html(text: object) -> str:
    """Text for an HTML context (a Leaflet layer list, a popup built by hand)."""
    return html.escape("" if text is None else str(text), quote=True)


def escape_mathtext(text: object) -> str:
    """Text for matplotlib with mathtext on: each dollar sign backslash-escaped."""
    return ("" if text is None else str(text)).replace("$", r"\$")
