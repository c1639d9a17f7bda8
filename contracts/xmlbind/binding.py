"""Declarative XML binding of canonical models: one model class describes both directions.

A canonical payload of an information type is a pydantic model whose fields carry, in
``Annotated`` metadata, where they live in the official XML: :class:`Attr` (an attribute),
:class:`Elem` (a child element, simple or a nested :class:`XmlModel`, repeated when the
field is a list) or :data:`TEXT` (the element's own text). Field order is element order, as
the XSD's ``xs:sequence`` demands. :func:`to_xml` and :func:`from_xml` walk the same
description, so a mapping cannot drift between the two directions.

Idioms of the ФНС/ЗАГС and ФОМС file formats are built in:

- ``xs:choice`` of alternatives: fields sharing ``Elem(choice=...)`` are exclusive; a group
  named in ``xml_required_choices`` needs exactly one;
- "no data" flags (``ПрДатаРожд`` and the like, a ``1`` written instead of the value): fields
  sharing ``Elem(absent="ПрДатаРожд")`` are exclusive, and when all are empty the flag
  element is written in their place; reading the flag leaves them empty;
- elements that are always present but may be empty (``<DEND/>`` in the ФОМС lists):
  ``Elem(blank=True)`` writes ``None`` as an empty element and reads an empty one as ``None``;
- a lexical form other than the value's own: a :class:`Lexical` marker in a field's type
  (``xs:dateTime`` text for a value that is a date, see :mod:`contracts.xmlbind.fields`);
- no namespace at all (``xml_namespace = ""``), and ``xml_ordered`` to refuse children out
  of the declared order where no XSD exists to check it.

Errors come out as :class:`MappingError` naming the element path; its ``issues`` list every
problem found, each with a structured path (element names, positions of repeated elements),
so that a format-control protocol can name the element and the record of each.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, TypeVar, Union

from lxml import etree
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

M = TypeVar("M", bound="XmlModel")

PathPart = str | int
"""An element's local name (``@name`` for an attribute), or the 0-based position of a
repeated element among its same-named siblings."""


@dataclass(frozen=True)
class Issue:
    """One problem of a document: under which element, which child or field, and what."""

    path: tuple[PathPart, ...]
    """The element the problem is in, from the root (names and positions)."""
    name: str
    """The child element (or ``@attribute``) concerned; empty when it is the element itself."""
    message: str

    @property
    def names(self) -> tuple[str, ...]:
        """The element names from the root down to the one concerned, positions dropped."""
        return tuple(p for p in self.path if isinstance(p, str)) + ((self.name,) if self.name
                                                                     else ())


class MappingError(ValueError):
    """The XML does not map to the canonical payload (or back): a clear, journaled cause."""

    def __init__(self, message: str, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message)
        self.issues: list[Issue] = list(issues) or [Issue((), "", message)]


@dataclass(frozen=True)
class Attr:
    """The field is the attribute ``name`` (unqualified, as every format here declares)."""

    name: str


@dataclass(frozen=True)
class Elem:
    """The field is the child element ``name``.

    ``ns`` defaults to the owning model's ``xml_namespace``; ``choice`` names the
    ``xs:choice`` group the element belongs to; ``absent`` names the "no data" flag element
    written when the field (and every other field naming the same flag) is empty; ``blank``
    marks an element present even when empty.
    """

    name: str
    ns: str | None = None
    choice: str | None = None
    absent: str | None = None
    blank: bool = False
    """The element is always written: ``None`` as an empty element, read back as ``None``."""


@dataclass(frozen=True)
class Text:
    """The field is the element's own text (``xs:simpleContent``)."""


TEXT = Text()
FLAG_VALUE = "1"


@dataclass(frozen=True)
class Lexical:
    """How a value is written when its type's own form (:func:`text_of`) is not the XML's.

    Put it in the ``Annotated`` metadata of the value type; reading needs no counterpart
    as long as pydantic accepts the written form (it reads ``1990-01-01T00:00:00`` as a
    date, say).
    """

    write: Callable[[Any], str]


