"""Reads of the register: a person as of a date, the timeline, search, deltas (ERZ-1…3).

Each aspect of a person as of a date is one query on the version table's ``person_id``
index; searches use the partial indexes over current knowledge (models.py), so that a
former surname or an old policy number still finds the person. The operators' search
(:func:`search`) takes a surname prefix on the folded key (an index with pattern ops on
PostgreSQL), narrowed by the other criteria, and pages in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from contracts.erz.register import (
    Address,
    Attachment,
    Change,
    Contact,
    Death,
    Document,
    PersonData,
    PersonState,
    Policy,
)
from handlers.erz import models as m
from handlers.erz.register import checks, history
from handlers.erz.register.errors import ErzError
from handlers.erz.register.rows import from_row


def person_id(conn: Connection, enp: str) -> int:
    """The internal id of the person with this ЕНП (ErzError 401 when unknown)."""
    pid = conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).scalar()
    if pid is None:
        raise ErzError("401", "enp")
    return int(pid)


def person_as_of(conn: Connection, enp: str, on: date, *,
                 known_at: datetime | None = None) -> PersonState:
    """The person on date ``on`` as the register knows it now (or knew it at ``known_at``)."""
    pid = person_id(conn, enp)
    return state_from(pid, enp, on, lambda table: history.as_of(conn, table, pid, on,
                                                                known_at=known_at))


def state_from(pid: int, enp: str, on: date,
               rows: Callable[[sa.Table], Sequence[RowMapping]]) -> PersonState:
    """The person's state from ``rows(table)``: the rows of each version table valid on
    ``on``, in ``(valid_from, id)`` order — the last one counts where an aspect has one
    value; addresses and contacts by kind. The one assembly of :class:`PersonState`, for
    rows read one person at a time or in bulk."""
    def one(table: sa.Table) -> RowMapping | None:
        found = rows(table)
        return found[-1] if found else None

    data, sn, doc = one(m.person_data), one(m.snils), one(m.documents)
    pol, att, death = one(m.policies), one(m.attachments), one(m.deaths)
    return PersonState(
        id=pid, enp=enp, on=on,
        data=from_row(PersonData, data) if data else None,
        snils=sn["snils"] if sn else None,
        document=from_row(Document, doc) if doc else None,
        policy=from_row(Policy, pol) if pol else None,
        attachment=from_row(Attachment, att) if att else None,
        death=from_row(Death, death) if death else None,
        addresses={r["kind"]: from_row(Address, r) for r in rows(m.addresses)},
        contacts={r["kind"]: from_row(Contact, r) for r in rows(m.contacts)},
    )


def _change(row: RowMapping, enp: str) -> Change:
    return Change(
        id=row["id"], enp=enp, at=row["at"], op=row["op"], aspect=row["aspect"],
        effective_date=row["effective_date"], event_code=row["event_code"],
        reason_code=row["reason_code"], reason_text=row["reason_text"],
        component=row["component"], user=row["user_name"],
        source_message_id=row["source_message_id"], source_file=row["source_file"],
        smo=row["smo"], mo=row["mo"], detail=row["detail"] or {})


def birth_date(conn: Connection, enp: str) -> date | None:
    """The person's birth date as the register knows it now (None for nobody)."""
    c = m.person_data.c
    found = conn.execute(
        sa.select(c.birth_date).join(m.persons, m.persons.c.id == c.person_id)
        .where(m.persons.c.enp == enp, c.superseded_at.is_(None))
        .order_by(c.valid_from.desc(), c.id.desc()).limit(1)).scalar()
    return found


def timeline(conn: Connection, enp: str) -> list[Change]:
    """Every change of a person in the order it was recorded, with who, why and from where."""
    pid = person_id(conn, enp)
    found = conn.execute(sa.select(m.changes).where(m.changes.c.person_id == pid)
                         .order_by(m.changes.c.id)).mappings()
    return [_change(r, enp) for r in found]


