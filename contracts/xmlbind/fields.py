"""Constraints of the simple types the official formats use, as pydantic annotations.

XSD patterns match the whole value; pydantic's do not, so :func:`pattern` anchors them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import StringConstraints

from contracts.xmlbind.binding import Lexical

PERSONAL: dict[str, Any] = {"personal": True}
"""``json_schema_extra`` of a personal-data field (names, birth dates, SNILS, documents)."""


def text(max_length: int, min_length: int = 1) -> StringConstraints:
    """A string of ``min_length``..``max_length`` characters (the ``string-N`` types)."""
    return StringConstraints(min_length=min_length, max_length=max_length)


def exact(length: int) -> StringConstraints:
    """A string of exactly ``length`` characters."""
    return StringConstraints(min_length=length, max_length=length)


def pattern(regex: str, max_length: int | None = None) -> StringConstraints:
    """A string matching the XSD pattern ``regex`` as a whole."""
    return StringConstraints(pattern=f"^(?:{regex})$", max_length=max_length)


def digits(count: int) -> StringConstraints:
    """Exactly ``count`` decimal digits (the ``digits-N`` types)."""
    return pattern(rf"\d{{{count}}}")


G_YEAR = pattern(r"-?\d{4,}")
G_YEAR_MONTH = pattern(r"-?\d{4,}-\d{2}")

DATE_AS_DATETIME = Lexical(lambda value: f"{value.isoformat()}T00:00:00")
"""Writes a date as ``xs:dateTime`` at midnight (formats that type plain dates so)."""

DateTimeDate = Annotated[date, DATE_AS_DATETIME]
"""A date the format carries as ``xs:dateTime``: read from ``1990-01-01T00:00:00`` (a time
other than midnight is refused), written back the same way."""
