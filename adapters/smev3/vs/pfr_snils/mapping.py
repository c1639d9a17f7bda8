"""The information type: СНИЛС by additional personal data from ПФР/СФР (consumer).

The register asks for the СНИЛС of a person it holds without one: it sends the canonical
``pfr.snils.lookup`` (:class:`~contracts.pfr.SnilsLookupV1`), which becomes a
``SnilsByAdditionalDataRequest``; ПФР's ``SnilsByAdditionalDataResponse`` comes back on the
bus as ``pfr.snils.found`` (:class:`~contracts.pfr.SnilsFoundV1`), the СНИЛС as 11 digits.

What the canonical lookup carries in free form is put in the schema's structure:

- sex ``1``/``2`` is the commons' ``GenderType`` ``Male``/``Female``;
- the place of birth, free text in the register, goes as ПФР's ``ОСОБОЕ`` (special) place
  whose settlement is that text; a text longer than the 50 characters the schema allows is
  not sent (the place only narrows the search), rather than cut;
- the identity document goes in the element of its kind (by the ФНС code of document
  kinds: 21 passport, 03 birth certificate, …), its series and number split as that
  element's type wants, or else as ПФР's own ``PfrIdentificationDocument``. Every document
  type of the schema requires the date of issue and the issuer: a document known without
  them, or that no element can hold validly, is left out — the lookup still goes, by names
  and birth date, which is all the schema requires.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, ValidationError

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.pfr_snils import samples
from adapters.smev3.vs.pfr_snils.messages import (
    NS,
    SCHEMA,
    BirthPlace,
    DocumentBase,
    DrivingLicenseRF,
    Gender,
    InternationalPassportRF,
    MilitaryPassport,
    OtherDocument,
    PassportRF,
    PfrDocument,
    Sex,
    SnilsRequestV1,
    SnilsResponseV1,
    SovietStyleDocument,
)
from contracts.pfr import SnilsFoundV1, SnilsLookupV1
from contracts.xmlbind.binding import MappingError, XmlModel, describe
from contracts.zags import IdentityDocument

log = logging.getLogger(__name__)

GENDERS: dict[Sex, Gender] = {"1": "Male", "2": "Female"}
SEXES: dict[Gender, Sex] = {"Male": "1", "Female": "2"}
SPECIAL_PLACE = "ОСОБОЕ"
"""ПФР's kind of a place of birth given as text rather than by its standard parts."""
PLACE_MAX = 50


@dataclass(frozen=True)
class DocumentKind:
    """Where a document of one ФНС kind goes: the field, and how its text splits."""

    field: str
    title: str
    split: Callable[[str], tuple[str | None, str] | None]


def _digits(series: int, number: int) -> Callable[[str], tuple[str | None, str] | None]:
    def split(text: str) -> tuple[str | None, str] | None:
        compact = re.sub(r"[\s\-№]", "", text)
        found = re.fullmatch(rf"(\d{{{series}}})(\d{{{number}}})", compact)
        return (found[1], found[2]) if found else None
    return split


def _soviet(text: str) -> tuple[str | None, str] | None:
    found = re.fullmatch(r"([IVXLCDM]{1,3})-?([А-Я]{2})(\d{6})", re.sub(r"[\s№]", "", text))
    return (f"{found[1]}-{found[2]}", found[3]) if found else None


def _military(text: str) -> tuple[str | None, str] | None:
    found = re.fullmatch(r"([А-Я]{2})(\d{7})", re.sub(r"[\s\-№]", "", text))
    return (found[1], found[2]) if found else None


def _free(text: str) -> tuple[str | None, str] | None:
    """Series and number of a document of free form: the number is the last word."""
    words = text.replace("№", " ").split()
    if not words:
        return None
    return (" ".join(words[:-1]) or None), words[-1]


