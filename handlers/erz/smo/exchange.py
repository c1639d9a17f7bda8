"""An insurer's OPLIST in, FLK_P and REPLIST (and CONFLICTLIST) out (ERZ-1, ERZ-6, ERZ-7).

``files.received`` with format ``erz.oplist`` (see :mod:`handlers.erz.flows`):

1. a file name already processed for this insurer → FLK_P ``906``, nothing applied;
2. the file is read and validated against ``OPLIST.xsd``; problems inside records take only
   those records out (each listed in FLK_P, a dictionary value with its 2xx code); any other
   problem (not XML, not an OPLIST, a broken header) → FLK_P of the problems, nothing applied;
3. a name outside the convention or an SMOCOD that is not the sender → FLK_P ``907``/``908``;
4. each record: ФЛК, then applied, buffered or refused (:mod:`handlers.erz.oplist.records`);
   a person insured by another insurer claimed by a new policy → CONFLICTLIST to both;
5. FLK_P (the refused records) and REPLIST (one REP per record read) go to the sender.

Every file written is checked against its XSD before it is sent; the register's changes are
returned for ``erz.person.changed``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.engine import Connection

from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.files import (
    SCHEMA,
    STRUCTURE,
    VALUE,
    FileRefused,
    Problem,
    read_file,
)
from contracts.erz.names import BadFileName, FileName, parse_name
from contracts.erz.register import Change, Source
from contracts.files import FileReceivedV1
from contracts.schemas import SchemaStore
from contracts.xmlsafe import parse
from handlers.erz import models as m
from handlers.erz.mo.notices import send_file
from handlers.erz.oplist import records
from handlers.erz.register import flk
from handlers.erz.register.commands import dictionaries
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.smo import lists as smo_lists
from hub.collector import paused
from hub.component import Message
from hub.progress import Progress
from hub.tx import Tx
from storage.journal import load_blob
from storage.lane import Lane

COMPONENT = "handler.erz"
FORMAT_KEY = "erz.oplist"


LARGE = 500
"""Records from which an OPLIST's handling is shown on «Выполнение» (hub/progress.py)."""


def on_oplist(message: Message[FileReceivedV1], tx: Tx, schemas_dir: Path | None) -> list[Change]:
    """Process one received OPLIST; returns the register's changes."""
    p = message.payload
    data = load_blob(tx.conn, p.file(message.envelope).blob_id) or b""
    stem = p.file_name.rsplit(".", 1)[0] if p.file_name.lower().endswith(".xml") else p.file_name
    store = smo_lists.schemas(schemas_dir)
    sender = p.sender
    try:
        name: FileName | None = parse_name(stem)
    except BadFileName:
        name = None
    if _processed(tx.conn, sender, stem):
        _protocol(tx, stem, sender, [flk.entry("906", base="FILENAME")], store)
        return []
    try:
        with paused():
            oplist, problems = _read(data, store)
    except FileRefused as refused:
        _remember(tx.conn, sender, message, stem, "refused")
        _protocol(tx, stem, sender, [flk.of_problem(x) for x in refused.problems], store)
        return []
    file_errors = []
    if name is None:
        file_errors.append(flk.entry("907", field="FILENAME"))
    if sender and oplist.insurer != sender:
        file_errors.append(flk.entry("908", field="SMOCOD"))
    if file_errors:
        _remember(tx.conn, sender, message, stem, "refused")
        _protocol(tx, stem, sender or oplist.insurer, file_errors, store)
        return []
    with paused():  # the whole file's records are alive until it is answered
        return _process(tx, message, oplist, name, problems, store, schemas_dir)


def _process(tx: Tx, message: Message[FileReceivedV1], oplist: lists.OperationList,
             name: FileName | None, problems: list[Problem], store: SchemaStore | None,
             schemas_dir: Path | None) -> list[Change]:
    p, smo, ops = message.payload, oplist.insurer, oplist.operations
    source = Source(COMPONENT, user=f"{smo}/OPLIST", message_id=message.id, file=p.file_name)
    dicts = dictionaries(schemas_dir)
    task = tx.progress(f"Список операций СМО {smo}: {p.file_name}", total=len(ops),
                       stage="Проверка и решение по записям") if len(ops) >= LARGE else None
    try:
        return _decide(tx, message, oplist, name, problems, store, dicts, source, task)
    except BaseException as exc:
        if task is not None:
            task.fail(f"Ошибка: {type(exc).__name__}: {exc}"[:2000])
        raise


def _decide(tx: Tx, message: Message[FileReceivedV1], oplist: lists.OperationList,
            name: FileName | None, problems: list[Problem], store: SchemaStore | None,
            dicts: Dictionaries, source: Source, task: Progress | None) -> list[Change]:
    p, smo, ops = message.payload, oplist.insurer, oplist.operations
    stem = oplist.file_name if name is None else name.stem
    # The file's plain new persons and plain edits are decided at once and their rows
    # written by the lane while the answers are built; the other records go one by one
    # (oplist_records.take_file).
    with Lane(tx.conn) as lane:
        taken = records.take_file(lane, ops, smo, source, dicts)
        outcomes = taken.outcomes | taken.rest.result()
        if task is not None:
            task.stage("Запись в регистр и ответы СМО", done=len(outcomes))
        answers = _answers(oplist, name, p.received_at, problems, outcomes, store)
        lane.idle()
    refused = [i for future, batch in taken.writes if not future.result()
               for i in batch.records]
    if refused:  # a concurrent transaction got there first: these go one by one after all
        outcomes |= records.one_by_one(tx.conn, ops, sorted(refused), smo, source, dicts)
        answers = _answers(oplist, name, p.received_at, problems, outcomes, store)
    counts = {"applied": 0, "refused": 0, "buffered": 0}
    for out in outcomes.values():
        counts[records.REFUSED if out.error is not None else out.status] += 1
    _remember(tx.conn, smo, message, stem, "processed", len(ops), counts)
    for file_name, data, recipient in answers:
        send_file(tx, file_name, data, recipient)
    if task is not None:
        task.update(len(ops))
        task.finish(f"Записей: {len(ops)}; применено {counts['applied']}, отказано "
                    f"{counts['refused']}, в буфер {counts['buffered']}")
    return [change for i in range(len(ops)) for change in outcomes[i].changes]


