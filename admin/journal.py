"""Reading the journal (ADM-1): search with filters, newest first, and one message's story.

Pages are keyset-paginated on ``(first_seen_at, message_id)``: the journal grows by
millions of rows a month and an OFFSET would scan everything it skips.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.engine import Connection

from admin.deadletters import envelope_fields
from admin.listing import Total, count
from admin.person_search import person_condition
from admin.privacy import Privacy
from admin.times import as_utc, parse_when
from admin.xmlview import DISPLAY_LIMIT, pretty
from contracts.registry import MessageType, TypeRegistry
from hub.masking import mask_file_name
from hub.xmlmask import PersonalNames, mask_tree, of_document, personal_names
from storage.db import Database
from storage.models import blobs, dead_letters, journal_events, journal_messages

STATUS_LABELS: dict[str, str] = {
    "received": "принято",
    "routed": "направлено получателям",
    "published": "опубликовано, подписчиков нет",
    "parked": "отложено: нет получателя",
    "rejected": "отклонено",
    "handled": "обработано",
    "failed": "ошибка, будет повтор",
    "retried": "обработано с повтора",
    "dead": "недоставлено",
    "replayed": "отправлено повторно",
    "discarded": "отброшено оператором",
    "sent": "отправлено",
    "delivered": "доставлено",
}
"""Every state the hub and its adapters journal, in words (``published``: an event nobody
subscribes to — no fault; ``parked``: a document nobody takes — a configuration fault)."""
OTHER_STATE_LABELS: dict[str, str] = {
    "ok": "успешно",
    "taken": "принято",
    "pending": "ожидает",
    "answered": "получен ответ",
    "accepted": "принято",
    "cancelled": "отменено",
    "in-progress": "в работе",
    "open": "открыта",
    "degraded": "работает с ограничениями",
}
"""States other lists show (a schedule's last run, an adapter's queue) that the journal
does not hold; :data:`STATE_LABELS` is both, for the console's ``status`` macro."""
STATE_LABELS: dict[str, str] = {**OTHER_STATE_LABELS, **STATUS_LABELS}
STATUSES = tuple(STATUS_LABELS)
PLUGIN_STATUS = re.compile(r"[a-z][a-z0-9]*\.[a-z0-9_]+")
"""A plug-in's own state, named under its prefix (``smev.accepted``)."""
STATUS_WIDTH = 20
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
CONVERSATION_LIMIT = 200

jm = journal_messages.c


@dataclass(frozen=True)
class JournalFilter:
    """The journal search form: every field optional, all given ones must match."""

    type: str = ""
    system: str = ""
    status: str = ""
    since: datetime | None = None
    until: datetime | None = None
    person: str = ""
    correlation_id: str = ""
    message_id: str = ""
    routine: bool = False
    """Show the hub's routine chatter (scheduler ticks) too."""
    routine_types: tuple[str, ...] = ()
    """Names of the routine types, hidden unless asked for (:meth:`conditions`)."""

    @classmethod
    def from_params(cls, params: Mapping[str, str], tz: tzinfo,
                    types: TypeRegistry | None = None) -> JournalFilter:
        """Read the query string (``from``/``to`` in the console's zone); raises ValueError.

        ``types``: the registry whose routine types (``@message_type(..., routine=True)``)
        the default view leaves out; ``routine=1`` shows them.
        """
        status = params.get("status", "").strip()
        if status and not is_status(status):
            raise ValueError(f"неизвестный статус «{status}» (возможны: {', '.join(STATUSES)} "
                             "или состояние плагина вида префикс.состояние)")
        return cls(
            type=params.get("type", "").strip(),
            system=params.get("system", "").strip(),
            status=status,
            since=parse_when(params.get("from"), tz),
            until=parse_when(params.get("to"), tz),
            person=params.get("person", "").strip(),
            correlation_id=params.get("correlation_id", "").strip(),
            message_id=params.get("message_id", "").strip(),
            routine=params.get("routine", "").strip().lower() in ("1", "true", "on", "yes"),
            routine_types=routine_names(types) if types is not None else (),
        )

    def conditions(self, *, whole: bool = False) -> list[sa.ColumnElement[bool]]:
        """SQL conditions for the given fields.

        ``whole``: the person filter matches whole identifiers only (a masked account, see
        :mod:`admin.person_search`); raises ValueError for a partial one.
        """
        where: list[sa.ColumnElement[bool]] = []
        if self.type:
            where.append(_type_condition(self.type))
        if self.system:
            where.append(sa.or_(jm.source == self.system, jm.destination == self.system))
        if self.status:
            where.append(jm.status == self.status)
        if self.since is not None:
            where.append(jm.first_seen_at >= self.since)
        if self.until is not None:
            where.append(jm.first_seen_at < self.until)
        if self.person:
            where.append(person_condition(self.person, whole=whole))
        if self.correlation_id:
            where.append(jm.correlation_id == self.correlation_id)
        if self.message_id:
            where.append(jm.message_id == self.message_id)
        if self.hides_routine():
            where.append(jm.type.not_in(self.routine_types))
        return where

    def hides_routine(self) -> bool:
        """Routine types are left out unless asked for, or the search names what it wants
        (a type, a message, a conversation)."""
        named = self.type or self.message_id or self.correlation_id
        return bool(self.routine_types) and not (self.routine or named)


