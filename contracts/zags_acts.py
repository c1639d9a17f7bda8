"""ЗАГС records of births and of changes of name in the fund's terms (ERZ-5).

Besides deaths (:mod:`contracts.zags`), the registry offices (ЗАГС) deliver over СМЭВ the
records of births (112-01, ``ROGDRequest``), changes of name (112-03, ``PERNAMERequest``),
paternity (112-08, ``PARENTRequest``), marriages (112-46, ``BRAKZRequest``) and divorces
(112-48, ``BRAKRRequest``); all five formats are one-way (no answer element). The СМЭВ
adapter binds each (``adapters/smev3/vs/zags_*``) and puts on the bus one of two canonical
deliveries:

- :class:`BirthRecordsV1` (``zags.births``): the child, and the mother and the father as
  the record names them — the register creates or completes the newborn's record;
- :class:`NameChangeRecordsV1` (``zags.name_changes``): whatever act it came from (a change
  of name, a marriage, a divorce, paternity), the persons whose surname, name or
  patronymic the act changed, each as known before and as named after — the register
  updates the person with history.

The exact XML stays in the journal as the message's raw bytes. Like deaths, these records
concern many people, so the types name no top-level person fields; their names, dates and
documents are declared personal.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from contracts.registry import message_type
from contracts.zags import PERSONAL, IdentityDocument, PartialDate

ActKind = Literal["name_change", "marriage", "divorce", "paternity"]
"""The act that changed a name: перемена имени (112-03), заключение брака (112-46),
расторжение брака (112-48), установление отцовства (112-08)."""

ACT_TITLES: dict[str, str] = {
    "name_change": "перемена имени", "marriage": "заключение брака",
    "divorce": "расторжение брака", "paternity": "установление отцовства",
}
"""Each act kind in words, as the fund's staff read it."""


class Act(BaseModel):
    """How ЗАГС identifies an act record (the same in every format): the registry office
    (``КодЗАГС``), the record's number and date; its version and whether it is annulled."""

    act_number: str = Field(max_length=22, json_schema_extra=PERSONAL,
                            description="Number of the act record (НомерЗапис).")
    act_date: date = Field(description="Date of the act record (ДатаЗапис).")
    office_code: str = Field(max_length=8, description="Code of the registry office that "
                             "made the act record (КодЗАГС).")
    version: str | None = Field(default=None, max_length=3, description="Version of the "
                                "record (НомерВерс).")
    annulled: bool = Field(default=False, description="The act record is annulled "
                           "(СведАннулирАГС).")


class Person(BaseModel):
    """A person as an act record names them: what finding them in the register needs."""

    surname: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                                description="Surname; none when ЗАГС has none.")
    name: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                             description="Given name.")
    patronymic: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                                   description="Patronymic.")
    sex: Literal["1", "2"] | None = Field(default=None, description="1 male, 2 female, "
                                          "when the record says.")
    birth_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Date of birth, when ЗАГС gave a whole date.")
    birth_date_partial: PartialDate | None = Field(
        default=None, json_schema_extra=PERSONAL,
        description="Date of birth as ЗАГС gave it when it is not a whole date.")
    birth_place: str | None = Field(default=None, max_length=512,
                                    json_schema_extra=PERSONAL,
                                    description="Place of birth as text (МестоТекст).")
    snils: str | None = Field(default=None, max_length=14, json_schema_extra=PERSONAL,
                              description="СНИЛС, when the format carries it (112-01 does "
                              "for the parents).")
    identity_document: IdentityDocument | None = Field(
        default=None, description="Identity document, when the record has one.")
    address: str | None = Field(default=None, max_length=512, json_schema_extra=PERSONAL,
                                description="Place of residence as text.")


class BirthRecord(Act):
    """One act record of a birth (запись акта о рождении), as the fund uses it."""

    child: Person = Field(description="The child as registered: names, sex, date and "
                          "place of birth.")
    stillborn: bool = Field(default=False, description="Born dead (ЖивМертв 1): nobody "
                            "to insure.")
    mother: Person | None = Field(default=None, description="The mother, when the record "
                                  "names her.")
    father: Person | None = Field(default=None, description="The father, when the record "
                                  "names him.")


@message_type("zags.births", 1, title="Сведения ЗАГС о рождении")
class BirthRecordsV1(BaseModel):
    """Birth records delivered by ЗАГС (112-01), one-way (ERZ-5)."""

    delivery_id: str = Field(max_length=36, description="Id of the delivery as ЗАГС gave it "
                             "(ИдСвед).")
    as_of: date = Field(description="Date of the data (ДатаСвед).")
    source_format: str = Field(max_length=8, description="The official format it came in, "
                               "as a plain label: 112-01.")
    records: list[BirthRecord] = Field(min_length=1, description="The act records.")


