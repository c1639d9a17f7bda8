"""«Сверка регистра с ФЕРЗЛ» (ERZ-4): the whole register against the federal one, in a run.

A run (:func:`start`: the monthly job or an operator in the console) sends three
``ferzl.call`` of the mass operations for the region's territory — getViewDataInsurance,
getAllCurrentEnp, getViewDataAttach — and remembers each in ``erz_ferzl_reconcile_calls`` by
its envelope id. The ФЕРЗЛ adapter starts, polls and answers each once with ``ferzl.answer``
(caused by the call) and the zipped CSV attached as a blob. :func:`on_answer` takes the
answers of our calls (an answer to no call of ours returns False: someone else's). When the
three files are in, :mod:`.reconcile_compare` reads them as streams into temporary tables,
compares them in SQL with the register on the run's date and writes the sure discrepancies;
for each person the files leave in doubt it asks ``getPersonData``:

- a person the region insures whom ФЕРЗЛ's territory list lacks: ФЕРЗЛ answers another ЕНП
  → ``merged`` (the ЕНП was merged into that one); no such person → ``regional`` (only the
  region has them); the same ЕНП → ``policy`` (insured elsewhere or not in force);
- a person ФЕРЗЛ lists but not as current: a death date → ``death``; else ``policy``.

When no call of the run waits any longer the run is ``done`` with its counts by kind. A
mass operation ФЕРЗЛ refused fails the run with the cause, in Russian.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import Envelope
from contracts.ferzl import FerzlAnswerV1, FerzlCallV1, FerzlPerson
from handlers.erz.federal import reconcile_compare as compare
from handlers.erz.federal.reconcile_tables import calls, discrepancies, runs
from hub.progress import Progress
from hub.tx import Tx
from storage.journal import load_blob

log = logging.getLogger(__name__)

TITLE = "Сверка регистра с ФЕРЗЛ"
REQUESTED, CHECKING, DONE, FAILED = "requested", "checking", "done", "failed"
PENDING, ANSWERED, REFUSED = "pending", "answered", "failed"
PERSON_CALL = "getPersonData"
ZIP = "application/zip"
STALE_AFTER = timedelta(days=3)
"""How long a run may wait for ФЕРЗЛ's answers before a new run fails it."""
STATE_TEXT = {REQUESTED: "ждёт файлы ФЕРЗЛ", CHECKING: "уточняет лиц в ФЕРЗЛ",
              DONE: "завершена", FAILED: "не удалась"}


def mass_calls(territory: str, on: date) -> list[FerzlCallV1]:
    """The three ``ferzl.call`` of a run, in :data:`compare.FILES` order."""
    purpose = f"{TITLE}: территория {territory} на {on:%d.%m.%Y}"
    return [
        FerzlCallV1(operation="getViewDataInsuranceStart", purpose=purpose,
                    params={"territory": territory, "on_date": on.isoformat()}),
        FerzlCallV1(operation="getAllCurrentEnpStart", purpose=purpose,
                    params={"territory": territory, "on_date": on.isoformat()}),
        FerzlCallV1(operation="getViewDataAttachStart", purpose=purpose,
                    params={"on_date": on.isoformat(), "criteria": [
                        {"field": "smo_okato", "negated": 0, "value": territory}]}),
    ]


Send = Callable[[Sequence[FerzlCallV1]], list[str]]
"""Sends calls in the caller's transaction; returns their envelope ids."""


def start(conn: Connection, send: Send, *, territory: str, on: date, by: str,
          at: datetime) -> int:
    """Open a run and send its mass calls (in the caller's transaction); the run's id."""
    key = conn.execute(runs.insert().values(
        started_at=at, on_date=on, territory=territory, started_by=by, state=REQUESTED,
        counts={})).inserted_primary_key
    assert key is not None
    run_id = int(key[0])
    sent = mass_calls(territory, on)
    ids = send(sent)
    conn.execute(calls.insert(), [
        {"run_id": run_id, "message_id": mid, "operation": call.operation, "status": PENDING,
         "requested_at": at} for mid, call in zip(ids, sent, strict=True)])
    return run_id


