"""The register's view of an attached person as a PERS of PRK (contracts/erz/attachment.py).

PRK has no public XSD (the Vologda samples are the reference); where the register holds
nothing for an element PRK requires, a documented placeholder is written:

- ``MO_ID`` (the clinic's ФРМО OID) comes from :data:`CLINIC_OIDS`, the operator's table;
  a clinic missing there is written under the ФРМО arc as ``1.2.643.5.1.13.13.12.2.<region>.
  <code>`` — a placeholder, not the clinic's real OID;
- ``MO_DEP_ID`` is the attachment's department when it is an OID (ATT files give one), else
  empty; ``PRZ`` is the attachment method (1 by address, 2 by application); ``AREA_TYPE`` is
  1 (the register keeps no district type); ``DATEZ`` is the first day of the policy in force.
"""

from __future__ import annotations

import re
from datetime import date

from contracts.erz import attachment as a
from contracts.erz.common import DocumentType, Sex
from contracts.erz.register import Attachment, PersonState

CLINIC_OIDS: dict[str, str] = {}
"""Clinic code (МО) → its ФРМО OID for MO_ID; the operator's list, empty by default."""
FRMO_ARC = "1.2.643.5.1.13.13.12.2"
AREA_TYPE = 1
_OID = re.compile(r"\d+(\.\d+)+")


def clinic_oid(mo: str) -> str:
    """MO_ID of a clinic: the operator's OID, else the documented placeholder."""
    return CLINIC_OIDS.get(mo) or f"{FRMO_ARC}.{mo[:2]}.{mo}"


def _document_type(value: str) -> DocumentType:
    try:
        return DocumentType(int(value))
    except ValueError:
        return DocumentType.OTHER_INTERIOR_MINISTRY_DOCUMENT


def _method(value: str) -> int:
    return int(value) if value.isdigit() and int(value) >= 1 else 1


def attached_person(n: int, state: PersonState, attachment: Attachment,
                    detached: date | None = None) -> a.AttachedPerson:
    """PERS number ``n``: the person (as of ``state.on``) attached by ``attachment``.

    ``detached`` is written as DEND when the attachment ended (a delta's detachment).
    """
    data, doc, pol = state.data, state.document, state.policy
    if data is None or pol is None:
        raise ValueError(f"{state.enp}: no personal data or policy on {state.on}")
    reg = state.addresses.get("reg")
    dep = attachment.department if _OID.fullmatch(attachment.department or "") else None
    return a.AttachedPerson(
        number=n, family_name=data.surname[:40], given_name=data.name[:40],
        patronymic=data.patronymic[:40] or None, sex=Sex(int(data.sex)),
        birth_date=data.birth_date,
        document_type=_document_type(doc.doc_type) if doc else
        DocumentType.OTHER_INTERIOR_MINISTRY_DOCUMENT,
        document_series=(doc.series or None) if doc else None,
        document_number=doc.number if doc else "-",
        document_date=doc.issue_date if doc else None,
        document_issuer=(doc.issuer or None) if doc else None,
        enp=state.enp, clinic_code=attachment.mo, clinic_oid=clinic_oid(attachment.mo),
        department_oid=dep, insured_since=pol.date_begin,
        attachment_reason=_method(attachment.method), area_type=AREA_TYPE,
        doctor_snils=attachment.doctor_snils or None, attached_from=attachment.date_attach,
        attached_to=detached, fias_object=reg.fias_guid if reg else None)
