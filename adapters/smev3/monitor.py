"""What the console shows of the СМЭВ 3 adapter (SMEV-6): per-type overview, lists, details.

Reads the adapter's own tables (``smev3_outgoing``, ``smev3_received``), the journal of the
canonical messages they belong to, and the polling job's schedule. Personal data is masked
as everywhere in the console (:class:`admin.privacy.Privacy`); in XML, besides
:func:`hub.masking.mask_text`, every value the canonical payload declares personal is
masked where it appears — the official formats name their fields in Russian
(``Фамилия="…"``), which name-based masking of text cannot know — and so is every value the
type's bound model declares personal (:mod:`hub.xmlmask`): a canonical payload in the
fund's terms carries less than the XML it was mapped from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from lxml import etree
from pydantic import BaseModel

from adapters.smev3.models import outgoing, received
from adapters.smev3.service import Smev3Adapter
from adapters.smev3.types import InformationType, TypeCatalogue
from admin.journal import blob_bytes, decode_cursor, encode_cursor
from admin.privacy import Privacy
from admin.schedules import get_schedule
from admin.times import as_utc, parse_when
from admin.xmlview import DISPLAY_LIMIT, decode_text
from contracts.registry import MessageType, type_of
from contracts.schemas import SchemaNotFound, SchemaStore
from contracts.xmlsafe import UnsafeXml, parse
from hub.masking import mask_all, mask_payload
from hub.scheduler import schedule_name
from hub.xmlmask import NONE, PersonalNames, mask_tree, personal_names
from storage.db import Database
from storage.models import journal_messages

POLL_SCHEDULE = schedule_name(Smev3Adapter.component_name(), "poll")
"""The schedule of the polling job (``adapter.smev3:poll``); "poll now" requests a run."""
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
KINDS = ("request", "response", "status", "reject")

o, r, jm = outgoing.c, received.c, journal_messages.c


@dataclass(frozen=True)
class Filter:
    """List filters: information type, status (or outcome), kind, period."""

    type: str = ""
    state: str = ""
    kind: str = ""
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str], tz: tzinfo, state: str) -> Filter:
        """From the query string; ``state`` names the status parameter. Raises ValueError."""
        kind = params.get("kind", "").strip()
        if kind and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r} (valid: {', '.join(KINDS)})")
        return cls(type=params.get("type", "").strip(), state=params.get(state, "").strip(),
                   kind=kind, since=parse_when(params.get("from"), tz),
                   until=parse_when(params.get("to"), tz))

    def conditions(self, table: sa.Table, state: str, at: str) -> list[sa.ColumnElement[bool]]:
        """SQL conditions over ``table`` (its status column ``state``, time column ``at``)."""
        c = table.c
        where: list[sa.ColumnElement[bool]] = []
        if self.type:
            where.append(c.type_key == self.type)
        if self.state:
            where.append(c[state] == self.state)
        if self.kind:
            where.append(c.kind == self.kind)
        if self.since is not None:
            where.append(c[at] >= self.since)
        if self.until is not None:
            where.append(c[at] < self.until)
        return where


@dataclass(frozen=True)
class XmlView:
    """XML bytes ready to show: indented, masked; ``note`` says what was left out."""

    text: str
    is_xml: bool
    note: str = ""


# -- overview ----------------------------------------------------------------------------------


def _counts(db: Database, table: sa.Table, column: str) -> dict[str, dict[str, int]]:
    c = table.c
    with db.read() as conn:
        rows = conn.execute(sa.select(c.type_key, c[column], sa.func.count())
                            .group_by(c.type_key, c[column])).all()
    out: dict[str, dict[str, int]] = {}
    for key, state, n in rows:
        out.setdefault(key, {})[state] = int(n)
    return out


def _schema_state(schemas: SchemaStore | None, name: str) -> dict[str, str]:
    if schemas is None:
        return {"name": name, "found": "", "error": "каталог схем не настроен"}
    try:
        return {"name": name, "found": str(schemas.find(name).relative_to(schemas.root)),
                "error": schemas.problem(name) or ""}  # found, yet incomplete: say so
    except SchemaNotFound as exc:
        return {"name": name, "found": "", "error": str(exc)}


def poll_state(db: Database) -> dict[str, Any] | None:
    """The polling schedule's row (None before the adapter first ran with a scheduler)."""
    return get_schedule(db, POLL_SCHEDULE)


