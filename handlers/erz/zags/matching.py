"""Finding the person a ЗАГС act record names, and what the buffer keeps of them (ERZ-5).

The same rule as for deaths (:func:`handlers.erz.zags.deaths.candidates`), for a
:class:`contracts.zags_acts.Person` of a birth or a name-changing act:

- by СНИЛС when the record gives one (112-01 does for the parents); a СНИЛС the register
  does not know falls back to the names, since the register holds many persons without one;
- else by surname, name, patronymic (when the record has one) and birth date — case and ё/е
  do not matter, and former names match, so that a person renamed since is still found by
  the names an older act knows; a person the register holds without any patronymic matches
  a record with one; several candidates are narrowed by the identity document (series and
  number compared as digits).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from contracts.erz.register import PersonData
from contracts.zags_acts import Person
from handlers.erz import models as m
from handlers.erz.register import checks, history, queries
from handlers.erz.register.operations import dump


def document_digits(person: Person) -> str | None:
    """Series and number of the person's identity document, digits only."""
    doc = person.identity_document
    return checks.digits_only(doc.series_number) if doc else None


def candidates(conn: Connection, person: Person) -> list[str]:
    """ЕНП of the persons the record may concern (see the module's docstring)."""
    if person.snils:
        found = queries.find_by_snils(conn, person.snils)
        if found:
            return found
    if not (person.surname and person.name and person.birth_date):
        return []
    found = queries.find_by_names(conn, person.surname, person.name, person.birth_date,
                                  person.patronymic)
    if not found and person.patronymic:
        # A record registered without a patronymic (a newborn an insurer registered before
        # ЗАГС gave it one) is the same person, not another.
        found = [enp for enp in queries.find_by_names(conn, person.surname, person.name,
                                                      person.birth_date)
                 if not _patronymics(conn, enp)]
    digits = document_digits(person)
    if len(found) > 1 and digits:
        by_document = [enp for enp in found if _document_digits(conn, enp) == digits]
        found = by_document or found
    return found


def _patronymics(conn: Connection, enp: str) -> set[str]:
    rows = history.current(conn, m.person_data, queries.person_id(conn, enp))
    return {r["patronymic"] for r in rows if r["patronymic"]}


def _document_digits(conn: Connection, enp: str) -> str | None:
    rows = history.current(conn, m.documents, queries.person_id(conn, enp))
    found = {checks.digits_only(f"{r['series']}{r['number']}") for r in rows}
    return next(iter(found)) if len(found) == 1 else None


def keys(person: Person, act_number: str, schema: str) -> dict[str, Any]:
    """What identifies the person in the record: the buffer item's ``candidate``, compared
    with the person an operator approves it onto (:mod:`handlers.erz.buffer.identity`)."""
    found: dict[str, Any] = dump({
        "surname": person.surname, "name": person.name, "patronymic": person.patronymic,
        "birth_date": person.birth_date, "document": document_digits(person),
        "snils": person.snils, "act_number": act_number, "schema": schema})
    return found


def data_now(conn: Connection, enp: str, today: date) -> PersonData | None:
    """The person's data as the register holds it today (the latest version when today
    precedes every version, as for a date of birth in the future of a test's clock)."""
    state = queries.person_as_of(conn, enp, today)
    if state.data is not None:
        return state.data
    rows = history.current(conn, m.person_data, state.id)
    if not rows:
        return None
    last = rows[-1]
    return PersonData(last["surname"], last["name"], last["patronymic"], last["sex"],
                      last["birth_date"], last["birth_place"])


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two names are the same to the register (case and ё/е folded)."""
    return checks.name_key(a) == checks.name_key(b)
