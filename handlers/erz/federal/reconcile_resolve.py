"""What becomes of a discrepancy with ФЕРЗЛ: the federal value taken, or the regional kept.

:func:`resolve` takes the federal value into the register with history, through the
register's own operations, on behalf of the operator and by ФЕРЗЛ's word (the change's *who*:
``ФЕРЗЛ / <operator>``; *why*: the run and the kind, with the R001 reason of the change):

============  ===========================================================================
insurer       ``reinsure``: the policy in force moves to ФЕРЗЛ's insurer from today
              (R001 П031, event П03)
death         ``register_death`` on ФЕРЗЛ's date (П022, П02): policy and attachment end
snils         ``set_snils`` from today (П040, П04)
attachment    ``move`` to ФЕРЗЛ's clinic from the day ФЕРЗЛ has it attached since (or today
              when that is not after the regional attachment's start); ``attach`` when the
              region has none, ``detach`` when ФЕРЗЛ has none
============  ===========================================================================

A change the register refuses (its checks: an overlap, a period after the death…) waits in
the buffer as the same operation with the refusal as its why (``buffered``). ``merged``,
``absent``, ``regional`` and ``policy`` need an operator's work on the person (a merge, a
registration, a policy) and are not applied automatically: they are refused here with why.

:func:`keep_regional` keeps the region's value on purpose: a one-sided change, only with a
reason (the console audits it). Each discrepancy is handled in its own savepoint, so a bulk
resolution applies what it can and reports the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz.register import Attachment, Change, Death, Policy, Reason, Source
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.federal.reconcile_tables import discrepancies
from handlers.erz.register import history
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import dump

KINDS = {"insurer": "СМО", "death": "смерть", "snils": "СНИЛС", "attachment": "прикрепление к МО",
         "merged": "ЕНП объединён в ФЕРЗЛ", "absent": "есть только в ФЕРЗЛ",
         "regional": "есть только в регионе", "policy": "статус полиса"}
"""The kinds of discrepancy in words."""
APPLICABLE = ("insurer", "death", "snils", "attachment")
STATUSES = {"open": "не разобрано", "resolved": "принято значение ФЕРЗЛ",
            "kept": "оставлено региональное", "buffered": "в буфере изменений"}
ORGANISATION = "FERZL"
COMPONENT = "handler.erz"
REASONS = {"insurer": ("П031", "П03"), "death": ("П022", "П02"), "snils": ("П040", "П04"),
           "attachment": (None, None)}


@dataclass
class Resolution:
    """What a resolution did: the discrepancies resolved, buffered, refused (id → why)."""

    resolved: list[int] = field(default_factory=list)
    buffered: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)


class _Buffered(Exception):
    """The register refused the change: it waits in the buffer as ``kind`` ``payload``."""

    def __init__(self, kind: str, payload: dict[str, Any], why: str) -> None:
        super().__init__(why)
        self.kind, self.payload, self.why = kind, payload, why


def _reason(row: Any) -> Reason:
    code, event = REASONS[row["kind"]]
    return Reason(code, f"по сведениям ФЕРЗЛ: сверка № {row['run_id']}, расхождение "
                        f"«{KINDS[row['kind']]}»", event)


def _in_force(conn: Connection, table: sa.Table, enp: str, on: date) -> Any:
    pid = conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).scalar()
    if pid is None:
        return None
    for row in history.current(conn, table, pid):
        if row["valid_from"] <= on and (row["valid_to"] is None or row["valid_to"] > on) \
                and row.get("status", "active") != "annulled":
            return row
    return None


def _why(exc: ErzError) -> str:
    first = exc.failures[0] if exc.failures else None
    detail = f" {first.field}: {first.message}" if first else ""
    return f"регистр отказал: {exc.code}{detail}"


def _insurer(register: Register, row: Any, on: date, reason: Reason) -> None:
    current = _in_force(register.conn, m.policies, row["enp"], on)
    if current is None:
        raise ValueError("у ЗЛ нет действующего полиса: СМО заменить нечем")
    policy = Policy(current["policy_type"], current["number"], row["federal"], on,
                    series=current["series"])
    try:
        register.reinsure(row["enp"], policy, reason)
    except ErzError as exc:
        raise _Buffered("reinsure", {"enp": row["enp"], "policy": dump(policy.__dict__),
                                     "reason": dump(reason.__dict__)}, _why(exc)) from exc


def _death(register: Register, row: Any, on: date, reason: Reason) -> None:
    died = row["federal_on"]
    if died is None and row["federal"]:
        died = datetime.strptime(row["federal"], "%d.%m.%Y").date()
    if died is None:
        raise ValueError("ФЕРЗЛ не считает ЗЛ умершим: смерть в регионе снимается вручную")
    try:
        register.register_death(row["enp"], Death(died), reason)
    except ErzError as exc:
        raise _Buffered("death", {"enp": row["enp"], "death": {"death_date": died.isoformat()},
                                  "reason": dump(reason.__dict__)}, _why(exc)) from exc


def _snils(register: Register, row: Any, on: date, reason: Reason) -> None:
    if not row["federal"]:
        raise ValueError("в ФЕРЗЛ у ЗЛ нет СНИЛС: снять СНИЛС в регионе можно только вручную")
    try:
        register.set_snils(row["enp"], row["federal"], on, reason)
    except ErzError as exc:
        raise _Buffered("edit", {"enp": row["enp"], "on": on.isoformat(),
                                 "snils": row["federal"], "reason": dump(reason.__dict__)},
                        _why(exc)) from exc


def _attachment(register: Register, row: Any, on: date, reason: Reason) -> None:
    enp, mo = row["enp"], row["federal"]
    current = _in_force(register.conn, m.attachments, enp, on)
    since = row["federal_on"]
    start = since if since and current is not None and since > current["valid_from"] \
        and since <= on else on
    try:
        if not mo:
            register.detach(enp, on, reason)
        elif current is None:
            register.attach(enp, Attachment(mo=mo, date_attach=start), reason)
        else:
            register.move(enp, start, reason, district="", department="", mo=mo)
    except ErzError as exc:
        payload = {"enp": enp, "on": start.isoformat(), "reason": dump(reason.__dict__)}
        if mo and current is not None:
            raise _Buffered("move", payload | {"district": "", "department": "", "mo": mo},
                            _why(exc)) from exc
        if mo:
            raise _Buffered("attach", payload | {"attachment": {
                "mo": mo, "date_attach": start.isoformat()}}, _why(exc)) from exc
        raise _Buffered("detach", payload, _why(exc)) from exc


APPLY = {"insurer": _insurer, "death": _death, "snils": _snils, "attachment": _attachment}


def _decided(conn: Connection, ids: Sequence[int], status: str, reason: str, user: str,
             at: datetime) -> None:
    conn.execute(discrepancies.update().where(discrepancies.c.id.in_(ids)).values(
        status=status, reason=reason, decided_by=user, decided_at=at))


def _open(conn: Connection, ids: Sequence[int]) -> list[Any]:
    return list(conn.execute(sa.select(discrepancies).where(
        discrepancies.c.id.in_(ids), discrepancies.c.status == "open")
        .order_by(discrepancies.c.id)).mappings())


def resolve(conn: Connection, ids: Sequence[int], user: str, at: datetime,
            on: date | None = None) -> Resolution:
    """Take the federal value of each open discrepancy ``ids`` into the register (see the
    module's docstring), in the caller's transaction."""
    done = Resolution()
    today = on or at.date()
    for row in _open(conn, ids):
        if row["kind"] not in APPLICABLE:
            done.refused[row["id"]] = (f"«{KINDS.get(row['kind'], row['kind'])}» не "
                                       "применяется автоматически: нужна работа с ЗЛ в регистре")
            continue
        source = Source(COMPONENT, user=f"ФЕРЗЛ / {user}")
        register = Register(conn, source, clock=lambda: at)
        reason = _reason(row)
        try:
            with conn.begin_nested():
                APPLY[row["kind"]](register, row, today, reason)
        except _Buffered as exc:
            item = buffer.propose(conn, exc.kind, exc.payload, exc.why, source, ORGANISATION,
                                  clock=lambda: at)
            _decided(conn, [row["id"]], "buffered", f"в буфере № {item}: {exc.why}", user, at)
            done.buffered.append(row["id"])
            continue
        except ValueError as exc:
            done.refused[row["id"]] = str(exc)
            continue
        done.changes.extend(register.changes)
        _decided(conn, [row["id"]], "resolved", reason.text, user, at)
        done.resolved.append(row["id"])
    return done


def keep_regional(conn: Connection, ids: Sequence[int], user: str, reason: str,
                  at: datetime) -> list[int]:
    """Keep the region's value of each open discrepancy ``ids`` on purpose; ValueError (in
    Russian) without a reason. Returns the ids kept."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("Укажите причину, по которой остаётся региональное значение: "
                         "это одностороннее изменение, оно попадёт в журнал аудита.")
    kept = [row["id"] for row in _open(conn, ids)]
    if kept:
        _decided(conn, kept, "kept", reason, user, at)
    return kept


@dataclass(frozen=True)
class Filter:
    """Which discrepancies of a run: by kind, status, ЕНП (empty: any)."""

    run_id: int
    kind: str = ""
    status: str = ""
    enp: str = ""

    def where(self) -> list[sa.ColumnElement[bool]]:
        """The filter as conditions on ``erz_ferzl_discrepancies``."""
        c = discrepancies.c
        found = [c.run_id == self.run_id]
        if self.kind:
            found.append(c.kind == self.kind)
        if self.status:
            found.append(c.status == self.status)
        if self.enp:
            found.append(c.enp == self.enp)
        return found


def ids_of(conn: Connection, chosen: Filter, limit: int = 100000) -> list[int]:
    """The ids a filter selects (a bulk action on «all of the filter»)."""
    return list(conn.execute(sa.select(discrepancies.c.id).where(*chosen.where())
                             .order_by(discrepancies.c.id).limit(limit)).scalars())