def overview(db: Database, catalogue: TypeCatalogue, schemas: SchemaStore | None,
             polled: set[str] | None) -> dict[str, Any]:
    """Every installed type with its counts, the polling schedule, and types that failed."""
    out_counts, in_counts = _counts(db, outgoing, "status"), _counts(db, received, "outcome")
    with db.read() as conn:
        last_in = dict(conn.execute(sa.select(r.type_key, sa.func.max(r.received_at))
                                    .group_by(r.type_key)).all())
    types = []
    for key, info in sorted(catalogue.types.items()):
        schema_names = dict.fromkeys((info.request_schema, info.response_schema))
        last = last_in.get(key)
        types.append({
            "key": key, "title": info.title, "role": info.role, "protocol": info.protocol,
            "request_namespace": info.request_namespace,
            "request_type": type_of(info.bus_request).key,
            "response_type": (type_of(info.bus_response).key
                              if info.bus_response is not None else None),
            "schemas": [_schema_state(schemas, n) for n in schema_names],
            "outgoing": out_counts.get(key, {}), "received": in_counts.get(key, {}),
            "last_received_at": as_utc(last) if last is not None else None,
            "polled": polled is None or key in polled,
            "can_compose": info.role == "consumer",
        })
    unknown = sorted((set(out_counts) | set(in_counts)) - set(catalogue.types))
    return {"types": types, "poll": poll_state(db), "load_errors": dict(catalogue.errors),
            "uninstalled": [{"key": k, "outgoing": out_counts.get(k, {}),
                             "received": in_counts.get(k, {})} for k in unknown]}


def states(db: Database, column: str) -> list[str]:
    """The values of outgoing ``status`` or received ``outcome`` to offer in a filter."""
    table, usual = ((outgoing, ["pending", "sent", "failed", "answered"]) if column == "status"
                    else (received, ["taken", "rejected"]))
    with db.read() as conn:
        seen = conn.execute(sa.select(table.c[column]).distinct()).scalars().all()
    return sorted(set(usual) | set(seen))


# -- lists -------------------------------------------------------------------------------------


