"""Helpers for the Open311 tests: call an endpoint in either format and read the answer alike."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.test import Client

from ddgov.complaints.services.open311_keys import open311_client_create

BASE = "/open311/v2"
FORMATS = ("json", "xml")
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
CONTENT_TYPES = {"json": "application/json", "xml": "text/xml"}
# Sent with every POST that should be filed: a broken street light at Democracy Monument.
GOOD_POST = {
    "service_code": "lighting",
    "lat": "13.7563",
    "long": "100.5018",
    "description": "ไฟส่องสว่างดับทั้งซอย มืดมาก อันตรายตอนกลางคืน",
    "address_string": "ถนนราชดำเนินกลาง",
}


def api_key_new(name: str = "Test app") -> str:
    """A fresh working API key."""
    return open311_client_create(name=name)[1]


def url(path: str, fmt: str | None) -> str:
    """``/open311/v2/<path>[.fmt]``."""
    return f"{BASE}/{path}" + (f".{fmt}" if fmt else "")


def xml_parse(raw: bytes) -> ET.Element:
    """Parse a document this server wrote (trusted: no entities, no DTD)."""
    return ET.fromstring(raw)  # noqa: S314 - our own server's output


def element_value(element: ET.Element) -> Any:
    """An XML element as JSON would carry it (lists for known list containers)."""
    children = list(element)
    if not children:
        return element.text or ""
    tags = [c.tag for c in children]
    if element.tag in {
        "services",
        "service_requests",
        "errors",
        "endpoints",
        "formats",
        "attributes",
        "values",
    }:
        return [element_value(c) for c in children]
    assert len(set(tags)) == len(tags), f"repeated children in <{element.tag}>: {tags}"
    return {c.tag: element_value(c) for c in children}


def body(response: Any, fmt: str | None) -> Any:
    """The parsed body: JSON as is; XML as (root tag, value)."""
    content_type = response["Content-Type"] if hasattr(response, "__getitem__") else ""
    if fmt == "xml":
        assert content_type.startswith("text/xml"), content_type
        raw = response.content
        assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        root = xml_parse(raw)
        return root.tag, element_value(root)
    assert content_type.startswith("application/json"), content_type
    return json.loads(response.content.decode("utf-8"))


def get(client: Client, path: str, fmt: str | None = "json", **params: Any) -> tuple[Any, Any]:
    """GET an endpoint; return the response and its parsed body."""
    response = client.get(url(path, fmt), params)
    return response, body(response, fmt)


def post(
    client: Client, fmt: str | None = "json", headers: dict[str, str] | None = None, **params: Any
) -> tuple[Any, Any]:
    """POST requests (form-encoded); return the response and its parsed body."""
    response = client.post(url("requests", fmt), params, headers=headers or {})
    return response, body(response, fmt)


def as_list(parsed: Any, fmt: str | None, root: str) -> list[Any]:
    """A list body in either format, checking the XML root element."""
    if fmt == "xml":
        tag, value = parsed
        assert tag == root
        return value if isinstance(value, list) else []
    return parsed


def as_dict(parsed: Any, fmt: str | None, root: str) -> dict[str, Any]:
    """An object body in either format, checking the XML root element."""
    if fmt == "xml":
        tag, value = parsed
        assert tag == root
        return value
    return parsed


def errors_of(parsed: Any, fmt: str | None) -> list[dict[str, Any]]:
    """The spec's error list, with ``code`` as an int in both formats."""
    items = as_list(parsed, fmt, "errors")
    assert items, "an error response lists at least one error"
    for item in items:
        assert set(item) == {"code", "description"}
    return [{"code": int(i["code"]), "description": i["description"]} for i in items]