def changes_by_id(conn: Connection, ids: list[int]) -> list[Change]:
    """The change log entries of these ids, in the order they were recorded."""
    if not ids:
        return []
    found = conn.execute(sa.select(m.changes, m.persons.c.enp)
                         .join(m.persons, m.persons.c.id == m.changes.c.person_id)
                         .where(m.changes.c.id.in_(ids)).order_by(m.changes.c.id)).mappings()
    return [_change(r, r["enp"]) for r in found]


def versions(conn: Connection, enp: str, aspect: str) -> list[RowMapping]:
    """Every version row of one aspect, superseded ones included, in recording order."""
    table = m.ASPECTS[aspect]
    return list(conn.execute(sa.select(table).where(table.c.person_id == person_id(conn, enp))
                             .order_by(table.c.id)).mappings())


def changes_since(conn: Connection, since: datetime, *, smo: str | None = None,
                  mo: str | None = None, until: datetime | None = None,
                  limit: int = 10000) -> list[Change]:
    """Changes recorded at or after ``since`` concerning an insurer or a clinic (ERZ-2)."""
    c = m.changes.c
    query = (sa.select(m.changes, m.persons.c.enp)
             .join(m.persons, m.persons.c.id == c.person_id).where(c.at >= since))
    if smo is not None:
        query = query.where(c.smo == smo)
    if mo is not None:
        query = query.where(c.mo == mo)
    if until is not None:
        query = query.where(c.at < until)
    found = conn.execute(query.order_by(c.at, c.id).limit(limit)).mappings()
    return [_change(r, r["enp"]) for r in found]


def _enps(conn: Connection, table: sa.Table, *where: sa.ColumnElement[bool]) -> list[str]:
    query = (sa.select(m.persons.c.enp).distinct()
             .join(table, table.c.person_id == m.persons.c.id)
             .where(table.c.superseded_at.is_(None), *where).order_by(m.persons.c.enp))
    return list(conn.execute(query).scalars())


def district_members(conn: Connection, mo: str, district: str, on: date) -> list[str]:
    """Persons attached to the clinic's district before ``on`` and still on ``on``: those
    a move of the district from ``on`` concerns (the attachment ``Register.move`` ends)."""
    c = m.attachments.c
    return _enps(conn, m.attachments, c.mo == mo, c.district == district, c.valid_from < on,
                 sa.or_(c.valid_to.is_(None), c.valid_to > on))


def find_by_enp(conn: Connection, enp: str) -> list[str]:
    """``[enp]`` when the person is registered."""
    return list(conn.execute(sa.select(m.persons.c.enp).where(m.persons.c.enp == enp))
                .scalars())


def find_by_snils(conn: Connection, snils: str) -> list[str]:
    """Persons who have or had this СНИЛС."""
    return _enps(conn, m.snils, m.snils.c.snils == checks.digits_only(snils))


def find_by_policy(conn: Connection, number: str, series: str | None = None) -> list[str]:
    """Persons with a policy of this number (and series)."""
    where = [m.policies.c.number == number]
    if series is not None:
        where.append(m.policies.c.series == series)
    return _enps(conn, m.policies, *where)


def find_by_document(conn: Connection, number: str, series: str | None = None,
                     doc_type: str | None = None) -> list[str]:
    """Persons with this identity document (now or before)."""
    where = [m.documents.c.number == number]
    if series is not None:
        where.append(m.documents.c.series == series)
    if doc_type is not None:
        where.append(m.documents.c.doc_type == doc_type)
    return _enps(conn, m.documents, *where)


def find_by_names(conn: Connection, surname: str, name: str, birth_date: date,
                  patronymic: str | None = None) -> list[str]:
    """Persons by ФИО and birth date; case and ё/е do not matter; former names match."""
    c = m.person_data.c
    where = [c.surname_key == checks.name_key(surname), c.name_key == checks.name_key(name),
             c.birth_date == birth_date]
    if patronymic is not None:
        where.append(c.patronymic_key == checks.name_key(patronymic))
    return _enps(conn, m.person_data, *where)


