"""The journal's person filter: prefix search for staff who may see personal data, whole
identifiers only for everyone else.

The journal's ``person`` column holds the values a message type declares in its
``person_fields``, joined by spaces (an ЕНП, a СНИЛС as ``123-456-789 01``, for some types
a surname, a name and a birth date). A prefix search over it is an oracle for a masked
viewer: growing a prefix one digit at a time recovers a whole ЕНП in a few dozen requests,
a surname or a birth date the same way. So a masked viewer's query must name at least one
whole identifier (a СНИЛС, or a number of ten digits or more: ЕНП, ИНН, ОГРН), and every
part of it must equal a whole value of the column; names and dates may only narrow such a
query, never stand alone.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from storage.models import journal_messages

jm = journal_messages.c

WHOLE_ONLY = ("Без допуска к персональным данным поиск по персоне — только по полному "
              "идентификатору: ЕНП (16 цифр), СНИЛС (11 цифр) или другому номеру целиком.")
"""Why a masked viewer's partial query is refused."""

_TOKENS = re.compile(
    r"(?P<snils>\d{3}-\d{3}-\d{3}[ -]\d{2})(?![\d-])|(?P<number>\d{10,})(?![\d-])"
    r"|(?P<date>\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})(?![\d.-])"
    r"|(?P<word>[^\W\d_][^\W\d_-]*(?:-[^\W\d_]+)*)(?!\w)|(?P<other>\S+)"
)
_MIN_IDENTIFIER = 10


def person_variants(query: str) -> list[str]:
    """A SNILS as typed (``12345678901``) and as journaled (``123-456-789 01``), both ways."""
    variants = [query]
    digits = re.sub(r"\D", "", query)
    if len(digits) == 11 and re.fullmatch(r"[\d\s-]+", query):
        variants += [digits, f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}",
                     f"{digits[:3]}-{digits[3:6]}-{digits[6:9]}-{digits[9:]}"]
    return list(dict.fromkeys(variants))


def prefix_condition(query: str) -> sa.ColumnElement[bool]:
    """Match one of the column's values exactly or by prefix (unmasked accounts)."""
    parts: list[sa.ColumnElement[bool]] = []
    for v in person_variants(query):
        parts.append(jm.person.startswith(v, autoescape=True))
        parts.append(jm.person.contains(" " + v, autoescape=True))
    return sa.or_(*parts)


def _date_variants(value: str) -> list[str]:
    if "." in value:
        day, month, year = value.split(".")
        return [value, f"{year}-{month}-{day}"]
    year, month, day = value.split("-")
    return [value, f"{day}.{month}.{year}"]


def whole_parts(query: str) -> list[list[str]]:
    """The query's parts, each with the spellings it may have in the column.

    Raises ValueError (:data:`WHOLE_ONLY`) when a part is not a whole value or when no part
    is a whole identifier.
    """
    parts: list[list[str]] = []
    identified = False
    for m in _TOKENS.finditer(query):
        kind, value = m.lastgroup, m.group(0)
        if kind == "other":
            raise ValueError(WHOLE_ONLY)
        if kind == "snils" or (kind == "number" and len(value) == 11):
            parts.append(person_variants(value))
        elif kind == "date":
            parts.append(_date_variants(value))
        else:
            parts.append([value])
        identified = identified or kind == "snils" or (
            kind == "number" and len(value) >= _MIN_IDENTIFIER)
    if not identified:
        raise ValueError(WHOLE_ONLY)
    return parts


def _whole_value(v: str) -> sa.ColumnElement[bool]:
    return sa.or_(jm.person == v, jm.person.startswith(v + " ", autoescape=True),
                  jm.person.endswith(" " + v, autoescape=True),
                  jm.person.contains(" " + v + " ", autoescape=True))


def whole_condition(query: str) -> sa.ColumnElement[bool]:
    """Every part of the query equals a whole value of the column (masked accounts)."""
    return sa.and_(*(sa.or_(*(_whole_value(v) for v in variants))
                     for variants in whole_parts(query)))


def person_condition(query: str, *, whole: bool = False) -> sa.ColumnElement[bool]:
    """The person filter: whole values only when ``whole`` (a masked account), else prefix."""
    return whole_condition(query) if whole else prefix_condition(query)
