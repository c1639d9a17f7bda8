"""Masking of personal data (ПДн) for the console, the API and the logs.

Staff see personal data only when their account permits it; everything else sees masked
values that keep the shape of the original (``***-***-*** 01``, ``И*****``, ``****-**-**``),
so that an operator can still tell records apart and spot a malformed value.

The hub holds the mechanism only. What is personal is declared: by message types (fields
marked personal, ``person_fields``) and by plug-ins' vocabularies
(:mod:`contracts.personal`, loaded by :mod:`hub.vocabulary`): which element, attribute and
key names hold which kind of personal value, and which numbers identify a person and how
many of their digits stay. Three levels, each built on the one below:

* value maskers by shape: :func:`mask_name`, :func:`mask_date`, :func:`mask_all`,
  :func:`mask_file_name`, and an identifier's :meth:`~contracts.personal.Identifier.mask`;
* :func:`mask_text` for free text, XML and JSON: identifiers by their declared shape, and
  the values of XML elements, XML attributes and JSON keys whose names are declared personal;
* :func:`mask_payload` for a canonical payload: the message type's ``person_fields``, fields
  declared ``json_schema_extra={"personal": True}``, keys with personal names, and
  :func:`mask_text` over every other string.

The logs call :func:`mask_text` on every record, so the vocabulary is compiled once and
each pass is skipped when a cheap test shows it cannot match.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from contracts.personal import MASK, Identifier
from contracts.registry import MessageType
from hub import vocabulary

# An XML attribute or a JSON member: Name="…", "name": "…". Any name matches here and the
# callback keeps only personal ones: one generic pattern scans a log line several times
# faster than an alternation of every personal name tried at every position.
_KEY_VALUE = re.compile(
    r"(?<![\w.-])(?P<q1>[\"']?)(?:[\w.-]+:)?(?P<local>[^\W\d][\w-]*)(?P=q1)"
    r"(?P<sep>\s*[:=]\s*)(?P<q>[\"'])(?P<text>[^\"'<>]*)(?P=q)"
)
_DIGITS = re.compile(r"\d{2}")
_DATE_SHAPE = re.compile(r"\s*(?:\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})(?:[T ][\d:.+Z-]*)?\s*")


def mask_name(value: str) -> str:
    """``Иванов Иван`` → ``И***** И***``: each word keeps its first letter."""
    return re.sub(r"(?<=\w)\w", MASK, value)


def mask_date(value: str) -> str:
    """``1980-05-17`` → ``****-**-**``: every digit hidden, separators kept."""
    return re.sub(r"\d", MASK, value)


def mask_all(value: str) -> str:
    """Every letter and digit hidden (addresses, document numbers)."""
    return re.sub(r"\w", MASK, value)


def _mask_by_name(name: str, value: str) -> str:
    """Mask ``value`` in the shape its field or element name says it has."""
    kind = vocabulary.current().kind_of(name)
    if isinstance(kind, Identifier):
        return kind.mask(value)
    if kind == "file":
        return mask_file_name(value)
    if kind == "date":
        return mask_date(value)
    if kind == "name":
        return mask_name(value)
    return _mask_by_shape(value)


def mask_value(name: str, value: str) -> str:
    """Mask a personal ``value`` in the shape its field, element or attribute ``name`` says
    (an identifier, a date, a name, a file name), else by what it looks like."""
    return _mask_by_name(name, value)


def _mask_by_shape(value: str) -> str:
    """Mask a personal value of unknown kind by what it looks like."""
    vocab = vocabulary.current()
    shaped = vocab.shaped.fullmatch(value) if vocab.shaped else None
    if shaped and shaped.lastgroup:
        return vocab.identifiers[shaped.lastgroup].mask(value)
    if _DATE_SHAPE.fullmatch(value):
        return mask_date(value)
    return mask_all(value)


def _element(m: re.Match[str]) -> str:
    return m.group(1) + _mask_by_name(m.group("local"), m.group("text")) + m.group(5)


def _key_value(m: re.Match[str]) -> str:
    if not m.group("text") or not is_personal_key(m.group("local")):
        return m.group(0)
    start, end = m.span("text")
    base = m.start()
    whole = m.group(0)
    masked = _mask_by_name(m.group("local"), m.group("text"))
    return whole[: start - base] + masked + whole[end - base :]


def _number(m: re.Match[str]) -> str:
    identifier = vocabulary.current().identifiers[m.lastgroup or ""]
    return identifier.mask(m.group(0))


def mask_text(text: str) -> str:
    """Mask personal data in free text, XML or JSON.

    Hides the identifiers the vocabulary declares, by their shape, and the values of XML
    elements, attributes and JSON members with personal names.
    """
    if not text:
        return text
    vocab = vocabulary.current()
    if vocab.element is not None and "<" in text:
        text = vocab.element.sub(_element, text)
    if "=" in text or ":" in text:
        text = _KEY_VALUE.sub(_key_value, text)
    if vocab.numbers is not None and _DIGITS.search(text):
        text = vocab.numbers.sub(_number, text)
    return text


def _person_token(m: re.Match[str]) -> str:
    if m.group("date"):
        return mask_date(m.group("date"))
    if m.group("digits"):
        return MASK * len(m.group("digits"))
    if m.group("word"):
        return mask_name(m.group("word"))
    return vocabulary.current().identifiers[m.lastgroup or ""].mask(m.group(0))


def mask_person(value: str) -> str:
    """Mask the journal's person column: identifiers, dates and names in any order (any
    other number of five digits or more hidden whole)."""
    return vocabulary.current().person_tokens.sub(_person_token, value) if value else value


_EXTENSION = re.compile(r"(?:\.[A-Za-z][A-Za-z0-9]{0,7})+\Z")


def mask_file_name(value: str) -> str:
    """A file name masked as a whole, its extension and shape kept.

    ``Заявление Петров 12.04.1980.pdf`` → ``З******** П***** **.**.****.pdf``: every word
    keeps its first letter, dates and numbers of five digits or more are hidden, a declared
    identifier keeps the digits it declares (:func:`mask_person`).
    """
    if not value:
        return value
    ext = _EXTENSION.search(value)
    stem, suffix = (value[: ext.start()], ext.group(0)) if ext else (value, "")
    return mask_person(stem) + suffix


class FileName(str):
    """A file name passed to a log call: the log formatters mask it as a whole
    (:func:`mask_file_name`), since free-text masking cannot tell a person's name in it."""

    __slots__ = ()


