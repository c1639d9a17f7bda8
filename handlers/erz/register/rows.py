"""Rows to values and back: the register's value dataclasses (contracts.erz.register) are
named as its columns, so a row builds one by field name and one gives its column values."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy.engine import Row

T = TypeVar("T")

_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """The field names of a value dataclass, in order (looked up once per class)."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def from_row(cls: type[T], row: Any) -> T:
    """Build a value dataclass from a row holding (at least) its fields."""
    mapping = row._mapping if isinstance(row, Row) else row
    return cls(**{name: mapping[name] for name in field_names(cls) if name in mapping})


def to_values(value: Any) -> dict[str, Any]:
    """The column values of a value dataclass."""
    return {name: getattr(value, name) for name in field_names(type(value))}
