"""Register values as plain JSON data, and as JSON text, the fast way (orjson).

The change log and the buffer keep values as JSON: dates as ISO strings, anything else
without a JSON form (a Decimal, say) as its ``str``. On a file of 20,000 records this runs
a few hundred thousand times, so it goes through orjson instead of a ``json`` round trip;
the data is the same as ``json.loads(json.dumps(value, default=str))`` gives.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
"""Dates and datetimes go to ``default=str`` as with ``json`` (``2025-01-10 10:00:00``)."""


def text(value: Any) -> str:
    """``value`` as JSON text."""
    return orjson.dumps(value, default=str, option=_OPTIONS).decode()


def plain(value: Any) -> Any:
    """``value`` as plain JSON data (dicts, lists, strings, numbers, None)."""
    return orjson.loads(orjson.dumps(value, default=str, option=_OPTIONS))
