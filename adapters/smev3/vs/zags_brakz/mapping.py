"""The information type: ЕГР ЗАГС marriage records 112-46 v4.0.2, and their canonical form.

The schema declares one message, ``BRAKZRequest``: the registry offices (ЗАГС) deliver
marriage records to their subscribers, the fund among them, which take them in with
GetRequest. There is no answer element: the type is *one-way* (``response_model = None``).

On the bus the delivery is the canonical ``zags.name_changes``
(:class:`contracts.zags_acts.NameChangeRecordsV1`, act kind ``marriage``): each record
names both spouses, each with the surname before the marriage and the one after when it
changed, so that the register updates the person with history. The functions here are
shared with the divorce format (:mod:`adapters.smev3.vs.zags_brakr.mapping`).

What the canonical form leaves out (it stays in the journal's raw XML): citizenship, the
ЕРН id, the certificates, the record's status code, corrections and restoration (only an
annulment is carried, as ``annulled``), the incident numbers and a foreign document's
details. An identity document reaches the bus only with its kind code and a series and
number that fit 25 characters.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from adapters.smev3.types import ProtocolVersion, Role
from adapters.smev3.vs.base import BoundInformationType
from adapters.smev3.vs.zags_brakz import samples
from adapters.smev3.vs.zags_brakz.commons import RecordHead, SpouseType
from adapters.smev3.vs.zags_brakz.messages import NS, SCHEMA, BrakzRequestV1, MarriageRecord
from adapters.smev3.vs.zags_common.mapping import partial
from adapters.smev3.vs.zags_common.types import IdentityDocument, PartialDate
from contracts.xmlbind.binding import MappingError, XmlModel
from contracts.zags import IdentityDocument as CanonicalDocument
from contracts.zags_acts import NameChange, NameChangeRecord, NameChangeRecordsV1, Person

FORMAT = "112-46"


def whole(calendar: date | None, documented: PartialDate | None) -> date | None:
    """The calendar date, or a documented date whose day, month and year are all known."""
    if calendar is not None or documented is None:
        return calendar
    if not documented.day or not documented.month:
        return None
    try:
        return date(int(documented.year), documented.month, documented.day)
    except ValueError:  # a year beyond 9999 or a day the month lacks: not a whole date
        return None


def document(value: IdentityDocument[Any] | None) -> CanonicalDocument | None:
    """The identity document as the register compares it: kind, series and number."""
    if value is None or value.kind_code is None:
        return None
    series_number = " ".join(p for p in (value.series, value.number) if p)
    if not series_number or len(series_number) > 25:
        return None
    return CanonicalDocument(kind_code=value.kind_code, series_number=series_number)


def spouse(person: SpouseType[Any, Any, Any], role: Literal["husband", "wife"]) -> NameChange:
    """A spouse as known before the act, and the surname after when it changed."""
    before = Person(
        surname=person.surname_before, name=person.name, patronymic=person.patronymic,
        sex="1" if role == "husband" else "2", birth_date=person.birth_date,
        birth_date_partial=partial(person.birth_date_partial),
        birth_place=person.birth_place.description if person.birth_place else None,
        identity_document=document(person.identity_document),
        address=(person.residence.as_text() or None) if person.residence else None)
    after = person.surname_after
    return NameChange(role=role, before=before,
                      surname=after if after and after != person.surname_before else None)


def act_record(head: RecordHead[Any], *, happened_on: date | None,
               husband: SpouseType[Any, Any, Any], wife: SpouseType[Any, Any, Any],
               annulled: bool) -> NameChangeRecord:
    """One record in the fund's terms.

    A record dated only by its documents (``ДатаЗаписДок``, not a whole date) is dated by
    its version (``ДатаВерс``), the one date the format always gives; the change takes
    effect on ``happened_on`` (the marriage or divorce) when it is a whole date, else on
    the record's date."""
    act_date = whole(head.recorded_on, head.recorded_on_partial) or head.version_date
    return NameChangeRecord(
        act_number=head.number, act_date=act_date, office_code=head.registry_office.code,
        version=head.version, annulled=annulled, changed_on=happened_on or act_date,
        persons=[spouse(husband, "husband"), spouse(wife, "wife")])


def record(rec: MarriageRecord) -> NameChangeRecord:
    """One marriage record in the fund's terms."""
    marriage = rec.registered
    return act_record(rec, happened_on=whole(marriage.married_on, marriage.married_on_partial),
                      husband=marriage.husband, wife=marriage.wife,
                      annulled=rec.annulment is not None)


def canonical(request: BrakzRequestV1) -> NameChangeRecordsV1:
    """The delivery as ``zags.name_changes``: one-way, nobody answers it."""
    return NameChangeRecordsV1(delivery_id=request.id, as_of=request.as_of,
                               source_format=FORMAT, act_kind="marriage",
                               records=[record(r) for r in request.records])


class ZagsBrakz(BoundInformationType):
    """Marriage records from ЕГР ЗАГС (заключение брака), 112-46 v4.0.2: delivered to the fund."""

    key: ClassVar[str] = "zags.brakz"
    title: ClassVar[str] = "ЕГР ЗАГС: сведения о записях актов о заключении брака (112-46, 4.0.2)"
    role: ClassVar[Role] = "provider"
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str] = NS
    response_namespace: ClassVar[str] = NS
    request_schema: ClassVar[str] = SCHEMA
    response_schema: ClassVar[str] = SCHEMA
    request_model: ClassVar[type[XmlModel]] = BrakzRequestV1
    response_model: ClassVar[type[XmlModel] | None] = None
    canonical_request: ClassVar[type[BaseModel] | None] = NameChangeRecordsV1

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """The delivery as ``zags.name_changes``."""
        if not isinstance(message, BrakzRequestV1):
            raise MappingError(f"expected a BrakzRequestV1, got {type(message).__qualname__}")
        return canonical(message)

    def sample_request(self) -> BaseModel | None:
        """A delivery of one marriage record (fictitious persons)."""
        return samples.delivery()
