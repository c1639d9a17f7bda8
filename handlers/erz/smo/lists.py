"""Lists the register sends to insurers: RECLIST, STOPLIST, CONFLICTLIST (ERZ-1, ERZ-2).

- :func:`reclist_for` — the register's records of an insurer's people changed since T;
- :func:`stoplist_for` — policies of an insurer stopped since T (deaths included);
  :func:`stoplist_of` builds one from given change-log entries, and :func:`send_stoplists`
  sends one to every insurer they concern (the ЗАГС deaths flow, with the changes of its
  transaction) — the one STOPLIST builder of the register;
- :func:`conflict_list` — records of an OPLIST that claim a person another insurer holds;
- :func:`send_list` — writes a list, checks it against its XSD and sends it as
  ``files.send`` to the insurer (``recipient`` = the СМО code).

File names follow OMS Hub's local convention (contracts/erz/names.py): ``RECT76S76002_…``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Connection

from contracts.envelope import utcnow
from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.files import erz_schemas, write_checked
from contracts.erz.names import FileName, Party, build_name
from contracts.erz.register import Change, PersonState
from contracts.schemas import SchemaStore
from handlers.erz import models as m
from handlers.erz.mo.notices import send_file
from handlers.erz.register import queries
from handlers.erz.smo import list_views as v
from hub.tx import Tx

STOP_REASONS: dict[str, int] = {"П022": 2}
"""Reason of a stop (R001) → REASON of STOPLIST: 2 death; 1 (any other) another insurer or
a new policy; a local convention, the XSD gives REASON no dictionary."""
CONFLICT_INSURED_ELSEWHERE = 1
"""REASON of a CONFLICT: the person holds a policy of another insurer."""

OutgoingList = (lists.ListProtocol | lists.ReplyList | lists.RecordList | lists.StopList
                | lists.ConflictList)
"""The lists the register writes."""

_SCHEMAS: dict[Path, SchemaStore] = {}


def schemas(root: Path | None) -> SchemaStore | None:
    """The list XSDs under the operator's directory (FPOLIS repaired), cached per directory."""
    if root is None:
        return None
    if root not in _SCHEMAS:
        _SCHEMAS[root] = erz_schemas(root)
    return _SCHEMAS[root]


def list_name(kind: str, smo: str, on: datetime, like: FileName | None = None, *,
              seq: int | None = None) -> str:
    """The name of a list to an insurer: as ``like`` (an answered file), or stamped ``on``
    with the day and ``seq`` (a number unique to the list) or else the time of day."""
    fund = Party("T", like.receiver.code if like else smo[:2])
    if like is not None:
        return build_name(kind, fund, Party("S", smo), like.year, like.month, like.suffix).stem
    stamp = f"{on:%d}{seq}" if seq is not None else f"{on:%d%H%M%S}"
    return build_name(kind, fund, Party("S", smo), on.year, on.month, stamp).stem


def written(model: OutgoingList, store: SchemaStore | None) -> tuple[str, bytes]:
    """The list's file name and bytes, refused (ValueError) when its XSD refuses them."""
    return f"{model.file_name}.xml", write_checked(model, store)


def send_list(tx: Tx, model: OutgoingList, recipient: str,
              store: SchemaStore | None) -> str:
    """Write the list, refuse to send what its XSD refuses, send it; returns the file name."""
    name, data = written(model, store)
    send_file(tx, name, data, recipient)
    return name


def record(state: PersonState, changed: datetime) -> lists.RegisterRecord:
    """A REC of the register: the person on ``state.on``, active while a policy is in force."""
    pol = state.policy
    insurance = v.insurance(state)
    if pol is None or insurance is None:
        raise ValueError(f"{state.enp} has no policy on {state.on}")
    return lists.RegisterRecord(
        register_id=state.id, operation=c.Operation.EDIT,
        state=c.RecordState.ACTIVE if state.alive else c.RecordState.INACTIVE,
        changed=changed, valid_from=datetime.combine(pol.date_begin, datetime.min.time()),
        valid_to=datetime.combine(pol.date_end or v.FAR, datetime.min.time()),
        operator="ТФОМС", person=v.person(state), document=v.document(state),
        registration_address=v.address(state), residence_address=v.address(state, "live"),
        insurance=insurance, attachments=v.attachments(state))


