"""An attachment counts only once ФЕРЗЛ has registered it (ERZ-8, ``registerAttach``).

With ``[plugins.erz] ferzl = true`` and ``ferzl_attachments = true`` a clinic's ATT record
that passes the register's checks is not applied at once: :func:`post` sends ФЕРЗЛ
``registerAttach`` (the clinic's ФРМО OID from ``clinic_oids``) and keeps the record in
``erz_attach_postings``.
:func:`on_answer` takes ФЕРЗЛ's answer, caused by that call:

- ФЕРЗЛ registered it (an answer naming the attachment) → the record is applied now, with
  history, as the file's flow applies it (a check failing meanwhile refuses it after all);
- refused (ФЛК, a right, a conflict), or ФЕРЗЛ unreachable after the adapter's retries →
  refused with ФЕРЗЛ's reason (code ``501``/``502``).

The clinic's FATM waits for the file's last answer and lists every refused record — by the
register's checks and by ФЕРЗЛ alike (:func:`answer_file`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz.attachment import AttachmentRecord
from contracts.erz.failures import ERROR_CODES
from contracts.erz.files import Problem
from contracts.erz.register import Change, Source
from contracts.ferzl import FerzlAnswerV1, FerzlCallV1
from handlers.erz import models as m
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from hub.component import Message
from hub.tx import Tx
from storage.models import TS

OPERATION = "registerAttach"
PENDING, POSTED, REFUSED = "pending", "posted", "refused"
REFUSED_BY_FERZL, FERZL_UNREACHABLE = "501", "502"


files = sa.Table(
    "erz_attach_posted_files", m.metadata,
    sa.Column("message_id", sa.String(64), primary_key=True,
              comment="the files.received envelope of the ATT file"),
    sa.Column("clinic", sa.String(6), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("received_on", sa.Date, nullable=False),
    sa.Column("records", sa.Integer, nullable=False),
    sa.Column("problems", sa.Text, nullable=False,
              comment="JSON: the records the register's checks refused"),
    sa.Column("answered_at", TS, comment="when its FATM went back (all answers in)"),
    comment="ATT files whose records wait for ФЕРЗЛ before they count (ERZ-8).",
)

postings = sa.Table(
    "erz_attach_postings", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("file_message_id", sa.String(64), nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False, comment="N_ZAP"),
    sa.Column("enp", sa.String(16), nullable=False),
    sa.Column("record", sa.Text, nullable=False, comment="the REC as JSON, applied on success"),
    sa.Column("area_type", sa.Integer, nullable=False),
    sa.Column("call_id", sa.String(64), nullable=False, unique=True,
              comment="id of the registerAttach ferzl.call"),
    sa.Column("status", sa.String(8), nullable=False, comment="pending, posted, refused"),
    sa.Column("error", sa.Text),
    sa.Column("answered_at", TS),
    comment="Attachments sent to ФЕРЗЛ (registerAttach), effective once it registered them.",
)


def call(rec: AttachmentRecord, clinic: str, area_type: int, oid: str) -> FerzlCallV1:
    """``registerAttach`` of one record."""
    attachment: dict[str, Any] = {
        "enp": rec.enp, "date_from": rec.attached_from.isoformat(),
        "attach_method": str(rec.method), "area_type": str(area_type), "mo_id": oid,
        "mo_code": clinic}
    if rec.department_oid:
        attachment["department_id"] = rec.department_oid
    if rec.doctor_snils:
        attachment["doctor_snils"] = rec.doctor_snils
    return FerzlCallV1(operation=OPERATION, params={"attachment": attachment},
                       purpose=f"прикрепление к МО {clinic} (N_ZAP {rec.number})")


def post(tx: Tx, message_id: str, rec: AttachmentRecord, clinic: str, area_type: int,
         oid: str) -> None:
    """Send one record to ФЕРЗЛ and keep it until the answer."""
    sent = tx.send(call(rec, clinic, area_type, oid))
    tx.conn.execute(postings.insert().values(
        file_message_id=message_id, number=rec.number, enp=rec.enp,
        record=rec.model_dump_json(), area_type=area_type, call_id=sent.id, status=PENDING))


def wait_for_ferzl(conn: Connection, message_id: str, clinic: str, file_name: str,
                   on: date, records: int, problems: list[Problem]) -> None:
    """Remember the file whose postings were sent, with what the checks refused."""
    conn.execute(files.insert().values(
        message_id=message_id, clinic=clinic, file_name=file_name, received_on=on,
        records=records, problems=json.dumps([p.__dict__ for p in problems],
                                             ensure_ascii=False)))


def _refused(why: str, code: str, number: int) -> Problem:
    return Problem(code, "ATT\\REC", str(number), f"{ERROR_CODES[code]}: {why}"[:1000])


def _registered(answer: FerzlAnswerV1) -> bool:
    message = answer.message
    return answer.ok and message is not None and any(p.attachments for p in message.persons)


ApplyRecord = Callable[[Register, str, int, AttachmentRecord, str], None]
"""Applies one record of a clinic's file as the file's flow does: (register, clinic,
AREA_TYPE, record, file name)."""
AnswerFile = Callable[[Tx, Any, list[Problem]], None]
"""Sends a file's FATM: (transaction, the row of ``erz_attach_posted_files``, problems)."""