Answer = tuple[str, bytes, str]
"""A file to send: name, bytes (checked against its XSD), recipient."""


def _answers(oplist: lists.OperationList, name: FileName | None, received: datetime,
             problems: list[Problem], outcomes: dict[int, records.Outcome],
             store: SchemaStore | None) -> list[Answer]:
    """FLK_P (the refused records), REPLIST (a reply to each record, in the order of the
    file) and a CONFLICTLIST to each insurer concerned by a conflict."""
    smo = oplist.insurer
    stem = oplist.file_name if name is None else name.stem
    errors = [flk.of_problem(x) for x in problems]
    replies = []
    conflicts: dict[str, list[lists.Conflict]] = defaultdict(list)
    for i, op in enumerate(oplist.operations):
        out = outcomes[i]
        if out.status == records.CONFLICT and out.state is not None and out.other_smo:
            conflict = smo_lists.conflict(op, out.state)
            conflicts[smo].append(conflict)
            conflicts[out.other_smo].append(conflict)
        if out.error is not None:
            errors += flk.of_error(out.error, op.record)
            first = out.error.failures[0]
            replies.append(lists.Reply(record=op.record, register_id=out.person_id,
                                       result="AE", comment=f"{first.code}: {first.message}",
                                       insurance=op.insurance))
            continue
        comment = (flk.comment("501", f"№ {out.buffer_id}: {out.note}")
                   if out.status == records.BUFFERED else "принято")
        replies.append(lists.Reply(record=op.record, register_id=out.person_id, result="AA",
                                   comment=comment, insurance=op.insurance))
    rep = lists.ReplyList(
        file_name=smo_lists.list_name("REP", smo, received, name), insurer=smo,
        office=oplist.office, count=len(replies),
        errors=sum(1 for r in replies if r.result != "AA"), replies=replies)
    out_lists: list[tuple[smo_lists.OutgoingList, str]] = [
        (_protocol_list(stem, errors), smo), (rep, smo)]
    out_lists += [(smo_lists.conflict_list(insurer, found, name, received), insurer)
                  for insurer, found in conflicts.items()]
    return [(*smo_lists.written(model, store), recipient) for model, recipient in out_lists]


def _read(data: bytes, store: SchemaStore | None) -> tuple[lists.OperationList, list[Problem]]:
    """The OPLIST, without the records that have problems (returned with them)."""
    try:
        return read_file(data, lists.OperationList, schemas=store), []  # type: ignore[return-value]
    except FileRefused as refused:
        problems = refused.problems
        if not all(x.record and x.code in (SCHEMA, VALUE, STRUCTURE) for x in problems):
            raise
        bad = {x.record for x in problems}
        root = parse(data)
        ns = c.NS
        kept = 0
        for op in root.findall(f"{{{ns}}}OP"):
            if (op.findtext(f"{{{ns}}}N_REC") or "").strip() in bad:
                root.remove(op)
            else:
                kept += 1
        if kept == 0:
            raise
        count = root.find(f"{{{ns}}}NRECORDS")
        if count is not None:
            count.text = str(kept)
        rest = etree.tostring(root, xml_declaration=True, encoding="utf-8")
        try:
            model = read_file(rest, lists.OperationList, schemas=store)
        except FileRefused:
            raise refused from None
        return model, problems  # type: ignore[return-value]


def _processed(conn: Connection, sender: str, stem: str) -> bool:
    t = m.exchange_files
    return conn.execute(sa.select(t.c.id).where(
        t.c.organisation == sender, t.c.file_name == stem)).first() is not None


def _remember(conn: Connection, organisation: str, message: Message[FileReceivedV1], stem: str,
              outcome: str, total: int = 0, counts: dict[str, int] | None = None) -> None:
    p, counts = message.payload, counts or {}
    conn.execute(m.exchange_files.insert(), {
        "organisation": organisation or p.sender, "file_name": stem, "sha256": p.sha256,
        "message_id": message.id, "format_key": FORMAT_KEY, "received_at": p.received_at,
        "outcome": outcome, "records": total, "applied": counts.get("applied", 0),
        "refused": counts.get("refused", 0), "buffered": counts.get("buffered", 0)})


def _protocol_list(stem: str, errors: list[lists.ListError]) -> lists.ListProtocol:
    """FLK_P answering ``stem`` (named ``F`` + its name)."""
    return lists.ListProtocol(file_name=f"F{stem}", source_file=stem, errors=errors)


def _protocol(tx: Tx, stem: str, recipient: str, errors: list[lists.ListError],
              store: SchemaStore | None) -> None:
    """FLK_P answering ``stem`` to the sender."""
    smo_lists.send_list(tx, _protocol_list(stem, errors), recipient, store)