def running(conn: Connection, now: datetime | None = None) -> int | None:
    """The id of a run not finished yet (one at a time), None when there is none; with
    ``now``, a run that waited longer than :data:`STALE_AFTER` for ФЕРЗЛ is failed first
    (an answer lost for good must not block every later run)."""
    if now is not None:
        conn.execute(runs.update().where(
            runs.c.state.in_((REQUESTED, CHECKING)), runs.c.started_at < now - STALE_AFTER)
            .values(state=FAILED, finished_at=now,
                    error=f"ФЕРЗЛ не ответил за {STALE_AFTER.days} сут.: сверка прервана"))
    return conn.execute(sa.select(runs.c.id).where(runs.c.state.in_((REQUESTED, CHECKING)))
                        .order_by(runs.c.id.desc()).limit(1)).scalar()


def on_answer(tx: Tx, envelope: Envelope, answer: FerzlAnswerV1, at: datetime,
              max_checks: int = 20000) -> bool:
    """Take ФЕРЗЛ's answer to one of our calls; False when it answers no call of ours."""
    conn = tx.conn
    call = conn.execute(sa.select(calls).where(
        calls.c.message_id == (envelope.causation_id or ""))).mappings().first()
    if call is None:
        return False
    run = conn.execute(sa.select(runs).where(runs.c.id == call["run_id"])
                       .with_for_update()).mappings().one()
    if call["status"] != PENDING or run["state"] not in (REQUESTED, CHECKING):
        log.info("ferzl.answer %s: its call was answered already", envelope.id)
        return True
    blob = next((a.blob_id for a in envelope.attachments if a.media_type == ZIP), None)
    conn.execute(calls.update().where(calls.c.id == call["id"]).values(
        status=ANSWERED if answer.ok else REFUSED, answered_at=at, blob_id=blob,
        error=(answer.error or answer.state)[:2000] if not answer.ok else None))
    if call["operation"] == PERSON_CALL:
        _person_answered(conn, run, call, answer)
    elif not answer.ok or blob is None:
        _fail(conn, run["id"], at, f"ФЕРЗЛ не выдал результат {call['operation']}: "
              + (answer.error or "нет вложения с файлом"))
        return True
    elif _waiting(conn, run["id"]) == 0:
        _compare(tx, run, at, max_checks)
    if run["state"] != FAILED and _waiting(conn, run["id"]) == 0 and _compared(conn, run["id"]):
        _finish(conn, run["id"], at)
    return True


def _waiting(conn: Connection, run_id: int) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(calls).where(
        calls.c.run_id == run_id, calls.c.status == PENDING)).scalar() or 0)


def _compared(conn: Connection, run_id: int) -> bool:
    state = conn.execute(sa.select(runs.c.state).where(runs.c.id == run_id)).scalar()
    return state == CHECKING


def _files(conn: Connection, run_id: int) -> dict[str, bytes]:
    by_operation = {row.operation: row.blob_id for row in conn.execute(sa.select(
        calls.c.operation, calls.c.blob_id).where(calls.c.run_id == run_id,
                                                  calls.c.enp.is_(None)))}
    files = {}
    for name, operation in compare.OPERATIONS.items():
        blob_id = by_operation.get(f"{operation}Start")
        data = load_blob(conn, blob_id) if blob_id else None
        if data is None:
            raise LookupError(f"нет файла {operation} в хранилище")
        files[name] = data
    return files


