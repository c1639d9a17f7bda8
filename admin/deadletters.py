"""Reading dead letters (ADM-2): grouped by cause, listed, and one by one.

A cause is the exception type plus its message with the varying parts (ids, numbers,
quoted values) replaced by placeholders, so that a thousand "person 123… not found" make
one group an operator can replay at once, while different causes stay apart.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from openpyxl import Workbook

from admin.listing import Total
from admin.listing import count as listing_count
from admin.privacy import Privacy
from admin.times import as_utc, parse_when
from admin.xlsx import append_record, append_row, header_row, to_bytes
from contracts.registry import TypeRegistry
from storage.db import Database
from storage.models import dead_letters, journal_messages

if TYPE_CHECKING:
    from hub.operations import Operations

STATES = ("open", "replayed", "discarded")
STATE_WORDS = {"open": "ждёт решения", "replayed": "отправлено повторно",
               "discarded": "отброшено", "all": "все"}
"""The states as the fund's staff read them."""
GROUPING_LIMIT = 20000
"""Dead letters read to build the groups; beyond this the page says the list is cut."""

dl = dead_letters.c
jm = journal_messages.c

_VARYING = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I), "<id>"),
    (re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»"), "<…>"),
    (re.compile(r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\b", re.I), "<hex>"),
    (re.compile(r"\d+(?:[.,:-]\d+)*"), "<n>"),
    (re.compile(r"\s+"), " "),
]


def normalise_cause(message: str) -> str:
    """A cause message with ids, numbers and quoted values replaced by placeholders."""
    text = message
    for pattern, placeholder in _VARYING:
        text = pattern.sub(placeholder, text)
    text = text.strip()
    return text[:300] + ("…" if len(text) > 300 else "")


BROKER_CAUSES = {
    "DeliveryLimitExceeded": "Превышено число попыток доставки: получатель каждый раз "
                             "падал на этом сообщении",
    "RejectedByConsumer": "Отклонено получателем",
    "Expired": "Истёк срок хранения в очереди",
    "QueueOverflow": "Очередь переполнена",
    "DeadLettered": "Отправлено брокером в ошибки доставки",
    "MalformedEnvelope": "Не прошло проверку: это не конверт хаба (испорченное сообщение)",
}
HANDLER_CAUSES = {
    "OperationalError": "сбой базы данных",
    "IntegrityError": "нарушено ограничение базы данных",
    "TimeoutError": "истекло время ожидания",
    "ConnectionError": "нет связи",
    "ConnectionRefusedError": "нет связи",
    "ValueError": "неверные данные",
    "KeyError": "нет нужного значения",
    "LookupError": "не найдено",
    "ValidationError": "данные не прошли проверку схемы",
    "XMLSyntaxError": "испорченный XML",
    "DocumentInvalid": "XML не прошёл проверку схемы",
}


def explain(cause_type: str, message: str, attempts: int) -> str:
    """The cause in the staff's words (the exception's type and text stay the detail)."""
    if cause_type in BROKER_CAUSES:
        return BROKER_CAUSES[cause_type]
    if cause_type == "PermanentError":
        if message.startswith(("payload fails", "данные не проходят проверку схемы")):
            return "Не прошло проверку схемы: данные не соответствуют типу сообщения"
        if "has no handler for message type" in message or "нет обработчика сообщений" in message:
            return "Нет обработчика для этого типа сообщения"
        if "has no job" in message or "нет задачи" in message:
            return "У компонента нет такой задачи"
        return "Ошибка в данных: повтор без исправления не поможет"
    what = HANDLER_CAUSES.get(cause_type)
    detail = f"{what} ({cause_type})" if what else cause_type
    if attempts > 1:
        return f"Превышено число попыток ({attempts}): ошибка обработчика — {detail}"
    return f"Ошибка обработчика: {detail}"


def group_key(cause_type: str, cause: str) -> str:
    """A short stable id of a cause group, for URLs."""
    return hashlib.sha1(f"{cause_type}\x00{cause}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class DeadLetterFilter:
    """Filters of the dead-letter pages and of bulk replay."""

    state: str = "open"
    cause_type: str = ""
    queue: str = ""
    type: str = ""
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str], tz: tzinfo) -> DeadLetterFilter:
        """Read a query string or form (``from``/``to`` in the console's zone)."""
        state = params.get("state", "open").strip() or "open"
        if state not in (*STATES, "all"):
            raise ValueError(f"неизвестное состояние {state!r} (допустимы: "
                         f"{', '.join(STATES)}, all)")
        return cls(
            state=state,
            cause_type=params.get("cause_type", "").strip(),
            queue=params.get("queue", "").strip(),
            type=params.get("type", "").strip(),
            since=parse_when(params.get("from") or params.get("since"), tz),
            until=parse_when(params.get("to") or params.get("until"), tz),
        )

    @property
    def type_name(self) -> str:
        """The message type without its version (``hub.probe`` of ``hub.probe.v1``)."""
        return self.type_version[0]

    @property
    def type_version(self) -> tuple[str, int | None]:
        """``(name, version)`` of the type filter; version None when not given."""
        name, _, version = self.type.rpartition(".v")
        if name and version.isdigit():
            return name, int(version)
        return self.type, None

    @property
    def narrowed(self) -> bool:
        """Whether any filter beyond the state is set (bulk replay requires one)."""
        return any((self.cause_type, self.queue, self.type, self.since, self.until))

    def select(self) -> sa.Select[Any]:
        """Dead letters (without their bodies) with the journaled type, matching the filter."""
        stmt = sa.select(
            dl.id, dl.message_id, dl.queue, dl.component, dl.cause_type, dl.cause_message,
            dl.attempts, dl.at, dl.state, dl.resolved_at, dl.resolved_by, dl.resolution,
            jm.type, jm.version,
        ).select_from(dead_letters.outerjoin(journal_messages, jm.message_id == dl.message_id))
        if self.state != "all":
            stmt = stmt.where(dl.state == self.state)
        if self.cause_type:
            stmt = stmt.where(dl.cause_type == self.cause_type)
        if self.queue:
            stmt = stmt.where(dl.queue == self.queue)
        if self.type:
            name, version = self.type_version
            stmt = stmt.where(jm.type == name)
            if version is not None:
                stmt = stmt.where(jm.version == version)
        if self.since is not None:
            stmt = stmt.where(dl.at >= self.since)
        if self.until is not None:
            stmt = stmt.where(dl.at < self.until)
        return stmt


def _letter(row: sa.Row[Any], privacy: Privacy) -> dict[str, Any]:
    m = row._mapping
    return {
        "id": int(m["id"]),
        "message_id": m["message_id"],
        "queue": m["queue"],
        "component": m["component"],
        "type": f"{m['type']}.v{m['version']}" if m["type"] else "",
        "cause_type": m["cause_type"],
        "cause_message": privacy.text(m["cause_message"]),
        "attempts": m["attempts"],
        "at": as_utc(m["at"]),
        "state": m["state"],
        "state_words": STATE_WORDS.get(m["state"], m["state"]),
        "summary": explain(m["cause_type"], m["cause_message"], int(m["attempts"] or 0)),
        "resolved_at": as_utc(m["resolved_at"]) if m["resolved_at"] else None,
        "resolved_by": m["resolved_by"],
        "resolution": privacy.text(m["resolution"]),
        "group": group_key(m["cause_type"], normalise_cause(m["cause_message"])),
    }


@dataclass
class CauseGroup:
    """Dead letters sharing a cause."""

    key: str
    cause_type: str
    cause: str
    summary: str = ""
    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    queues: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The group for the JSON API."""
        return {
            "key": self.key,
            "cause_type": self.cause_type,
            "cause": self.cause,
            "summary": self.summary,
            "count": self.count,
            "first_at": self.first_at.isoformat() if self.first_at else None,
            "last_at": self.last_at.isoformat() if self.last_at else None,
            "queues": sorted(self.queues),
            "types": sorted(self.types),
        }


def grouped(
    db: Database, flt: DeadLetterFilter, privacy: Privacy
) -> tuple[list[CauseGroup], bool]:
    """Groups by cause, most recent first, and whether the input was cut at the limit."""
    with db.read() as conn:
        rows = conn.execute(flt.select().order_by(dl.at.desc()).limit(GROUPING_LIMIT + 1)).all()
    cut = len(rows) > GROUPING_LIMIT
    groups: dict[str, CauseGroup] = {}
    for row in rows[:GROUPING_LIMIT]:
        letter = _letter(row, privacy)
        key = letter["group"]
        g = groups.get(key)
        if g is None:
            cause = privacy.text(normalise_cause(row.cause_message))
            g = groups[key] = CauseGroup(key, row.cause_type, cause, letter["summary"])
        g.count += 1
        at = letter["at"]
        g.first_at = at if g.first_at is None or at < g.first_at else g.first_at
        g.last_at = at if g.last_at is None or at > g.last_at else g.last_at
        g.queues.add(letter["queue"])
        if letter["type"]:
            g.types.add(letter["type"])
        g.ids.append(letter["id"])
    ordered = sorted(groups.values(), key=lambda g: (g.last_at is not None, g.last_at),
                     reverse=True)
    return ordered, cut


def listing(
    db: Database,
    flt: DeadLetterFilter,
    privacy: Privacy,
    *,
    group: str = "",
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Dead letters matching the filter (and the cause group, when given), newest first."""
    stmt = flt.select().order_by(dl.at.desc(), dl.id.desc())
    # A group is found by its normalised cause, computed here, not in SQL: read as many rows
    # as the grouping page does and pick the group's.
    stmt = stmt.limit(GROUPING_LIMIT) if group else stmt.limit(limit).offset(offset)
    with db.read() as conn:
        rows = conn.execute(stmt).all()
    letters = [_letter(r, privacy) for r in rows]
    if group:
        letters = [x for x in letters if x["group"] == group][offset : offset + limit]
    return letters


def get(
    db: Database, types: TypeRegistry, letter_id: int, privacy: Privacy
) -> dict[str, Any] | None:
    """One dead letter with its body parsed: the envelope, its payload masked."""
    with db.read() as conn:
        row = conn.execute(DeadLetterFilter(state="all").select().where(dl.id == letter_id)).first()
        body = conn.execute(sa.select(dl.body).where(dl.id == letter_id)).scalar()
    if row is None:
        return None
    letter = _letter(row, privacy)
    env, payload = parse_body(bytes(body or b""))
    key = f"{env.get('type')}.v{env.get('version')}"
    mt = types.get(key) if key in types else None
    masked = privacy.payload(payload, mt)
    letter["envelope"] = envelope_fields(env, privacy)
    letter["payload"] = masked
    # Editing a masked payload would replay the asterisks: only the unmasked one is editable.
    letter["payload_edit"] = payload if privacy.unmasked or masked == payload else None
    letter["type"] = letter["type"] or (key if env.get("type") else "")
    return letter


def envelope_fields(env: Mapping[str, Any], privacy: Privacy) -> dict[str, Any]:
    """The envelope without its payload, header values masked."""
    out = {k: v for k, v in env.items() if k != "payload"}
    headers = out.get("headers")
    if isinstance(headers, dict):
        out["headers"] = {k: privacy.text(str(v)) for k, v in headers.items()}
    attachments = out.get("attachments")
    if isinstance(attachments, list):  # file names are personal as a whole
        out["attachments"] = [{**a, "name": privacy.file_name(str(a.get("name") or ""))}
                              if isinstance(a, dict) else a for a in attachments]
    return out


def parse_body(body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(envelope, payload)`` from the delivered bytes; empty when they are not JSON."""
    try:
        env = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}, {}
    if not isinstance(env, dict):
        return {}, {}
    payload = env.get("payload")
    return env, payload if isinstance(payload, dict) else {}


def total(db: Database, flt: DeadLetterFilter, *, group: str = "") -> Total:
    """How many dead letters the filter (and the group, when given) matches."""
    with db.read() as conn:
        if not group:
            return listing_count(conn, flt.select())
        rows = conn.execute(flt.select().order_by(dl.at.desc()).limit(GROUPING_LIMIT)).all()
    return Total(sum(1 for r in rows
                     if group_key(r.cause_type, normalise_cause(r.cause_message)) == group))


def open_ids(db: Database, flt: DeadLetterFilter, group: str, limit: int,
             skip: set[int]) -> list[int]:
    """Up to ``limit`` open dead letters of the filter (and group), oldest first, not in
    ``skip``: what a bulk replay takes next."""
    open_flt = replace(flt, state="open")
    if group:
        letters = listing(db, open_flt, Privacy(unmasked=False), group=group,
                          limit=GROUPING_LIMIT)
        ids = sorted(int(x["id"]) for x in letters if int(x["id"]) not in skip)
        return ids[:limit]
    stmt = open_flt.select().order_by(dl.id)
    if skip:
        stmt = stmt.where(dl.id > max(skip))  # taken in id order: skip is what came before
    with db.read() as conn:
        return [int(r.id) for r in conn.execute(stmt.limit(limit)).all()]


EXPORT_LIMIT = 10_000
EXPORT_COLUMNS = (
    ("№", 8), ("Время", 20), ("Состояние", 20), ("Причина", 60), ("Тип причины", 24),
    ("Текст причины", 60), ("Попыток", 9), ("Тип сообщения", 30), ("Очередь", 30),
    ("Компонент", 20), ("Id сообщения", 38), ("Решение принято", 20), ("Кем", 16),
    ("Решение", 40),
)


def export(db: Database, flt: DeadLetterFilter, privacy: Privacy, tz: tzinfo, *,
           group: str = "") -> tuple[bytes, int, bool]:
    """The dead letters under the filter as an .xlsx file (times as date-time cells in
    ``tz``, counts as numbers, texts masked as on the screen): bytes, rows, whether cut."""
    letters = listing(db, flt, privacy, group=group, limit=EXPORT_LIMIT + 1)
    cut = len(letters) > EXPORT_LIMIT
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Ошибки доставки"
    header_row(sheet, [c for c, _ in EXPORT_COLUMNS], [w for _, w in EXPORT_COLUMNS])
    for d in letters[:EXPORT_LIMIT]:
        append_record(sheet, [
            d["id"], d["at"], d["state_words"], d["summary"], d["cause_type"],
            d["cause_message"], d["attempts"], d["type"], d["queue"], d["component"],
            d["message_id"], d["resolved_at"], d["resolved_by"] or "", d["resolution"] or "",
        ], tz)
    if cut:
        append_row(sheet, [f"Выгружены только первые {EXPORT_LIMIT} строк (самые новые): "
                           "сузьте фильтр, чтобы выгрузить остальное."])
    return to_bytes(book), min(len(letters), EXPORT_LIMIT), cut


def open_count(db: Database) -> int:
    """Dead letters waiting for an operator."""
    with db.read() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).select_from(dead_letters).where(dl.state == "open")
            ).scalar()
            or 0
        )


def replay_matching(
    db: Database,
    ops: Operations,
    flt: DeadLetterFilter,
    *,
    user: str,
    reason: str,
    remote_addr: str,
) -> int:
    """Replay the open dead letters matching ``flt``; returns how many were replayed.

    Operations filters by type name only: a filter naming a version replays the exact
    matching rows one by one instead.
    """
    if flt.type_version[1] is None:
        return ops.replay_dead_letters(
            user=user, reason=reason, cause_type=flt.cause_type or None,
            queue=flt.queue or None, type=flt.type_name or None, since=flt.since,
            until=flt.until, remote_addr=remote_addr,
        )
    done = 0
    for letter in listing(db, flt, Privacy(unmasked=False), limit=100_000):
        try:
            ops.replay_dead_letter(letter["id"], user=user, reason=reason,
                                   remote_addr=remote_addr)
            done += 1
        except (LookupError, ValueError):
            continue  # resolved by someone else meanwhile
    if not done:
        ops.audit(user, "replay-matched-nothing", reason=reason, remote_addr=remote_addr,
                  details={"type": flt.type_name, "version": flt.type_version[1],
                           "cause_type": flt.cause_type, "queue": flt.queue})
    return done


def replay_group(
    db: Database,
    ops: Operations,
    flt: DeadLetterFilter,
    group: str,
    *,
    user: str,
    reason: str,
    remote_addr: str,
) -> tuple[int, list[tuple[int, str]]]:
    """Replay the open dead letters of one cause group within ``flt``.

    Returns how many were replayed and the ``(id, error)`` of those that failed. A group
    that matched nothing (``replay-matched-nothing``) and the failures
    (``replay-group-failed``) are audited; each replay audits itself.
    """
    done, failed = 0, []
    for letter in listing(db, flt, Privacy(unmasked=False), group=group, limit=100_000):
        try:
            ops.replay_dead_letter(letter["id"], user=user, reason=reason,
                                   remote_addr=remote_addr)
            done += 1
        except (LookupError, ValueError) as exc:
            failed.append((int(letter["id"]), str(exc)))
    if failed:
        ops.audit(user, "replay-group-failed", target=group, reason=reason,
                  remote_addr=remote_addr,
                  details={"failed": [{"id": i, "error": e} for i, e in failed[:50]]})
    elif not done:
        ops.audit(user, "replay-matched-nothing", target=group, reason=reason,
                  remote_addr=remote_addr, details={"group": group})
    return done, failed