def is_personal_key(name: str) -> bool:
    """Whether a field, element or attribute name denotes personal data."""
    return vocabulary.current().personal_key.fullmatch(name) is not None


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """Pydantic models inside an annotation (``Person | None``, ``list[Person]``…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found.extend(models_in(arg))
    return found


def _declared_personal(field: Any) -> bool:
    extra = field.json_schema_extra
    return isinstance(extra, Mapping) and bool(extra.get("personal"))


@functools.lru_cache(maxsize=512)
def personal_paths(model: type[BaseModel], _depth: int = 0) -> frozenset[str]:
    """Dotted paths of the fields a model declares personal (lists are transparent)."""
    paths: set[str] = set()
    if _depth > 8:  # a recursive model: deeper levels repeat the same fields
        return frozenset()
    for name, field in model.model_fields.items():
        key = field.alias or name
        if _declared_personal(field):
            paths.add(key)
            continue
        for sub in models_in(field.annotation):
            paths.update(f"{key}.{p}" for p in personal_paths(sub, _depth + 1))
    return frozenset(paths)


def _mask_whole(name: str, value: Any) -> Any:
    """Mask a value that is personal as a whole (a declared field or a personal key)."""
    if isinstance(value, str):
        return _mask_by_name(name, value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return _mask_by_name(name, str(value))
    if isinstance(value, Mapping):
        return {k: _mask_whole(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_whole(name, v) for v in value]
    return mask_all(str(value))


def _walk(value: Any, path: str, personal: frozenset[str]) -> Any:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            key = str(k)
            sub = f"{path}.{key}" if path else key
            if sub in personal or is_personal_key(key):
                out[key] = _mask_whole(key, v)
            else:
                out[key] = _walk(v, sub, personal)
        return out
    if isinstance(value, list):
        return [_walk(v, path, personal) for v in value]
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        masked = mask_text(str(value))  # a number may be an identifier
        return masked if masked != str(value) else value
    return value


def mask_payload(payload: Mapping[str, Any], message_type: MessageType | None) -> dict[str, Any]:
    """A masked copy of a canonical payload (the original is not changed).

    Masks the type's ``person_fields`` (top-level names or dotted paths), every field whose
    pydantic ``json_schema_extra`` has ``{"personal": True}`` (nested models included), keys
    with personal names in any payload, and personal data in the text of every other string.
    """
    personal: frozenset[str] = frozenset()
    if message_type is not None:
        personal = personal_paths(message_type.model) | frozenset(message_type.person_fields)
    result = _walk(payload, "", personal)
    assert isinstance(result, dict)
    return result


Masker = Callable[[str], str]
"""The shape of a text masker: identity for users allowed to see personal data."""
