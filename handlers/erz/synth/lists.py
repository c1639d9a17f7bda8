"""Insurers' OPLIST records made from synthetic persons (handlers/erz/synth/population.py): test and
benchmark inputs that pass every check the OPLIST flow makes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from contracts.erz import common as c
from contracts.erz import lists
from handlers.erz.synth.population import SynthPerson

OPEN = date(2099, 12, 31)
"""The end and stop dates of a policy in force (the XSD requires both)."""


def operation_record(n: int, p: SynthPerson, tip: c.Operation, *, changed: datetime,
                     operator: str, insurer_ogrn: str, begin: date | None = None,
                     snils: str | None = None, doc_number: str | None = None,
                     surname: str | None = None,
                     attachments: Sequence[c.Attachment] = ()) -> lists.OperationRecord:
    """An OP of ``p``: an electronic policy from ``begin`` (the day of ``changed`` by default)
    whose number is the ЕНП; ``snils``, ``doc_number`` and ``surname`` replace the person's."""
    doc = p.document
    begin = begin or changed.date()
    return lists.OperationRecord(
        record=str(n), operation=tip, changed=changed, operator=operator,
        person=c.Person(family_name=surname or p.data.surname, given_name=p.data.name,
                        patronymic=p.data.patronymic, sex=c.Sex(int(p.data.sex)),
                        birth_date=p.data.birth_date, snils=snils or p.snils),
        document=c.Document(type=c.DocumentType(int(doc.doc_type)), series=doc.series,
                            number=doc_number or doc.number,
                            issued=doc.issue_date or p.data.birth_date,
                            issuer=doc.issuer, birth_place=p.data.birth_place),
        registration_address=c.Address(okato=p.addresses[0].okato,
                                       unstructured=p.addresses[0].text),
        residence_address=c.Address(unstructured=p.addresses[0].text),
        visit=c.Visit(visited=begin, method=c.ApplicationMethod.IN_PERSON,
                      insurer_reason=c.InsurerChoiceReason.FIRST_CHOICE,
                      policy_reason=c.PolicyReason.FIRST_POLICY, policy_form="Э"),
        insurance=c.Insurance(
            territory="78000", enp=p.enp, insurer_ogrn=insurer_ogrn,
            policy=c.Policy(type="Э", number=p.enp, issued=begin, expires=OPEN, stopped=OPEN),
            office="001"),
        attachments=list(attachments))
