"""The information type: ЕГР ЗАГС birth records 112-01 v4.0.7 and their canonical mapping.

The schema declares one message, ``ROGDRequest``: the registry offices (ЗАГС) deliver birth
records to their subscribers, the fund among them, which take them in with GetRequest. It
declares no answer element: the type is *one-way* (``response_model = None``), acknowledged
at the transport level only.

On the bus a delivery is the canonical ``zags.births`` (:mod:`contracts.zags_acts`):
:func:`canonical` reduces each record to the fund's terms — the act, the child (stillborn
when ЖивМертв is 1), the mother and the father with their СНИЛС as digits, their identity
document as written (series and number joined by a space) and their residence as text. An
act date given only in part (ДатаЗаписДок, old records restored) becomes the first day of
what is known (``1962-05`` → 1 May 1962); a date that cannot exist is refused with the
path of the record.
"""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_common.mapping import partial
from adapters.smev3.vs.zags_rogd import samples
from adapters.smev3.vs.zags_rogd.commons import IdentityDocument as DocumentXml
from adapters.smev3.vs.zags_rogd.commons import Parent, Residence
from adapters.smev3.vs.zags_rogd.messages import (
    NS,
    SCHEMA,
    BirthActRecord,
    Child,
    RogdRequestV1,
)
from contracts.xmlbind.binding import Issue, MappingError, XmlModel
from contracts.zags import IdentityDocument
from contracts.zags_acts import BirthRecord, BirthRecordsV1, Person

FORMAT = "112-01"
_NOT_DIGITS = re.compile(r"\D")


def address_text(residence: Residence | None) -> str | None:
    """The place of residence as one line of text, whichever way the format gives it."""
    if residence is None:
        return None
    if residence.abroad is not None:
        return residence.abroad.address_text
    if residence.converted is not None:
        return residence.converted
    russia = residence.russia
    assert russia is not None  # a required choice: the model holds exactly one
    part = russia.fias or russia.fias_like or russia.gar or russia.gar_like
    return part.address_text if part is not None else russia.address_text


def identity_document(doc: DocumentXml | None) -> IdentityDocument | None:
    """The document as written: kind code ("" when ЗАГС has none), series and number, and
    the date of issue and the issuer when ЗАГС gives them whole.

    None when the number is unknown, or too long for the fund's terms (25 characters:
    nobody is found by such a number anyway); an issuer over 200 characters is left out."""
    if doc is None or doc.number is None:
        return None
    written = " ".join(p for p in (doc.series, doc.number) if p)
    if len(written) > 25:
        return None
    issuer = doc.issued_by if doc.issued_by and len(doc.issued_by) <= 200 else None
    return IdentityDocument(kind_code=doc.kind_code or "", series_number=written,
                            issued_on=doc.issued_on, issuer=issuer)


def child(person: Child) -> Person:
    """The child as registered: names, sex, date and place of birth."""
    names = person.name
    return Person(surname=names.family, name=names.given, patronymic=names.patronymic,
                  sex=person.sex, birth_date=person.birth_date,
                  birth_date_partial=partial(person.birth_date_partial),
                  birth_place=person.birth_place.description if person.birth_place else None)


def parent(person: Parent | None, sex: Literal["1", "2"]) -> Person | None:
    """A parent in the fund's terms; the sex is the record's role (mother 2, father 1)."""
    if person is None:
        return None
    names = person.name
    return Person(surname=names.family, name=names.given, patronymic=names.patronymic,
                  sex=sex, birth_date=person.birth_date,
                  birth_date_partial=partial(person.birth_date_partial),
                  birth_place=person.birth_place.description if person.birth_place else None,
                  snils=_NOT_DIGITS.sub("", person.snils) if person.snils else None,
                  identity_document=identity_document(person.identity_document),
                  address=address_text(person.residence))


def act_date(rec: BirthActRecord, position: int) -> date:
    """The date of the act record; a partial one as the first day of what is known."""
    if rec.recorded_on is not None:
        return rec.recorded_on
    known = rec.recorded_on_partial
    assert known is not None  # a required choice: the model holds exactly one
    try:
        return date(int(known.year.lstrip("-")), known.month or 1, known.day or 1)
    except ValueError as exc:
        path = ("ROGDRequest", "СведРегРожд", position)
        raise MappingError(f"ROGDRequest/СведРегРожд[{position + 1}]/ДатаЗаписДок: {exc}",
                           [Issue(path, "ДатаЗаписДок", str(exc))]) from None


def record(rec: BirthActRecord, position: int = 0) -> BirthRecord:
    """One act record (a version of it) in the fund's terms."""
    registered = rec.registered
    return BirthRecord(
        act_number=rec.number, act_date=act_date(rec, position),
        office_code=rec.registry_office.code, version=rec.version,
        annulled=rec.annulment is not None, child=child(registered.child),
        stillborn=registered.child.stillborn == "1",
        mother=parent(registered.mother, "2"), father=parent(registered.father, "1"))


def canonical(request: RogdRequestV1) -> BirthRecordsV1:
    """The delivery as ``zags.births``: one-way, nobody answers it."""
    return BirthRecordsV1(delivery_id=request.id, as_of=request.as_of, source_format=FORMAT,
                          records=[record(r, i) for i, r in enumerate(request.records)])


class ZagsRogd(BoundInformationType):
    """Birth records from ЕГР ЗАГС (сведения о рождении), 112-01 v4.0.7: delivered to the
    fund."""

    key: ClassVar[str] = "zags.rogd"
    title: ClassVar[str] = "ЕГР ЗАГС: сведения о записях актов о рождении (112-01, 4.0.7)"
    role: ClassVar[Role] = "provider"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = RogdRequestV1
    response_model: ClassVar[type[XmlModel] | None] = None
    canonical_request: ClassVar[type[BaseModel] | None] = BirthRecordsV1

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """The delivery as ``zags.births``."""
        if not isinstance(message, RogdRequestV1):
            raise MappingError(f"expected a RogdRequestV1, got {type(message).__qualname__}")
        return canonical(message)

    def sample_request(self) -> BaseModel | None:
        """A delivery of two birth records (fictitious people)."""
        return samples.delivery()
