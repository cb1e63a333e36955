"""Open311 GeoReport v2 output: the same data as JSON or XML, and the error list.

The views build plain Python values (dicts, lists, strings, numbers, booleans, ``None``);
:func:`render` writes them as JSON, or as XML under the spec's root element with list items
named as the spec names them (``<services><service>``, ``<service_requests><request>``,
``<errors><error>``, ``<endpoints><endpoint>``, ``<formats><format>``, ``<attributes>
<attribute>``, ``<values><value>``). Booleans are ``true``/``false`` and ``None`` an empty
element in XML. Both are UTF-8; XML starts with its declaration (spec: "UTF-8 is required
everywhere").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse

JSON = "json"
XML = "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
MEDIA_TYPES = ("text/xml", "application/json")  # as discovery lists them
# A list under this key holds items named so (the spec's XML examples).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry at all (control characters other than tab and newlines).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def format_of(fmt: str | None) -> str:
    """The response format named by the URL suffix; no suffix means JSON."""
    return XML if fmt == XML else JSON


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(tag, "item")
        for inner in value:
            _append(element, item_tag, inner)
    else:
        element.text = _text(value)


def xml_document(*, root: str, body: dict[str, Any] | Iterable[Any]) -> bytes:
    """``body`` as an XML document whose root element is ``root``."""
    element = ET.Element(root)
    if isinstance(body, dict):
        for key, value in body.items():
            _append(element, key, value)
    else:
        item_tag = ITEM_TAGS.get(root, "item")
        for item in body:
            _append(element, item_tag, item)
    text = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")


def render(
    *, fmt: str, root: str, body: dict[str, Any] | list[Any], status: int = 200
) -> HttpResponse:
    """An HTTP response carrying ``body`` in ``fmt`` (``root`` names the XML root element)."""
    content = (
        xml_document(root=root, body=body)
        if fmt == XML
        else json.dumps(body, ensure_ascii=False).encode("utf-8")
    )
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_language(request: HttpRequest) -> str:
    """``en`` when the client's ``Accept-Language`` prefers English over Thai, else ``th``.

    The site itself is Thai first and ignores the browser's language; an API client has no
    language switcher, so its header decides the language of labels and notes.
    """
    best, best_q = "th", 0.0
    for part in str(request.META.get("HTTP_ACCEPT_LANGUAGE", "")).split(",")[:16]:
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        lang = tag.strip().lower()[:2]
        if lang in {"th", "en"} and q > best_q:
            best, best_q = lang, q
    return best
