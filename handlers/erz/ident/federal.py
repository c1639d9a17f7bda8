"""Identification through ФЕРЗЛ: the ``ferzl.call`` a ``person.identify`` becomes, and the
persons of its ``ferzl.answer`` in the contract's terms.

- ЕНП, policy, СНИЛС (with the birth date when given), identity document: ``getPersonData``
  with the person, policies, СНИЛС and attachments on the asked date;
- names and birth date: ``findPersonsByPersCriteria`` (born on that day), then, when exactly
  one person fits, ``getPersonData`` by that person's ЕНП for the insurance.

ФЕРЗЛ's policy statuses in force and the policy covering a date are the federal side's
(:mod:`handlers.erz.federal.apply`): identification reads a person as the changes do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from contracts.ferzl import FerzlCallV1, FerzlMessage, FerzlPerson
from contracts.identification import IdentifiedPerson, IdentifyPersonV1
from handlers.erz.federal.apply import IN_FORCE, current_policy
from handlers.erz.register import checks

PERSON_DATA, FIND = "getPersonData", "findPersonsByPersCriteria"
SHOW = ["Person", "OmsPolicy", "Snils", "Attach"]
"""What getPersonData is asked to say besides the person."""


def by_identifier(asked: IdentifyPersonV1) -> dict[str, Any] | None:
    """getPersonData's ``personSearchInfo`` for the first identifier given; None when only
    names are."""
    if asked.enp:
        return {"policy": {"enp": asked.enp}}
    if asked.snils:
        snils: dict[str, Any] = {"snils": checks.digits_only(asked.snils)}
        if asked.birth_date:
            snils["birth_date"] = asked.birth_date.isoformat()
        return {"snils": snils}
    if asked.policy_number:
        policy = {"number": asked.policy_number}
        return {"policy": policy | ({"series": asked.policy_series}
                                    if asked.policy_series else {})}
    if asked.document_number:
        document = {"number": asked.document_number, "kind": asked.document_type or "14"}
        return {"document": document | ({"series": asked.document_series}
                                        if asked.document_series else {})}
    return None


def person_data(search: dict[str, Any], on: date, purpose: str) -> FerzlCallV1:
    """getPersonData of the person ``search`` names, on ``on``."""
    return FerzlCallV1(operation=PERSON_DATA, purpose=purpose, params={"params": {
        "search": search, "show": SHOW, "on_date": on.isoformat()}})


def first_call(asked: IdentifyPersonV1, on: date) -> FerzlCallV1:
    """The first ``ferzl.call`` of an identification."""
    purpose = asked.purpose or "идентификация ЗЛ"
    search = by_identifier(asked)
    if search is not None:
        return person_data(search, on, purpose)
    assert asked.surname and asked.name and asked.birth_date  # the contract's validator
    names = {"surname": asked.surname, "first_name": asked.name} | (
        {"patronymic": asked.patronymic} if asked.patronymic else {})
    born = asked.birth_date.isoformat()
    return FerzlCallV1(operation=FIND, purpose=purpose, params={"criteria": {
        "names": names, "born_from": born, "born_to": born}})


def subjects(message: FerzlMessage | None) -> list[FerzlPerson]:
    """The persons an answer is about (not their representatives), one per ЕНП/ОИП."""
    if message is None:
        return []
    seen: dict[str, FerzlPerson] = {}
    for p in message.persons:
        if p.role == "person":
            seen.setdefault(p.enp or p.oip or str(len(seen)), p)
    return list(seen.values())


def _names(p: FerzlPerson) -> tuple[str | None, str | None, str | None]:
    if p.surname or p.name:
        return p.surname, p.name, p.patronymic
    parts = (p.full_name or "").split()
    return (parts[0] if parts else None, parts[1] if len(parts) > 1 else None,
            " ".join(parts[2:]) or None)


def person(p: FerzlPerson, on: date) -> IdentifiedPerson:
    """A person of a ФЕРЗЛ answer in the contract's terms, insured or not on ``on``."""
    policy = current_policy(p, on)
    attached = [a for a in p.attachments if a.ends_on is None or a.ends_on >= on]
    surname, name, patronymic = _names(p)
    insured = None
    if policy is not None:
        insured = policy.status in IN_FORCE if policy.status else None
        if p.death_date is not None and p.death_date <= on:
            insured = False
    return IdentifiedPerson(
        enp=p.enp or (policy.enp if policy else None), oip=p.oip, snils=p.snils,
        surname=surname, name=name, patronymic=patronymic, birth_date=p.birth_date,
        sex=p.sex, death_date=p.death_date, insured=insured,
        insurer=(policy.insurer_code if policy else None) or p.insurer_code,
        policy_number=(policy.number or policy.enp) if policy else None,
        policy_status=policy.status if policy else p.status,
        territory=(policy.territory if policy else None) or p.territory,
        clinic=attached[-1].mo_code if attached else None)
