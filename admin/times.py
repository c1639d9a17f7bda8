"""Times in the console: stored in UTC, shown and entered in the console's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values from SQLite are UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_RUSSIAN = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y")


def parse_when(value: str | None, tz: tzinfo) -> datetime | None:
    """Parse a date or date-time as the staff write it (``31.05.2024``, ``31.05.2024 14:00``)
    or as ISO 8601 (what a browser's date field and the API send); naive input is in ``tz``.
    Raises ValueError with a Russian text."""
    value = (value or "").strip()
    if not value:
        return None
    parsed = _russian(value)
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"не удаётся прочитать «{value}» как дату или время (пример: 31.05.2024 "
                "14:00 или 2024-05-31T14:00)"
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def _russian(value: str) -> datetime | None:
    for pattern in _RUSSIAN:
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None


def show(value: datetime | None, tz: tzinfo, *, seconds: bool = True) -> str:
    """A stored time as the staff read it, ДД.ММ.ГГГГ ЧЧ:ММ:СС in the console's time zone."""
    if value is None:
        return ""
    local = as_utc(value).astimezone(tz)
    return local.strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def iso(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC, for the JSON API."""
    return None if value is None else as_utc(value).isoformat()
