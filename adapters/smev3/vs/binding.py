"""Declarative XML binding of canonical models: one model class describes both directions.

A canonical payload of an information type is a pydantic model whose fields carry, in
``Annotated`` metadata, where they live in the official XML: :class:`Attr` (an attribute),
:class:`Elem` (a child element, simple or a nested :class:`XmlModel`, repeated when the
field is a list) or :data:`TEXT` (the element's own text). Field order is element order, as
the XSD's ``xs:sequence`` demands. :func:`to_xml` and :func:`from_xml` walk the same
description, so a mapping cannot drift between the two directions.

Two idioms of the ФНС/ЗАГС formats are built in:

- ``xs:choice`` of alternatives: fields sharing ``Elem(choice=...)`` are exclusive; a group
  named in ``xml_required_choices`` needs exactly one;
- "no data" flags (``ПрДатаРожд`` and the like, a ``1`` written instead of the value): fields
  sharing ``Elem(absent="ПрДатаРожд")`` are exclusive, and when all are empty the flag
  element is written in their place; reading the flag leaves them empty.

Errors come out as :class:`~adapters.smev3.types.MappingError` naming the element path.
"""

from __future__ import annotations

import functools
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, TypeVar, Union

from lxml import etree
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from adapters.smev3.types import MappingError

M = TypeVar("M", bound="XmlModel")


@dataclass(frozen=True)
class Attr:
    """The field is the attribute ``name`` (unqualified, as every format here declares)."""

    name: str


@dataclass(frozen=True)
class Elem:
    """The field is the child element ``name``.

    ``ns`` defaults to the owning model's ``xml_namespace``; ``choice`` names the
    ``xs:choice`` group the element belongs to; ``absent`` names the "no data" flag element
    written when the field (and every other field naming the same flag) is empty.
    """

    name: str
    ns: str | None = None
    choice: str | None = None
    absent: str | None = None


@dataclass(frozen=True)
class Text:
    """The field is the element's own text (``xs:simpleContent``)."""


TEXT = Text()
FLAG_VALUE = "1"


class XmlModel(BaseModel):
    """Base of bound models. Root models set ``xml_root`` (and ``xml_namespace``)."""

    model_config = ConfigDict(extra="forbid")

    xml_namespace: ClassVar[str] = ""
    """Namespace of this model's child elements (the schema that declares its type)."""
    xml_root: ClassVar[str] = ""
    """Local name of the root element, for models that are a message's root."""
    xml_prefixes: ClassVar[dict[str, str]] = {}
    """Prefix → namespace declared on the root element (cosmetic; lxml invents otherwise)."""
    xml_within: ClassVar[tuple[str, ...]] = ()
    """Wrapper elements (in ``xml_namespace``) between a root and its child elements, so a
    canonical payload stays flat where the format nests a single child (attributes stay on
    the root)."""
    xml_partial: ClassVar[bool] = False
    """Children not described by the model are skipped (a mapped subset) rather than refused."""
    xml_required_choices: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _check_choices(self) -> XmlModel:
        for group, names in _binding(type(self)).groups.items():
            chosen = [n for n in names if _filled(getattr(self, n))]
            if len(chosen) > 1:
                raise ValueError(f"{', '.join(chosen)} are alternatives ({group}): set one")
            if not chosen and group in self.xml_required_choices:
                raise ValueError(f"one of {', '.join(names)} is required ({group})")
        return self


@dataclass(frozen=True)
class _Field:
    attr: str
    kind: Attr | Elem | Text
    tag: str
    many: bool
    model: type[XmlModel] | None
    required: bool


@dataclass(frozen=True)
class _Binding:
    fields: tuple[_Field, ...]
    groups: dict[str, tuple[str, ...]]
    flags: dict[str, tuple[str, ...]]
    """Flag element tag → the fields it stands for."""


def _unwrap(annotation: Any) -> tuple[bool, Any]:
    """(is a list, the item type) of a field annotation, optionals removed."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else (False, annotation)
    if origin is list:
        return True, typing.get_args(annotation)[0]
    return False, annotation


@functools.cache
def _binding(cls: type[XmlModel]) -> _Binding:
    fields: list[_Field] = []
    groups: dict[str, list[str]] = {}
    flags: dict[str, list[str]] = {}
    for name, info in cls.model_fields.items():
        kinds = [m for m in info.metadata if isinstance(m, Attr | Elem | Text)]
        if len(kinds) != 1:
            raise TypeError(f"{cls.__qualname__}.{name} needs exactly one Attr, Elem or TEXT")
        kind = kinds[0]
        many, item = _unwrap(info.annotation)
        nested = item if isinstance(item, type) and issubclass(item, XmlModel) else None
        tag = ""
        if isinstance(kind, Elem):
            tag = f"{{{kind.ns if kind.ns is not None else cls.xml_namespace}}}{kind.name}"
            group = kind.choice or kind.absent
            if group:
                groups.setdefault(group, []).append(name)
            if kind.absent:
                flags.setdefault(f"{{{etree.QName(tag).namespace}}}{kind.absent}", []).append(name)
        fields.append(_Field(name, kind, tag, many, nested, info.is_required()))
    return _Binding(tuple(fields), {k: tuple(v) for k, v in groups.items()},
                    {k: tuple(v) for k, v in flags.items()})


def _filled(value: object) -> bool:
    return value is not None and value != []


def text_of(value: object) -> str:
    """The lexical XML form of a scalar (ISO dates, plain decimals, enum values)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def to_xml(model: XmlModel) -> etree._Element:
    """The root element of a root model (``xml_root`` set)."""
    cls = type(model)
    if not cls.xml_root:
        raise MappingError(f"{cls.__qualname__} is not a root model (no xml_root)")
    nsmap: dict[str | None, str] = {p: ns for p, ns in cls.xml_prefixes.items()}
    if cls.xml_namespace not in nsmap.values():
        nsmap["ns1"] = cls.xml_namespace
    root = etree.Element(f"{{{cls.xml_namespace}}}{cls.xml_root}", nsmap=nsmap)
    container = root
    for wrapper in cls.xml_within:
        container = etree.SubElement(container, f"{{{cls.xml_namespace}}}{wrapper}")
    _fill(root, model, container)
    return root


