"""The answer envelope all on-request ЕГР ЗАГС formats share (``…INFResponse``).

An answer holds one ``СведОтветАГС`` per question, each with a processing result
(``РезОбраб``) and the act records found. Every format names its record element itself
(``СведРегРожд``, ``СведРегПерИмя``…), so it declares its ``СведОтветАГС`` with
:class:`ActRecord` subclassed; the rest is here.

Answers are read tolerantly: a record maps what the fund uses (the act's identity and the
persons' names, dates of birth, СНИЛС, documents) and skips the rest (certificates,
section 2 of the register, addresses), which stays in the journal's raw bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Generic, Literal, TypeVar

from pydantic import Field

from adapters.smev3.vs.zags_inf.types import F, InFormat, PartialDate, RegistryOffice
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, text

ResultCode = Literal["1", "2", "3", "4"]
"""РезОбраб. The schemas leave the codes undocumented; a public client of these formats
takes 1 and 2 as an answer and 3 and 4 as none: here 1 found, 2 found in part, 3 not found,
4 not processed (see :data:`RESULTS`)."""

RESULTS: dict[str, str] = {
    "1": "сведения найдены", "2": "сведения найдены частично",
    "3": "сведения не найдены", "4": "запрос не обработан",
}
"""Each processing result in the fund's words."""


class ActRecord(InFormat, Generic[F]):
    """What every act record of an answer carries: its number in the register, version,
    status and registry office; the format adds what was registered (``ПрдСведРег``)."""

    xml_namespace_of: ClassVar[Literal["root", "types"]] = "root"
    xml_partial: ClassVar[bool] = True

    section: Annotated[Literal["1", "2"], Attr("РазделЕГР")]
    number: Annotated[str, text(21), Attr("НомерЗаписЕГР")] = Field(
        json_schema_extra=PERSONAL)
    certificate_number: Annotated[str | None, text(10), Attr("НомАГССвид")] = Field(
        default=None, json_schema_extra=PERSONAL)
    version: Annotated[str, text(3), Attr("НомерВерс")]
    version_date: Annotated[date, Attr("ДатаВерс")]
    status_code: Annotated[str, text(4), Attr("КодСостСтат")]
    recorded_on_partial: Annotated[PartialDate[F] | None, Elem(
        "ДатаЗаписДок", choice="date")] = None
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", choice="date")] = None
    office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]


class AnswerBlock(XmlModel):
    """The answer to one question (СведОтветАГС) without its records: the format adds
    them under its element name as ``records``."""

    id: Annotated[str, text(36), Attr("ИдДок")]
    result: Annotated[ResultCode, Attr("РезОбраб")]


AB = TypeVar("AB", bound=AnswerBlock)


class InquiryAnswer(XmlModel, Generic[AB]):
    """The answer (``…INFResponse``) to the request ``id``."""

    id: Annotated[str, text(36), Attr("ИдЗапрос")]
    as_of: Annotated[date, Attr("ДатаСвед")]
    count: Annotated[int, Field(ge=0, le=99), Attr("КолДок")]
    act_type: Annotated[Literal["01", "02", "03", "04", "06"], Attr("ТипАГСЗапрос")]
    answers: Annotated[list[AB], Field(min_length=1), Elem("СведОтветАГС")]
