"""XML from outside (GPX, KML, OSM, GraphML) checked with defusedxml before any parser reads it.

A document type declaration is refused outright: none of these formats needs one, and it is
where entity expansion ("billion laughs") and external entities (local files, URLs) live.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree

from geo._errors import InputFileError


def _open(source: bytes | str | Path) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    return Path(source).open("rb")


def check_xml(source: bytes | str | Path, name: str) -> str:
    """Parse an XML file once with defusedxml (streaming) and return its root tag.

    Parameters
    ----------
    source
        The file's bytes, or its path.
    name
        Shown in messages.

    Returns
    -------
    str
        The root element's tag without namespace (``gpx``, ``osm``, ``graphml``, ``kml``).

    Raises
    ------
    InputFileError
        If the file is not well-formed XML, or declares a DTD, entities or external references.
    """
    root = ""
    try:
        with _open(source) as stream:
            events = defusedxml.ElementTree.iterparse(
                stream, events=("start", "end"), forbid_dtd=True
            )
            for event, element in events:
                if not root and event == "start":
                    root = str(element.tag).rsplit("}", 1)[-1]
                elif event == "end":
                    element.clear()
    except defusedxml.DefusedXmlException as exc:
        msg = (
            f"{name}: XML dengan deklarasi DTD/entitas ({type(exc).__name__}) ditolak; "
            "berkas GPX, KML, OSM dan GraphML tidak memerlukannya."
        )
        raise InputFileError(msg) from None
    except ParseError as exc:
        msg = f"{name}: bukan XML yang sah ({exc})."
        raise InputFileError(msg) from None
    except OSError as exc:
        msg = f"{name}: berkas tidak dapat dibaca ({exc.strerror or exc})."
        raise InputFileError(msg) from None
    if not root:
        msg = f"{name}: berkas XML kosong."
        raise InputFileError(msg)
    return root