def _fill(element: etree._Element, model: XmlModel,
          container: etree._Element | None = None) -> None:
    container = element if container is None else container
    binding = _binding(type(model))
    written_flags: set[str] = set()
    for f in binding.fields:
        value = getattr(model, f.attr)
        if isinstance(f.kind, Attr):
            if value is not None:
                element.set(f.kind.name, text_of(value))
        elif isinstance(f.kind, Text):
            element.text = None if value is None else text_of(value)
        elif _filled(value):
            for item in value if f.many else [value]:
                child = etree.SubElement(container, f.tag)
                if f.model is not None:
                    _fill(child, item)
                else:
                    child.text = text_of(item)
        elif f.kind.absent:
            flag = f"{{{etree.QName(f.tag).namespace}}}{f.kind.absent}"
            stands_for = binding.flags[flag]
            if flag not in written_flags and not any(
                    _filled(getattr(model, n)) for n in stands_for):
                etree.SubElement(container, flag).text = FLAG_VALUE
                written_flags.add(flag)


def from_xml(cls: type[M], element: etree._Element) -> M:
    """The root model ``cls`` read from its root element."""
    expected = f"{{{cls.xml_namespace}}}{cls.xml_root}"
    if element.tag != expected:
        got = etree.QName(element)
        if got.localname == cls.xml_root:
            raise MappingError(f"{cls.xml_root} is in namespace {got.namespace!r}, "
                               f"expected {cls.xml_namespace!r}")
        raise MappingError(f"expected root element {cls.xml_root} ({cls.xml_namespace}), "
                           f"got {got.localname} ({got.namespace})")
    container, path = element, cls.xml_root
    for wrapper in cls.xml_within:
        found = [c for c in container if c.tag == f"{{{cls.xml_namespace}}}{wrapper}"]
        if len(found) != 1:
            raise MappingError(f"{path}: required element {wrapper} ({cls.xml_namespace}) "
                               "is missing" if not found else f"{path}: {wrapper} repeats")
        container, path = found[0], f"{path}/{wrapper}"
    data = _read(cls, element, path, container)
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise MappingError(f"{cls.xml_root}: {describe(exc)}") from exc


def describe(exc: ValidationError) -> str:
    """A ValidationError in one line, without the offending values (they may be personal)."""
    return "; ".join(f"{'/'.join(str(p) for p in e['loc']) or '(model)'}: {e['msg']}"
                     for e in exc.errors())


def _read(cls: type[XmlModel], element: etree._Element, path: str,
          container: etree._Element | None = None) -> dict[str, Any]:
    container = element if container is None else container
    binding = _binding(cls)
    by_tag = {f.tag: f for f in binding.fields if isinstance(f.kind, Elem)}
    data: dict[str, Any] = {}
    seen_flags: set[str] = set()
    for f in binding.fields:
        if isinstance(f.kind, Attr):
            attribute = element.get(f.kind.name)
            if attribute is not None:
                data[f.attr] = attribute
            elif f.required:
                raise MappingError(f"{path}: required attribute {f.kind.name} is missing")
        elif isinstance(f.kind, Text):
            data[f.attr] = element.text or ""
    for child in container:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        field = by_tag.get(child.tag)
        if field is None:
            if child.tag in binding.flags:
                seen_flags.add(child.tag)
            elif not cls.xml_partial:
                raise MappingError(f"{path}: unexpected element {_misplaced(child, by_tag)}")
            continue
        local = etree.QName(child).localname
        value: Any = (_read(field.model, child, f"{path}/{local}") if field.model is not None
                      else child.text or "")
        if field.many:
            data.setdefault(field.attr, []).append(value)
        elif field.attr in data:
            raise MappingError(f"{path}: element {local} occurs more than once")
        else:
            data[field.attr] = value
    for f in binding.fields:
        if isinstance(f.kind, Elem) and f.required and f.attr not in data:
            raise MappingError(f"{path}: required element {f.kind.name} "
                               f"({etree.QName(f.tag).namespace}) is missing")
    for flag, names in binding.flags.items():
        if flag not in seen_flags and not any(n in data for n in names):
            alternatives = ", ".join(etree.QName(f.tag).localname for f in binding.fields
                                     if f.attr in names)
            raise MappingError(f"{path}: neither {alternatives} nor the flag "
                               f"{etree.QName(flag).localname} is present")
    return data


def _misplaced(child: etree._Element, known: dict[str, _Field]) -> str:
    got = etree.QName(child)
    for tag in known:
        if etree.QName(tag).localname == got.localname:
            return (f"{got.localname} in namespace {got.namespace!r} "
                    f"(expected {etree.QName(tag).namespace!r})")
    return f"{got.localname} ({got.namespace})"
