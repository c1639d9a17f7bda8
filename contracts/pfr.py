"""СНИЛС by personal data from ПФР/СФР in the fund's terms (ERZ-5).

A person the register holds without СНИЛС (a newborn, a person ЗАГС named without one) has
it looked up: the register sends :class:`SnilsLookupV1` (``pfr.snils.lookup``), the СМЭВ
adapter asks ПФР in the official format «СНИЛС по дополнительным сведениям»
(``SnilsByAdditionalDataRequest``, ``adapters/smev3/vs/pfr_snils``) and puts the answer on
the bus as :class:`SnilsFoundV1` (``pfr.snils.found``), caused by the lookup. ПФР echoes the
person's names and date of birth beside the СНИЛС, so the answer identifies whom it is about.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from contracts.registry import message_type
from contracts.zags import PERSONAL, IdentityDocument

SNILS_UNCHECKED_MAX = 1001998
"""СНИЛС up to 001-001-998 were issued without a check number being checked."""


def snils_check_number(first9: str) -> str:
    """The two check digits of a СНИЛС from its first nine digits (ПФР's rule: weights
    9…1, below 100 as is, 100 and 101 give 00, above that modulo 101)."""
    total = sum(int(d) * w for d, w in zip(first9, range(9, 0, -1), strict=True))
    if total < 100:
        return f"{total:02d}"
    rest = total % 101
    return "00" if rest == 100 else f"{rest:02d}"


def snils_valid(digits: str) -> bool:
    """Whether 11 digits make a СНИЛС whose check number is right (or not checked)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    return int(digits[:9]) <= SNILS_UNCHECKED_MAX or \
        snils_check_number(digits[:9]) == digits[9:]


@message_type("pfr.snils.lookup", 1, title="Запрос СНИЛС по персональным данным",
              person_fields=("surname", "name", "patronymic", "birth_date"))
class SnilsLookupV1(BaseModel):
    """The register asks ПФР for the СНИЛС of one person by their personal data."""

    surname: str = Field(max_length=60, json_schema_extra=PERSONAL, description="Фамилия.")
    name: str = Field(max_length=60, json_schema_extra=PERSONAL, description="Имя.")
    patronymic: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                                   description="Отчество, when the person has one.")
    birth_date: date = Field(json_schema_extra=PERSONAL, description="Date of birth.")
    sex: Literal["1", "2"] = Field(description="1 male, 2 female.")
    birth_place: str | None = Field(default=None, max_length=500, json_schema_extra=PERSONAL,
                                    description="Place of birth as text, when known.")
    identity_document: IdentityDocument | None = Field(
        default=None, description="An identity document, when the register holds one.")


@message_type("pfr.snils.found", 1, title="СНИЛС, найденный ПФР",
              person_fields=("surname", "name", "patronymic", "birth_date", "snils"))
class SnilsFoundV1(BaseModel):
    """ПФР's answer: the person as ПФР knows them, and their СНИЛС."""

    surname: str = Field(max_length=60, json_schema_extra=PERSONAL, description="Фамилия.")
    name: str = Field(max_length=60, json_schema_extra=PERSONAL, description="Имя.")
    patronymic: str | None = Field(default=None, max_length=60, json_schema_extra=PERSONAL,
                                   description="Отчество.")
    birth_date: date = Field(json_schema_extra=PERSONAL, description="Date of birth.")
    sex: Literal["1", "2"] = Field(description="1 male, 2 female.")
    snils: str = Field(pattern=r"^\d{11}$", json_schema_extra=PERSONAL,
                       description="СНИЛС, 11 digits.")
