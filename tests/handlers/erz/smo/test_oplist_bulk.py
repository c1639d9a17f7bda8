"""The OPLIST's bulk path (handlers/erz/oplist/bulk.py) writes what the record-by-record
path writes: the same file through ``on_oplist`` both ways, on SQLite and PostgreSQL, leaves
the same persons (as of several dates), the same version rows and change-log entries (ids,
timestamps and policy fact ids aside) and answers with the same FLK_P and REPLIST."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import AttachmentRef
from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.files import read_file, write_file
from contracts.erz.names import Party, build_name
from contracts.erz.register import Attachment, PersonState, Reason, Source
from contracts.erz_register import PersonChangedV1
from contracts.files import FileReceivedV1
from handlers.erz import models as m
from handlers.erz.oplist import (
    bulk as oplist_bulk,
)
from handlers.erz.oplist import (
    edits as oplist_edits,
)
from handlers.erz.oplist import (
    read as oplist_read,
)
from handlers.erz.oplist import (
    records as oplist_records,
)
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.service import ErzHandler
from handlers.erz.smo import exchange as smo_exchange
from hub.outbox import envelope_for
from hub.settings import Settings
from hub.testing import worker
from storage.db import Database
from storage.journal import load_blob, store_blob
from storage.models import metadata as hub_metadata
from tests.handlers.erz.register.conftest import FERZL
from tests.handlers.erz.smo.builders import SMO_A, SMO_B, bad_snils, load, oplist, people, record

TABLES = (m.person_data, m.snils, m.documents, m.policies, m.attachments, m.deaths,
          m.addresses, m.contacts)
IGNORED = {"id", "person_id", "at", "recorded_at", "superseded_at", "fact_id", "created_at",
           "source_message_id"}
DATES = (date(2020, 1, 1), date(2024, 12, 19), date(2024, 12, 20), date(2025, 6, 1))


def _file() -> tuple[list[Any], list[Any], list[str]]:
    (new0, new1, new2, flk, early, twice, own, other, claimed, unknown, moved,
     annulled) = people(*range(40, 52))
    own2, attached, later, unborn, redoc = people(52, 53, 55, 56, 57)
    op = c.Operation
    ops = [
        record(1, new0, op.ISSUE_POLICY),
        record(2, new1, op.REINSURANCE),
        record(3, flk, op.ISSUE_POLICY, snils=bad_snils(flk)),
        record(4, new2, op.TEMPORARY_CERTIFICATE),
        record(5, early, op.ISSUE_POLICY, begin=date(1901, 1, 1)),
        record(6, twice, op.ISSUE_POLICY),
        record(7, own, op.EDIT, surname="Кузнецова-Бальмонт"),
        record(8, other, op.EDIT, surname="Кузнецова-Бальмонт"),
        record(9, claimed, op.ISSUE_POLICY),
        record(10, unknown, op.EDIT, surname="Никто"),
        record(11, twice, op.EDIT, surname="Дважды"),
        record(12, moved, op.REINSURANCE),
        record(13, annulled, op.ANNUL),
        # edits of persons named once: these four the bulk edit path takes …
        record(14, own2, op.EDIT, surname="Смирнова-Ким"),
        record(15, attached, op.EDIT, surname="Прикреплённая"),
        record(16, later, op.EDIT, surname="До-Поправки"),  # a later version stays
        # … not these: refused 301 by change_data, and a document change
        _born(record(17, unborn, op.EDIT, surname="Нерождённая"), date(2030, 1, 1)),
        record(18, redoc, op.EDIT, surname="Сменившая", doc_number="999999"),
    ]
    insured = [(own, SMO_A), (other, SMO_B), (claimed, SMO_B), (moved, SMO_A),
               (annulled, SMO_A), (own2, SMO_A), (attached, SMO_A), (later, SMO_A),
               (unborn, SMO_A), (redoc, SMO_A)]
    enps = [o.insurance.enp for o in ops]
    return ops, insured, enps


def _born(op: lists.OperationRecord, birth: date) -> lists.OperationRecord:
    return op.model_copy(update={"person": op.person.model_copy(update={"birth_date": birth})})


def _prepare(conn: Connection) -> None:
    """A clinic for one edited person, and a later version of another's data."""
    attached, later = people(53, 55)
    reg = Register(conn, Source("test"))
    reg.attach(attached.enp, Attachment("760101", date(2024, 1, 1), district="7"),
               Reason("П010"))
    reg.change_data(later.enp, date(2025, 3, 1), Reason(), patronymic="Позднее")


def _norm(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if k != "fact_id"}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _state(state: PersonState) -> PersonState:
    """The state without its id and fact ids (random, or assigned by the database)."""
    return replace(state, id=0, policy=state.policy and replace(state.policy, fact_id=""),
                   attachment=state.attachment and replace(state.attachment, fact_id=""))


def _snapshot(conn: Connection, enps: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for enp in enps:
        pid = conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).scalar()
        if pid is None:
            out[enp] = None
            continue
        log = list(conn.execute(sa.select(m.changes).where(m.changes.c.person_id == pid)
                                .order_by(m.changes.c.id)).mappings())
        index = {r["id"]: i for i, r in enumerate(log)}
        versions = {}
        for table in TABLES:
            rows = conn.execute(sa.select(table).where(table.c.person_id == pid)).mappings()
            versions[table.name] = sorted(repr({
                k: (index.get(v) if k in ("change_id", "superseded_by") else _norm(v))
                for k, v in r.items() if k not in IGNORED} | {
                "superseded": r["superseded_at"] is not None}) for r in rows)
        out[enp] = {
            "log": [_norm({k: v for k, v in r.items() if k not in IGNORED}) for r in log],
            "versions": versions,
            "as_of": [_state(queries.person_as_of(conn, enp, on)) for on in DATES],
        }
    return out