def reclist_for(conn: Connection, smo: str, since: datetime, until: datetime | None = None,
                *, on: date | None = None) -> lists.RecordList | None:
    """RECLIST of the insurer's people whose records changed in ``[since, until)``.

    Each person is written as of ``on`` (default: the day of ``until`` or today) when the
    insurer's policy is in force then; None when there is nothing to send.
    """
    until = until or utcnow()
    on = on or until.date()
    latest: dict[str, datetime] = {}
    for change in queries.changes_since(conn, since, smo=smo, until=until):
        latest[change.enp] = change.at
    records = []
    for enp, changed in latest.items():
        state = queries.person_as_of(conn, enp, on)
        if state.policy is not None and state.policy.smo == smo:
            records.append(record(state, changed))
    if not records:
        return None
    return lists.RecordList(file_name=list_name("REC", smo, until), insurer=smo,
                            period_start=since, period_end=until, count=len(records),
                            records=records)


def stoplist_of(conn: Connection, smo: str, changes: list[Change],
                at: datetime | None = None) -> lists.StopList | None:
    """STOPLIST of the ``stop_policy`` changes among ``changes`` concerning ``smo``.

    PERSON is the person as of the day before the stop, with DDEATH when the stop is a
    death; the name carries the day of ``at`` and the first change id, unique to the list.
    """
    stops, first = [], None
    for change in changes:
        if change.op != "stop_policy" or change.smo != smo or change.effective_date is None:
            continue
        before = queries.person_as_of(conn, change.enp, change.effective_date - timedelta(1))
        now = queries.person_as_of(conn, change.enp, change.effective_date)
        if before.policy is None or before.data is None or now.data is None:
            continue
        first = change.id if first is None else min(first, change.id)
        stopped = v.policy(before.policy).model_copy(update={"stopped": change.effective_date})
        before = replace(before, death=now.death)
        stops.append(lists.StoppedPolicy(
            register_id=now.id, reason=STOP_REASONS.get(change.reason_code or "", 1),
            enp=change.enp, policy=stopped, insurance=v.insurance(before),
            person=v.person(before), document=v.document(before),
            current_person=v.person(now), current_document=v.document(now)))
    if not stops:
        return None
    return lists.StopList(file_name=list_name("STOP", smo, at or utcnow(), seq=first),
                          insurer=smo, office="0", count=len(stops), stops=stops)


def stoplist_for(conn: Connection, smo: str, since: datetime,
                 until: datetime | None = None) -> lists.StopList | None:
    """STOPLIST of the insurer's policies stopped (recorded) in ``[since, until)``."""
    changes = queries.changes_since(conn, since, smo=smo, until=until)
    return stoplist_of(conn, smo, changes, until)


def mark_stoplisted(conn: Connection, changes: list[Change], smo: str, file_name: str,
                    at: datetime) -> None:
    """Remember that ``file_name`` reported the insurer's stops among ``changes`` (so that
    the daily delta, :mod:`handlers.erz.slices.deltas`, does not report them again)."""
    rows = [{"change_id": ch.id, "file_name": file_name, "at": at} for ch in changes
            if ch.op == "stop_policy" and ch.smo == smo]
    if rows:
        conn.execute(m.stoplisted.insert(), rows)


def send_stoplists(tx: Tx, changes: list[Change], at: datetime,
                   store: SchemaStore | None = None) -> list[str]:
    """Send each insurer whose policies ``changes`` stopped its STOPLIST; the file names."""
    sent = []
    for smo in sorted({ch.smo for ch in changes if ch.op == "stop_policy" and ch.smo}):
        stops = stoplist_of(tx.conn, smo, changes, at)
        if stops is not None:
            sent.append(send_list(tx, stops, smo, store))
            mark_stoplisted(tx.conn, changes, smo, sent[-1], at)
    return sent


def conflict(op: lists.OperationRecord, state: PersonState) -> lists.Conflict:
    """A CONFLICT: the insurer's record of the person against the register's current one."""
    return lists.Conflict(
        register_id=state.id, reason=CONFLICT_INSURED_ELSEWHERE, person=op.person,
        document=op.document, insurance=op.insurance, current_person=v.person(state),
        current_document=v.document(state), current_insurance=v.insurance(state))


def conflict_list(smo: str, conflicts: list[lists.Conflict],
                  like: FileName | None, at: datetime) -> lists.ConflictList:
    """CONFLICTLIST to insurer ``smo`` (named after the OPLIST that caused it)."""
    return lists.ConflictList(file_name=list_name("CONF", smo, at, like), insurer=smo,
                              office="0", count=len(conflicts), conflicts=conflicts)
