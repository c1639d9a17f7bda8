"""The information type: ЕГР ЗАГС change-of-name records 112-03 v4.0.6 and their mapping.

The schema declares one message, ``PERNAMERequest``: the registry offices (ЗАГС) deliver
records of changes of name to their subscribers, the fund among them, which take them in
with GetRequest. It declares no answer element: the type is *one-way*
(``response_model = None``), acknowledged at the transport level only.

On the bus a delivery is the canonical ``zags.name_changes``
(:class:`contracts.zags_acts.NameChangeRecordsV1`, act kind ``name_change``): each record
one :class:`~contracts.zags_acts.NameChange` of role ``person``, as known before (names
before, birth date, place, document, address) and with the names after that differ from
those before. The helpers here (:func:`partial`, :func:`act_date`, :func:`document`,
:func:`name_change`) serve 112-08 too: they take the shared types of
:mod:`adapters.smev3.vs.zags_common.types`, which both formats subclass.

Not expressed on the bus: a name the act removes (a patronymic before, the ``ПрОтчество``
flag after: the canonical change has no "removed"), citizenship, the birth record, the
certificates, corrections and restoration (the journal keeps the XML).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_common.mapping import partial
from adapters.smev3.vs.zags_common.types import FullName, IdentityDocument
from adapters.smev3.vs.zags_common.types import PartialDate as DocumentDate
from adapters.smev3.vs.zags_pername import samples
from adapters.smev3.vs.zags_pername.messages import NS, SCHEMA, PerNameRecord, PerNameRequestV1
from contracts.xmlbind.binding import MappingError, XmlModel
from contracts.zags import IdentityDocument as CanonicalDocument
from contracts.zags_acts import NameChange, NameChangeRecord, NameChangeRecordsV1, Person

FORMAT = "112-03"
PersonRole = Literal["person", "husband", "wife", "child"]
"""Who a person is in the act (:attr:`contracts.zags_acts.NameChange.role`)."""
SERIES_NUMBER_MAX = 25  # contracts.zags.IdentityDocument.series_number


def act_date(whole: date | None, known: DocumentDate | None) -> date:
    """The record's date; of a record dated by old documents (ДатаЗаписДок), the first day
    of what is known: the act's identity needs a date, and the same record always gets the
    same one."""
    if whole is not None:
        return whole
    if known is None:  # the binding requires one of the two
        raise MappingError("neither ДатаЗапис nor ДатаЗаписДок is present")
    year = int(known.year.lstrip("-"))
    month = known.month if known.month and known.month <= 12 else 1
    for day in (known.day or 1, 1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise MappingError(f"ДатаЗаписДок/Год: {known.year} is not a year of the calendar")


def document(doc: IdentityDocument[Any] | None) -> CanonicalDocument | None:
    """The identity document as the register matches it: kind, series and number.

    None when the record has neither series nor number, or when they are longer than the
    canonical field (never on a Russian document): the person is still found by name."""
    if doc is None:
        return None
    series_number = " ".join(p for p in (doc.series, doc.number) if p)
    if not series_number or len(series_number) > SERIES_NUMBER_MAX:
        return None
    return CanonicalDocument(kind_code=doc.kind_code or "", series_number=series_number)


def name_change(role: PersonRole, before: Person, names_before: FullName | None,
                after: FullName) -> NameChange:
    """One person's change: as known before, and the names after that the act changed.

    With no names before (112-08's ``ПрФИОДо`` flag), every name after is given."""
    def changed(was: str | None, now: str | None) -> str | None:
        return now if now and now != was else None

    old = names_before or FullName()
    return NameChange(role=role, before=before, surname=changed(old.family, after.family),
                      name=changed(old.given, after.given),
                      patronymic=changed(old.patronymic, after.patronymic))


def person_before(rec: PerNameRecord) -> Person:
    """The person as the register knows them: names before the change."""
    who = rec.registered
    residence = who.residence.as_text() if who.residence else ""
    return Person(
        surname=who.name_before.family, name=who.name_before.given,
        patronymic=who.name_before.patronymic, birth_date=who.birth_date,
        birth_date_partial=partial(who.birth_date_partial),
        birth_place=who.birth_place.description if who.birth_place else None,
        identity_document=document(who.identity_document), address=residence or None)


def record(rec: PerNameRecord) -> NameChangeRecord:
    """One record (a version of it) in the fund's terms."""
    when = act_date(rec.recorded_on, rec.recorded_on_partial)
    change = name_change("person", person_before(rec), rec.registered.name_before,
                         rec.registered.name_after)
    return NameChangeRecord(act_number=rec.number, act_date=when,
                            office_code=rec.registry_office.code, version=rec.version,
                            annulled=rec.annulment is not None, changed_on=when,
                            persons=[change])


def canonical(request: PerNameRequestV1) -> NameChangeRecordsV1:
    """The delivery as ``zags.name_changes``: one-way, nobody answers it."""
    return NameChangeRecordsV1(delivery_id=request.id, as_of=request.as_of,
                               source_format=FORMAT, act_kind="name_change",
                               records=[record(r) for r in request.records])


class ZagsPerName(BoundInformationType):
    """Change-of-name records from ЕГР ЗАГС (перемена имени), 112-03 v4.0.6: delivered to
    the fund."""

    key: ClassVar[str] = "zags.pername"
    title: ClassVar[str] = "ЕГР ЗАГС: сведения о записях актов о перемене имени (112-03, 4.0.6)"
    role: ClassVar[Role] = "provider"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = PerNameRequestV1
    response_model: ClassVar[type[XmlModel] | None] = None
    canonical_request: ClassVar[type[BaseModel] | None] = NameChangeRecordsV1

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """The delivery as ``zags.name_changes``."""
        if not isinstance(message, PerNameRequestV1):
            raise MappingError(f"expected a PerNameRequestV1, got {type(message).__qualname__}")
        return canonical(message)

    def sample_request(self) -> BaseModel | None:
        """A delivery of one change-of-name record (fictitious person)."""
        return samples.delivery()
