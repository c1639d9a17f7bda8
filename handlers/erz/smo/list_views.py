"""The register's view of a person as elements of the РС ЕРЗ ↔ СМО lists (contracts/erz).

RECLIST, STOPLIST and CONFLICTLIST carry the person *as the register knows them*; these
functions turn a :class:`~contracts.erz.register.PersonState` into the lists' elements. Where
the register holds nothing for an element the XSD requires, a documented placeholder is
written (see docs/erz-exchange.md): an open date is :data:`FAR` (the lists have no empty
date), an unknown insurer ОГРН is thirteen zeros, a document type outside the XSD's 1–18 is
18 (other), a person not attached has ``ID_LPU`` 0.
"""

from __future__ import annotations

from datetime import date

from contracts.erz import common as c
from contracts.erz.register import Address, PersonState, Policy

FAR = date(2099, 12, 31)
"""What the lists write for an open end (DEND/DSTOP are required by the XSD)."""
NO_OGRN = "0" * 13

INSURER_OGRN: dict[str, str] = {}
"""Insurer code (СМО) → ОГРН for OGRNSMO; the operator's list, empty by default."""


def person(state: PersonState) -> c.Person:
    """PERSON: names, sex, birth date, СНИЛС, phone and e-mail, death date."""
    data = state.data
    if data is None:
        raise ValueError(f"no personal data of {state.enp} on {state.on}")
    phone = state.contacts.get("phone")
    email = state.contacts.get("email")
    return c.Person(
        family_name=data.surname, given_name=data.name, patronymic=data.patronymic or None,
        sex=c.Sex(int(data.sex)), birth_date=data.birth_date, snils=state.snils,
        phone=phone.value if phone else None, email=email.value if email else None,
        death_date=state.death.death_date if state.death else None)


def document(state: PersonState) -> c.Document:
    """DOC: the identity document in force (type 18 when outside the XSD's enumeration)."""
    doc = state.document
    birth = state.data.birth_date if state.data else FAR
    if doc is None:
        return c.Document(type=c.DocumentType.OTHER_INTERIOR_MINISTRY_DOCUMENT, number="-",
                          issued=birth)
    try:
        kind = c.DocumentType(int(doc.doc_type))
    except ValueError:
        kind = c.DocumentType.OTHER_INTERIOR_MINISTRY_DOCUMENT
    return c.Document(type=kind, series=doc.series or None, number=doc.number,
                      issued=doc.issue_date or birth, issuer=doc.issuer or None,
                      birth_place=state.data.birth_place or None if state.data else None)


def address(state: PersonState, kind: str = "reg") -> c.Address:
    """ADDRES_G (``reg``) or ADDRES_P (``live``, else the registration address)."""
    found: Address | None = state.addresses.get(kind) or state.addresses.get("reg")
    if found is None:
        return c.Address(homeless=1)
    return c.Address(postcode=found.postcode, okato=found.okato, unstructured=found.text,
                     kladr_code=found.kladr, address_ref=found.fias_guid)


def policy(value: Policy) -> c.Policy:
    """POLIS of a register policy (open dates written as :data:`FAR`)."""
    planned = value.date_end or FAR
    return c.Policy(type=value.policy_type,  # type: ignore[arg-type]
                    number=value.number, series=value.series or None,
                    issued=value.date_begin, expires=planned,
                    stopped=value.date_stop or planned)


def insurance(state: PersonState, value: Policy | None = None) -> c.Insurance | None:
    """INSURANCE of the policy in force (or the one given); None when there is none."""
    value = value or state.policy
    if value is None:
        return None
    return c.Insurance(territory=value.smo[:2], enp=state.enp,
                       insurer_ogrn=INSURER_OGRN.get(value.smo, NO_OGRN),
                       policy=policy(value), enp_registered=1, office="0")


def attachments(state: PersonState) -> list[c.Attachment]:
    """ATTACHMENT: the clinic the person is attached to (``ID_LPU`` 0 when none)."""
    att = state.attachment
    mo = int(att.mo) if att is not None and att.mo.isdigit() else 0
    return [c.Attachment(clinic_id=mo, zone=c.AttachmentZone.ADULT_SOMATIC)]
