"""Writing a request model as the release's request element, then validating it.

The order of the elements and their namespaces come from the release's schema
(:mod:`adapters.ferzl.shapes`), never from the model: the same model is written for 23.4.7
and for 24.2.6. What the model holds and the release does not declare is refused with the
element named (a release that lacks an element is reported, not silently dropped). The
result is validated against the release's XSD before it is returned: what we send always
validates.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from lxml import etree
from pydantic import BaseModel

from adapters.ferzl.operations import Catalogue, Operation
from adapters.ferzl.releases import COMMON, Releases
from adapters.ferzl.requests.base import Request, RequestError, Xsd
from adapters.ferzl.shapes import Child, Shapes, shapes_of


def build(releases: Releases, version: str, request: Request) -> etree._Element:
    """The request element of ``request`` in release ``version``, valid against its XSD.

    RequestError (in Russian) when the release lacks the operation or an element the
    request fills, or when the schema refuses the result (each schema error listed)."""
    try:
        operation = Catalogue.read(releases).find(version, request.operation)
    except LookupError as exc:
        raise RequestError(f"Запрос {request.operation} не составлен: {exc}") from None
    return write(releases, operation, request)


def write(releases: Releases, operation: Operation, request: Request) -> etree._Element:
    """The request element of ``operation`` filled from ``request``, validated."""
    release = releases.get(operation.version)
    shapes = shapes_of(release)
    declaration = shapes.element(operation.namespace, operation.request_element)
    root = etree.Element(operation.request_tag, nsmap={
        "tns": operation.namespace, "com": release.namespace(COMMON)})
    _fill(root, declaration, request, shapes, operation)
    errors = releases.validate(root)
    if errors:
        raise RequestError(
            f"Запрос {operation.name} не соответствует схеме выпуска API ФЕРЗЛ "
            f"{operation.version}, он не отправлен", errors)
    return root


def _fill(parent: etree._Element, declaration: etree._Element, model: BaseModel,
          shapes: Shapes, where: Operation) -> None:
    fields = _fields(model)
    for child in shapes.children(declaration):
        for field, (value, xsd) in list(fields.items()):
            if child.name == xsd.name or child.name in xsd.also:
                del fields[field]
                if value is not None and not (isinstance(value, list | tuple) and not value):
                    _write(parent, child, value, shapes, where)
                break
    left = sorted({f"{xsd.label} ({xsd.name})" for value, xsd in fields.values()
                   if value is not None and value != [] and value != ()})
    if left:
        raise RequestError(
            f"Запрос {where.name} не составлен: в выпуске API ФЕРЗЛ "
            f"{where.version} у элемента {etree.QName(parent).localname} нет "
            f"{', '.join(left)}")


def _fields(model: BaseModel) -> dict[str, tuple[Any, Xsd]]:
    """The model's values by field, each with the element it fills."""
    found: dict[str, tuple[Any, Xsd]] = {}
    for field, info in type(model).model_fields.items():
        for meta in info.metadata:
            if isinstance(meta, Xsd):
                found[field] = (getattr(model, field), meta)
    return found


def _write(parent: etree._Element, child: Child, value: Any, shapes: Shapes,
           where: Operation) -> None:
    items: Sequence[Any] = value if isinstance(value, list | tuple) else [value]
    if isinstance(value, list | tuple) and not child.repeated:
        if value and not isinstance(value[0], BaseModel):
            # An xs:list simple type (show, legalRepType): one element, items space-separated.
            etree.SubElement(parent, child.tag).text = " ".join(_text(v) for v in value)
            return
        if len(value) > 1:
            raise RequestError(
                f"Запрос {where.name} не составлен: в выпуске API ФЕРЗЛ "
                f"{where.version} элемент {child.name} бывает один, дано {len(value)}")
    for item in items:
        element = etree.SubElement(parent, child.tag)
        if isinstance(item, BaseModel):
            _fill(element, child.declaration, item, shapes, where)
        else:
            element.text = _text(item)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, UUID):
        return str(value)
    return str(value)