@dataclass(frozen=True)
class PersonFilter:
    """What the operators' search looks for; every criterion given must hold.

    Identifiers are whole (``snils`` digits only, series compared without spaces); names
    are prefixes of the folded keys (:func:`checks.name_key`), matched in one version of
    the person's data, current or former.
    """

    enp: str = ""
    snils: str = ""
    policy_number: str = ""
    policy_series: str = ""
    document_number: str = ""
    document_series: str = ""
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    birth_date: date | None = None
    birth_year: int | None = None

    @property
    def named(self) -> bool:
        """Whether a name, birth date or year is among the criteria."""
        return bool(self.surname or self.name or self.patronymic or self.birth_date
                    or self.birth_year)


def _prefix(column: sa.ColumnElement[str], value: str) -> sa.ColumnElement[bool]:
    """``column`` starts with ``value`` folded (``LIKE 'ИВА%'``: an index range with
    ``varchar_pattern_ops`` on PostgreSQL); ``%`` and ``_`` in ``value`` are literal."""
    key = checks.name_key(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(key + "%", escape="\\")


def _held(table: sa.Table, *where: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """Persons with a current-knowledge row of ``table`` where ``where`` holds."""
    return m.persons.c.id.in_(sa.select(table.c.person_id).where(
        table.c.superseded_at.is_(None), *where))


def _without_spaces(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    return sa.func.replace(column, " ", "")


def _identifiers(f: PersonFilter) -> list[sa.ColumnElement[bool]]:
    p, pol, doc = m.persons.c, m.policies.c, m.documents.c
    where: list[sa.ColumnElement[bool]] = []
    if f.enp:
        where.append(p.enp == f.enp)
    if f.snils:
        where.append(_held(m.snils, m.snils.c.snils == f.snils))
    if f.policy_number:
        extra = ([_without_spaces(pol.series) == f.policy_series.replace(" ", "")]
                 if f.policy_series else [])
        where.append(_held(m.policies, pol.number == f.policy_number, *extra))
    if f.document_number:
        extra = ([_without_spaces(doc.series) == f.document_series.replace(" ", "")]
                 if f.document_series else [])
        where.append(_held(m.documents, doc.number == f.document_number, *extra))
    return where


def _names(f: PersonFilter) -> list[sa.ColumnElement[bool]]:
    d = m.person_data.c
    where: list[sa.ColumnElement[bool]] = []
    for column, value in ((d.surname_key, f.surname), (d.name_key, f.name),
                          (d.patronymic_key, f.patronymic)):
        if value:
            where.append(_prefix(column, value))
    if f.birth_date is not None:
        where.append(d.birth_date == f.birth_date)
    if f.birth_year is not None:
        where.append(d.birth_date.between(date(f.birth_year, 1, 1), date(f.birth_year, 12, 31)))
    return where


def search(conn: Connection, f: PersonFilter, *, offset: int = 0,
           limit: int = 50) -> tuple[list[str], int]:
    """ЕНП of one page of the persons matching every criterion, and how many match.

    Ordered by surname, name, patronymic (the matching version's) when names are searched,
    else by ЕНП. An empty filter finds nobody.
    """
    p = m.persons.c
    where = _identifiers(f)
    names = _names(f)
    if not where and not names:
        return [], 0
    if names:
        d = m.person_data.c
        matched = (sa.select(d.person_id, sa.func.min(d.surname_key).label("surname"),
                             sa.func.min(d.name_key).label("name"),
                             sa.func.min(d.patronymic_key).label("patronymic"))
                   .where(d.superseded_at.is_(None), *names).group_by(d.person_id).subquery())
        query = (sa.select(p.enp).join(matched, matched.c.person_id == p.id).where(*where)
                 .order_by(matched.c.surname, matched.c.name, matched.c.patronymic, p.enp))
    else:
        query = sa.select(p.enp).where(*where).order_by(p.enp)
    total = conn.execute(sa.select(sa.func.count()).select_from(
        query.order_by(None).subquery())).scalar_one()
    page = conn.execute(query.offset(offset).limit(limit)).scalars()
    return list(page), int(total)
