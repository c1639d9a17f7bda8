"""What ФЕРЗЛ says of one person, turned into the register's operations (ERZ-4).

:func:`proposals` compares a person as ФЕРЗЛ answers them (``getPersonData``) with the
register's state and proposes an operation of :data:`handlers.erz.register.operations.
OPERATIONS` per difference, each ``sure`` (applied at once, with history: who — ФЕРЗЛ, why —
the event) or not (an operator decides in the buffer):

==============================  ==========  =================================================
difference                      operation   sure?
==============================  ==========  =================================================
ФЕРЗЛ knows a death             death       yes (П022, event П02)
another insurer, policy in      reinsure    yes (П031, event П03)
force
no policy in force any more     stop_policy no: ending a person's insurance is an operator's
(not by death)                              decision
СНИЛС the region lacks          edit        yes (П040, event П04)
another СНИЛС                   edit        no: one of the two is wrong
a person the region lacks,      issue_      no: registering a person is an operator's
insured on its territory        policy      decision, with the federal data proposed
==============================  ==========  =================================================

:func:`apply` carries them out in the caller's transaction: a sure one the register refuses
goes to the buffer with the register's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from contracts.erz.register import PersonState, Reason, Source
from contracts.ferzl import FerzlPerson, Policy
from handlers.erz.buffer import store as buffer
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import apply_operation, dump

ORGANISATION = "FERZL"
"""The buffer's organisation of what ФЕРЗЛ proposes."""
IN_FORCE = ("ДНП", "ДПП")
"""ФЕРЗЛ's policy statuses in force (the description's dictionary); every Н… is not."""
DEATH = Reason("П022", "смерть (сведения ФЕРЗЛ)", "П02")
INSURER = Reason("П031", "смена СМО (сведения ФЕРЗЛ)", "П03")
STOPPED = Reason("П021", "снятие с учёта (сведения ФЕРЗЛ)", "П02")
SNILS = Reason("П040", "СНИЛС (сведения ФЕРЗЛ)", "П04")
ARRIVED = Reason("П010", "постановка на учёт (сведения ФЕРЗЛ)", "П01")


@dataclass(frozen=True)
class Proposal:
    """One operation ФЕРЗЛ's view of a person asks of the register."""

    kind: str
    payload: dict[str, Any]
    what: str
    """In the fund's words, for the buffer and the run's items."""
    sure: bool


def current_policy(p: FerzlPerson, on: date) -> Policy | None:
    """The federal policy that covers ``on`` (one in force first), else the latest."""
    def covers(policy: Policy) -> bool:
        end = policy.terminated_on or policy.ends_on
        return ((policy.starts_on is None or policy.starts_on <= on)
                and (end is None or end >= on))
    covering = sorted((x for x in p.policies if covers(x)),
                      key=lambda x: (x.status in IN_FORCE, x.starts_on or date.min))
    if covering:
        return covering[-1]
    return max(p.policies, key=lambda x: x.starts_on or date.min) if p.policies else None


def _reason(reason: Reason, why: str) -> dict[str, Any]:
    return {"code": reason.code, "text": f"{reason.text}: {why}" if why else reason.text,
            "event": reason.event}


def _policy(policy: Policy, enp: str, begin: date) -> dict[str, Any]:
    return {"policy_type": policy.type or "П", "number": policy.number or policy.enp or enp,
            "smo": policy.insurer_code, "date_begin": begin.isoformat()}


