"""Masking of a message type's raw XML by what the type declares personal.

Official formats name their data in their own vocabulary (``Улица="…"``, ``ДатаДок="…"``),
which no list of names in the hub can know. A message type whose model is bound to XML
(:mod:`contracts.xmlbind`) already says which fields are personal
(``json_schema_extra={"personal": True}``) and which attribute or element each field is:
:func:`personal_names` reads that off the model, and :func:`mask_tree` hides those values in
a parsed document — an attribute or a leaf element by its name, and the whole content of an
element whose field is a personal model (an address part, a partial date).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pydantic import BaseModel

from contracts.registry import MessageType
from contracts.xmlbind.binding import Attr, Elem, XmlModel, qname
from hub.masking import mask_all, mask_value, models_in


@dataclass(frozen=True)
class PersonalNames:
    """External names a type declares personal: values by name, and whole elements."""

    values: frozenset[str] = frozenset()
    """Attributes and leaf elements whose value is personal."""
    subtrees: frozenset[str] = frozenset()
    """Elements whose every attribute and text inside is personal."""

    def __bool__(self) -> bool:
        return bool(self.values or self.subtrees)

    def __or__(self, other: PersonalNames) -> PersonalNames:
        return PersonalNames(self.values | other.values, self.subtrees | other.subtrees)


NONE = PersonalNames()


def _declared(field: Any) -> bool:
    extra = field.json_schema_extra
    return isinstance(extra, Mapping) and bool(extra.get("personal"))


def _xml_name(field: Any) -> tuple[str, bool] | None:
    """The field's external name and whether it is an element (None: the element's text)."""
    for meta in field.metadata:
        if isinstance(meta, Attr):
            return meta.name, False
        if isinstance(meta, Elem):
            return meta.name, True
    return None


@functools.lru_cache(maxsize=256)
def _walk(model: type[BaseModel], forced: frozenset[str]) -> tuple[frozenset[str],
                                                                    frozenset[str]]:
    values: set[str] = set()
    subtrees: set[str] = set()
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for py_name, field in current.model_fields.items():
            named = _xml_name(field)
            inner = models_in(field.annotation)
            personal = _declared(field) or (current is model and py_name in forced)
            if personal and named is not None:
                (subtrees if inner and named[1] else values).add(named[0])
            elif personal:
                values.add(field.alias or py_name)
            if not personal:
                todo.extend(inner)
    return frozenset(values), frozenset(subtrees)


def personal_names(message_type: MessageType | None) -> PersonalNames:
    """The XML names a message type's model declares personal (its ``person_fields`` too)."""
    if message_type is None:
        return NONE
    values, subtrees = _walk(message_type.model, frozenset(message_type.person_fields))
    return PersonalNames(values, subtrees)


def of_document(types: Iterable[MessageType], root: etree._Element) -> PersonalNames:
    """The names declared personal by every registered type whose model is bound to the
    document's root element (an exchange file carried as an attachment of another message
    is masked as the type bound to its root element declares) or to an element within it
    (a SOAP envelope kept as the raw bytes of a message whose type is not bound to XML)."""
    tags = {node.tag for node in root.iter() if isinstance(node.tag, str)}
    found = NONE
    for mt in types:
        model = mt.model
        if (issubclass(model, XmlModel) and model.xml_root
                and qname(model.xml_namespace, model.xml_root) in tags):
            found = found | personal_names(mt)
    return found


def _local(name: Any) -> str:
    return etree.QName(name).localname if isinstance(name, str) else ""


def _hide_all(element: etree._Element) -> None:
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        for key, value in node.attrib.items():
            node.set(key, mask_value(_local(key), value))
        if node.text and node.text.strip():
            node.text = mask_value(_local(node.tag), node.text)


def mask_tree(root: etree._Element, names: PersonalNames) -> None:
    """Hide, in place, every value of ``root`` that ``names`` declares personal."""
    if not names:
        return
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        local = _local(node.tag)
        if local in names.subtrees:
            _hide_all(node)
            continue
        for key, value in node.attrib.items():
            if _local(key) in names.values:
                node.set(key, mask_value(_local(key), value) or mask_all(value))
        if local in names.values and len(node) == 0 and node.text:
            node.text = mask_value(local, node.text)