def qname(namespace: str, name: str) -> str:
    """The lxml tag of ``name`` in ``namespace`` (no braces for no namespace)."""
    return f"{{{namespace}}}{name}" if namespace else name


class XmlModel(BaseModel):
    """Base of bound models. Root models set ``xml_root`` (and ``xml_namespace``)."""

    model_config = ConfigDict(extra="forbid")

    xml_namespace: ClassVar[str] = ""
    """Namespace of this model's child elements (the schema that declares its type)."""
    xml_root: ClassVar[str] = ""
    """Local name of the root element, for models that are a message's root."""
    xml_prefixes: ClassVar[dict[str, str]] = {}
    """Prefix → namespace declared on the root element (cosmetic; lxml invents otherwise)."""
    xml_unprefixed: ClassVar[bool] = False
    """``xml_namespace`` is declared as the default namespace on the root (no prefix)."""
    xml_within: ClassVar[tuple[str, ...]] = ()
    """Wrapper elements (in ``xml_namespace``) between a root and its child elements, so a
    canonical payload stays flat where the format nests a single child (attributes stay on
    the root)."""
    xml_partial: ClassVar[bool] = False
    """Children not described by the model are skipped (a mapped subset) rather than refused."""
    xml_required_choices: ClassVar[frozenset[str]] = frozenset()
    xml_ordered: ClassVar[bool] = False
    """Children must come in field order (for formats with no XSD to check the sequence)."""

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
    lexical: Lexical | None
    local: str = ""
    """The element's local name (``tag`` without its namespace)."""
    blank: bool = False
    """``Elem(blank=True)``: an empty element reads as ``None``."""
    is_elem: bool = False
    """The field is a child element (not an attribute nor the text)."""


@dataclass(frozen=True)
class _Binding:
    fields: tuple[_Field, ...]
    groups: dict[str, tuple[str, ...]]
    flags: dict[str, tuple[str, ...]]
    """Flag element tag → the fields it stands for."""
    # Tables for the walks, computed once per class (a file of 20,000 records has over
    # a million elements to read or write).
    by_tag: dict[str, _Field]
    """Child element tag → its field."""
    order: dict[str, int]
    """Child element tag → the field's position (for ``xml_ordered``)."""
    attrs: tuple[_Field, ...]
    """The attribute and text fields."""
    required: tuple[_Field, ...]
    """The required child element fields."""


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
        lexical = [m for m in [*info.metadata, *getattr(item, "__metadata__", ())]
                   if isinstance(m, Lexical)]
        tag = ""
        if isinstance(kind, Elem):
            ns = kind.ns if kind.ns is not None else cls.xml_namespace
            tag = qname(ns, kind.name)
            group = kind.choice or kind.absent
            if group:
                groups.setdefault(group, []).append(name)
            if kind.absent:
                flags.setdefault(qname(ns, kind.absent), []).append(name)
        fields.append(_Field(name, kind, tag, many, nested, info.is_required(),
                             lexical[0] if lexical else None,
                             etree.QName(tag).localname if tag else "",
                             isinstance(kind, Elem) and kind.blank, isinstance(kind, Elem)))
    elements = [f for f in fields if isinstance(f.kind, Elem)]
    return _Binding(tuple(fields), {k: tuple(v) for k, v in groups.items()},
                    {k: tuple(v) for k, v in flags.items()},
                    by_tag={f.tag: f for f in elements},
                    order={f.tag: i for i, f in enumerate(fields) if isinstance(f.kind, Elem)},
                    attrs=tuple(f for f in fields if not isinstance(f.kind, Elem)),
                    required=tuple(f for f in elements if f.required))


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
    if cls.xml_unprefixed and cls.xml_namespace:
        nsmap[None] = cls.xml_namespace
    if cls.xml_namespace and cls.xml_namespace not in nsmap.values():
        nsmap["ns1"] = cls.xml_namespace
    root = etree.Element(qname(cls.xml_namespace, cls.xml_root), nsmap=nsmap)
    container = root
    for wrapper in cls.xml_within:
        container = etree.SubElement(container, qname(cls.xml_namespace, wrapper))
    _fill(root, model, container)
    return root


