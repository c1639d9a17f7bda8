"""Scalar values of the protocol: message identifiers, date-times, booleans.

СМЭВ identifies every message by a UUID the sender generates "in accordance with RFC 4122,
variant 1 (from the MAC address and the current time)" (the XSD's annotation of MessageID);
the XSD pattern only admits lower-case hex. СМЭВ reads the time out of the identifier:
too old an identifier is refused (fault ``StaleMessageId``), so a retry must resend the
same identifier soon, and a message parked for long needs a fresh one.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import UTC, datetime, timedelta

UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
"""``basic:UUID`` of the XSD, verbatim."""

# RFC 4122 §4.5: a random node id with the multicast bit set instead of the MAC address.
# It keeps the host's hardware address out of every message, and uuid.getnode() may run
# external commands on some systems to find that address.
_NODE = secrets.randbits(48) | (1 << 40)
_GREGORIAN = datetime(1582, 10, 15, tzinfo=UTC)


def new_message_id() -> str:
    """A fresh time-based (version 1) message identifier, as СМЭВ requires."""
    return str(uuid.uuid1(node=_NODE))


def is_message_id(value: str) -> bool:
    """``value`` matches the XSD's UUID pattern and is a version 1 (time-based) UUID."""
    return bool(UUID_PATTERN.fullmatch(value)) and uuid.UUID(value).version == 1


def message_id_time(value: str) -> datetime:
    """The moment a version 1 message identifier was generated (UTC)."""
    parsed = uuid.UUID(value)
    if parsed.version != 1:
        raise ValueError(f"{value} is not a time-based (version 1) UUID")
    return _GREGORIAN + timedelta(microseconds=parsed.time // 10)


def format_datetime(value: datetime) -> str:
    """``xs:dateTime`` with milliseconds (as СМЭВ writes it) and offset; naive is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{value!r} has no time zone: СМЭВ date-times carry their offset")
    return value.isoformat(timespec="milliseconds")


def parse_datetime(text: str) -> datetime:
    """An ``xs:dateTime`` as sent by СМЭВ (``2021-03-23T07:03:07.000+03:00``, or with ``Z``)."""
    value = text.strip()
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{text!r} is not an xs:dateTime") from None


def format_bool(value: bool) -> str:
    """``xs:boolean`` in its canonical form."""
    return "true" if value else "false"


def parse_bool(text: str) -> bool:
    """``xs:boolean``: ``true``/``false``/``1``/``0``."""
    value = text.strip()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise ValueError(f"{text!r} is not an xs:boolean")


def now() -> datetime:
    """The current time (UTC) to the millisecond, the precision the envelopes carry."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
