"""The request all on-request ЕГР ЗАГС formats share (``…INFRequest``), as generics.

A format subclasses each with its root namespace and its types (see its ``messages``);
only the attribute of ``СведФЛ`` saying which of the act's names were given differs (ТипУчАЗ,
ТипФИО, ИнфФИО), and the format adds it to its :class:`PersonQuery`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import Field

from adapters.smev3.vs.zags_inf.types import (
    FN,
    PD,
    Region,
    RequestedDocument,
    RequestedOffice,
    Snils,
)
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, text


class Basis(XmlModel):
    """Why the asking party may have the records (СведОсн): a code of the СНПОСН
    directory and the document of its right, or the flag that there is none."""

    code: Annotated[str, text(2, 2), Attr("КодНормОсн")]
    document: Annotated[str | None, text(500), Elem(
        "СведДокОсн", absent="ПрСведДокОсн")] = None


class ActRef(XmlModel, Generic[PD]):
    """The act record asked about, when its number is known (СведАГС)."""

    number: Annotated[str, text(22), Attr("НомерЗапис")] = Field(json_schema_extra=PERSONAL)
    recorded_on_partial: Annotated[PD | None, Elem("ДатаЗаписДок", choice="date")] = None
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", choice="date")] = None
    office: Annotated[RequestedOffice, Elem("ОрганЗАГС")]


class PersonQuery(XmlModel, Generic[FN, PD]):
    """The person the records are asked about (СведФЛ)."""

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    name: Annotated[FN, Elem("ФИО")]
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PD | None, Elem("ДатаРождДок", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    identity_document: Annotated[RequestedDocument | None, Elem("УдЛичнФЛ")] = None


A = TypeVar("A", bound=ActRef)  # type: ignore[type-arg]
P = TypeVar("P", bound=PersonQuery)  # type: ignore[type-arg]


class Query(XmlModel, Generic[A, P]):
    """One question (СведЗапрос): the act if known, the person, the region of the act."""

    id: Annotated[str, text(36), Attr("ИдДок")]
    act: Annotated[A | None, Elem("СведАГС")] = None
    person: Annotated[P, Elem("СведФЛ")]
    region: Annotated[Region | None, Elem("РегионРегАГС", absent="ПрРегионРегАГС")] = None


B = TypeVar("B", bound=Basis)
Q = TypeVar("Q", bound=Query)  # type: ignore[type-arg]


class InquiryRequest(XmlModel, Generic[B, Q]):
    """The request (``…INFRequest``): its id, the basis and the questions; ``act_type``
    is the format's one code of the СТАГС directory (01 birth, 02 marriage, 03 divorce,
    04 paternity, 06 change of name)."""

    id: Annotated[str, text(36), Attr("ИдЗапрос")]
    count: Annotated[int, Field(ge=0, le=99), Attr("КолДок")]
    act_type: Annotated[Literal["01", "02", "03", "04", "06"], Attr("ТипАГС")]
    basis: Annotated[B, Elem("СведОсн")]
    queries: Annotated[list[Q], Field(min_length=1), Elem("СведЗапрос")]

