"""СНИЛС of a person the register holds without one, looked up through ПФР (ERZ-5).

After a ЗАГС act leaves a person in the register without СНИЛС (a newborn registered, a
person renamed or completed), :func:`request` publishes ``pfr.snils.lookup``
(:class:`contracts.pfr.SnilsLookupV1`: names, birth date, sex, birth place as the register
holds them now) and remembers it in ``erz_snils_lookups`` by the envelope's id, one
pending lookup a person. The identity document is not sent: the register keeps its type
by the ФОМС dictionary, not by the ФНС codes the СМЭВ formats use, and ПФР finds a person
by the rest.

ПФР's answer, ``pfr.snils.found`` (:class:`contracts.pfr.SnilsFoundV1`), comes caused by
the lookup (its ``causation_id`` is the lookup's envelope id). :func:`on_found`:

- names (case and ё/е folded) and birth date those of the person → the СНИЛС is set from
  the day of the answer (``set_snils``, its check number controlled; R001 П040, event П04)
  and the lookup closed ``set``;
- another name or date, a СНИЛС another person of the register holds, or one the register
  refuses (a wrong check number) → the СНИЛС waits in the buffer (kind ``pfr.snils``) with
  why, the lookup ``buffered``; an operator's approval sets it (:func:`after_approval`
  closes the lookup);
- an answer to no lookup of ours, or to one already answered, changes nothing.

ПФР may refuse instead (nothing found, no right): the СМЭВ adapter then publishes
``request.refused`` caused by the lookup (:class:`contracts.refusal.RequestRefusedV1`), and
:func:`on_refused` closes the lookup ``not_found`` with ПФР's words; the person keeps no
СНИЛС, and the next act that leaves them without one asks again.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz.register import Reason, Source
from contracts.erz_register import BufferDecidedV1
from contracts.pfr import SnilsFoundV1, SnilsLookupV1
from contracts.refusal import OUTCOME_WORDS, RequestRefusedV1
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.register import checks, history, queries
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import OPERATIONS, dump
from handlers.erz.zags.matching import data_now, same_name
from hub.tx import Tx
from storage.models import TS

log = logging.getLogger(__name__)

KIND = "pfr.snils"
"""Buffer kind of a СНИЛС found by ПФР that waits for an operator."""
ORGANISATION = "PFR"
REASON = Reason("П040", "СНИЛС по сведениям ПФР (СФР)", "П04")
"""R001 П040: a change of data that needs no new policy (СНИЛС among them); event П04."""
PENDING, SET, BUFFERED, NOT_FOUND = "pending", "set", "buffered", "not_found"

lookups = sa.Table(
    "erz_snils_lookups", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False, unique=True,
              comment="id of the pfr.snils.lookup envelope (the answer's causation_id)"),
    sa.Column("enp", sa.String(16), nullable=False, index=True),
    sa.Column("why", sa.String(64), nullable=False,
              comment="what left the person without СНИЛС: a birth, a name change…"),
    sa.Column("status", sa.String(10), nullable=False,
              comment="pending, set, buffered, not_found"),
    sa.Column("requested_at", TS, nullable=False),
    sa.Column("answered_at", TS),
    sa.Column("answer_message_id", sa.String(64)),
    sa.Column("snils", sa.String(11)),
    sa.Column("buffer_id", sa.BigInteger),
    sa.Column("note", sa.Text),
    comment="СНИЛС looked up through ПФР for persons the register holds without one (ERZ-5).",
)


def _has_snils(conn: Connection, enp: str) -> bool:
    return bool(history.current(conn, m.snils, queries.person_id(conn, enp)))


def _pending(conn: Connection, enp: str) -> bool:
    return conn.execute(sa.select(lookups.c.id).where(
        lookups.c.enp == enp, lookups.c.status == PENDING)).first() is not None


def request(tx: Tx, enp: str, why: str, at: datetime) -> str | None:
    """Ask ПФР for the СНИЛС of ``enp`` unless the person has one or a lookup is pending;
    returns the lookup's envelope id (None when none was sent)."""
    conn = tx.conn
    if _has_snils(conn, enp) or _pending(conn, enp):
        return None
    data = data_now(conn, enp, at.date())
    if data is None or not data.surname or not data.name or data.sex not in ("1", "2"):
        log.info("%s: not enough data to look up a СНИЛС", enp)
        return None
    env = tx.send(SnilsLookupV1(
        surname=data.surname, name=data.name, patronymic=data.patronymic or None,
        birth_date=data.birth_date, sex="1" if data.sex == "1" else "2",
        birth_place=data.birth_place or None))
    conn.execute(lookups.insert(), {"message_id": env.id, "enp": enp, "why": why,
                                    "status": PENDING, "requested_at": at})
    return env.id


def request_all(tx: Tx, enps: list[str], why: str, at: datetime) -> list[str]:
    """:func:`request` for each person (once each); the envelope ids sent."""
    sent = [request(tx, enp, why, at) for enp in dict.fromkeys(enps)]
    return [s for s in sent if s]