def _compare(tx: Tx, run: Any, at: datetime, max_checks: int) -> None:
    """The three files are in: compare, then ask about each person left in doubt."""
    conn = tx.conn
    try:
        files = _files(conn, run["id"])
    except LookupError as exc:
        _fail(conn, run["id"], at, str(exc))
        return
    task: Progress = tx.progress(TITLE, stage="Чтение файлов ФЕРЗЛ и сравнение с регистром")
    with task:
        try:
            with conn.begin_nested():  # a file that cannot be read leaves nothing behind
                outcome = compare.compare(conn, run["id"], run["on_date"], dict(files),
                                          task.advance, max_doubts=max_checks)
        except (ValueError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
            task.fail(f"Файл ФЕРЗЛ не прочитан: {exc}")
            _fail(conn, run["id"], at, f"файл ФЕРЗЛ не прочитан: {exc}")
            return
        task.finish(f"Прочитано строк: {outcome.rows_read}; уточняется лиц: "
                    f"{len(outcome.doubts)}")
    conn.execute(runs.update().where(runs.c.id == run["id"]).values(
        state=CHECKING, rows_read=outcome.rows_read, broken_rows=outcome.broken_count,
        broken=outcome.broken))
    sent = [(enp, doubt, tx.send(FerzlCallV1(
        operation=PERSON_CALL, purpose=f"{TITLE}: уточнение ЗЛ",
        params={"params": {"search": {"policy": {"enp": enp}},
                           "show": ["Person", "OmsPolicy"]}})))
        for enp, doubt in outcome.doubts]
    if sent:
        conn.execute(calls.insert(), [
            {"run_id": run["id"], "message_id": env.id, "operation": PERSON_CALL, "enp": enp,
             "doubt": doubt, "status": PENDING, "requested_at": at}
            for enp, doubt, env in sent])


def _subject(answer: FerzlAnswerV1) -> FerzlPerson | None:
    if not answer.ok or answer.message is None:
        return None
    return next((p for p in answer.message.persons if p.role == "person"), None)


def judge(enp: str, doubt: str, answer: FerzlAnswerV1) -> dict[str, Any]:
    """The discrepancy a person in doubt is, by ФЕРЗЛ's getPersonData answer."""
    person = _subject(answer)
    federal_enp = (person.enp or next((p.enp for p in person.policies if p.enp), None)
                   if person is not None else None)
    status = _status(person)
    if person is None:
        why = "нет в ФЕРЗЛ" if answer.state == "ferzl.flk_rejected" or answer.ok else \
            f"ФЕРЗЛ не ответил: {answer.error or answer.state}"
        return {"kind": "regional" if doubt == "missing" else "policy",
                "federal": why[:255], "regional": "застрахован"}
    if federal_enp and federal_enp != enp:
        return {"kind": "merged", "federal": federal_enp, "regional": enp}
    if person.death_date is not None:
        return {"kind": "death", "federal": person.death_date.strftime("%d.%m.%Y"),
                "regional": "", "federal_on": person.death_date}
    return {"kind": "policy", "federal": status or "полис не действует",
            "regional": "полис действует"}


def _status(person: FerzlPerson | None) -> str:
    if person is None:
        return ""
    policy = next(iter(person.policies), None)
    parts = [f"статус {policy.status}" if policy and policy.status else "",
             f"территория {policy.territory}" if policy and policy.territory else ""]
    return ", ".join(p for p in parts if p)


def _person_answered(conn: Connection, run: Any, call: Any, answer: FerzlAnswerV1) -> None:
    found = judge(call["enp"], call["doubt"] or "missing", answer)
    exists = conn.execute(sa.select(discrepancies.c.id).where(
        discrepancies.c.run_id == run["id"], discrepancies.c.kind == found["kind"],
        discrepancies.c.enp == call["enp"])).first()
    if exists is None:
        conn.execute(discrepancies.insert().values(
            run_id=run["id"], enp=call["enp"], status="open", **found))


def _fail(conn: Connection, run_id: int, at: datetime, why: str) -> None:
    conn.execute(runs.update().where(runs.c.id == run_id).values(
        state=FAILED, finished_at=at, error=why[:2000]))


def _finish(conn: Connection, run_id: int, at: datetime) -> None:
    counts = {str(kind): int(n) for kind, n in conn.execute(sa.select(
        discrepancies.c.kind, sa.func.count()).where(discrepancies.c.run_id == run_id)
        .group_by(discrepancies.c.kind))}
    conn.execute(runs.update().where(runs.c.id == run_id).values(
        state=DONE, finished_at=at, counts=counts))
