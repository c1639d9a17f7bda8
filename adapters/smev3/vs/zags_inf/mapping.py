"""The information type every on-request ЕГР ЗАГС format is, and its canonical mapping.

On the bus the five formats carry one request, ``zags.inquiry`` (:class:`ZagsInquiryV1`,
with the kind of act asked for), and one answer, ``zags.inquiry.answer``. The adapter picks
the format to send by :meth:`ZagsInquiryType.sends`: each format accepts only the inquiries
of its act kind.

What the fund writes that the inquiry does not say:

- ``КодНормОсн`` (the basis, a code of the СНПОСН directory of ЕСНСИ): the schemas name the
  directory and no value; :data:`BASIS_CODE` is sent, to be confirmed against СНПОСН when
  the fund's access to ЕГР ЗАГС is approved. The inquiry's ``basis`` goes as the document
  of the basis (``СведДокОсн``), or the flag that there is none;
- ``ИдЗапрос`` and ``ИдДок``: new UUIDs; ``КолДок`` 1 (one question per request);
- ``СведАГС`` only when the act's number is given, with its date (required then) and the
  registry office: the inquiry knows the office's code only, so its name is written as
  "орган ЗАГС <code>" (the name is required, the code optional);
- ``РегионРегАГС`` from the office code (``R`` and the two digits of the region), else the
  flag that the region is unknown;
- the optional attribute of ``СведФЛ`` saying which of the act's participants or names the
  query gives (ТипУчАЗ, ТипФИО, ИнфФИО) is not sent: its codes are not in the schemas.
"""

from __future__ import annotations

import re
import uuid
from abc import abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ValidationError

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_common.mapping import partial
from adapters.smev3.vs.zags_inf import answer as a
from adapters.smev3.vs.zags_inf import request as r
from adapters.smev3.vs.zags_inf import types as t
from adapters.smev3.vs.zags_inf.samples import inquiry
from contracts.xmlbind.binding import Issue, MappingError, describe
from contracts.zags import IdentityDocument
from contracts.zags_acts import (
    BirthRecord,
    InquiryKind,
    NameChange,
    NameChangeRecord,
    Person,
    ZagsInquiryAnswerV1,
    ZagsInquiryV1,
)

BASIS_CODE = "01"
"""``КодНормОсн`` the fund sends (see the module's docstring)."""

ActType = Literal["01", "02", "03", "04", "06"]
ACT_TYPES: dict[str, ActType] = {"birth": "01", "marriage": "02", "divorce": "03",
                             "paternity": "04", "name_change": "06"}
"""The СТАГС code of each kind of act (``ТипАГС`` of the formats)."""

OFFICE_REGION = re.compile(r"R(\d{2})")


@dataclass(frozen=True)
class RequestParts:
    """A format's request classes, to build its request from an inquiry."""

    full_name: type[t.FullName[Any]]
    partial_date: type[t.PartialDate[Any]]
    basis: type[r.Basis[Any]]
    act: type[r.ActRef[Any]]
    person: type[r.PersonQuery[Any]]
    query: type[r.Query[Any, Any]]
    request: type[r.InquiryRequest[Any, Any]]


def document(value: t.IdentityDocument[Any] | None) -> IdentityDocument | None:
    """An identity document of a record, when it has a kind and a number."""
    if value is None or value.kind_code is None or value.number is None:
        return None
    series_number = " ".join(p for p in (value.series, value.number) if p)
    return IdentityDocument(kind_code=value.kind_code, series_number=series_number,
                            issued_on=value.issued_on)


def person(name: t.FullName[Any], *, sex: Literal["1", "2"] | None = None,
           birth_date: date | None = None, birth_date_partial: t.PartialDate[Any] | None = None,
           birth_place: t.Place | None = None, snils: str | None = None,
           identity_document: t.IdentityDocument[Any] | None = None) -> Person:
    """A canonical person of a record's names and what else it gives."""
    return Person(surname=name.family, name=name.given, patronymic=name.patronymic, sex=sex,
                  birth_date=birth_date, birth_date_partial=partial(birth_date_partial),
                  birth_place=birth_place.description if birth_place is not None else None,
                  snils=snils, identity_document=document(identity_document))


def act_fields(record: a.ActRecord[Any]) -> dict[str, Any]:
    """The canonical act of a record: the register's number, the date of the record (the
    version's date when ЗАГС gave the record's date only in part), the office, the version."""
    return {"act_number": record.number, "act_date": record.recorded_on or record.version_date,
            "office_code": record.office.code, "version": record.version}


def names_after(before: Person, surname: str | None, given: str | None,
                patronymic: str | None) -> dict[str, str | None]:
    """The names after an act, each only where it differs from before."""
    return {"surname": surname if surname != before.surname else None,
            "name": given if given != before.name else None,
            "patronymic": patronymic if patronymic != before.patronymic else None}


def spouse(role: Literal["husband", "wife"], value: t.Spouse[Any]) -> NameChange:
    """A spouse of a marriage or divorce record: known by the surname before, with the
    surname after when the act changed it."""
    before = Person(surname=value.surname_before or value.surname_after, name=value.given,
                    patronymic=value.patronymic, sex="1" if role == "husband" else "2",
                    birth_date=value.birth_date,
                    birth_date_partial=partial(value.birth_date_partial),
                    birth_place=value.birth_place.description if value.birth_place else None,
                    snils=value.snils, identity_document=document(value.identity_document))
    return NameChange(role=role, before=before,
                      **names_after(before, value.surname_after, value.given, value.patronymic))