class NameChange(BaseModel):
    """One person whose name an act changed: as known before, and the names after.

    A name the act leaves as it was is ``None`` after (a marriage changes a surname only;
    paternity may change the child's surname and patronymic)."""

    role: Literal["person", "husband", "wife", "child"] = Field(
        description="Who the person is in the act: the one who changed their name, a "
        "spouse, the child whose father is established.")
    before: Person = Field(description="The person as the register should know them: "
                           "names before the act, date of birth, document.")
    surname: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                                description="Surname after the act, when it changed.")
    name: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                             description="Given name after the act, when it changed.")
    patronymic: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                                   description="Patronymic after the act, when it changed.")

    def changes(self) -> dict[str, tuple[str | None, str]]:
        """``{field: (before, after)}`` of the names the act changed."""
        out: dict[str, tuple[str | None, str]] = {}
        for key in ("surname", "name", "patronymic"):
            after = getattr(self, key)
            if after and after != getattr(self.before, key):
                out[key] = (getattr(self.before, key), after)
        return out


class NameChangeRecord(Act):
    """One act record that changed names: its date of effect and who changed."""

    changed_on: date | None = Field(default=None, description="When the change took "
                                    "effect: the date of the marriage or divorce as ЗАГС "
                                    "gives it, else the date of the act record.")
    persons: list[NameChange] = Field(description="The persons the act concerns (for a "
                                      "marriage both spouses, whether or not a surname "
                                      "changed).")


@message_type("zags.name_changes", 1, title="Сведения ЗАГС о перемене имени, браке, "
              "разводе, отцовстве")
class NameChangeRecordsV1(BaseModel):
    """Act records that change persons' names, delivered by ЗАГС (112-03, 112-08, 112-46,
    112-48), one-way (ERZ-5)."""

    delivery_id: str = Field(max_length=36, description="Id of the delivery as ЗАГС gave it "
                             "(ИдСвед).")
    as_of: date = Field(description="Date of the data (ДатаСвед).")
    source_format: str = Field(max_length=8, description="The official format it came in, "
                               "as a plain label: 112-03, 112-08, 112-46 or 112-48.")
    act_kind: ActKind = Field(description="The act the records are of.")
    records: list[NameChangeRecord] = Field(min_length=1, description="The act records.")


InquiryKind = Literal["birth", "name_change", "marriage", "divorce", "paternity"]
"""What the fund asks ЗАГС for on request: 112-51 рождение, 112-53 перемена имени, 112-54
заключение брака, 112-55 расторжение брака, 112-56 установление отцовства."""


@message_type("zags.inquiry", 1, title="Запрос сведений ЗАГС")
class ZagsInquiryV1(BaseModel):
    """The fund asks ЕГР ЗАГС for the act records of one kind about a person (112-51,
    112-53…112-56): by the person's names and date of birth, optionally an act's number.

    The СМЭВ adapter sends it as the format of ``act_kind``; the answer comes back as
    :class:`ZagsInquiryAnswerV1`, caused by this message.
    """

    act_kind: InquiryKind = Field(description="Which records are asked for.")
    person: Person = Field(description="Whom the records are about.")
    act_number: str | None = Field(default=None, max_length=22, json_schema_extra=PERSONAL,
                                   description="The act record's number, when known.")
    act_date: date | None = Field(default=None, description="The act record's date, "
                                  "when the number is given.")
    office_code: str | None = Field(default=None, max_length=8, description="The registry "
                                    "office of the act, when the number is given.")
    basis: str = Field(default="", max_length=500, description="Why the fund asks (the "
                       "basis the format requires), in words.")


@message_type("zags.inquiry.answer", 1, title="Ответ ЗАГС на запрос сведений")
class ZagsInquiryAnswerV1(BaseModel):
    """ЕГР ЗАГС's answer to :class:`ZagsInquiryV1`: the records found, or why none."""

    act_kind: InquiryKind = Field(description="Which records were asked for.")
    source_format: str = Field(max_length=8, description="The official format the answer "
                               "came in: 112-51, 112-53, 112-54, 112-55 or 112-56.")
    births: list[BirthRecord] = Field(default_factory=list, description="Birth records "
                                      "found (112-51).")
    name_changes: list[NameChangeRecord] = Field(
        default_factory=list, description="Records of the other kinds found.")
    not_found: str = Field(default="", max_length=500, description="Why nothing was "
                           "found, in ЗАГС's words, when nothing was.")