def is_status(value: str) -> bool:
    """A state the journal can hold: the hub's, or a plug-in's ``prefix.state``."""
    return value in STATUS_LABELS or (
        len(value) <= STATUS_WIDTH and PLUGIN_STATUS.fullmatch(value) is not None)


def routine_names(types: TypeRegistry) -> tuple[str, ...]:
    """Names of the types declared routine (the scheduler's ticks)."""
    return tuple(sorted({t.name for t in types if t.routine}))


def status_choices(*seen: str) -> list[tuple[str, str]]:
    """The status list: every state of the hub in words, then the plug-in states among
    ``seen`` (the rows shown, the chosen one) as they are named."""
    extra = sorted({s for s in seen if s and s not in STATUS_LABELS and is_status(s)})
    return [*STATUS_LABELS.items(), *((s, s) for s in extra)]


def _type_condition(value: str) -> sa.ColumnElement[bool]:
    """``erz.person.changed.v2``: that type and version; anything else is a prefix of the
    name (``erz.``, ``erz.person``, ``erz.person.changed``; a trailing ``*`` is allowed)."""
    value = value.rstrip("*")
    m = re.fullmatch(r"(.+)\.v(\d+)", value)
    if m:
        return sa.and_(jm.type == m.group(1), jm.version == int(m.group(2)))
    return jm.type.startswith(value, autoescape=True)


def encode_cursor(at: datetime, message_id: str) -> str:
    """An opaque position in the journal: the last row of a page."""
    raw = f"{as_utc(at).isoformat()}|{message_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The position a cursor names; raises ValueError for a damaged one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, message_id = raw.partition("|")
        return as_utc(datetime.fromisoformat(at)), message_id
    except (ValueError, UnicodeDecodeError):
        raise ValueError("повреждённая ссылка на страницу (cursor): начните с первой "
                         "страницы") from None


@dataclass
class Page:
    """One page of journal rows, and the cursor of the next (older) page."""

    rows: list[dict[str, Any]]
    next_cursor: str | None


def _summary(row: sa.Row[Any], privacy: Privacy) -> dict[str, Any]:
    m = row._mapping
    error = privacy.text(m["last_error"])
    return {
        "message_id": m["message_id"],
        "type": m["type"],
        "version": m["version"],
        "source": m["source"],
        "destination": m["destination"],
        "correlation_id": m["correlation_id"],
        "causation_id": m["causation_id"],
        "status": m["status"],
        "person": privacy.person(m["person"]),
        "created_at": as_utc(m["created_at"]),
        "first_seen_at": as_utc(m["first_seen_at"]),
        "last_at": as_utc(m["last_at"]),
        "last_error": error[:500],
    }


_SUMMARY_COLUMNS = [c for c in journal_messages.c if c.name not in ("envelope", "raw_blob_id")]


