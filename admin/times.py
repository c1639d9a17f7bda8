"""Times in the console: stored in UTC, shown and entered in the console's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values from SQLite are UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_when(value: str | None, tz: tzinfo) -> datetime | None:
    """Parse an ISO date or date-time; naive input is in ``tz``. Raises ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"cannot read {value!r} as a date or time (expected e.g. 2024-05-31T14:00)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def show(value: datetime | None, tz: tzinfo, *, seconds: bool = True) -> str:
    """A stored time as the staff read it, in the console's time zone."""
    if value is None:
        return ""
    local = as_utc(value).astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def iso(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC, for the JSON API."""
    return None if value is None else as_utc(value).isoformat()