def on_answer(tx: Tx, message: Message[FerzlAnswerV1], at: datetime, apply: ApplyRecord,
              answer_file: AnswerFile) -> list[Change] | None:
    """ФЕРЗЛ's answer to a posting (see the module's docstring): the changes made, None when
    it answers no posting. ``apply(register, clinic, area_type, rec, file_name)`` applies a
    record as the file's flow does; ``answer_file(tx, file_row, problems)`` sends the FATM."""
    conn, answer = tx.conn, message.payload
    row = conn.execute(sa.select(postings).where(
        postings.c.call_id == (message.envelope.causation_id or "")).with_for_update()
    ).mappings().first()
    if row is None:
        return None
    if row["status"] != PENDING:
        return []
    file_row = conn.execute(sa.select(files).where(
        files.c.message_id == row["file_message_id"])).mappings().one()
    register = Register(conn, Source("handler.erz", user=file_row["clinic"],
                                     message_id=file_row["message_id"],
                                     file=file_row["file_name"]), clock=lambda: at)
    if _registered(answer):
        status, error = _applied(register, row, file_row, apply)
    else:
        status, error = REFUSED, _refusal(answer)
    conn.execute(postings.update().where(postings.c.id == row["id"]).values(
        status=status, error=error, answered_at=at))
    _answer_when_done(tx, file_row, at, answer_file)
    return register.changes


def _applied(register: Register, row: Any, file_row: Any,
             apply: ApplyRecord) -> tuple[str, str | None]:
    """Apply a record ФЕРЗЛ registered: ``posted``, or ``refused`` with the register's
    failures when a check fails meanwhile (its changes undone)."""
    rec = AttachmentRecord.model_validate_json(row["record"])
    try:
        with register.conn.begin_nested():
            apply(register, file_row["clinic"], row["area_type"], rec, file_row["file_name"])
    except ErzError as exc:
        register.changes.clear()
        return REFUSED, json.dumps([{"code": f.code, "field": f.field, "message": f.message}
                                    for f in exc.failures], ensure_ascii=False)
    return POSTED, None


def _refusal(answer: FerzlAnswerV1) -> str:
    """Why ФЕРЗЛ did not register a record: its ФЛК's words (501), or its silence (502)."""
    if answer.ok or answer.state == "ferzl.flk_rejected":
        said = "; ".join(f"{e.code} {e.message}".strip() for e in
                         (answer.message.errors if answer.message else [])) or (
            answer.error or "в ответе нет зарегистрированного прикрепления")
        return json.dumps([{"code": REFUSED_BY_FERZL, "message": said}], ensure_ascii=False)
    return json.dumps([{"code": FERZL_UNREACHABLE, "message": answer.error or answer.state}],
                      ensure_ascii=False)


def _answer_when_done(tx: Tx, file_row: Any, at: datetime, answer_file: AnswerFile) -> None:
    conn = tx.conn
    rows = conn.execute(sa.select(postings).where(
        postings.c.file_message_id == file_row["message_id"])).mappings().all()
    if any(r["status"] == PENDING for r in rows):
        return
    problems = [Problem(**p) for p in json.loads(file_row["problems"])]
    for r in rows:
        if r["status"] != REFUSED:
            continue
        for said in json.loads(r["error"] or "[]"):
            code = said["code"]
            if code in (REFUSED_BY_FERZL, FERZL_UNREACHABLE):
                problems.append(_refused(said["message"], code, r["number"]))
            else:
                problems.append(Problem(code, "ATT\\REC", str(r["number"]), said["message"]))
    conn.execute(files.update().where(files.c.message_id == file_row["message_id"]).values(
        answered_at=at))
    answer_file(tx, file_row, problems)
