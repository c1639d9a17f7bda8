"""Attachment files from clinics (ERZ-8, РПН): ATT in, FATM (FLK_P) back.

A clinic (МО) drops an ``ATM<clinic>T<region>_…`` file (root ATT, format key ``erz.att``).
The file as a whole is checked first — it reads as ATT (:func:`contracts.erz.files.read_file`),
ZGLV/CODE_MO is the sender's code (the drop's or the name's), AREA_TYPE is 1…5 — and a file
failing any of these is answered with every problem and **nothing is applied**. Then each
record (REC) is checked and applied under its own savepoint:

- ENP: 16 digits and the check digit (101/102), the person registered (401);
- ATTACH_METHOD 1…4 (206; ФЕРЗЛ ``registerAttach``: attachMethod 1..4, areaType 1..5);
- the period does not overlap: an attachment of the person beginning on or after
  DATE_ATTACH_B is an overlap (404, Vologda's "дата начала прикрепления меньше или равна
  дате существующего прикрепления");
- applied: with an attachment in force the person is **moved** (the old one ends on
  DATE_ATTACH_B, the new one begins; to another clinic too), otherwise **attached**.

The grounds of an attachment are kept in the register's own fields: ``method`` (the
ATTACH_METHOD: 1 by address, 2 by application), ``department`` (MO_DEP_ID, the department's
ФРМО OID), ``doctor_snils`` (DOC_CODE); the change log names the file, the message whose
journal keeps the exact bytes, the clinic, and in its reason text N_ZAP and AREA_TYPE.

The answer ``F`` + the file's name goes back to the clinic with every refused record (CODE
from :mod:`handlers.erz.register.flk`, MESSAGE, TAG, N_ZAP). FLK_RES is 1 when every record was
applied, 3 when some were refused (the Vologda sample answers five records with three
errors and FLK_RES 3) and 2 when the file was refused as a whole — the meanings are read
from the sample, no published description exists.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz.attachment import AttachmentFile, AttachmentRecord
from contracts.erz.failures import ERROR_CODES
from contracts.erz.files import FileRefused, Problem, attachment_protocol, read_file, write_file
from contracts.erz.names import BadFileName, parse_name
from contracts.erz.register import Attachment, Change, Reason, Source
from contracts.ferzl import FerzlAnswerV1
from contracts.files import FileReceivedV1
from handlers.erz import models as m
from handlers.erz.federal.settings import FederalSettings
from handlers.erz.mo import notices, posting
from handlers.erz.register import checks, commands, flk, history, queries
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from hub.component import Message
from hub.tx import Tx
from storage.journal import load_blob

FORMAT_KEY = "erz.att"
AREA_TYPES = range(1, 6)
METHODS = range(1, 5)
ACCEPTED, REFUSED, PARTIAL = 1, 2, 3
"""FLK_RES: every record applied, the file refused, some records refused."""

FIELD_TAGS: dict[str, str] = {
    "enp": "ENP", "attachment.date_attach": "DATE_ATTACH_B", "on": "DATE_ATTACH_B",
    "attachment.doctor_snils": "DOC_CODE", "method": "ATTACH_METHOD",
}
"""A field of an ErzError → the element of REC it comes from."""


def _code(code: str) -> str:
    return flk.PROBLEM_CODES.get(code, code)


def file_problems(att: AttachmentFile, file_name: str, sender: str) -> list[Problem]:
    """What makes the whole file unacceptable (the clinic's code, AREA_TYPE)."""
    problems = []
    clinic = att.header.clinic_code
    try:
        named = parse_name(file_name).sender.code
    except BadFileName:
        named = clinic
    if (sender and sender != clinic) or named != clinic:
        problems.append(Problem("909", "ATT\\ZGLV\\CODE_MO", None, flk.text("909")))
    if att.header.area_type not in AREA_TYPES:
        problems.append(Problem("210", "ATT\\ZGLV\\AREA_TYPE", None,
                                "AREA_TYPE вне диапазона 1–5"))
    return problems


def _refusal(rec: AttachmentRecord, exc: ErzError) -> list[Problem]:
    def tag(field: str) -> str:
        return f"ATT\\REC\\{FIELD_TAGS[field]}" if field in FIELD_TAGS else "ATT\\REC"

    return [Problem(f.code, tag(f.field), str(rec.number), f.message) for f in exc.failures]


def _overlap(conn: Connection, enp: str, start: date) -> date | None:
    """The start of an attachment of the person beginning on or after ``start``."""
    for row in history.current(conn, m.attachments, queries.person_id(conn, enp)):
        empty = row["valid_to"] is not None and row["valid_to"] <= row["valid_from"]
        if not empty and row["valid_from"] >= start:
            return date.fromisoformat(str(row["valid_from"]))
    return None


def check_record(conn: Connection, rec: AttachmentRecord) -> None:
    """The register's checks of one REC (ErzError when it is refused)."""
    failures = checks.check_enp(rec.enp)
    if failures:
        raise ErzError.of(failures)
    if rec.method not in METHODS:
        raise ErzError("206", "method", "ATTACH_METHOD вне диапазона 1–4")
    queries.person_id(conn, rec.enp)
    clash = _overlap(conn, rec.enp, rec.attached_from)
    if clash is not None:
        raise ErzError("404", "attachment.date_attach",
                       f"{ERROR_CODES['404']}: дата начала прикрепления "
                       f"{rec.attached_from:%d.%m.%Y} не позже начала существующего "
                       f"{clash:%d.%m.%Y}")


def apply_record(register: Register, clinic: str, area_type: int, rec: AttachmentRecord,
                 file_name: str) -> None:
    """Check and apply one REC of ``clinic``'s file (ErzError when it is refused)."""
    conn = register.conn
    check_record(conn, rec)
    reason = Reason(None, f"ATT {file_name} N_ZAP {rec.number} AREA_TYPE {area_type}")
    in_force = queries.person_as_of(conn, rec.enp, rec.attached_from).attachment
    if in_force is not None and in_force.date_attach < rec.attached_from:
        register.move(rec.enp, rec.attached_from, reason, district="",
                      department=rec.department_oid, doctor_snils=rec.doctor_snils,
                      mo=clinic, method=str(rec.method))
    else:
        register.attach(rec.enp, Attachment(
            clinic, rec.attached_from, str(rec.method), rec.department_oid, "",
            rec.doctor_snils), reason)


def _answer(tx: Tx, file_name: str, clinic: str, problems: list[Problem], result: int,
            on: date) -> None:
    protocol = attachment_protocol(file_name, [
        Problem(_code(p.code), p.tag or "ATT", p.record, p.message, p.line) for p in problems],
        result, on)
    notices.send_file(tx, f"{protocol.header.file_name}.xml", write_file(protocol), clinic)


def _remember(conn: Connection, clinic: str, p: FileReceivedV1, message_id: str,
              outcome: str, total: int, applied: int, refused: int) -> None:
    stem = p.file_name.removesuffix(".xml").removesuffix(".XML")
    t = m.exchange_files
    if conn.execute(sa.select(t.c.id).where(t.c.organisation == clinic,
                                            t.c.file_name == stem)).first():
        stem = f"{stem}#{message_id[:8]}"  # a file of the same name sent again
    conn.execute(t.insert(), {
        "organisation": clinic, "file_name": stem, "sha256": p.sha256,
        "message_id": message_id, "format_key": FORMAT_KEY, "received_at": p.received_at,
        "outcome": outcome, "records": total, "applied": applied, "refused": refused,
        "buffered": 0})


def on_attachment_file(message: Message[FileReceivedV1], tx: Tx, schemas_dir: Path | None,
                       federal: FederalSettings | None = None) -> list[Change]:
    """The ATT flow (``FILE_FLOWS["erz.att"]``): apply what passes, answer FATM — or, with
    ``federal.posting``, send what passes to ФЕРЗЛ first (:mod:`.posting`) and
    answer FATM when ФЕРЗЛ has answered every record."""
    received = message.payload
    data = load_blob(tx.conn, received.file(message.envelope).blob_id)
    if data is None:
        raise LookupError(f"the bytes of {received.file_name} are not stored")
    today = received.received_at.date()
    clinic = received.sender
    try:
        att = read_file(data, AttachmentFile)
        assert isinstance(att, AttachmentFile)
        problems = file_problems(att, received.file_name, received.sender)
        clinic = clinic or att.header.clinic_code
    except FileRefused as exc:
        problems = exc.problems
        att = None
    if att is None or problems:
        _answer(tx, received.file_name, clinic, problems, REFUSED, today)
        _remember(tx.conn, clinic, received, message.id, "refused", 0, 0, 0)
        return []
    if federal is not None and federal.posting:
        _post(tx, message, att, clinic, federal)
        return []
    register = Register(tx.conn, Source("handler.erz", user=clinic, message_id=message.id,
                                        file=received.file_name),
                        dictionaries=commands.dictionaries(schemas_dir))
    refused: list[Problem] = []
    for rec in att.records:
        done = len(register.changes)
        try:
            with tx.conn.begin_nested():
                apply_record(register, clinic, att.header.area_type, rec,
                             received.file_name)
        except ErzError as exc:
            del register.changes[done:]
            refused += _refusal(rec, exc)
    failed = len({p.record for p in refused})
    _answer(tx, received.file_name, clinic, refused, PARTIAL if refused else ACCEPTED, today)
    _remember(tx.conn, clinic, received, message.id, "processed", len(att.records),
              len(att.records) - failed, failed)
    return register.changes


def _post(tx: Tx, message: Message[FileReceivedV1], att: AttachmentFile, clinic: str,
          conf: FederalSettings) -> None:
    """Check every record, send the ones that pass to ФЕРЗЛ; FATM now only when none did."""
    received = message.payload
    refused: list[Problem] = []
    oid = conf.clinic_oids.get(clinic)
    sent = 0
    for rec in att.records:
        try:
            check_record(tx.conn, rec)
            if oid is None:
                raise ErzError("106", "mo", f"нет OID ФРМО МО {clinic} для регистрации "
                                            "прикрепления в ФЕРЗЛ (настройка clinic_oids)")
        except ErzError as exc:
            refused += _refusal(rec, exc)
            continue
        posting.post(tx, message.id, rec, clinic, att.header.area_type, oid)
        sent += 1
    failed = len({p.record for p in refused})
    today = received.received_at.date()
    if not sent:
        _answer(tx, received.file_name, clinic, refused, PARTIAL if refused else ACCEPTED,
                today)
        _remember(tx.conn, clinic, received, message.id, "processed", len(att.records), 0,
                  failed)
        return
    posting.wait_for_ferzl(tx.conn, message.id, clinic, received.file_name, today,
                           len(att.records), refused)
    _remember(tx.conn, clinic, received, message.id, "posting", len(att.records), 0, failed)


def answer_posted(tx: Tx, file_row: Any, problems: list[Problem]) -> None:
    """The FATM of a file whose records ФЕРЗЛ has all answered, and its protocol's counts."""
    failed = len({p.record for p in problems})
    total = int(file_row["records"])
    _answer(tx, file_row["file_name"], file_row["clinic"], problems,
            PARTIAL if problems else ACCEPTED, file_row["received_on"])
    tx.conn.execute(m.exchange_files.update().where(
        m.exchange_files.c.message_id == file_row["message_id"]).values(
        outcome="processed", applied=total - failed, refused=failed))


def on_posting_answer(tx: Tx, message: Message[FerzlAnswerV1],
                      at: datetime) -> list[Change] | None:
    """ФЕРЗЛ's answer to a posted record (:func:`.posting.on_answer`)."""
    return posting.on_answer(tx, message, at, apply_record, answer_posted)
