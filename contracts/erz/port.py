"""The register's published read port: what a channel may ask РС ЕРЗ without its tables.

A channel that answers clinics and insurers synchronously (the SOAP services) needs the
register's current knowledge and its ФЛК, but must not import the handler that owns them
(docs/design.md, "Ports"). It asks for the port by name, :data:`REGISTER_PORT`, through the
hub's loader (``hub.ports.port``); the register provides it under the entry point group
``omshub.ports``. What is asked and returned is in the fund's terms
(:mod:`contracts.erz.register`, :mod:`contracts.erz.failures`), never rows or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from contracts.erz.failures import Failure
from contracts.erz.register import Change, PersonState
from contracts.erz_commands import OperationSubmittedV1

REGISTER_PORT = "erz.register"
"""The port's name under ``omshub.ports``."""


@dataclass(frozen=True)
class Criteria:
    """How to find a person; the first criterion given counts, in the order of the fields:
    ЕНП; СНИЛС; policy number (and series); document number (and series, type); surname,
    name and birth date together (and patronymic). Case and ё/е of names do not matter;
    former names, documents and policies match."""

    enp: str | None = None
    snils: str | None = None
    policy_number: str | None = None
    policy_series: str | None = None
    doc_type: str | None = None
    doc_series: str | None = None
    doc_number: str | None = None
    surname: str | None = None
    name: str | None = None
    patronymic: str | None = None
    birth_date: date | None = None

    @property
    def given(self) -> bool:
        """At least one whole criterion (names count only with the birth date)."""
        return bool(self.enp or self.snils or self.policy_number or self.doc_number
                    or (self.surname and self.name and self.birth_date))


@runtime_checkable
class RegisterReader(Protocol):
    """Reads of the register's committed state and the ФЛК of a submitted operation.

    Each call reads in a transaction of its own: what it returns is what the register had
    committed when it was made.
    """

    def person(self, enp: str, on: date) -> PersonState | None:
        """The person as of ``on`` as the register knows it now; None for an unknown ЕНП."""

    def candidates(self, criteria: Criteria) -> list[str]:
        """The ЕНП of the persons the first given criterion finds (none if none is given)."""

    def changes_since(self, since: datetime, *, smo: str | None = None,
                      mo: str | None = None, limit: int = 10000) -> list[Change]:
        """Change-log entries recorded at or after ``since`` concerning an insurer or a
        clinic, in recording order (time, then id), at most ``limit``."""

    def holds_policy(self, smo: str, enp: str, number: str) -> bool:
        """The insurer ``smo`` holds the person's policy ``number`` now (not superseded)."""

    def check(self, op: OperationSubmittedV1) -> list[Failure]:
        """The register's ФЛК of a submitted operation (formats, check digits, dictionaries,
        required fields by kind, dates in order); empty when it passes. Checks that need
        the register's state are made when the operation is applied."""
