"""The request all on-request ЕГР ЗАГС formats share (``…INFRequest``), generic over the
format (:class:`~adapters.smev3.vs.zags_inf.types.Format`), whose root namespace its elements
take.

A format parametrises each with itself (see its ``messages``); only the attribute of
``СведФЛ`` saying which of the act's names were given differs (ТипУчАЗ, ТипФИО, ИнфФИО), and
the format adds it to its :class:`PersonQuery`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Generic, Literal, TypeVar

from pydantic import Field

from adapters.smev3.vs.zags_inf.types import (
    F,
    FullName,
    InFormat,
    PartialDate,
    Region,
    RequestedDocument,
    RequestedOffice,
    Snils,
)
from contracts.xmlbind.binding import Attr, Elem
from contracts.xmlbind.fields import PERSONAL, text


class Basis(InFormat, Generic[F]):
    """Why the asking party may have the records (СведОсн): a code of the СНПОСН
    directory and the document of its right, or the flag that there is none."""

    xml_namespace_of: ClassVar[Literal["root", "types"]] = "root"

    code: Annotated[str, text(2, 2), Attr("КодНормОсн")]
    document: Annotated[str | None, text(500), Elem(
        "СведДокОсн", absent="ПрСведДокОсн")] = None


class ActRef(InFormat, Generic[F]):
    """The act record asked about, when its number is known (СведАГС)."""

    xml_namespace_of: ClassVar[Literal["root", "types"]] = "root"

    number: Annotated[str, text(22), Attr("НомерЗапис")] = Field(json_schema_extra=PERSONAL)
    recorded_on_partial: Annotated[PartialDate[F] | None, Elem(
        "ДатаЗаписДок", choice="date")] = None
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", choice="date")] = None
    office: Annotated[RequestedOffice, Elem("ОрганЗАГС")]


class PersonQuery(InFormat, Generic[F]):
    """The person the records are asked about (СведФЛ)."""

    xml_namespace_of: ClassVar[Literal["root", "types"]] = "root"

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    name: Annotated[FullName[F], Elem("ФИО")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate[F] | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    identity_document: Annotated[RequestedDocument | None, Elem("УдЛичнФЛ")] = None


P = TypeVar("P", bound=PersonQuery)  # type: ignore[type-arg]


class Query(InFormat, Generic[F, P]):
    """One question (СведЗапрос): the act if known, the person (the format's
    :class:`PersonQuery`), the region of the act."""

    xml_namespace_of: ClassVar[Literal["root", "types"]] = "root"

    id: Annotated[str, text(36), Attr("ИдДок")]
    act: Annotated[ActRef[F] | None, Elem("СведАГС")] = None
    person: Annotated[P, Elem("СведФЛ")]
    region: Annotated[Region | None, Elem("РегионРегАГС", absent="ПрРегионРегАГС")] = None


Q = TypeVar("Q", bound=Query)  # type: ignore[type-arg]


class InquiryRequest(InFormat, Generic[F, Q]):
    """The request (``…INFRequest``): its id, the basis and the questions; ``act_type``
    is the format's one code of the СТАГС directory (01 birth, 02 marriage, 03 divorce,
    04 paternity, 06 change of name)."""

    xml_namespace_of: ClassVar[Literal["root", "types"]] = "root"

    id: Annotated[str, text(36), Attr("ИдЗапрос")]
    count: Annotated[int, Field(ge=0, le=99), Attr("КолДок")]
    act_type: Annotated[Literal["01", "02", "03", "04", "06"], Attr("ТипАГС")]
    basis: Annotated[Basis[F], Elem("СведОсн")]
    queries: Annotated[list[Q], Field(min_length=1), Elem("СведЗапрос")]