def _run(db: Database, bulk: bool, monkeypatch: pytest.MonkeyPatch,
         blind: bool = False) -> dict[str, Any]:
    ops, insured, enps = _file()
    name = build_name("OP", Party("S", SMO_A), Party("T", "76"), 2024, 12, "201").stem
    data = write_file(oplist(name, ops))
    taken: list[int] = []
    edited: list[int] = []
    with monkeypatch.context() as patch:
        if bulk:
            def spy(conn: Connection, batch: oplist_bulk.Batch) -> bool:
                written = real_write(conn, batch)
                if written:  # the new persons' batches carry persons, the edits' do not
                    (taken if batch.persons else edited).extend(batch.records)
                return written
            real_write = oplist_bulk.write
            patch.setattr(oplist_bulk, "write", spy)
            if blind:  # the bulk path does not see who is registered: its COPY fails
                patch.setattr(oplist_records, "fresh_persons", lambda found, read: found)
        else:
            patch.setattr(oplist_bulk, "prepare", lambda *args: None)
            patch.setattr(oplist_edits, "plan", lambda *args: [])
            patch.setattr(oplist_read, "states_of", lambda *args: {})
        with db.engine.connect() as conn:
            outer = conn.begin()
            load(conn, insured)
            _prepare(conn)
            blob = store_blob(conn, data, "application/xml")
            payload = FileReceivedV1(drop="test", file_name=f"{name}.xml", size=len(data),
                                     sha256="0" * 64, format_key=smo_exchange.FORMAT_KEY,
                                     sender=SMO_A,
                                     received_at=datetime(2024, 12, 21, 9, tzinfo=UTC))
            env = envelope_for(payload, source="adapter.files", attachments=[AttachmentRef(
                blob_id=blob, name=f"{name}.xml", media_type="application/xml",
                size=len(data))])
            done = worker(ErzHandler, db, settings=Settings(schemas_dir=FERZL)).call(
                env, conn=conn)
            sent: dict[str, Any] = {}
            for out in (e for e in done if e.attachments):  # the files; then the changes
                ref = out.attachments[0]
                body = load_blob(conn, ref.blob_id) or b""
                if ref.name.startswith("REP"):
                    rep = read_file(body, lists.ReplyList)
                    assert isinstance(rep, lists.ReplyList)
                    sent["REP"] = [(r.record, r.result, re.sub(r"№ \d+", "№ …", r.comment),
                                    r.register_id is None)
                                   for r in rep.replies]
                elif ref.name.startswith("CONFLICT") or ref.name.startswith("C"):
                    sent.setdefault("conflicts", []).append(ref.name)
                else:
                    sent[ref.name] = body
            files = conn.execute(sa.select(
                m.exchange_files.c.records, m.exchange_files.c.applied,
                m.exchange_files.c.refused, m.exchange_files.c.buffered)).all()
            snap = {"register": _snapshot(conn, list(dict.fromkeys(enps))), "sent": sent,
                    "files": files,
                    "changes": [_norm(x.model_dump(exclude={"change_id", "recorded_at"}))
                                for x in done.of(PersonChangedV1)],
                    "taken": sorted(taken), "edited": sorted(edited)}
            outer.rollback()
    return snap


def test_bulk_path_writes_what_the_record_by_record_path_writes(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    hub_metadata.create_all(db.engine)
    one_by_one = _run(db, False, monkeypatch)
    bulk = _run(db, True, monkeypatch)
    # the plain new persons (records 1, 2 and 4) went the bulk way; nothing else did
    assert bulk.pop("taken") == [0, 1, 3]
    assert one_by_one.pop("taken") == []
    # the edits of personal data only, of persons named once, that change_data would make
    # (own insured, with a clinic, with a later version) went the bulk edit way
    assert bulk.pop("edited") == [6, 13, 14, 15]
    assert one_by_one.pop("edited") == []
    assert bulk["files"] == one_by_one["files"]
    assert bulk["sent"] == one_by_one["sent"]
    assert bulk["changes"] == one_by_one["changes"]
    for enp, state in one_by_one["register"].items():
        assert bulk["register"][enp] == state, enp
    results = dict((r[0], r[1]) for r in bulk["sent"]["REP"])
    assert results["1"] == results["2"] == results["4"] == results["7"] == "AA"
    assert results["3"] == results["10"] == results["17"] == "AE"
    assert results["14"] == results["15"] == results["16"] == results["18"] == "AA"
    log = bulk["register"][people(53)[0].enp]["log"]
    assert (log[-1]["op"], log[-1]["smo"], log[-1]["mo"]) == ("change_data", SMO_A, "760101")
    later = bulk["register"][people(55)[0].enp]["as_of"]
    assert later[-1].data is not None and later[-1].data.surname != "До-Поправки"
    assert one_by_one["register"][people(40)[0].enp] is not None


def test_a_bulk_write_the_database_refuses_falls_back_to_record_by_record(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    hub_metadata.create_all(db.engine)
    one_by_one = _run(db, False, monkeypatch)
    fallback = _run(db, True, monkeypatch, blind=True)
    assert fallback.pop("taken") == []
    one_by_one.pop("taken")
    fallback.pop("edited")
    one_by_one.pop("edited")
    assert fallback == one_by_one
