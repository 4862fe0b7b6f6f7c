"""Names as plain text wherever they are shown: Markdown, HTML and matplotlib escapes.

A venue, post or plan name is typed by a user and must show as typed: never as a Markdown image
that makes the browser fetch an address, never as HTML that runs, never as mathtext. One module
below ``views``, ``layers`` and ``report``; it imports nothing of ours.
"""

from __future__ import annotations

import html
import re

# characters that start inline Markdown anywhere in a line (emphasis, code, links and images,
# HTML, strike-through, tables) and Streamlit's own ``:name:`` (emoji/icons), ``:red[...]``
# (colours) and ``$...$`` (LaTeX); CommonMark lets any ASCII punctuation be backslash-escaped
_MARKDOWN_INLINE = re.compile(r"([\\`*_{}\[\]()<>~$:|!&])")
# characters that start a block only at the beginning of a line (heading, list, quote, rule)
_MARKDOWN_BLOCK_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")


def escape_markdown(text: object) -> str:
    """Text that Streamlit's Markdown shows exactly as typed.

    Every character that starts inline Markdown, HTML, an entity, an emoji code, a colour or
    LaTeX is backslash-escaped, and so is a heading, list or quote mark at the start; line
    breaks become spaces. A name cannot become a link, an image or a heading.

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
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", flat)
    start = _MARKDOWN_BLOCK_START.match(escaped)
    if start and start.group(2).isdigit():  # "1. x" would start a numbered list
        cut = start.end()
        return escaped[:cut] + "\\" + escaped[cut:]
    return _MARKDOWN_BLOCK_START.sub(r"\1\\\2", escaped, count=1)


def escape_html(text: object) -> str:
    """Text for an HTML context (a Leaflet layer list, a popup built by hand)."""
    return html.escape("" if text is None else str(text), quote=True)


def escape_mathtext(text: object) -> str:
    """Text for matplotlib with mathtext on: each dollar sign backslash-escaped."""
    return ("" if text is None else str(text)).replace("$", r"\$")
