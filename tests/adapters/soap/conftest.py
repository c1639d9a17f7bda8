"""A running hub (router, ERZ handler, SOAP adapter) with a few persons, and zeep clients.

Organisations: two clinics and two insurers of the synthetic region. Persons:

- Anna: insured by SMO_A, attached to MO_A (district 5) since 2020;
- Pavel: insured by SMO_B, attached to MO_B;
- Semyon: insured by SMO_A, attached nowhere (a clinic may attach him).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
import zeep
from zeep.transports import Transport

from contracts.erz.register import Attachment, Document, PersonData, Policy, Reason, Source
from handlers.erz.register.checks import snils_check_number
from handlers.erz.register.core import Register
from hub.passwords import hash_password
from hub.testing import TestHub, running_hub
from tests.conftest import Footprint, free_port
from tests.handlers.erz.register.conftest import FERZL, enp

MO_A, MO_B, SMO_A, SMO_B = "760101", "760102", "76001", "76002"
PASSWORDS = {"mo-a": "pw-mo-a", "mo-b": "pw-mo-b", "smo-a": "pw-smo-a", "smo-b": "pw-smo-b"}
ORGS = [("mo-a", MO_A, "mo"), ("mo-b", MO_B, "mo"), ("smo-a", SMO_A, "smo"),
        ("smo-b", SMO_B, "smo")]
ANNA, PAVEL, SEMYON = enp(101), enp(102), enp(103)
SINCE = date(2020, 1, 1)


def snils(serial: int) -> str:
    """A valid СНИЛС."""
    first9 = f"{200000000 + serial:09d}"
    return first9 + snils_check_number(first9)


@functools.cache
def organisations() -> tuple[dict[str, str], ...]:
    """``[plugins.soap].organisations`` with scrypt hashes (made once: scrypt is slow)."""
    return tuple({"code": code, "kind": kind, "username": user,
                  "password_hash": hash_password(PASSWORDS[user])} for user, code, kind in ORGS)


def populate(hub: TestHub) -> None:
    """Anna, Pavel and Semyon, as the module docstring says."""
    people = [
        (ANNA, PersonData("Семёнова", "Анна", "Петровна", "2", date(1980, 5, 1)), SMO_A, MO_A),
        (PAVEL, PersonData("Петров", "Павел", "Ильич", "1", date(1975, 3, 9)), SMO_B, MO_B),
        (SEMYON, PersonData("Сидоров", "Семён", "Олегович", "1", date(1990, 11, 2)), SMO_A,
         None),
    ]
    with hub.db.transaction() as conn:
        reg = Register(conn, Source("test"))
        for i, (number, data, smo, mo) in enumerate(people):
            reg.create_person(number, data, snils=snils(i + 1), document=Document(
                "14", f"78 0{i}", f"12345{i}", date(2010, 1, 1), "УМВД"))
            reg.issue_policy(number, Policy("П", number, smo, SINCE), Reason("П010"))
            if mo is not None:
                reg.attach(number, Attachment(mo, SINCE, department="1", district="5"),
                           Reason())


@dataclass
class Services:
    """The running hub and the SOAP service's address."""

    hub: TestHub
    url: str

    def client(self, user: str, password: str | None = None) -> Any:
        """A zeep client built from the served WSDL, authenticated as ``user``."""
        session = requests.Session()
        session.auth = (user, PASSWORDS[user] if password is None else password)
        return zeep.Client(f"{self.url}?wsdl", transport=Transport(session=session))


@contextmanager
def serving(footprint: Footprint, tmp_path: Path, hub_settings: dict[str, Any] | None = None,
            **soap: object) -> Iterator[Services]:
    """Router, ERZ handler and SOAP adapter on the footprint, with the three persons;
    ``soap`` adds to ``[plugins.soap]`` (limits, throttling), ``hub_settings`` to the hub's."""
    port = free_port()
    # With the ФФОМС dictionaries (when at hand) the ФЛК checks codes as well as formats.
    schemas = FERZL if (FERZL / "erz-dictionaries" / "concept.xml").is_file() else None
    settings = footprint.settings(tmp_path, schemas_dir=schemas, **(hub_settings or {}),
                                  plugins={"soap": {
        "port": port, "organisations": list(organisations()), **soap}})
    with running_hub(settings, ["hub.router", "handler.erz", "adapter.soap"]) as hub:
        populate(hub)
        yield Services(hub, f"http://127.0.0.1:{port}/soap/erz")


@pytest.fixture
def services(footprint: Footprint, tmp_path: Path) -> Iterator[Services]:
    """The services of :func:`serving` with the default settings."""
    with serving(footprint, tmp_path) as running:
        yield running

