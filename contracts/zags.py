"""ЗАГС death records in the fund's terms (ERZ-5): ``zags.deaths`` and its answer.

The registry offices (ЗАГС) deliver death records over СМЭВ in two official formats,
112-41 (``FATALOIVRequest``, answered with ``FATALOIVResponse``) and 112-04
(``FATALRequest``, one-way). The СМЭВ adapter binds that XML (``adapters/smev3/vs/zags_*``)
and puts on the bus one canonical delivery, :class:`DeathRecordsV1`, whichever format it
came in: the records reduced to what the fund uses — the act that records the death, the
deceased as ЗАГС names them, the dates as ЗАГС gave them (a partial one included), the
identity document as written, and whether the person is unidentified or the act annulled.
The exact XML stays in the journal as the message's raw bytes.

When the delivery asks for an answer (112-41), the receiver sends
:class:`DeathRecordsProcessedV1` and the adapter maps it to the format's answer.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.registry import message_type

PERSONAL: dict[str, Any] = {"personal": True}
"""``json_schema_extra`` of a field holding a person's data (masked for most viewers)."""


class PartialDate(BaseModel):
    """A date as ЗАГС gave it when it is not a whole calendar date: the year, and the
    month or the day when known (ЗАГС writes what the documents say, e.g. ``1941-05``)."""

    year: int = Field(ge=0, description="The year.")
    month: int | None = Field(default=None, ge=0, description="The month, when known.")
    day: int | None = Field(default=None, ge=0, description="The day, when known.")

    def text(self) -> str:
        """The date as far as it is known: ``1941``, ``1941-05``, ``1941-??-09``."""
        parts = [f"{self.year:04d}"]
        if self.month is not None or self.day is not None:
            parts.append(f"{self.month:02d}" if self.month is not None else "??")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


class IdentityDocument(BaseModel):
    """The deceased's identity document as ЗАГС wrote it (УдЛичнФЛ)."""

    kind_code: str = Field(max_length=2, description="Kind of document (КодВидДок), e.g. "
                           "21 for the passport of a citizen of Russia.")
    series_number: str = Field(max_length=25, json_schema_extra=PERSONAL,
                               description="Series and number as written, e.g. 80 03 123456.")
    issued_on: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                   description="Date of issue, when known (ПФР's lookup "
                                   "sends a document only with it).")
    issuer: str | None = Field(default=None, max_length=200,
                               description="Who issued it, when known.")


class DeathRecord(BaseModel):
    """One act record of a death (запись акта о смерти), as the fund uses it."""

    act_number: str = Field(max_length=22, json_schema_extra=PERSONAL,
                            description="Number of the act record (НомерЗапис).")
    act_date: date = Field(description="Date of the act record (ДатаЗапис).")
    office_code: str = Field(max_length=8, description="Code of the registry office that "
                             "made the act record (КодЗАГС).")
    version: str | None = Field(default=None, max_length=3, description="Version of the "
                                "record (НомерВерс); formats without versions leave it out.")
    surname: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                                description="Surname of the deceased; none when ЗАГС has none.")
    name: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                             description="Given name of the deceased.")
    patronymic: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                                   description="Patronymic of the deceased.")
    birth_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Date of birth, when ЗАГС gave a whole date.")
    birth_date_partial: PartialDate | None = Field(
        default=None, json_schema_extra=PERSONAL,
        description="Date of birth as ЗАГС gave it when it is not a whole date.")
    death_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Date of death, when ЗАГС gave a whole date.")
    death_date_partial: PartialDate | None = Field(
        default=None, json_schema_extra=PERSONAL,
        description="Date of death as ЗАГС gave it when it is not a whole date.")
    identity_document: IdentityDocument | None = Field(
        default=None, description="Identity document of the deceased, when ЗАГС has one.")
    snils: str | None = Field(default=None, max_length=14, json_schema_extra=PERSONAL,
                              description="СНИЛС of the deceased; no published format "
                              "carries it yet.")
    unidentified: bool = Field(default=False, description="The deceased is an unidentified "
                               "person (ПрНеустанЛицо).")
    annulled: bool = Field(default=False, description="The act record is annulled "
                           "(СведАннулирАГС).")


@message_type("zags.deaths", 1, title="Сведения ЗАГС о смерти")
class DeathRecordsV1(BaseModel):
    """Death records delivered by ЗАГС, in either official format (ERZ-5).

    The records concern many people, so the type names no top-level person fields; their
    names, dates and documents are declared personal.
    """

    delivery_id: str = Field(max_length=36, description="Id of the delivery as ЗАГС gave it "
                             "(ИдСвед): an answer names it.")
    as_of: date = Field(description="Date of the data (ДатаСвед).")
    source_format: str = Field(max_length=8, description="The official format it came in, "
                               "as a plain label: 112-41 or 112-04.")
    answer_expected: bool = Field(description="ЗАГС expects zags.deaths.processed for it "
                                  "(112-41); 112-04 is answered by nobody.")
    records: list[DeathRecord] = Field(min_length=1, description="The act records.")


@message_type("zags.deaths.processed", 1, title="Ответ на сведения ЗАГС о смерти")
class DeathRecordsProcessedV1(BaseModel):
    """The receiver's answer to a delivery of death records that expects one (112-41)."""

    delivery_id: str = Field(max_length=36, description="Id of the delivery answered.")
    code: Literal["01", "02"] = Field(default="01", description="Processing code as the "
                                      "format has it: 01 processed; 02 is given no meaning.")
