"""Open311 answers in the two formats of GeoReport v2: XML (required by the specification)
and JSON (its "Spark convention" mapping of the same tree), UTF-8 both.

Lists become a container element holding one element per item (`services` → `service`,
`service_requests` → `request`, `errors` → `error`…); `None` becomes an empty element and
`null` in JSON; booleans are `true`/`false`. Text goes through xml.etree, which escapes it,
after removing the characters XML 1.0 cannot hold at all."""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# The element each item of a list is wrapped in, by the list's element name.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """An answer in the error format of the specification, with its HTTP status."""

    def __init__(self, status: int, description: str, *, more=(), headers=None):
        super().__init__(description)
        self.status = status
        self.errors = [(status, description), *more]
        self.headers = headers or {}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _fill(ET.SubElement(element, name), item)
    elif isinstance(value, list | tuple):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, data) -> str:
    element = ET.Element(root)
    _fill(element, data)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def render(data, *, fmt: str, root: str, status: int = 200, headers=None) -> HttpResponse:
    """`data` (a dict, or a list for the list answers) as `fmt`, under `root` in XML."""
    body = to_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False)
    response = HttpResponse(body.encode("utf-8"), status=status, content_type=FORMATS[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def render_error(error: Open311Error, *, fmt: str) -> HttpResponse:
    errors = [{"code": code, "description": description} for code, description in error.errors]
    return render(errors, fmt=fmt, root="errors", status=error.status, headers=error.headers)
