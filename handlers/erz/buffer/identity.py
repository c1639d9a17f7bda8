"""Does a buffer item's record name the person an operator approves it onto? (ERZ-5, ERZ-6)

A record that waits in the buffer with only the keys of a person (its ``candidate``: a ЗАГС
death record that matched nobody, or several) is approved onto a ЕНП the operator names. A
typo in that ЕНП would mark the wrong person dead, stop her policy and tell her insurer and
clinic, so :func:`check` compares the record with the chosen person — surname, name,
patronymic (case and ё/е do not matter) and birth date — and refuses an approval with a
difference unless the operator confirms it with a reason. :func:`handlers.erz.buffer.store.approve`
calls it, so every way of approving (the console page, the API, the ERZ handler following
an ``erz.buffer.decided``) is checked in the same place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from handlers.erz import models as m
from handlers.erz.register import checks, history

FIELDS: tuple[tuple[str, str], ...] = (
    ("surname", "фамилия"), ("name", "имя"), ("patronymic", "отчество"),
    ("birth_date", "дата рождения"))
"""The keys compared, with their Russian labels."""
SHOWN: tuple[tuple[str, str], ...] = (*FIELDS, ("document", "документ"),
                                      ("snils", "СНИЛС"), ("enp", "ЕНП"))
"""What the buffer screen puts side by side (compared or not)."""
CONFIRMED = "identity_confirmed"
"""The payload key where an approval confirmed despite differences keeps what and why."""


@dataclass(frozen=True)
class Mismatch:
    """One key on which the record and the chosen person differ."""

    field: str
    label: str
    record: str
    person: str

    def as_dict(self) -> dict[str, str]:
        """JSON form (audit details, the buffer item's payload)."""
        return {"field": self.field, "label": self.label, "record": self.record,
                "person": self.person}


class IdentityMismatch(ValueError):
    """An approval onto a person who differs from the record, not confirmed by the operator."""

    def __init__(self, enp: str, mismatches: list[Mismatch]) -> None:
        self.enp = enp
        self.mismatches = mismatches
        labels = ", ".join(x.label for x in mismatches)
        super().__init__(
            f"Не применено: сведения записи не совпадают с выбранным ЗЛ ({labels}). "
            "Проверьте ЕНП; если это тот же человек, отметьте «подтверждаю несовпадение» "
            "и укажите причину.")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value).strip()


def person_keys(conn: Connection, enp: str, on: date | None = None) -> dict[str, str] | None:
    """The person's keys as :data:`SHOWN` names them (data as of ``on`` when it has a
    version then, else the latest); None when the register has no such ЕНП."""
    pid = conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).scalar()
    if pid is None:
        return None
    rows = history.current(conn, m.person_data, int(pid))
    dated = [r for r in rows if on is not None and r["valid_from"] <= on
             and (r["valid_to"] is None or r["valid_to"] > on)]
    latest = dated or rows
    data = latest[-1] if latest else None
    documents = history.current(conn, m.documents, int(pid))
    snils = history.current(conn, m.snils, int(pid))
    keys = {f: _text(data[f]) if data is not None else "" for f, _ in FIELDS}
    return keys | {
        "document": "; ".join(f"{d['series']} {d['number']}".strip() for d in documents),
        "snils": _text(snils[-1]["snils"]) if snils else "", "enp": enp}


def record_keys(candidate: Mapping[str, Any] | None) -> dict[str, str]:
    """The record's keys as :data:`SHOWN` names them."""
    candidate = candidate or {}
    return {f: _text(candidate.get(f)) for f, _ in SHOWN}


def _same(field: str, record: str, person: str) -> bool:
    if field == "birth_date":
        return record == person
    return checks.name_key(record) == checks.name_key(person)


def mismatches(candidate: Mapping[str, Any] | None,
               person: Mapping[str, str]) -> list[Mismatch]:
    """The compared keys on which the record and the person differ (a key the record
    lacks — a partial birth date, no surname — differs: nothing proves it is the same)."""
    record = record_keys(candidate)
    return [Mismatch(f, label, record[f], person.get(f, "")) for f, label in FIELDS
            if not _same(f, record[f], person.get(f, ""))]


def check(conn: Connection, candidate: Mapping[str, Any] | None, enp: str | None,
          confirmation: str = "", on: date | None = None) -> list[Mismatch]:
    """The differences between the record and the person ``enp``; IdentityMismatch when
    there are some and no ``confirmation`` (the operator's reason) is given. An item
    without a candidate (the flow that proposed it named the person) or an unknown ЕНП
    (the register refuses it anyway) has nothing to compare."""
    if not candidate or not enp:
        return []
    person = person_keys(conn, enp, on)
    if person is None:
        return []
    found = mismatches(candidate, person)
    if found and not confirmation.strip():
        raise IdentityMismatch(enp, found)
    return found