def _mismatches(conn: Connection, enp: str, found: SnilsFoundV1, at: datetime) -> list[str]:
    data = data_now(conn, enp, at.date())
    if data is None:
        return ["нет персональных данных"]
    differ = [label for key, label in (("surname", "фамилия"), ("name", "имя"),
                                       ("patronymic", "отчество"))
              if not same_name(getattr(data, key), getattr(found, key))]
    if data.birth_date != found.birth_date:
        differ.append("дата рождения")
    return differ


def _close(conn: Connection, row_id: int, status: str, found: SnilsFoundV1, message: str,
           at: datetime, note: str, buffer_id: int | None = None) -> None:
    conn.execute(lookups.update().where(lookups.c.id == row_id).values(
        status=status, answered_at=at, answer_message_id=message, snils=found.snils,
        buffer_id=buffer_id, note=note or None))


def on_found(tx: Tx, found: SnilsFoundV1, at: datetime) -> Register | None:
    """ПФР's answer (see the module's docstring); the register of what it changed, or None."""
    conn, cause = tx.conn, tx.cause
    row = conn.execute(sa.select(lookups).where(lookups.c.message_id == (
        cause.causation_id or "")).with_for_update()).mappings().first()
    if row is None or row["status"] != PENDING:
        log.info("pfr.snils.found %s answers no pending lookup: ignored", cause.id)
        return None
    enp = row["enp"]
    source = Source("handler.erz", user="pfr", message_id=cause.id)
    register = Register(conn, source, clock=lambda: at)
    why = _doubt(conn, enp, found, at)
    if not why:
        try:
            with conn.begin_nested():
                register.set_snils(enp, found.snils, at.date(), REASON)
        except ErzError as exc:
            register.changes.clear()
            first = exc.failures[0]
            why = f"регистр отказал: {exc.code} {first.field}: {first.message}"
    if why:
        payload = {"enp": enp, "on": at.date().isoformat(), "snils": found.snils,
                   "reason": dump(REASON.__dict__)}
        candidate = dump({"surname": found.surname, "name": found.name,
                          "patronymic": found.patronymic, "birth_date": found.birth_date,
                          "snils": found.snils})
        item = buffer.propose(conn, KIND, payload, why, source, ORGANISATION,
                              candidate=candidate, clock=lambda: at)
        _close(conn, row["id"], BUFFERED, found, cause.id, at, why, item)
        return register
    _close(conn, row["id"], SET, found, cause.id, at, "")
    return register


def on_refused(tx: Tx, refused: RequestRefusedV1, at: datetime) -> bool:
    """ПФР refused to answer a lookup of ours: closed ``not_found`` with why; False when
    the refusal is about no pending lookup."""
    conn, cause = tx.conn, tx.cause
    row = conn.execute(sa.select(lookups).where(lookups.c.message_id == (
        cause.causation_id or ""), lookups.c.status == PENDING).with_for_update()).first()
    if row is None:
        return False
    why = OUTCOME_WORDS.get(refused.outcome, refused.outcome)
    note = f"ПФР: {why}" + (f" ({refused.reason})" if refused.reason else "")
    conn.execute(lookups.update().where(lookups.c.id == row.id).values(
        status=NOT_FOUND, answered_at=at, answer_message_id=cause.id, note=note[:2000]))
    return True


def _doubt(conn: Connection, enp: str, found: SnilsFoundV1, at: datetime) -> str:
    """Why the answer cannot be set at once ("" when it can)."""
    differ = _mismatches(conn, enp, found, at)
    if differ:
        return "ответ ПФР не совпадает с ЗЛ: " + ", ".join(differ)
    others = [e for e in queries.find_by_snils(conn, found.snils) if e != enp]
    if others:
        return "этот СНИЛС уже есть у другого ЗЛ в регистре: нужна проверка оператора"
    if _has_snils(conn, enp):
        return "у ЗЛ уже есть СНИЛС: ответ ПФР не применён без проверки"
    if checks.check_snils(found.snils):
        return "СНИЛС не проходит проверку контрольного числа"
    return ""


def after_approval(tx: Tx, decided: BufferDecidedV1, at: datetime) -> None:
    """A ``pfr.snils`` item decided: its lookup is closed ``set`` (approved) or stays
    ``buffered`` with the rejection noted."""
    if decided.kind != KIND:
        return
    note = (f"одобрено оператором {decided.decided_by}" if decided.status == "applied"
            else f"отклонено оператором {decided.decided_by}")
    values = {"note": note} | ({"status": SET} if decided.status == "applied" else {})
    tx.conn.execute(lookups.update().where(lookups.c.buffer_id == decided.item_id)
                    .values(**values))


# An approved ``pfr.snils`` item is an edit of the person's СНИЛС like any other.
OPERATIONS.setdefault(KIND, OPERATIONS["edit"])