def _fill(element: etree._Element, model: XmlModel,
          container: etree._Element | None = None) -> None:
    container = element if container is None else container
    binding = _binding(type(model))
    values = model.__dict__  # the fields' values (getattr per field costs more)
    written_flags: set[str] = set()
    sub = etree.SubElement
    for f in binding.fields:
        value = values[f.attr]
        if f.is_elem:
            kind = f.kind
            assert isinstance(kind, Elem)
            if value is not None and not (f.many and not value):
                tag = f.tag
                items = value if f.many else (value,)
                if f.model is not None:
                    for item in items:
                        _fill(sub(container, tag), item)
                elif f.lexical is None:  # a plain string is its own text (made cheap)
                    for item in items:
                        sub(container, tag).text = item if type(item) is str \
                            else text_of(item)
                else:
                    write = f.lexical.write
                    for item in items:
                        sub(container, tag).text = write(item)
            elif kind.blank:
                sub(container, f.tag)
            elif kind.absent:
                flag = qname(etree.QName(f.tag).namespace or "", kind.absent)
                stands_for = binding.flags[flag]
                if flag not in written_flags and not any(
                        _filled(values[n]) for n in stands_for):
                    sub(container, flag).text = FLAG_VALUE
                    written_flags.add(flag)
            continue
        write = f.lexical.write if f.lexical is not None else text_of
        if isinstance(f.kind, Attr):
            if value is not None:
                element.set(f.kind.name, write(value))
        else:
            element.text = None if value is None else write(value)


def from_xml(cls: type[M], element: etree._Element) -> M:
    """The root model ``cls`` read from its root element.

    Every structural problem is collected (a missing, repeated, unexpected or misplaced
    element); when there is none, every value pydantic refuses is. Either way the
    :class:`MappingError` lists them all in ``issues``.
    """
    expected = qname(cls.xml_namespace, cls.xml_root)
    if element.tag != expected:
        got = etree.QName(element)
        if got.localname == cls.xml_root:
            raise MappingError(f"{cls.xml_root} is in namespace {got.namespace!r}, "
                               f"expected {cls.xml_namespace!r}")
        raise MappingError(f"expected root element {cls.xml_root} ({cls.xml_namespace}), "
                           f"got {got.localname} ({got.namespace})")
    container: etree._Element = element
    path: tuple[str, ...] = (cls.xml_root,)
    for wrapper in cls.xml_within:
        found = [c for c in container if c.tag == qname(cls.xml_namespace, wrapper)]
        if len(found) != 1:
            where = "/".join(path)
            raise MappingError(f"{where}: required element {wrapper} ({cls.xml_namespace}) "
                               "is missing" if not found else f"{where}: {wrapper} repeats")
        container, path = found[0], (*path, wrapper)
    issues: list[Issue] = []
    data = _read(cls, element, path, issues, container)
    if issues:
        raise MappingError("; ".join(_where(i) for i in issues), issues)
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise MappingError(f"{cls.xml_root}: {describe(exc)}",
                           [_issue_of(cls, path, e) for e in exc.errors()]) from exc


def describe(exc: ValidationError) -> str:
    """A ValidationError in one line, without the offending values (they may be personal)."""
    return "; ".join(f"{'/'.join(str(p) for p in e['loc']) or '(model)'}: {e['msg']}"
                     for e in exc.errors())


def _where(issue: Issue) -> str:
    where = "/".join(p for p in issue.path if isinstance(p, str))
    return f"{where}: {issue.message}" if where else issue.message