def proposals(federal: FerzlPerson, state: PersonState | None, on: date,
              why: str = "", territory: str | None = None) -> list[Proposal]:
    """The operations that make the register say what ФЕРЗЛ says of the person on ``on``
    (the day of the change: of the event, or of the run that found it); ``why``: the event
    or the run that asked (in the history's reason); ``territory``: the region's ОКАТО — a
    policy ФЕРЗЛ places on another territory is a departure, which an operator decides
    (never a change of insurer to another region's СМО)."""
    policy = current_policy(federal, on)
    in_force = policy is not None and policy.status in IN_FORCE
    elsewhere = bool(territory and policy and policy.territory
                     and policy.territory != territory)
    if elsewhere and policy is not None:
        if state is None or state.death is not None or state.policy is None:
            return []
        return [Proposal("stop_policy", {
            "enp": state.enp, "on": (policy.starts_on or on).isoformat(),
            "reason": _reason(STOPPED, why)},
            f"ЗЛ застрахован на другой территории (ОКАТО {policy.territory}) по сведениям "
            "ФЕРЗЛ", sure=False)]
    if state is None:
        if not (in_force and federal.enp and policy and policy.insurer_code):
            return []
        person = dump({"surname": federal.surname or "", "name": federal.name or "",
                       "patronymic": federal.patronymic or "", "sex": federal.sex or "",
                       "birth_date": federal.birth_date})
        return [Proposal("issue_policy", {
            "enp": federal.enp, "on": on.isoformat(), "person": person,
            "snils": federal.snils,
            "policy": _policy(policy, federal.enp, policy.starts_on or on),
            "reason": _reason(ARRIVED, why)},
            f"ЗЛ застрахован в СМО {policy.insurer_code} по сведениям ФЕРЗЛ, в РС ЕРЗ его нет",
            sure=False)]
    enp, found = state.enp, []
    if federal.death_date is not None and state.death is None:
        found.append(Proposal("death", {
            "enp": enp, "on": federal.death_date.isoformat(),
            "death": {"death_date": federal.death_date.isoformat()},
            "reason": _reason(DEATH, why)}, "смерть по сведениям ФЕРЗЛ", sure=True))
    elif state.death is None and state.policy is not None and policy is not None:
        if in_force and policy.insurer_code and policy.insurer_code != state.policy.smo:
            # The federal policy's own start when it is a new one, else the day of the change.
            start = (policy.starts_on if policy.starts_on
                     and policy.starts_on > state.policy.date_begin else on)
            found.append(Proposal("reinsure", {
                "enp": enp, "on": start.isoformat(), "policy": _policy(policy, enp, start),
                "reason": _reason(INSURER, why)},
                f"СМО {state.policy.smo} → {policy.insurer_code} по сведениям ФЕРЗЛ",
                sure=True))
        elif not in_force and policy.status:
            ended = policy.terminated_on or policy.ends_on or on
            found.append(Proposal("stop_policy", {
                "enp": enp, "on": ended.isoformat(), "reason": _reason(STOPPED, why)},
                f"полис не действует по сведениям ФЕРЗЛ (статус {policy.status})",
                sure=False))
    if federal.snils and federal.snils != state.snils:
        found.append(Proposal("edit", {
            "enp": enp, "on": on.isoformat(), "snils": federal.snils,
            "reason": _reason(SNILS, why)},
            "СНИЛС по сведениям ФЕРЗЛ" if state.snils is None
            else "СНИЛС в ФЕРЗЛ другой, чем в РС ЕРЗ", sure=state.snils is None))
    return found


@dataclass(frozen=True)
class Outcome:
    """What became of one proposal: ``applied`` or ``buffered`` (with the item's id)."""

    proposal: Proposal
    status: str
    buffer_id: int | None = None
    note: str = ""


def apply(conn: Connection, register: Register, found: list[Proposal],
          source: Source) -> list[Outcome]:
    """Carry out ``found`` in the caller's transaction (see the module's docstring)."""
    done = []
    for p in found:
        why = "" if p.sure else f"{p.what}: нужно решение оператора"
        if p.sure:
            try:
                with conn.begin_nested():
                    apply_operation(register, p.kind, p.payload)
                done.append(Outcome(p, "applied", note=p.what))
                continue
            except ErzError as exc:
                first = exc.failures[0]
                why = f"{p.what}: регистр отказал ({exc.code} {first.field}: {first.message})"
        item = buffer.propose(conn, p.kind, p.payload, why, source, ORGANISATION,
                              clock=register.clock)
        done.append(Outcome(p, "buffered", item, why))
    return done
