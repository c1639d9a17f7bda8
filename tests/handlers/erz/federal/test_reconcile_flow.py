"""The reconciliation's messages on both footprints, without a broker: a run sends its three
calls; ФЕРЗЛ's answers (caused by them, the zipped CSV attached as a blob) are taken one by
one; when the three are in, the comparison runs and each person in doubt is asked; their
answers close the run with its counts. A file that cannot be read, or a mass operation ФЕРЗЛ
refused, fails the run with the cause in Russian; an answer to no call of the run's is not
the reconciliation's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import AttachmentRef, Envelope
from contracts.ferzl import FerzlAnswerV1, FerzlCallV1, FerzlMessage, FerzlPerson
from handlers.erz.federal import reconcile
from handlers.erz.federal.reconcile_tables import calls, runs
from hub.tx import Tx
from storage.db import Database
from storage.journal import store_blob
from storage.models import metadata as hub_metadata
from tests.handlers.erz.federal.conftest import AT, ON, build

FILE_OF = {"getViewDataInsuranceStart": "insurance", "getAllCurrentEnpStart": "current",
           "getViewDataAttachStart": "attach"}
MERGED_INTO = "7600000000000026"
DIED = date(2024, 12, 10)


def _start(conn: Connection) -> int:
    def send(models: Sequence[FerzlCallV1]) -> list[str]:
        return [f"call-{m.operation}" for m in models]
    return reconcile.start(conn, send, territory="78000", on=ON, by="тест", at=AT)


def _answer(conn: Connection, call_id: str, answer: FerzlAnswerV1,
            data: bytes | None = None) -> tuple[bool, Tx]:
    attachments = [AttachmentRef(blob_id=store_blob(conn, data, "application/zip"),
                                 name="result.zip", media_type="application/zip",
                                 size=len(data))] if data is not None else []
    env = Envelope(type="ferzl.answer", version=1, source="adapter.ferzl",
                   causation_id=call_id, payload=answer.model_dump(mode="json"),
                   attachments=attachments)
    tx = Tx(conn, env, "handler.erz")
    return reconcile.on_answer(tx, env, answer, AT), tx


def _ok(operation: str, person: FerzlPerson | None = None) -> FerzlAnswerV1:
    return FerzlAnswerV1(operation=operation, state="ok", message=FerzlMessage(
        operation=operation, release="23.4.7", direction="answer",
        persons=[person] if person else []))


def _run(conn: Connection) -> Any:
    return conn.execute(sa.select(runs)).mappings().one()


def test_a_run_from_its_calls_to_its_counts(db: Database) -> None:
    hub_metadata.create_all(db.engine)
    world = build(db)
    with db.transaction() as conn:
        _start(conn)
        sent = list(conn.execute(sa.select(calls.c.message_id, calls.c.operation)))
        assert sorted(o for _, o in sent) == sorted(FILE_OF)
        assert _answer(conn, "somebody-else", _ok("getPersonData"))[0] is False
        for i, (call_id, operation) in enumerate(sent):
            taken, tx = _answer(conn, call_id, _ok(operation), world.files[FILE_OF[operation]])
            assert taken
            assert _run(conn)["state"] == ("checking" if i == 2 else "requested")
        asked = {e.id: e for e in tx.sent}
        assert {e.payload["operation"] for e in asked.values()} == {"getPersonData"}
        doubts = {r.enp: r.message_id for r in conn.execute(sa.select(
            calls.c.enp, calls.c.message_id).where(calls.c.operation == "getPersonData"))}
        assert set(doubts) == {e for e, _ in world.doubts} and set(doubts.values()) == set(asked)
    merged = next(e for e, d in world.doubts if d == "missing")
    dead = next(e for e, d in world.doubts if d == "not_current")
    with db.transaction() as conn:
        _answer(conn, doubts[merged], _ok("getPersonData", FerzlPerson(enp=MERGED_INTO)))
        assert _run(conn)["state"] == "checking"
        _answer(conn, doubts[dead], _ok("getPersonData", FerzlPerson(enp=dead, death_date=DIED)))
        run = _run(conn)
    assert run["state"] == "done" and run["finished_at"] is not None
    assert run["counts"] == {"insurer": 1, "snils": 1, "attachment": 1, "absent": 1,
                             "death": 2, "merged": 1}
    assert run["broken_rows"] == 1 and run["broken"][0]["line"] == 4


def test_a_file_that_cannot_be_read_fails_the_run(db: Database) -> None:
    hub_metadata.create_all(db.engine)
    world = build(db)
    with db.transaction() as conn:
        _start(conn)
        for call_id, operation in list(conn.execute(sa.select(calls.c.message_id,
                                                              calls.c.operation))):
            data = b"PK\x03\x04 not really a zip" if FILE_OF[operation] == "attach" \
                else world.files[FILE_OF[operation]]
            _answer(conn, call_id, _ok(operation), data)
        run = _run(conn)
    assert run["state"] == "failed" and run["error"].startswith("файл ФЕРЗЛ не прочитан")


def test_a_mass_operation_refused_fails_the_run_with_the_cause(db: Database) -> None:
    hub_metadata.create_all(db.engine)
    with db.transaction() as conn:
        _start(conn)
        call_id = conn.execute(sa.select(calls.c.message_id)).scalars().first()
        assert call_id is not None
        refused = FerzlAnswerV1(operation="getAllCurrentEnpStart", state="ferzl.poll_timeout",
                                error="токен не завершился за 3600 с")
        _answer(conn, call_id, refused)
        run = _run(conn)
    assert run["state"] == "failed"
    assert "токен не завершился за 3600 с" in run["error"]
