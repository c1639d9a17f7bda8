"""A search in ФЕРЗЛ asked from the console: the criteria read from the form, checked against
what the account may search by, and turned into a ``ferzl.call``.

By an identifier — ЕНП, a policy (old-style series and number, or a temporary
certificate), СНИЛС (with the birth date that confirms it, if given), an identity document —
it is getPersonData; by surname, name, patronymic and birth date it is
findPersonsByPersCriteria. An account without the personal-data permission searches by
whole identifiers only (docs/security.md): names, or a half number, would make the answer an
oracle. ФЕРЗЛ itself matches identifiers exactly; the check here refuses what is not one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from contracts.ferzl import FerzlCallV1

KINDS = ("enp", "policy", "snils", "document", "names")
FIELDS = ("enp", "policy_type", "policy_series", "policy_number", "snils", "birth_date",
          "document_type", "document_series", "document_number", "surname", "name",
          "patronymic")
WHOLE_ONLY = ("Без допуска к персональным данным поиск в ФЕРЗЛ — только по идентификатору "
              "целиком: ЕНП, полис, СНИЛС или документ; поиск по ФИО недоступен.")
NEED_PURPOSE = "Укажите, зачем фонд спрашивает ФЕРЗЛ: это попадёт в журнал запросов и аудит."
_RU_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
_DOCUMENT_TYPE = re.compile(r"\d{1,3}")


class SearchError(ValueError):
    """The form cannot be sent: why, in Russian, and which field."""

    def __init__(self, message: str, field_name: str = "") -> None:
        super().__init__(message)
        self.field = field_name


def parse_date(text: str, what: str) -> date:
    """``ДД.ММ.ГГГГ`` or ``ГГГГ-ММ-ДД`` (a date field); :class:`SearchError` otherwise."""
    found = _RU_DATE.fullmatch(text)
    try:
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
        return date.fromisoformat(text)
    except ValueError:
        raise SearchError(f"{what}: ДД.ММ.ГГГГ.", "birth_date") from None


def snils_digits(text: str) -> str:
    """A СНИЛС as 11 digits, however it is written; :class:`SearchError` otherwise."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{11}", digits):
        raise SearchError("СНИЛС: 11 цифр (123-456-789 01).", "snils")
    return digits


@dataclass
class Search:
    """One search as the form gives it."""

    kind: str
    values: dict[str, str] = field(default_factory=dict)
    purpose: str = ""

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> Search:
        """From the form's fields (unchecked)."""
        kind = str(form.get("kind") or "enp")
        return cls(kind, {k: str(form.get(k) or "").strip() for k in FIELDS},
                   str(form.get("purpose") or "").strip())

    def call(self, *, unmasked: bool) -> FerzlCallV1:
        """The ``ferzl.call`` of this search; :class:`SearchError` when it cannot be sent
        (``unmasked``: whether the account may search by personal data)."""
        if self.kind not in KINDS:
            raise SearchError("Выберите, по чему искать.", "kind")
        if self.kind == "names" and not unmasked:
            raise SearchError(WHOLE_ONLY, "kind")
        if not self.purpose:
            raise SearchError(NEED_PURPOSE, "purpose")
        params = getattr(self, f"_{self.kind}")()
        operation = "findPersonsByPersCriteria" if self.kind == "names" else "getPersonData"
        return FerzlCallV1(operation=operation, params=params, purpose=self.purpose[:500])

    def _enp(self) -> dict[str, Any]:
        enp = re.sub(r"\s", "", self.values["enp"])
        if not re.fullmatch(r"\d{16}", enp):
            raise SearchError("ЕНП: 16 цифр.", "enp")
        return {"params.search.policy.enp": enp}

    def _policy(self) -> dict[str, Any]:
        v = self.values
        number = re.sub(r"\s", "", v["policy_number"])
        if not number:
            raise SearchError("Укажите номер полиса или временного свидетельства.",
                              "policy_number")
        if not re.fullmatch(r"[0-9A-Za-zА-Яа-яЁё-]{1,30}", number):
            raise SearchError("Номер полиса: цифры и буквы, целиком.", "policy_number")
        if v["policy_type"] == "В":
            return {"params.search.policy.kind": "В",
                    "params.search.policy.temporary_certificate": number}
        if re.fullmatch(r"\d{16}", number) and not v["policy_series"]:
            return {"params.search.policy.enp": number}
        found: dict[str, Any] = {"params.search.policy.kind": "С",
                                 "params.search.policy.number": number}
        if v["policy_series"]:
            found["params.search.policy.series"] = v["policy_series"]
        return found

    def _snils(self) -> dict[str, Any]:
        found: dict[str, Any] = {"params.search.snils.snils": snils_digits(self.values["snils"])}
        if self.values["birth_date"]:
            found["params.search.snils.birth_date"] = parse_date(
                self.values["birth_date"], "Дата рождения").isoformat()
        return found

    def _document(self) -> dict[str, Any]:
        v = self.values
        kind = v["document_type"] or "14"
        if not _DOCUMENT_TYPE.fullmatch(kind):
            raise SearchError("Вид документа: код справочника F011 (14 — паспорт РФ).",
                              "document_type")
        number = v["document_number"]
        if not re.fullmatch(r"[0-9A-Za-zА-Яа-яЁё-]{1,30}", number):
            raise SearchError("Номер документа: цифры и буквы, целиком.", "document_number")
        found: dict[str, Any] = {"params.search.document.kind": kind,
                                 "params.search.document.number": number}
        if v["document_series"]:
            found["params.search.document.series"] = v["document_series"]
        return found

    def _names(self) -> dict[str, Any]:
        v = self.values
        if not v["surname"] or not v["name"]:
            raise SearchError("Поиск по ФИО: укажите фамилию и имя.", "surname")
        if not v["birth_date"]:
            raise SearchError("Поиск по ФИО: укажите дату рождения.", "birth_date")
        born = parse_date(v["birth_date"], "Дата рождения").isoformat()
        found: dict[str, Any] = {"criteria.names.surname": v["surname"],
                                 "criteria.names.first_name": v["name"],
                                 "criteria.born_from": born, "criteria.born_to": born}
        if v["patronymic"]:
            found["criteria.names.patronymic"] = v["patronymic"]
        return found