def outgoing_list(db: Database, flt: Filter, privacy: Privacy, *, before: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> tuple[list[dict[str, Any]], int | None]:
    """What we send, newest first; and the ``before`` of the next page."""
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = (sa.select(o.id, o.kind, o.type_key, o.envelope_id, o.message_id,
                      o.status, o.attempts, o.next_attempt_at,
                      o.last_error, o.created_at, o.updated_at, jm.person)
            .select_from(outgoing.outerjoin(journal_messages, jm.message_id == o.envelope_id))
            .where(*flt.conditions(outgoing, "status", "created_at")))
    if before is not None:
        stmt = stmt.where(o.id < before)
    with db.read() as conn:
        rows = conn.execute(stmt.order_by(o.id.desc()).limit(limit + 1)).all()
    items = [_outgoing_row(row._mapping, privacy) for row in rows[:limit]]
    return items, (items[-1]["id"] if len(rows) > limit else None)


def _outgoing_row(m: sa.RowMapping, privacy: Privacy) -> dict[str, Any]:
    return {
        "id": m["id"], "kind": m["kind"], "type": m["type_key"], "status": m["status"],
        "envelope_id": m["envelope_id"], "message_id": m["message_id"],
        "attempts": m["attempts"],
        "next_attempt_at": as_utc(m["next_attempt_at"]),
        "last_error": privacy.text(m["last_error"])[:500],
        "created_at": as_utc(m["created_at"]), "updated_at": as_utc(m["updated_at"]),
        "person": privacy.person(m["person"]),
    }


def received_list(db: Database, flt: Filter, privacy: Privacy, *, cursor: str | None = None,
                  limit: int = DEFAULT_LIMIT) -> tuple[list[dict[str, Any]], str | None]:
    """What we took in, newest first; and the cursor of the next page."""
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = (sa.select(received, jm.person)
            .select_from(received.outerjoin(journal_messages, jm.message_id == r.envelope_id))
            .where(*flt.conditions(received, "outcome", "received_at")))
    if cursor:
        at, mid = decode_cursor(cursor)
        stmt = stmt.where(sa.or_(r.received_at < at,
                                 sa.and_(r.received_at == at, r.message_id < mid)))
    with db.read() as conn:
        rows = conn.execute(stmt.order_by(r.received_at.desc(), r.message_id.desc())
                            .limit(limit + 1)).all()
    items = [_received_row(row._mapping, privacy) for row in rows[:limit]]
    last = items[-1] if items and len(rows) > limit else None
    return items, (encode_cursor(last["received_at"], last["message_id"]) if last else None)


def _received_row(m: sa.RowMapping, privacy: Privacy) -> dict[str, Any]:
    return {
        "message_id": m["message_id"], "kind": m["kind"], "type": m["type_key"],
        "outcome": m["outcome"], "envelope_id": m["envelope_id"],
        "reference_message_id": m["reference_message_id"],
        "received_at": as_utc(m["received_at"]),
        "acked_at": as_utc(m["acked_at"]) if m["acked_at"] is not None else None,
        "person": privacy.person(m["person"]),
    }


# -- details -----------------------------------------------------------------------------------


def _models(info: InformationType, kind: str) -> tuple[type[BaseModel] | None, ...]:
    """The bus model and the bound model of a request or response, in that order."""
    if kind == "response":
        return info.bus_response, info.response_model
    return info.bus_request, info.request_model


def _model_type(info: InformationType | None, kind: str, key: str | None) -> MessageType | None:
    """The type of the journaled payload: the bus type, or the bound model's for a row
    journaled before the type had a canonical one (``key``: the row's ``type.vN``)."""
    found = [type_of(m) for m in _models(info, kind) if m is not None] if info else []
    return next((mt for mt in found if mt.key == key), found[0] if found else None)


def _bound_names(info: InformationType | None, kind: str) -> PersonalNames:
    """The XML names the type's bound model declares personal."""
    model = _models(info, kind)[1] if info else None
    return NONE if model is None else personal_names(type_of(model))


@dataclass(frozen=True)
class Canonical:
    """What the journal holds of a canonical message: its payload, cause and raw bytes."""

    payload: dict[str, Any] | None = None
    causation_id: str | None = None
    raw_blob_id: str | None = None
    key: str | None = None
    """The message type's ``type.vN``."""


def _canonical(db: Database, envelope_id: str | None) -> Canonical:
    if not envelope_id:
        return Canonical()
    with db.read() as conn:
        row = conn.execute(sa.select(jm.envelope, jm.causation_id, jm.raw_blob_id)
                           .where(jm.message_id == envelope_id)).first()
    if row is None:
        return Canonical()
    try:
        envelope = json.loads(row.envelope)
    except ValueError:
        envelope = {}
    payload = envelope.get("payload")
    return Canonical(payload if isinstance(payload, dict) else None, row.causation_id,
                     row.raw_blob_id, f"{envelope.get('type')}.v{envelope.get('version')}")


def outgoing_detail(db: Database, catalogue: TypeCatalogue, row_id: int,
                    privacy: Privacy) -> dict[str, Any] | None:
    """One row of what we send: its state, its content XML and the canonical payload."""
    with db.read() as conn:
        row = conn.execute(sa.select(outgoing, jm.person).select_from(
            outgoing.outerjoin(journal_messages, jm.message_id == o.envelope_id))
            .where(o.id == row_id)).first()
    if row is None:
        return None
    info = catalogue.types.get(row.type_key)
    found = _canonical(db, row.envelope_id)
    payload, mt = found.payload, _model_type(info, row.kind, found.key)
    answers = None
    if row.kind == "response" and found.causation_id:
        # A response answers the request taken in as its cause.
        with db.read() as conn:
            answers = conn.execute(sa.select(r.message_id).where(
                r.envelope_id == found.causation_id)).scalar()
    item = _outgoing_row(row._mapping, privacy)
    item.update(
        answers=answers,
        title=info.title if info else "тип не установлен",
        payload=privacy.payload(payload, mt) if payload is not None else None,
        content=show_xml(bytes(row.content), privacy, payload, mt,
                         _bound_names(info, row.kind)),
        sent_blob_id=row.sent_blob_id)
    return item


def received_detail(db: Database, catalogue: TypeCatalogue, message_id: str,
                    privacy: Privacy) -> dict[str, Any] | None:
    """One message taken in: its outcome, the canonical payload and the bytes as received."""
    with db.read() as conn:
        row = conn.execute(sa.select(received, jm.person).select_from(
            received.outerjoin(journal_messages, jm.message_id == r.envelope_id))
            .where(r.message_id == message_id)).first()
        if row is None:
            return None
        request = conn.execute(sa.select(o.id).where(
            o.message_id == row.reference_message_id)).scalar()
    info = catalogue.types.get(row.type_key)
    found = _canonical(db, row.envelope_id)
    payload, blob_id = found.payload, found.raw_blob_id
    mt = _model_type(info, row.kind, found.key)
    item = _received_row(row._mapping, privacy)
    stored = blob_bytes(db, blob_id) if blob_id else None
    item.update(
        title=info.title if info else "тип не установлен",
        request_id=request,
        payload=privacy.payload(payload, mt) if payload is not None else None,
        content=show_xml(stored[0], privacy, payload, mt, _bound_names(info, row.kind))
        if stored else None)
    return item


# -- XML for reading ---------------------------------------------------------------------------


def _swaps(payload: Mapping[str, Any], mt: MessageType) -> dict[str, str]:
    """Original → masked for every value masking changes in the canonical payload."""
    swaps: dict[str, str] = {}

    def walk(plain: Any, masked: Any) -> None:
        if isinstance(plain, Mapping) and isinstance(masked, Mapping):
            for key, value in plain.items():
                walk(value, masked.get(key))
        elif isinstance(plain, list) and isinstance(masked, list):
            for a, b in zip(plain, masked, strict=False):
                walk(a, b)
        elif plain is not None and plain != masked:
            swaps[str(plain)] = str(masked)

    walk(payload, mask_payload(payload, mt))
    return swaps


def show_xml(data: bytes, privacy: Privacy, payload: Mapping[str, Any] | None,
             mt: MessageType | None, names: PersonalNames = NONE) -> XmlView:
    """Bytes for reading: XML indented by the hardened parser and masked unless permitted:
    the XML names ``names`` declares personal, and the values the payload's are.

    Without the canonical payload and its type there is no telling which values are
    personal: for a masked reader every value is hidden then and only the structure shows.
    """
    if len(data) > DISPLAY_LIMIT:
        if privacy.unmasked:
            return XmlView(decode_text(data[:DISPLAY_LIMIT]), False,
                           "Показано начало: слишком велико для просмотра.")
        return XmlView("", False, "Слишком велико для просмотра с маскированием.")
    try:
        root = parse(data)
    except UnsafeXml as exc:
        return XmlView(privacy.text(decode_text(data)), False, str(exc))
    if not privacy.unmasked:
        mask_tree(root, names)
        swaps = _swaps(payload, mt) if payload is not None and mt is not None else None
        for el in root.iter():
            _mask_element(el, swaps)
    etree.indent(root, space="  ")
    text = str(etree.tostring(root, encoding="unicode"))
    note = "" if privacy.unmasked or payload is not None else (
        "Значения скрыты: канонического сообщения нет в журнале, персональные данные "
        "не отличить.")
    return XmlView(privacy.text(text), True, note)


def _mask_element(el: etree._Element, swaps: dict[str, str] | None) -> None:
    def hide(value: str) -> str:
        if swaps is None:
            return mask_all(value)
        return swaps.get(value.strip(), value)

    if not isinstance(el.tag, str):  # a comment or processing instruction: free text
        el.text = mask_all(el.text or "")
        return
    for name, value in el.attrib.items():
        el.set(name, hide(value))
    if el.text and el.text.strip():
        el.text = hide(el.text)
    if el.tail and el.tail.strip():
        el.tail = hide(el.tail)
