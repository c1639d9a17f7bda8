"""The SOAP types of the service (namespace ``urn:omshub:erz:1``) and their filling.

Our own schema: there is no federal one for these services. Names are lowerCamelCase,
dates ``xs:date``, moments ``xs:dateTime`` in UTC.
"""

from __future__ import annotations

from spyne import Boolean, ComplexModel, Date, DateTime, Integer, Unicode

from contracts.erz.port import Criteria
from contracts.erz.register import Change, PersonState

TNS = "urn:omshub:erz:1"


class _Base(ComplexModel):  # type: ignore[misc]
    __namespace__ = TNS


class PersonQuery(_Base):
    """Search criteria: one of ЕНП, СНИЛС, policy, document, or names with the birth date."""

    enp = Unicode(max_len=16)
    snils = Unicode(max_len=14)
    policyNumber = Unicode(max_len=20)
    policySeries = Unicode(max_len=12)
    docType = Unicode(max_len=4)
    docSeries = Unicode(max_len=20)
    docNumber = Unicode(max_len=20)
    surname = Unicode(max_len=100)
    name = Unicode(max_len=100)
    patronymic = Unicode(max_len=100)
    birthDate = Date


class FoundPerson(_Base):
    """A person found, as of the date asked."""

    enp = Unicode
    surname = Unicode
    name = Unicode
    patronymic = Unicode
    birthDate = Date


class IdentityDocument(_Base):
    """ДУДЛ: type by the ФОМС dictionary (14 passport of the Russian Federation)."""

    type = Unicode
    series = Unicode
    number = Unicode
    issueDate = Date
    issuer = Unicode


class PolicyInfo(_Base):
    """The policy in force."""

    type = Unicode
    series = Unicode
    number = Unicode
    smo = Unicode
    dateBegin = Date
    dateEnd = Date
    status = Unicode


class AddressInfo(_Base):
    """An address: kind ``reg`` (регистрация) or ``live`` (пребывание)."""

    kind = Unicode
    text = Unicode
    fiasGuid = Unicode
    kladr = Unicode
    okato = Unicode
    postcode = Unicode


class AttachmentInfo(_Base):
    """The attachment (прикрепление) in force."""

    mo = Unicode
    department = Unicode
    district = Unicode
    doctorSnils = Unicode
    method = Unicode
    dateAttach = Date
    dateDetach = Date


class Person(_Base):
    """A person's state as of a date."""

    enp = Unicode
    asOf = Date
    surname = Unicode
    name = Unicode
    patronymic = Unicode
    sex = Unicode
    birthDate = Date
    birthPlace = Unicode
    snils = Unicode
    document = IdentityDocument
    policy = PolicyInfo
    address = AddressInfo.customize(max_occurs="unbounded")
    attachment = AttachmentInfo
    alive = Boolean
    deathDate = Date
    phone = Unicode
    email = Unicode


class ChangeItem(_Base):
    """One entry of the register's change log concerning the caller."""

    id = Integer
    at = DateTime
    enp = Unicode
    op = Unicode
    aspect = Unicode
    effectiveDate = Date
    reasonCode = Unicode
    eventCode = Unicode


class ChangesPage(_Base):
    """A page of changes (``change`` repeated); pass ``next`` back as ``cursor`` while
    ``more`` is true."""

    change = ChangeItem.customize(max_occurs="unbounded")
    more = Boolean
    next = Unicode


class Operation(_Base):
    """An operation to submit; ``date`` is its effective date (see docs/soap.md).

    ``enp`` is required by every kind but ``move_district``, which moves a whole district
    (``fromDistrict`` → ``district``)."""

    kind = Unicode(max_len=16, min_occurs=1)
    enp = Unicode(max_len=16)
    date = Date
    reasonCode = Unicode(max_len=8)
    reasonText = Unicode(max_len=500)
    department = Unicode(max_len=32)
    district = Unicode(max_len=32)
    fromDistrict = Unicode(max_len=32)
    doctorSnils = Unicode(max_len=14)
    method = Unicode(max_len=2)
    policyType = Unicode(max_len=1)
    policyNumber = Unicode(max_len=20)
    policySeries = Unicode(max_len=12)
    policyEnd = Date
    phone = Unicode(max_len=32)
    email = Unicode(max_len=255)


class Ticket(_Base):
    """The ticket of a submitted operation; ask getOperationResult with it."""

    ticket = Unicode
    status = Unicode


class OperationResult(_Base):
    """``pending``, ``applied`` or ``refused`` with the register's code and text."""

    ticket = Unicode
    status = Unicode
    code = Unicode
    text = Unicode
    enp = Unicode
    submittedAt = DateTime
    completedAt = DateTime


def criteria(query: PersonQuery | None) -> Criteria:
    """The register's search criteria of a query; blank fields count as absent."""
    if query is None:
        return Criteria()
    return Criteria(
        enp=query.enp or None, snils=query.snils or None,
        policy_number=query.policyNumber or None, policy_series=query.policySeries or None,
        doc_type=query.docType or None, doc_series=query.docSeries or None,
        doc_number=query.docNumber or None, surname=query.surname or None,
        name=query.name or None, patronymic=query.patronymic or None,
        birth_date=query.birthDate)


def person(state: PersonState) -> Person:
    """The wire form of a person's state."""
    out = Person(enp=state.enp, asOf=state.on, snils=state.snils, alive=state.alive)
    if state.data is not None:
        d = state.data
        out.surname, out.name, out.patronymic = d.surname, d.name, d.patronymic
        out.sex, out.birthDate, out.birthPlace = d.sex, d.birth_date, d.birth_place
    if state.document is not None:
        doc = state.document
        out.document = IdentityDocument(type=doc.doc_type, series=doc.series,
                                        number=doc.number, issueDate=doc.issue_date,
                                        issuer=doc.issuer)
    if state.policy is not None:
        p = state.policy
        out.policy = PolicyInfo(type=p.policy_type, series=p.series, number=p.number,
                                smo=p.smo, dateBegin=p.date_begin,
                                dateEnd=p.date_stop or p.date_end, status=p.status)
    out.address = [AddressInfo(kind=a.kind, text=a.text, fiasGuid=a.fias_guid,
                                 kladr=a.kladr, okato=a.okato, postcode=a.postcode)
                     for a in state.addresses.values()]
    if state.attachment is not None:
        a = state.attachment
        out.attachment = AttachmentInfo(mo=a.mo, department=a.department, district=a.district,
                                        doctorSnils=a.doctor_snils, method=a.method,
                                        dateAttach=a.date_attach, dateDetach=a.date_detach)
    if state.death is not None:
        out.deathDate = state.death.death_date
    if "phone" in state.contacts:
        out.phone = state.contacts["phone"].value
    if "email" in state.contacts:
        out.email = state.contacts["email"].value
    return out


def found(state: PersonState) -> FoundPerson:
    """A search hit: ЕНП and the names as of the date asked."""
    d = state.data
    return FoundPerson(enp=state.enp, surname=d.surname if d else None,
                       name=d.name if d else None, patronymic=d.patronymic if d else None,
                       birthDate=d.birth_date if d else None)


def change(c: Change) -> ChangeItem:
    """A change-log entry on the wire (identifiers and codes; values are read with getPerson)."""
    return ChangeItem(id=c.id, at=c.at, enp=c.enp, op=c.op, aspect=c.aspect,
                      effectiveDate=c.effective_date, reasonCode=c.reason_code,
                      eventCode=c.event_code)