def _issue_of(cls: type[XmlModel], path: tuple[PathPart, ...], error: Any) -> Issue:
    """A pydantic error with its field location turned into the XML path."""
    model: type[XmlModel] | None = cls
    names: list[PathPart] = list(path)
    last = ""
    for part in error["loc"]:
        if isinstance(part, int):
            names.extend([last, part] if last else [part])
            last = ""
            continue
        field = None if model is None else next(
            (f for f in _binding(model).fields if f.attr == part), None)
        if field is None:
            continue  # a union member or validator name pydantic adds to the location
        if last:
            names.append(last)
        last = (f"@{field.kind.name}" if isinstance(field.kind, Attr)
                else "" if isinstance(field.kind, Text) else etree.QName(field.tag).localname)
        model = field.model
    return Issue(tuple(names), last, error["msg"])


def _read(cls: type[XmlModel], element: etree._Element, path: tuple[PathPart, ...],
          issues: list[Issue], container: etree._Element | None = None) -> dict[str, Any]:
    binding = _binding(cls)
    by_tag, flags = binding.by_tag, binding.flags
    ordered, partial = cls.xml_ordered, cls.xml_partial
    data: dict[str, Any] = {}
    seen_flags: set[str] = set()
    counts: dict[str, int] = {}
    reached, reached_name = -1, ""
    for f in binding.attrs:
        if isinstance(f.kind, Attr):
            attribute = element.get(f.kind.name)
            if attribute is not None:
                data[f.attr] = attribute
            elif f.required:
                issues.append(Issue(path, f"@{f.kind.name}",
                                    f"required attribute {f.kind.name} is missing"))
        else:
            data[f.attr] = element.text or ""
    for child in element if container is None else container:
        tag = child.tag
        field = by_tag.get(tag)
        if field is None:
            if not isinstance(tag, str):
                continue  # comments and processing instructions
            if tag in flags:
                seen_flags.add(tag)
            elif not partial:
                issues.append(Issue(path, etree.QName(child).localname,
                                    f"unexpected element {_misplaced(child, by_tag)}"))
            continue
        if ordered:
            at = binding.order[tag]
            if at < reached:
                issues.append(Issue(path, field.local, f"element {field.local} is out of "
                                                       f"order: it comes before {reached_name}"))
            elif at > reached:
                reached, reached_name = at, field.local
        value: Any
        model = field.model
        if model is not None:
            if field.many:
                position = counts.get(tag, 0)
                counts[tag] = position + 1
                value = _read(model, child, (*path, field.local, position), issues)
            else:
                value = _read(model, child, (*path, field.local), issues)
        elif field.blank:
            text = child.text
            value = text if text and text.strip() else None
        else:
            value = child.text or ""
        attr = field.attr
        if field.many:
            found = data.get(attr)
            if found is None:
                data[attr] = [value]
            else:
                found.append(value)
        elif attr in data:
            issues.append(Issue(path, field.local, f"element {field.local} occurs more "
                                                   "than once"))
        else:
            data[attr] = value
    for f in binding.required:
        if f.attr not in data:
            namespace = etree.QName(f.tag).namespace
            issues.append(Issue(path, f.local, f"required element {f.local} "
                                + (f"({namespace}) " if namespace else "") + "is missing"))
    for flag, names in flags.items():
        if flag not in seen_flags and not any(n in data for n in names):
            alternatives = ", ".join(f.local for f in binding.fields if f.attr in names)
            issues.append(Issue(path, "", f"neither {alternatives} nor the flag "
                                          f"{etree.QName(flag).localname} is present"))
    return data


def _misplaced(child: etree._Element, known: dict[str, _Field]) -> str:
    got = etree.QName(child)
    for tag in known:
        if etree.QName(tag).localname == got.localname:
            return (f"{got.localname} in namespace {got.namespace!r} "
                    f"(expected {etree.QName(tag).namespace!r})")
    return f"{got.localname} ({got.namespace})" if got.namespace else got.localname