KINDS: dict[str, DocumentKind] = {
    "21": DocumentKind("passport_rf", "Паспорт гражданина Российской Федерации", _digits(4, 6)),
    "10": DocumentKind("foreign_passport", "Паспорт иностранного гражданина", _free),
    "12": DocumentKind("residence_permit_rf", "Вид на жительство в Российской Федерации",
                       _digits(2, 7)),
    "22": DocumentKind("international_passport_rf", "Загранпаспорт гражданина Российской "
                       "Федерации", _digits(2, 7)),
    "07": DocumentKind("military_passport", "Военный билет", _military),
    "26": DocumentKind("sailor_passport", "Паспорт моряка", _military),
    "01": DocumentKind("soviet_passport", "Паспорт гражданина СССР", _soviet),
    "03": DocumentKind("birth_certificate", "Свидетельство о рождении", _soviet),
    "05": DocumentKind("release_certificate", "Справка об освобождении из места лишения "
                       "свободы", _free),
    "14": DocumentKind("temporary_identity_card_rf", "Временное удостоверение личности "
                       "гражданина Российской Федерации", _free),
}
"""Document kinds by the ФНС code (КодВидДок) the register keeps, with their element."""
BY_FIELD = {kind.field: code for code, kind in KINDS.items()}
MODELS: dict[str, type[DocumentBase]] = {
    "passport_rf": PassportRF, "foreign_passport": OtherDocument,
    "residence_permit_rf": InternationalPassportRF,
    "international_passport_rf": InternationalPassportRF,
    "military_passport": MilitaryPassport, "sailor_passport": MilitaryPassport,
    "soviet_passport": SovietStyleDocument, "birth_certificate": SovietStyleDocument,
    "driving_license_rf": DrivingLicenseRF, "release_certificate": OtherDocument,
    "passport_loss_certificate": OtherDocument, "form9_certificate": OtherDocument,
    "temporary_identity_card_rf": OtherDocument,
}
OTHER_KIND = "91"
"""ФНС code «иные документы», for a document ПФР names by its own kind."""


def _document(doc: IdentityDocument) -> dict[str, XmlModel]:
    """The identity document as the request's choice element, or nothing (see above)."""
    if doc.issued_on is None or not doc.issuer:
        return {}
    kind = KINDS.get(doc.kind_code)
    issued_on, issuer = doc.issued_on, doc.issuer
    if kind is not None and (parts := kind.split(doc.series_number)) is not None:
        try:
            return {kind.field: MODELS[kind.field](
                series=parts[0], number=parts[1], issued_on=issued_on, issuer=issuer)}
        except ValidationError:
            pass  # not what that element admits: try ПФР's own form
    parts = _free(doc.series_number)
    title = kind.title if kind is not None else f"Документ с кодом вида {doc.kind_code}"
    try:
        if parts is None:
            raise ValueError("no number")
        return {"pfr_document": PfrDocument(kind=title, document=OtherDocument(
            series=parts[0], number=parts[1], issued_on=issued_on, issuer=issuer))}
    except ValueError:  # pydantic's ValidationError included
        log.info("identity document of kind %s left out of the СНИЛС lookup: no element of "
                 "the schema holds it validly", doc.kind_code)
        return {}


def _canonical_document(message: SnilsRequestV1 | SnilsResponseV1) -> IdentityDocument | None:
    """The request's or answer's document in the register's terms."""
    if message.pfr_document is not None:
        found = next((c for c, k in KINDS.items() if k.title == message.pfr_document.kind),
                     OTHER_KIND)
        doc: DocumentBase = message.pfr_document.document
    else:
        field = next((f for f in MODELS if getattr(message, f) is not None), None)
        if field is None:
            return None
        found, doc = BY_FIELD.get(field, OTHER_KIND), getattr(message, field)
    written = f"{doc.series} {doc.number}" if doc.series else doc.number
    return IdentityDocument(kind_code=found, series_number=written[:25],
                            issued_on=doc.issued_on, issuer=doc.issuer)


def _place(text: str | None) -> BirthPlace | None:
    if not text or len(text.strip()) > PLACE_MAX:
        return None
    return BirthPlace(place_type=SPECIAL_PLACE, settlement=text.strip())


