"""The register's read model (РС ЕРЗ) in the fund's terms: a person as of a date, changes.

These are the values the register returns to whoever reads it — its own code, and the
channels that reach it through :class:`~contracts.erz.port.RegisterReader` (the SOAP
services) — and takes in its operations (``Source``, ``Reason``). They live here, not in the
handler, because they cross components: a reader depends on the shape of what it is given,
never on the tables behind it. Field names match the register's columns (its row mapping
builds them by name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Source:
    """Who makes a change: the component, the operator, the message or file it came in."""

    component: str
    user: str | None = None
    message_id: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class Reason:
    """Why: a reason of R001 (``П010``…), an event of 1.2.643.2.40.5.100.62 (``П01``…), text."""

    code: str | None = None
    text: str = ""
    event: str | None = None


@dataclass(frozen=True)
class PersonData:
    """Personal data (ФИО, пол, дата и место рождения); sex ``1`` male, ``2`` female."""

    surname: str
    name: str
    patronymic: str
    sex: str
    birth_date: date
    birth_place: str = ""


@dataclass(frozen=True)
class Document:
    """Identity document (ДУДЛ); type by the ФОМС dictionary (14 — паспорт РФ)."""

    doc_type: str
    series: str
    number: str
    issue_date: date | None = None
    issuer: str = ""


@dataclass(frozen=True)
class Policy:
    """A policy (полис ОМС) of type С, В, П, Э or К with its insurer (СМО)."""

    policy_type: str
    number: str
    smo: str
    date_begin: date
    date_end: date | None = None
    series: str = ""
    reason_code: str | None = None
    date_stop: date | None = None
    status: str = "active"
    stop_reason: str | None = None
    fact_id: str = ""


@dataclass(frozen=True)
class Address:
    """An address of a kind: ``reg`` (регистрация) or ``live`` (место пребывания)."""

    kind: str
    text: str
    fias_guid: str | None = None
    kladr: str | None = None
    okato: str | None = None
    postcode: str | None = None


@dataclass(frozen=True)
class Contact:
    """A contact of a kind: ``phone`` or ``email``."""

    kind: str
    value: str


@dataclass(frozen=True)
class Attachment:
    """Attachment to a clinic (прикрепление к МО): department, district (участок), doctor."""

    mo: str
    date_attach: date
    method: str = "1"
    department: str = ""
    district: str = ""
    doctor_snils: str | None = None
    date_detach: date | None = None
    detach_reason: str | None = None
    fact_id: str = ""


@dataclass(frozen=True)
class Death:
    """Death of a person with the ЗАГС act record, when known."""

    death_date: date
    act_number: str | None = None
    act_date: date | None = None


@dataclass(frozen=True)
class PersonState:
    """A person as the register knows them on one date."""

    id: int
    enp: str
    on: date
    data: PersonData | None
    snils: str | None
    document: Document | None
    policy: Policy | None
    attachment: Attachment | None
    death: Death | None
    addresses: dict[str, Address] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)

    @property
    def alive(self) -> bool:
        """Not dead on the date."""
        return self.death is None


@dataclass(frozen=True)
class Change:
    """One entry of a person's timeline or of a delta: what, when, who, why, from where."""

    id: int
    enp: str
    at: datetime
    op: str
    aspect: str
    effective_date: date | None
    event_code: str | None
    reason_code: str | None
    reason_text: str | None
    component: str
    user: str | None
    source_message_id: str | None
    source_file: str | None
    smo: str | None
    mo: str | None
    detail: dict[str, Any]
