"""Domain operations of the register over a SQLAlchemy connection (ERZ-1, -3, -5, -8).

``Register(conn, source)`` works inside the caller's transaction — the handler's ``tx.conn``,
the SOAP adapter's or the console's — and never commits. Each operation writes new version
rows and one or more entries of the change log; ``register.changes`` lists them so the
caller can publish ``erz.person.changed`` events. Refusals raise :class:`ErzError` with a code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from contracts.envelope import utcnow
from contracts.erz.failures import Failure
from contracts.erz.register import (
    Address,
    Attachment,
    Change,
    Contact,
    Death,
    Document,
    PersonData,
    Policy,
    Reason,
    Source,
)
from handlers.erz import models as m
from handlers.erz.register import checks, history, queries
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.register.errors import ErzError, require
from handlers.erz.register.plain import plain
from handlers.erz.register.rows import to_values

DAY = timedelta(days=1)
NO_REASON = Reason()


def _json(values: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = plain(values)
    return loaded


def _nonempty(row: RowMapping) -> bool:
    return row["valid_to"] is None or row["valid_to"] > row["valid_from"]


def _overlaps(row: RowMapping, start: date, end: date | None) -> bool:
    return _nonempty(row) and (end is None or row["valid_from"] < end) and (
        row["valid_to"] is None or row["valid_to"] > start)


class Register:
    """The register's operations within one transaction, on behalf of one ``source``."""

    def __init__(self, conn: Connection, source: Source, *,
                 dictionaries: Dictionaries | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.conn = conn
        self.source = source
        self.dicts = dictionaries or Dictionaries()
        self.clock = clock
        self.changes: list[Change] = []

    # -- persons and their data -------------------------------------------------------------

    def create_person(self, enp: str, data: PersonData, *, reason: Reason = NO_REASON,
                      on: date | None = None, snils: str | None = None,
                      document: Document | None = None, addresses: Iterable[Address] = (),
                      contacts: Iterable[Contact] = ()) -> int:
        """Register a new ЗЛ; its data is valid from ``on`` (default: the birth date)."""
        now = self.clock()
        require(checks.check_enp(enp) + self._person_failures(data, now.date()))
        if self.conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).first():
            raise ErzError("402", "enp")
        pid = self._insert_id(m.persons, {"enp": enp, "created_at": now})
        start = on or data.birth_date
        cid = self._log(pid, enp, "create_person", "person", start, reason,
                        {"new": to_values(data)})
        history.insert(self.conn, m.person_data, pid, self._data_values(data), start, None,
                       self._now, cid)
        # A new person has no rows to lock, overwrite or take parties from: each aspect is
        # checked as set_* checks it, then logged and inserted (2 statements instead of ~8).
        if snils is not None:
            value = checks.digits_only(snils)
            require(checks.check_snils(value))
            self._first(pid, enp, m.snils, "snils", {"snils": value}, start, data, reason)
        if document is not None:
            require(checks.check_document(document.doc_type, document.series,
                                          document.number, self.dicts))
            self._first(pid, enp, m.documents, "document", to_values(document), start, data,
                        reason)
        for address in addresses:
            if address.kind not in ("reg", "live"):
                raise ErzError("106", "address.kind", "вид адреса: reg или live")
            self._first(pid, enp, m.addresses, "address", to_values(address), start, data,
                        reason)
        for contact in contacts:
            self._first(pid, enp, m.contacts, "contact", to_values(contact), start, data,
                        reason)
        return pid

    def change_data(self, enp: str, on: date, reason: Reason, **fields: Any) -> None:
        """Change some personal data (e.g. ``surname=``) from ``on``; a past date corrects."""
        pid = self._lock(enp)
        rows = history.as_of(self.conn, m.person_data, pid, on)
        if not rows:
            raise ErzError("303", "on", "нет персональных данных на эту дату")
        old = history.values_of(m.person_data, rows[0])
        data = PersonData(**{k: old[k] for k in PersonData.__dataclass_fields__} | fields)
        require(self._person_failures(data, self.clock().date()))
        cid = self._log(pid, enp, "change_data", "person", on, reason, {
            "old": {k: old[k] for k in fields}, "new": fields}, smo_mo_on=on)
        history.overwrite(self.conn, m.person_data, pid, self._data_values(data), on, None,
                          self._now, cid)

    def set_snils(self, enp: str, value: str, on: date, reason: Reason) -> None:
        """СНИЛС from ``on`` (ПФР actualisation, correction)."""
        value = checks.digits_only(value)
        require(checks.check_snils(value))
        self._set_single(enp, m.snils, "snils", {"snils": value}, on, reason)

    def set_document(self, enp: str, document: Document, on: date, reason: Reason) -> None:
        """The identity document from ``on``."""
        require(checks.check_document(document.doc_type, document.series, document.number,
                                      self.dicts))
        self._set_single(enp, m.documents, "document", to_values(document), on, reason)

    def set_address(self, enp: str, address: Address, on: date, reason: Reason) -> None:
        """An address of its kind (``reg``/``live``) from ``on``."""
        if address.kind not in ("reg", "live"):
            raise ErzError("106", "address.kind", "вид адреса: reg или live")
        self._set_single(enp, m.addresses, "address", to_values(address), on, reason,
                         m.addresses.c.kind == address.kind)

    def set_contact(self, enp: str, contact: Contact, on: date, reason: Reason) -> None:
        """A contact of its kind (``phone``/``email``) from ``on`` (МО may change it, ERZ-1)."""
        require(checks.check_contact(contact.kind, contact.value, f"contact.{contact.kind}"))
        self._set_single(enp, m.contacts, "contact", to_values(contact), on, reason,
                         m.contacts.c.kind == contact.kind)

    # -- policies ----------------------------------------------------------------------------

    def issue_policy(self, enp: str, policy: Policy, reason: Reason, *,
                     replace: bool = False) -> str:
        """Issue a policy; with ``replace`` the policy in force on its first day is stopped
        then (reinsurance, a new policy instead of a temporary certificate). Returns its id.
        """
        pid = self._lock(enp)
        require(checks.check_policy(policy.policy_type, policy.number, policy.series,
                                    policy.date_begin, policy.date_end, self.dicts)
                + checks.check_reason(reason.code or "", self.dicts))
        self._after_birth(pid, policy.date_begin, "policy.date_begin")
        self._before_death(pid, policy.date_begin, "policy.date_begin")
        end = policy.date_end + DAY if policy.date_end else None
        if replace:
            active = self._active(m.policies, pid, policy.date_begin)
            if active is not None and active["valid_from"] < policy.date_begin:
                self.stop_policy(enp, policy.date_begin, reason)
        rows = history.current(self.conn, m.policies, pid)
        if any(_overlaps(r, policy.date_begin, end) for r in rows):
            raise ErzError("403", "policy.date_begin")
        fact = history.new_fact_id()
        values = to_values(policy) | {"fact_id": fact, "status": "active",
                                      "reason_code": policy.reason_code or reason.code}
        cid = self._log(pid, enp, "issue_policy", "policy", policy.date_begin, reason,
                        {"new": values}, smo=policy.smo)
        history.insert(self.conn, m.policies, pid, values, policy.date_begin, end, self._now,
                       cid)
        return fact

    def issue_temporary_certificate(self, enp: str, number: str, smo: str, begin: date,
                                    end: date, reason: Reason) -> str:
        """Issue a temporary certificate (временное свидетельство, type В) until ``end``."""
        return self.issue_policy(enp, Policy("В", number, smo, begin, end), reason)

    def reinsure(self, enp: str, policy: Policy, reason: Reason) -> str:
        """Move the person to another insurer (or a new policy): stop the old, issue the new."""
        return self.issue_policy(enp, policy, reason, replace=True)

    def stop_policy(self, enp: str, on: date, reason: Reason) -> None:
        """Stop the policy in force so that from ``on`` it no longer is (снятие с учёта)."""
        pid = self._lock(enp)
        row = self._active(m.policies, pid, on, started_before=True)
        if row is None:
            raise ErzError("405", "on")
        cid = self._log(pid, enp, "stop_policy", "policy", on, reason,
                        {"number": row["number"], "old_valid_to": row["valid_to"]},
                        smo=row["smo"])
        history.replace_version(self.conn, m.policies, row, {
            "status": "stopped", "date_stop": on, "stop_reason": reason.code}, on, self._now,
            cid)

    def annul_policy(self, enp: str, number: str, reason: Reason) -> None:
        """Annul a policy issued in error: it never was in force (the record stays)."""
        pid = self._lock(enp)
        rows = [r for r in history.current(self.conn, m.policies, pid,
                                           m.policies.c.number == number)]
        if not rows:
            raise ErzError("408", "number")
        live = [r for r in rows if r["status"] != "annulled"]
        if not live:
            raise ErzError("409", "number")
        for row in live:
            cid = self._log(pid, enp, "annul_policy", "policy", row["valid_from"], reason,
                            {"number": number}, smo=row["smo"])
            history.replace_version(self.conn, m.policies, row, {"status": "annulled"},
                                    row["valid_from"], self._now, cid)

    # -- attachment (РПН) ----------------------------------------------------------------------

    def attach(self, enp: str, attachment: Attachment, reason: Reason) -> str:
        """Attach to a clinic from ``date_attach`` (until ``date_detach``, if given)."""
        pid = self._lock(enp)
        start, end = attachment.date_attach, attachment.date_detach
        if end is not None and end < start:
            raise ErzError("302", "attachment.date_detach")
        if attachment.doctor_snils:
            require(checks.check_snils(attachment.doctor_snils, "attachment.doctor_snils"))
            attachment = replace(attachment,
                                 doctor_snils=checks.digits_only(attachment.doctor_snils))
        self._after_birth(pid, start, "attachment.date_attach")
        self._before_death(pid, start, "attachment.date_attach")
        if any(_overlaps(r, start, end) for r in history.current(self.conn, m.attachments, pid)):
            raise ErzError("404", "attachment.date_attach")
        fact = history.new_fact_id()
        values = to_values(attachment) | {"fact_id": fact}
        cid = self._log(pid, enp, "attach", "attachment", start, reason, {"new": values},
                        mo=attachment.mo)
        history.insert(self.conn, m.attachments, pid, values, start, end, self._now, cid)
        return fact

    def detach(self, enp: str, on: date, reason: Reason) -> None:
        """End the attachment in force so that from ``on`` the person is not attached."""
        pid = self._lock(enp)
        row = self._active(m.attachments, pid, on, started_before=True)
        if row is None:
            raise ErzError("406", "on")
        cid = self._log(pid, enp, "detach", "attachment", on, reason,
                        {"district": row["district"]}, mo=row["mo"])
        history.replace_version(self.conn, m.attachments, row, {
            "date_detach": on, "detach_reason": reason.code}, on, self._now, cid)

    def move(self, enp: str, on: date, reason: Reason, *, district: str,
             department: str | None = None, doctor_snils: str | None = None,
             mo: str | None = None, method: str | None = None) -> str:
        """Move to another district (or clinic) from ``on``: detach, then attach anew."""
        pid = self._lock(enp)
        row = self._active(m.attachments, pid, on, started_before=True)
        if row is None:
            raise ErzError("406", "on")
        self.detach(enp, on, reason)
        return self.attach(enp, Attachment(
            mo=mo or row["mo"], date_attach=on, method=method or row["method"],
            department=row["department"] if department is None else department,
            district=district, doctor_snils=doctor_snils), reason)

    def move_district(self, mo: str, from_district: str, to_district: str, on: date,
                      reason: Reason, *, department: str | None = None,
                      doctor_snils: str | None = None) -> list[str]:
        """Move everyone of the clinic's district to another from ``on`` (перераспределение
        участков), each by :meth:`move`; returns their ЕНП."""
        if not from_district or not to_district:
            raise ErzError("106", "district" if from_district else "from_district")
        if from_district == to_district:
            raise ErzError("410", "district")
        moved = queries.district_members(self.conn, mo, from_district, on)
        if not moved:
            raise ErzError("406", "from_district", "на участке нет прикреплённых ЗЛ на дату")
        for enp in moved:
            self.move(enp, on, reason, district=to_district, department=department,
                      doctor_snils=doctor_snils)
        return moved

    # -- death -------------------------------------------------------------------------------

    def register_death(self, enp: str, death: Death, reason: Reason) -> None:
        """Register a death: the policy and the attachment in force end on its date."""
        pid = self._lock(enp)
        today = self.clock().date()
        if death.death_date > today:
            raise ErzError("301", "death_date")
        self._after_birth(pid, death.death_date, "death_date")
        if history.current(self.conn, m.deaths, pid):
            raise ErzError("407", "death_date")
        for table, field in ((m.policies, "policy"), (m.attachments, "attachment")):
            later = [r for r in history.current(self.conn, table, pid)
                     if _nonempty(r) and r["valid_from"] >= death.death_date]
            if later:
                raise ErzError("304", f"{field}.date_begin",
                               "есть период, начатый в день смерти или позже")
        cid = self._log(pid, enp, "register_death", "death", death.death_date, reason,
                        {"new": to_values(death)}, smo_mo_on=death.death_date - DAY)
        history.insert(self.conn, m.deaths, pid, to_values(death), death.death_date, None,
                       self._now, cid)
        closing = Reason(reason.code or "П022", reason.text or "смерть", reason.event)
        if self._active(m.policies, pid, death.death_date, started_before=True):
            self.stop_policy(enp, death.death_date, closing)
        if self._active(m.attachments, pid, death.death_date, started_before=True):
            self.detach(enp, death.death_date, closing)

    def log(self, enp: str, op: str, aspect: str, effective: date | None, reason: Reason,
            detail: dict[str, Any]) -> int:
        """Enter a change of ``enp`` in the change log (the person locked, insurer and
        clinic as of the day before ``effective``) for a flow that writes its own version
        rows (a ЗАГС correction, :mod:`handlers.erz.zags.acts`); returns the entry's id."""
        on = (effective - DAY) if effective else None
        return self._log(self._lock(enp), enp, op, aspect, effective, reason, detail,
                         smo_mo_on=on)

    # -- internals ---------------------------------------------------------------------------

    @property
    def _now(self) -> datetime:
        return self.changes[-1].at if self.changes else self.clock()

    def _lock(self, enp: str) -> int:
        # FOR UPDATE serialises concurrent changes of one person on PostgreSQL, so that two
        # transactions cannot both pass the overlap checks; SQLite has one writer anyway.
        pid = self.conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)
                                .with_for_update()).scalar()
        if pid is None:
            raise ErzError("401", "enp")
        return int(pid)

    def _person_failures(self, data: PersonData, today: date) -> list[Failure]:
        return checks.check_person(data.surname, data.name, data.sex, data.birth_date, today,
                                   self.dicts)

    @staticmethod
    def _data_values(data: PersonData) -> dict[str, Any]:
        return to_values(data) | {"surname_key": checks.name_key(data.surname),
                                  "name_key": checks.name_key(data.name),
                                  "patronymic_key": checks.name_key(data.patronymic)}

    def _set_single(self, enp: str, table: sa.Table, aspect: str, values: dict[str, Any],
                    on: date, reason: Reason, *where: sa.ColumnElement[bool]) -> None:
        pid = self._lock(enp)
        self._after_birth(pid, on, f"{aspect}.on")
        old = history.as_of(self.conn, table, pid, on, *where)
        before = history.values_of(table, old[0]) if old else None
        cid = self._log(pid, enp, f"set_{aspect}", aspect, on, reason,
                        {"old": before, "new": values}, smo_mo_on=on)
        history.overwrite(self.conn, table, pid, values, on, None, self._now, cid, *where)

    def _first(self, pid: int, enp: str, table: sa.Table, aspect: str,
               values: dict[str, Any], on: date, data: PersonData, reason: Reason) -> None:
        """The first value of an aspect of a person just created (``_set_single`` of none)."""
        if on < data.birth_date:
            raise ErzError("303", f"{aspect}.on")
        cid = self._log(pid, enp, f"set_{aspect}", aspect, on, reason,
                        {"old": None, "new": values})
        history.insert(self.conn, table, pid, values, on, None, self._now, cid)

    def _active(self, table: sa.Table, pid: int, on: date, *,
                started_before: bool = False) -> RowMapping | None:
        """The non-empty version in force on ``on`` (or started before it and running on)."""
        for row in history.current(self.conn, table, pid):
            if not _nonempty(row):
                continue
            start_ok = row["valid_from"] < on if started_before else row["valid_from"] <= on
            if start_ok and (row["valid_to"] is None or row["valid_to"] > on):
                return row
        return None

    def _after_birth(self, pid: int, on: date, field: str) -> None:
        born = self.conn.execute(sa.select(sa.func.min(m.person_data.c.birth_date)).where(
            m.person_data.c.person_id == pid, m.person_data.c.superseded_at.is_(None))).scalar()
        if born is not None and on < born:
            raise ErzError("303", field)

    def _before_death(self, pid: int, on: date, field: str) -> None:
        for row in history.current(self.conn, m.deaths, pid):
            if on >= row["death_date"]:
                raise ErzError("304", field)

    def _log(self, pid: int, enp: str, op: str, aspect: str, effective: date | None,
             reason: Reason, detail: dict[str, Any], *, smo: str | None = None,
             mo: str | None = None, smo_mo_on: date | None = None) -> int:
        if smo_mo_on is not None:
            smo, mo = self._parties(pid, smo_mo_on)
        at = self.clock()
        row = {"person_id": pid, "at": at, "op": op, "aspect": aspect,
               "effective_date": effective, "event_code": reason.event,
               "reason_code": reason.code, "reason_text": reason.text or None,
               "component": self.source.component, "user_name": self.source.user,
               "source_message_id": self.source.message_id,
               "source_file": self.source.file, "smo": smo, "mo": mo,
               }
        detail = _json(detail)
        cid = self._insert_id(m.changes, {**row, "detail": detail})
        self.changes.append(Change(
            id=cid, enp=enp, at=at, op=op, aspect=aspect, effective_date=effective,
            event_code=reason.event, reason_code=reason.code, reason_text=reason.text or None,
            component=self.source.component, user=self.source.user,
            source_message_id=self.source.message_id, source_file=self.source.file,
            smo=smo, mo=mo, detail=detail))
        return cid

    def _insert_id(self, table: sa.Table, row: dict[str, Any]) -> int:
        key = self.conn.execute(table.insert(), row).inserted_primary_key
        assert key is not None
        return int(key[0])

    def _parties(self, pid: int, on: date) -> tuple[str | None, str | None]:
        """The insurer and the clinic of the person on ``on`` (whom a change concerns)."""
        pol = history.as_of(self.conn, m.policies, pid, on)
        att = history.as_of(self.conn, m.attachments, pid, on)
        return (pol[0]["smo"] if pol else None, att[0]["mo"] if att else None)