def _place_text(place: BirthPlace | None) -> str | None:
    if place is None:
        return None
    parts = (place.settlement, place.district, place.region, place.country)
    return ", ".join(p for p in parts if p)


def request_of(lookup: SnilsLookupV1) -> SnilsRequestV1:
    """The official request for a canonical lookup; a person the schema cannot name (a
    name in Latin letters, say) is refused with the fields concerned."""
    document = _document(lookup.identity_document) if lookup.identity_document else {}
    try:
        return SnilsRequestV1.model_validate({
            "family_name": lookup.surname, "first_name": lookup.name,
            "patronymic": lookup.patronymic, "birth_date": lookup.birth_date,
            "gender": GENDERS[lookup.sex], "birth_place": _place(lookup.birth_place),
            **document})
    except ValidationError as exc:
        raise MappingError(f"pfr.snils.lookup → SnilsByAdditionalDataRequest: "
                           f"{describe(exc)}") from exc


def lookup_of(request: SnilsRequestV1) -> SnilsLookupV1:
    """The canonical lookup a request stands for (the simulator's side, the journal)."""
    return SnilsLookupV1(surname=request.family_name, name=request.first_name,
                         patronymic=request.patronymic, birth_date=request.birth_date,
                         sex=SEXES[request.gender], birth_place=_place_text(request.birth_place),
                         identity_document=_canonical_document(request))


def found_of(response: SnilsResponseV1) -> SnilsFoundV1:
    """ПФР's answer in the register's terms: the СНИЛС as 11 digits."""
    return SnilsFoundV1(surname=response.family_name, name=response.first_name,
                        patronymic=response.patronymic, birth_date=response.birth_date,
                        sex=SEXES[response.gender], snils=re.sub(r"\D", "", response.snils))


def response_of(found: SnilsFoundV1) -> SnilsResponseV1:
    """The official answer for a canonical one (a provider's side; tests)."""
    try:
        return SnilsResponseV1(family_name=found.surname, first_name=found.name,
                               patronymic=found.patronymic, snils=found.snils,
                               birth_date=found.birth_date, gender=GENDERS[found.sex])
    except ValidationError as exc:
        raise MappingError(f"pfr.snils.found → SnilsByAdditionalDataResponse: "
                           f"{describe(exc)}") from exc


class PfrSnils(BoundInformationType):
    """СНИЛС by additional personal data (ПФР/СФР, SnilsByAdditionalData 1.0.1)."""

    key: ClassVar[str] = "pfr.snils"
    title: ClassVar[str] = "ПФР (СФР): СНИЛС по дополнительным сведениям (1.0.1)"
    role: ClassVar[Role] = "consumer"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = SnilsRequestV1
    response_model: ClassVar[type[XmlModel]] = SnilsResponseV1
    canonical_request: ClassVar[type[BaseModel] | None] = SnilsLookupV1
    canonical_response: ClassVar[type[BaseModel] | None] = SnilsFoundV1

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """A request as ``pfr.snils.lookup``, an answer as ``pfr.snils.found``."""
        if isinstance(message, SnilsRequestV1):
            return lookup_of(message)
        if isinstance(message, SnilsResponseV1):
            return found_of(message)
        raise MappingError(f"expected a SnilsByAdditionalDataRequest or Response model, got "
                           f"{type(message).__qualname__}")

    def from_canonical(self, message: BaseModel) -> BaseModel:
        """The official request of ``pfr.snils.lookup`` (answer of ``pfr.snils.found``);
        a bound model as it is."""
        if isinstance(message, SnilsLookupV1):
            return request_of(message)
        if isinstance(message, SnilsFoundV1):
            return response_of(message)
        return message

    def sample_request(self) -> BaseModel | None:
        """A lookup of a fictitious newborn with her birth certificate."""
        return samples.request()

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """ПФР's answer naming the person asked about, with a valid СНИЛС of theirs."""
        if isinstance(request, SnilsLookupV1):
            request = request_of(request)
        if not isinstance(request, SnilsRequestV1):
            return None
        return samples.answer(request)
