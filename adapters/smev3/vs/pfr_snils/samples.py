"""Realistic test data of СНИЛС lookups (a fictitious newborn) and ПФР's simulated answer.

The simulated ПФР answers about the person asked for — the same names, birth date, gender,
place of birth and document — with a СНИЛС derived from the names and the birth date, so
the same person always gets the same valid number and the register can recognise whom the
answer is about.
"""

from __future__ import annotations

import hashlib
from datetime import date

from adapters.smev3.vs.pfr_snils.messages import (
    BirthPlace,
    SnilsRequestV1,
    SnilsResponseV1,
    SovietStyleDocument,
)
from contracts.pfr import SNILS_UNCHECKED_MAX, snils_check_number


def request() -> SnilsRequestV1:
    """A newborn girl the register holds without СНИЛС, with her birth certificate."""
    return SnilsRequestV1(
        family_name="Кузнецова", first_name="Алиса", patronymic="Андреевна",
        birth_date=date(2024, 3, 15), gender="Female",
        birth_place=BirthPlace(place_type="ОСОБОЕ", settlement="г. Уфа",
                               region="Республика Башкортостан", country="Россия"),
        birth_certificate=SovietStyleDocument(
            series="IV-АР", number="512345", issued_on=date(2024, 3, 20),
            issuer="Отдел ЗАГС Кировского района г. Уфы Государственного комитета "
                   "Республики Башкортостан по делам юстиции"))


def snils_for(family_name: str, first_name: str, patronymic: str | None,
              birth_date: date) -> str:
    """A checksum-valid СНИЛС (11 digits) that depends only on the person's names and
    birth date; its number is above 001-001-998, so its check number is checked."""
    person = "|".join((family_name.casefold(), first_name.casefold(),
                       (patronymic or "").casefold(), birth_date.isoformat()))
    seed = int.from_bytes(hashlib.sha256(person.encode("utf-8")).digest()[:8], "big")
    span = 999_999_999 - SNILS_UNCHECKED_MAX
    first9 = f"{SNILS_UNCHECKED_MAX + 1 + seed % span:09d}"
    return first9 + snils_check_number(first9)


def answer(asked: SnilsRequestV1) -> SnilsResponseV1:
    """ПФР's answer: the person asked about, as asked, and their СНИЛС."""
    snils = snils_for(asked.family_name, asked.first_name, asked.patronymic, asked.birth_date)
    return SnilsResponseV1.model_validate({**asked.model_dump(exclude_none=True),
                                           "snils": snils})
