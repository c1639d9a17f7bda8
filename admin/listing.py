"""What every list of the console shares: the page-size choice and the «Найдено» line.

A list counts what its filter matches up to :data:`COUNT_LIMIT` rows and no further, so that
the journal of a large fund is not scanned whole to print a number (``более 10 000``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Connection

PAGE_SIZES = (25, 50, 100, 200)
"""The page sizes a list offers."""
COUNT_LIMIT = 10_000
"""Rows counted at most; beyond, the total says «более»."""


def page_size(value: str | None, default: int, maximum: int = PAGE_SIZES[-1]) -> int:
    """The page size asked for (``limit``), brought into 1…``maximum``; raises ValueError
    with a Russian text for what is not a number."""
    if value is None or not value.strip():
        return default
    try:
        size = int(value)
    except ValueError:
        raise ValueError(f"размер страницы «{value}» — не число (обычно "
                         f"{', '.join(map(str, PAGE_SIZES))})") from None
    return max(1, min(size, maximum))


def whole_number(value: str | None, what: str) -> int | None:
    """A number from the query string (None when absent); raises ValueError in Russian."""
    if value is None or not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{what}: «{value}» — не число") from None


def number(value: str | None, what: str, default: int) -> int:
    """A number from the query string, ``default`` when absent; ValueError in Russian."""
    found = whole_number(value, what)
    return default if found is None else found


def grouped(n: int) -> str:
    """A count with thousands apart, as Russian texts write it (``1 234``)."""
    return f"{n:,}".replace(",", "\u00a0")


@dataclass(frozen=True)
class Total:
    """How many rows a filter matches (``cut``: at least ``count``, counting stopped)."""

    count: int
    cut: bool = False

    def __str__(self) -> str:
        return f"более {grouped(self.count)}" if self.cut else grouped(self.count)


def count(conn: Connection, stmt: sa.Select[tuple[object, ...]]) -> Total:
    """Rows of ``stmt`` (a filtered SELECT), counted up to :data:`COUNT_LIMIT`."""
    sub = stmt.limit(COUNT_LIMIT + 1).subquery()
    n = int(conn.execute(sa.select(sa.func.count()).select_from(sub)).scalar() or 0)
    return Total(COUNT_LIMIT, True) if n > COUNT_LIMIT else Total(n)


def size_links(path: str, params: Mapping[str, str]) -> list[tuple[int, str]]:
    """Each page size with the URL of the list's first page in that size, filters kept."""
    kept = {k: v for k, v in params.items() if k != "limit"}
    return [(n, f"{path}?{urlencode({**kept, 'limit': n})}") for n in PAGE_SIZES]
