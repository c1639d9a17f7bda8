"""Identification in the regional register: the criteria of a ``person.identify`` searched
as the register's own search takes them, each person found said as of the asked date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Connection

from contracts.erz.register import PersonState
from contracts.identification import IdentifiedPerson, IdentifyPersonV1
from handlers.erz.register import checks, queries


def candidates(conn: Connection, asked: IdentifyPersonV1) -> list[str]:
    """The ЕНП the first given criterion finds (ЕНП; СНИЛС; policy; document; names with the
    birth date), in the register's order."""
    if asked.enp:
        return queries.find_by_enp(conn, asked.enp)
    if asked.snils:
        return queries.find_by_snils(conn, checks.digits_only(asked.snils))
    if asked.policy_number:
        return queries.find_by_policy(conn, asked.policy_number, asked.policy_series or None)
    if asked.document_number:
        return queries.find_by_document(conn, asked.document_number,
                                        asked.document_series or None,
                                        asked.document_type or None)
    assert asked.surname and asked.name and asked.birth_date  # the contract's validator
    return queries.find_by_names(conn, asked.surname, asked.name, asked.birth_date,
                                 asked.patronymic or None)


def insured(state: PersonState) -> bool:
    """Whether the person holds a policy in force on the state's date and is alive."""
    policy = state.policy
    if policy is None or state.death is not None:
        return False
    if policy.date_stop is not None and policy.date_stop <= state.on:
        return False
    return policy.date_end is None or policy.date_end >= state.on


def person(state: PersonState, named: PersonState | None = None) -> IdentifiedPerson:
    """The register's person on the state's date in the contract's terms; ``named``: the
    state whose personal data to say when ``state`` has none (a date before the person was
    registered here: known, but not insured here then)."""
    data, policy = (state.data or (named.data if named else None)), state.policy
    return IdentifiedPerson(
        enp=state.enp, snils=state.snils or (named.snils if named else None),
        surname=data.surname if data else None, name=data.name if data else None,
        patronymic=(data.patronymic or None) if data else None,
        birth_date=data.birth_date if data else None, sex=data.sex if data else None,
        death_date=state.death.death_date if state.death else None,
        insured=insured(state), insurer=policy.smo if policy else None,
        policy_number=policy.number if policy else None,
        policy_status=policy.status if policy else None,
        clinic=state.attachment.mo if state.attachment else None)


def identify(conn: Connection, asked: IdentifyPersonV1, on: date,
             today: date) -> list[IdentifiedPerson]:
    """Every person of the register the criteria find, insured or not as of ``on``; names
    as of ``on``, or as known ``today`` when the register held nothing of them on ``on``."""
    found = []
    for enp in candidates(conn, asked):
        state = queries.person_as_of(conn, enp, on)
        named = queries.person_as_of(conn, enp, today) if state.data is None else None
        found.append(person(state, named))
    return found