def search(
    db: Database,
    flt: JournalFilter,
    privacy: Privacy,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    """Messages matching ``flt``, newest first, ``limit`` per page.

    A masked account's person filter takes whole identifiers only (ValueError otherwise).
    """
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = sa.select(*_SUMMARY_COLUMNS).where(*flt.conditions(whole=not privacy.unmasked))
    if cursor:
        at, mid = decode_cursor(cursor)
        stmt = stmt.where(
            sa.or_(jm.first_seen_at < at, sa.and_(jm.first_seen_at == at, jm.message_id < mid))
        )
    stmt = stmt.order_by(jm.first_seen_at.desc(), jm.message_id.desc()).limit(limit + 1)
    with db.read() as conn:
        rows = conn.execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [_summary(r, privacy) for r in rows]
    last = items[-1] if items and more else None
    return Page(items, encode_cursor(last["first_seen_at"], last["message_id"]) if last else None)


def total(db: Database, flt: JournalFilter, privacy: Privacy) -> Total:
    """How many messages match ``flt`` (counted up to :data:`admin.listing.COUNT_LIMIT`)."""
    stmt = sa.select(jm.message_id).where(*flt.conditions(whole=not privacy.unmasked))
    with db.read() as conn:
        return count(conn, stmt)


@dataclass
class RawView:
    """Stored bytes of a message, ready to show."""

    blob_id: str
    name: str
    media_type: str
    size: int
    text: str
    is_xml: bool
    truncated: bool
    file_name: str = ""
    """The name to download it under: the file's own, or one made of the message's id."""
    is_message: bool = False
    """The message's own bytes as received or sent (not an attachment)."""


@dataclass
class MessageDetail:
    """One message: its envelope, payload, trail, conversation and raw bytes."""

    summary: dict[str, Any]
    envelope: dict[str, Any]
    payload: dict[str, Any]
    message_type: MessageType | None
    events: list[dict[str, Any]] = field(default_factory=list)
    conversation: list[dict[str, Any]] = field(default_factory=list)
    raw: list[RawView] = field(default_factory=list)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    payload_edit: dict[str, Any] | None = None
    """The payload for the edit-and-replay form: None when masking would alter it."""


def _events(conn: Connection, message_id: str, privacy: Privacy) -> list[dict[str, Any]]:
    je = journal_events.c
    rows = conn.execute(
        sa.select(journal_events).where(je.message_id == message_id).order_by(je.at, je.id)
    ).all()
    return [
        {
            "at": as_utc(r.at),
            "status": r.status,
            "component": r.component,
            "queue": r.queue,
            "attempt": r.attempt,
            "detail": privacy.text(r.detail),
        }
        for r in rows
    ]


def _raw_view(conn: Connection, blob_id: str, name: str, privacy: Privacy,
              names: PersonalNames, types: TypeRegistry,
              message_id: str = "") -> RawView | None:
    """The blob ready to show: for a masked account, the values the message's type declares
    personal hidden in the parsed XML (:mod:`hub.xmlmask`) — and those the type bound to
    the document's root declares, for a file carried as an attachment — then the generic
    masking."""
    b = blobs.c
    head = conn.execute(
        sa.select(b.media_type, b.size, sa.func.substr(b.data, 1, DISPLAY_LIMIT).label("data"))
        .where(b.id == blob_id)
    ).first()
    if head is None:
        return None
    data = bytes(head.data)
    truncated = int(head.size) > len(data)
    def hide(root: etree._Element) -> None:
        mask_tree(root, names | of_document(types, root))

    text, is_xml = (pretty(data, None if privacy.unmasked else hide) if not truncated
                    else (data.decode("utf-8", "replace"), False))
    is_message = name == RAW_NAME
    file_name = download_name(message_id, head.media_type) if is_message else name
    return RawView(blob_id, privacy.file_name(name), head.media_type, int(head.size),
                   privacy.text(text), is_xml, truncated, privacy.file_name(file_name),
                   is_message)


RAW_NAME = "raw"
"""What the journal calls a message's own bytes among its blobs."""
EXTENSIONS = {"xml": ".xml", "json": ".json", "pdf": ".pdf", "zip": ".zip", "plain": ".txt",
              "csv": ".csv", "sheet": ".xlsx", "excel": ".xls", "dbf": ".dbf"}


def download_name(message_id: str, media_type: str) -> str:
    """A file name for a message's own bytes, by its id and media type."""
    ext = next((e for key, e in EXTENSIONS.items() if key in media_type.lower()), ".bin")
    return f"message-{message_id}{ext}"


def blob_ids(detail: MessageDetail) -> set[str]:
    """Blob ids a message references (its raw form and its attachments)."""
    return {r.blob_id for r in detail.raw}


def _message_type(types: TypeRegistry, type_name: str, version: int) -> MessageType | None:
    key = f"{type_name}.v{version}"
    return types.get(key) if key in types else None


def detail(
    db: Database, types: TypeRegistry, message_id: str, privacy: Privacy
) -> MessageDetail | None:
    """Everything about one message, or None when it is not in the journal."""
    with db.read() as conn:
        row = conn.execute(
            sa.select(journal_messages).where(jm.message_id == message_id)
        ).first()
        if row is None:
            return None
        summary = _summary(row, privacy)
        try:
            envelope = json.loads(row.envelope)
        except ValueError:
            envelope = None
        if not isinstance(envelope, dict):
            envelope = {"unparsed": privacy.text(row.envelope)}
        mt = _message_type(types, row.type, row.version)
        payload = envelope.get("payload") if isinstance(envelope.get("payload"), dict) else {}
        payload = payload or {}
        masked = privacy.payload(payload, mt)
        result = MessageDetail(summary, envelope_fields(envelope, privacy), masked, mt)
        # Editing a masked payload would replay the asterisks: only an intact one is editable.
        result.payload_edit = payload if privacy.unmasked or masked == payload else None
        result.events = _events(conn, message_id, privacy)
        conv = conn.execute(
            sa.select(*_SUMMARY_COLUMNS)
            .where(jm.correlation_id == row.correlation_id)
            .order_by(jm.first_seen_at, jm.message_id)
            .limit(CONVERSATION_LIMIT)
        ).all()
        result.conversation = [_summary(r, privacy) for r in conv]
        refs: list[tuple[str, str]] = []
        if row.raw_blob_id:
            # A refused file is journaled as a stub whose own bytes are the file.
            named = payload.get("file_name")
            stub_file = isinstance(named, str) and named and not envelope.get("attachments")
            refs.append((row.raw_blob_id, str(named) if stub_file else RAW_NAME))
        for att in envelope.get("attachments") or []:
            if isinstance(att, dict) and att.get("blob_id"):
                refs.append((str(att["blob_id"]), str(att.get("name") or "attachment")))
        names = personal_names(mt)
        for blob_id, name in dict(refs).items():
            view = _raw_view(conn, blob_id, name, privacy, names, types, message_id)
            if view is not None:
                result.raw.append(view)
        if not privacy.unmasked:
            _hide_file_names(result, payload, envelope)
        dl = dead_letters.c
        result.dead_letters = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(dl.id, dl.queue, dl.state, dl.at, dl.cause_type)
                .where(dl.message_id == message_id)
                .order_by(dl.at)
            ).all()
        ]
    return result


def _hide_file_names(result: MessageDetail, payload: Mapping[str, Any],
                     envelope: Mapping[str, Any]) -> None:
    """A message's file names quoted in its texts (a refusal's reason), masked whole."""
    names = {str(payload.get("file_name") or "")} | {
        str(a.get("name") or "") for a in envelope.get("attachments") or []
        if isinstance(a, dict)}
    names = {n for n in names if len(n) > 4}
    if not names:
        return

    def hide(text: str) -> str:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, mask_file_name(name))
        return text

    result.summary["last_error"] = hide(result.summary["last_error"])
    for event in result.events:
        event["detail"] = hide(event["detail"])
    for row in result.conversation:
        row["last_error"] = hide(row["last_error"])
    for view in result.raw:
        view.text = hide(view.text)


def blob_bytes(db: Database, blob_id: str) -> tuple[bytes, str] | None:
    """The exact stored bytes and their media type."""
    with db.read() as conn:
        row = conn.execute(
            sa.select(blobs.c.data, blobs.c.media_type).where(blobs.c.id == blob_id)
        ).first()
    return None if row is None else (bytes(row.data), str(row.media_type))
