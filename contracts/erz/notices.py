"""The fund's notice to a clinic of its attached persons who died (OMS Hub's own format).

**No public format exists** for telling a clinic (МО) that a person attached to it died:
the Vologda attachment files answer a clinic's own ATT (FATM) or list an insurer's attached
population (PRK, which needs the clinic's ФРМО OIDs the register does not hold and is
addressed to an insurer). So OMS Hub writes this small notice of its own, in the style of
the attachment files — no namespace, upper-case element names, ``windows-1251``:

```xml
<ZL_DEATH>
  <ZGLV><VERSION>1.0</VERSION><FDATE>2024-06-01</FDATE>
        <FNAME>UMRT76M760001_2406011</FNAME><CODE_MO>760001</CODE_MO><ZAP>1</ZAP></ZGLV>
  <PERS><N_ZAP>1</N_ZAP><ENP>…</ENP><FAM>…</FAM><IM>…</IM><OT>…</OT><W>1</W>
        <DR>1940-07-03</DR><DS>2024-05-20</DS><DATE_DETACH>2024-05-20</DATE_DETACH>
        <ACT_NUM>…</ACT_NUM><ACT_DATE>2024-05-22</ACT_DATE></PERS>
</ZL_DEATH>
```

DS is the date of death, DATE_DETACH the date from which the person is no longer attached
(the same day: the register ends the attachment on the date of death), ACT_NUM/ACT_DATE
the ЗАГС act record. Files are named ``UMR<T region><M clinic>_<YYMMDD><seq>.xml``
(kind ``UMR``, «умершие», a local convention like the lists' kinds). Write one with
``contracts.erz.files.write_file`` (its format is there with the others).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from contracts.erz.attachment import ClinicCode, PlainModel
from contracts.erz.common import Enp, Sex
from contracts.xmlbind.binding import Elem
from contracts.xmlbind.fields import PERSONAL, text

KIND = "UMR"


class NoticeHeader(PlainModel):
    """ZGLV: version, date, file name, the clinic and the number of records."""

    version: Annotated[str, Elem("VERSION")] = "1.0"
    file_date: Annotated[date, Elem("FDATE")]
    file_name: Annotated[str, text(64), Elem("FNAME")]
    clinic_code: Annotated[ClinicCode, Elem("CODE_MO")]
    count: Annotated[int, Elem("ZAP")]


class DeceasedPerson(PlainModel):
    """PERS: a person attached to the clinic who died, and the ЗАГС act record."""

    number: Annotated[int, Elem("N_ZAP"), Field(ge=1)]
    enp: Annotated[Enp, Elem("ENP")] = Field(json_schema_extra=PERSONAL)
    family_name: Annotated[str, text(40), Elem("FAM")] = Field(json_schema_extra=PERSONAL)
    given_name: Annotated[str, text(40), Elem("IM")] = Field(json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(40), Elem("OT", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    sex: Annotated[Sex, Elem("W")]
    birth_date: Annotated[date, Elem("DR")] = Field(json_schema_extra=PERSONAL)
    death_date: Annotated[date, Elem("DS")]
    detached_from: Annotated[date, Elem("DATE_DETACH")]
    act_number: Annotated[str | None, Elem("ACT_NUM", blank=True)] = None
    act_date: Annotated[date | None, Elem("ACT_DATE", blank=True)] = None


class DeathNotice(PlainModel):
    """ZL_DEATH: the clinic's attached persons whose death the register recorded."""

    xml_root: ClassVar[str] = "ZL_DEATH"

    header: Annotated[NoticeHeader, Elem("ZGLV")]
    persons: Annotated[list[DeceasedPerson], Elem("PERS"), Field(min_length=1)]

    @model_validator(mode="after")
    def _check_count(self) -> DeathNotice:
        if self.header.count != len(self.persons):
            raise ValueError(f"ZAP is {self.header.count} but the notice holds "
                             f"{len(self.persons)} records")
        return self
