"""OPLIST inputs built from synthetic persons (handlers/erz/synth/population.py) and
contracts/erz models."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Connection

from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.register import Policy, Reason, Source
from handlers.erz.register.core import Register
from handlers.erz.synth.lists import operation_record
from handlers.erz.synth.population import SynthPerson, person

FUND = "76"
SMO_A, SMO_B = "76002", "76001"
OGRN = "1027600000000"
CHANGED = datetime(2024, 12, 20, 10, 0)


def people(*indexes: int) -> list[SynthPerson]:
    """Adults of the synthetic population (seed 7) by index."""
    return [person(i, seed=7) for i in indexes]


def load(conn: Connection, insured: list[tuple[SynthPerson, str]]) -> None:
    """Register each person with a policy of the given insurer."""
    reg = Register(conn, Source("test"))
    for p, smo in insured:
        reg.create_person(p.enp, p.data, snils=p.snils, document=p.document,
                          addresses=p.addresses)
        reg.issue_policy(p.enp, c_policy(p, smo), Reason("П010"))


def c_policy(p: SynthPerson, smo: str) -> Policy:
    """The register's policy of a person with ``smo`` (an electronic policy from 2020)."""
    return Policy("Э", p.enp, smo, date(2020, 1, 1))


def record(n: int, p: SynthPerson, tip: c.Operation, *, snils: str | None = None,
           doc_number: str | None = None, begin: date = date(2024, 12, 20),
           surname: str | None = None) -> lists.OperationRecord:
    """An OP of ``p``: an electronic policy from ``begin`` whose number is the ЕНП, attached
    to the clinic 760101."""
    return operation_record(
        n, p, tip, changed=CHANGED, operator="Иванова", insurer_ogrn=OGRN, begin=begin,
        snils=snils, doc_number=doc_number, surname=surname,
        attachments=[c.Attachment(clinic_id=760101, zone=c.AttachmentZone.ADULT_SOMATIC)])


def oplist(name: str, ops: list[lists.OperationRecord], smo: str = SMO_A) -> lists.OperationList:
    """An OPLIST of ``smo`` named ``name`` (without .xml)."""
    return lists.OperationList(file_name=name, insurer=smo, office="001", count=len(ops),
                               operations=ops)


def bad_snils(p: SynthPerson) -> str:
    """``p``'s СНИЛС with a wrong check number."""
    good = p.snils
    return good[:9] + f"{(int(good[9:]) + 1) % 100:02d}"