class ZagsInquiryType(BoundInformationType):
    """An on-request ЕГР ЗАГС format: the fund asks (consumer), ЗАГС answers."""

    role: ClassVar[Role] = "consumer"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    canonical_request: ClassVar[type[BaseModel] | None] = ZagsInquiryV1
    canonical_response: ClassVar[type[BaseModel] | None] = ZagsInquiryAnswerV1
    act_kind: ClassVar[InquiryKind]
    """The kind of act this format is asked about."""
    source_format: ClassVar[str]
    """The format as a plain label: 112-51."""
    parts: ClassVar[RequestParts]

    def sends(self, message: BaseModel) -> bool:
        """Only the inquiries of this format's act kind (or its own bound request)."""
        if isinstance(message, ZagsInquiryV1):
            return message.act_kind == self.act_kind
        return isinstance(message, self.request_model)

    def from_canonical(self, message: BaseModel) -> BaseModel:
        """The format's request of a ``zags.inquiry`` (a bound request as it is)."""
        if not isinstance(message, ZagsInquiryV1):
            return message
        if message.act_kind != self.act_kind:
            raise MappingError(f"{self.key} asks about acts of kind {self.act_kind}, not "
                               f"{message.act_kind}")
        try:
            return self._request(message)
        except ValidationError as exc:  # what the canonical model allows and the XSD not
            raise MappingError(f"{self.request_model.xml_root}: {describe(exc)}") from exc

    def _request(self, inquiry: ZagsInquiryV1) -> r.InquiryRequest[Any, Any]:
        p = self.parts
        who = inquiry.person
        if inquiry.act_number is not None and inquiry.act_date is None:
            raise MappingError("СведАГС/ДатаЗапис: the act's date is required with its number")
        act = None
        if inquiry.act_number is not None:
            code = inquiry.office_code
            act = p.act(number=inquiry.act_number, recorded_on=inquiry.act_date,
                        office=t.RequestedOffice(name=f"орган ЗАГС {code}" if code
                                                 else "не указан", code=code))
        found = OFFICE_REGION.match(inquiry.office_code or "")
        birth = who.birth_date_partial
        query = p.query(
            id=str(uuid.uuid4()), act=act, region=found.group(1) if found else None,
            person=p.person(
                snils=snils(who.snils),
                name=p.full_name(family=who.surname, given=who.name, patronymic=who.patronymic),
                birth_date=who.birth_date,
                birth_date_partial=p.partial_date(year=f"{birth.year:04d}", month=birth.month,
                                                  day=birth.day) if birth else None,
                identity_document=requested_document(who.identity_document)))
        return p.request(
            id=str(uuid.uuid4()), count=1, act_type=ACT_TYPES[self.act_kind],
            basis=p.basis(code=BASIS_CODE, document=inquiry.basis or None), queries=[query])

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """``zags.inquiry.answer`` of an answer; ``zags.inquiry`` of a request."""
        if isinstance(message, a.InquiryAnswer):
            return self._answer(message)
        if isinstance(message, r.InquiryRequest):
            return self.inquiry(message)
        raise MappingError(f"expected a {self.request_model.xml_root} or "
                           f"{self._answer_model().xml_root} model, got "
                           f"{type(message).__qualname__}")

    def _answer(self, message: a.InquiryAnswer) -> ZagsInquiryAnswerV1:  # type: ignore[type-arg]
        births: list[BirthRecord] = []
        changes: list[NameChangeRecord] = []
        results = []
        for block in message.answers:
            results.append(block.result)
            for record in getattr(block, "records", []):
                found = self.record(record)
                if isinstance(found, BirthRecord):
                    births.append(found)
                else:
                    changes.append(found)
        not_found = ""
        if not births and not changes:
            words = "; ".join(dict.fromkeys(f"{a.RESULTS[c]} (РезОбраб {c})" for c in results))
            not_found = f"ЕГР ЗАГС: {words}"
        return ZagsInquiryAnswerV1(act_kind=self.act_kind, source_format=self.source_format,
                                   births=births, name_changes=changes, not_found=not_found)

    @abstractmethod
    def record(self, record: Any) -> BirthRecord | NameChangeRecord:
        """One act record of an answer in the fund's terms."""

    def sample_request(self) -> BaseModel | None:
        """A request about a fictitious woman of Ufa."""
        return self.from_canonical(inquiry(self.act_kind))

    def inquiry(self, message: r.InquiryRequest[Any, Any]) -> ZagsInquiryV1:
        """The inquiry a request makes (its first question), as the fund would have sent it."""
        query = message.queries[0]
        who = query.person
        act = query.act
        return ZagsInquiryV1(
            act_kind=self.act_kind, basis=message.basis.document or "",
            person=person(who.name, birth_date=who.birth_date,
                          birth_date_partial=who.birth_date_partial, snils=who.snils),
            act_number=act.number if act else None, act_date=act.recorded_on if act else None,
            office_code=act.office.code if act else None)


def snils(value: str | None) -> str | None:
    """СНИЛС as the formats write it (``123-456-789 01``) from any spelling of 11 digits."""
    if value is None:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) != 11:
        raise MappingError("СведФЛ/@СНИЛС: a СНИЛС has 11 digits",
                           [Issue(("СведЗапрос", "СведФЛ"), "@СНИЛС", "11 digits expected")])
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


def requested_document(value: IdentityDocument | None) -> t.RequestedDocument | None:
    """The person's document as a request gives it: the last word of the series and number
    is the number, the rest the series."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{2}", value.kind_code):
        raise MappingError("СведФЛ/УдЛичнФЛ/@КодВидДок: the kind of document is two digits "
                           "(СПДУЛ)", [Issue(("СведЗапрос", "СведФЛ", "УдЛичнФЛ"),
                                             "@КодВидДок", "two digits expected")])
    *series, number = value.series_number.split() or [""]
    return t.RequestedDocument(kind_code=value.kind_code, series=" ".join(series) or None,
                               number=number, issued_on=value.issued_on)
