"""What the operators search the register by, read from a query string (pages and API alike).

A surname's beginning (case and ё/е do not matter), narrowed by the beginnings of the name
and patronymic, a birth date or year; or a whole identifier: ЕНП, СНИЛС in any of the ways
it is written (``123-456-789 01``, ``12345678901``, with spaces), a policy number (with its
series for an old policy), an identity document's series and number. An account without
the personal-data permission searches by whole identifiers only (:meth:`Criteria.require_whole`,
docs/security.md): an answer to a guessed name or a half number is an oracle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from handlers.erz.register.checks import digits_only
from handlers.erz.register.queries import PersonFilter

WHOLE_ONLY = ("Без допуска к персональным данным поиск — только по идентификатору целиком: "
              "ЕНП, СНИЛС, номер полиса или серия и номер документа.")
"""Why a masked account's search by name, birth date or half a document is refused."""
NEED_SURNAME = "Поиск по ФИО: укажите фамилию или её начало."
PAGE_SIZES = (20, 50, 100, 200)
PAGE_SIZE = 50
_RU_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
KEYS = ("enp", "snils", "policy", "document", "surname", "name", "patronymic", "birth_date",
        "birth_year")


def parse_date(text: str, what: str) -> date:
    """``ДД.ММ.ГГГГ`` (as the fund writes dates) or ``ГГГГ-ММ-ДД`` (a date field, the API);
    ValueError naming ``what`` otherwise."""
    found = _RU_DATE.fullmatch(text)
    try:
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what}: ДД.ММ.ГГГГ.") from None


def page_size(raw: str | None) -> int:
    """The ``size`` parameter: one of :data:`PAGE_SIZES`, :data:`PAGE_SIZE` when absent;
    ValueError otherwise."""
    if not raw:
        return PAGE_SIZE
    if not raw.isdigit() or int(raw) not in PAGE_SIZES:
        sizes = ", ".join(map(str, PAGE_SIZES))
        raise ValueError(f"Строк на странице: {sizes}.")
    return int(raw)


def _split(value: str) -> tuple[str, str]:
    """``"76 24 123456"`` → series ``"76 24"``, number ``"123456"`` (the last word)."""
    series, _, number = value.rpartition(" ")
    return series.strip(), number


def _policy(value: str) -> tuple[str, str]:
    """Series and number of a typed policy: an old policy is "series number" (``ЕР
    123456``, ``7601 123456``); a single number may be written in groups (``7600 1234
    5678 9012``, a temporary certificate's ``123 456 789``) and is taken whole."""
    whole = digits_only(value)
    series, number = _split(value)
    if series and len(number) >= 6 and not (whole.isdigit() and len(whole) == 16):
        return series, number
    return "", whole


@dataclass(frozen=True)
class Criteria:
    """A search as typed; every criterion given must hold. Names need a surname."""

    enp: str = ""
    snils: str = ""
    policy: str = ""
    document: str = ""
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    birth_date: date | None = None
    birth_year: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Criteria:
        """Read the query string; ValueError for a bad date or year, or names without a
        surname."""
        get = {k: " ".join(str(params.get(k, "")).split()) for k in KEYS}
        born = parse_date(get["birth_date"], "Дата рождения") if get["birth_date"] else None
        year = None
        if get["birth_year"]:
            if not re.fullmatch(r"\d{4}", get["birth_year"]):
                raise ValueError("Год рождения: четыре цифры (ГГГГ).")
            year = int(get["birth_year"])
        found = cls(get["enp"], get["snils"], get["policy"], get["document"], get["surname"],
                    get["name"], get["patronymic"], born, year)
        if (found.name or found.patronymic or born or year) and not found.surname:
            raise ValueError(NEED_SURNAME)
        return found

    @property
    def named(self) -> bool:
        """Whether a name, a birth date or a year is among the criteria."""
        return bool(self.surname or self.name or self.patronymic or self.birth_date
                    or self.birth_year)

    def require_whole(self) -> None:
        """ValueError (:data:`WHOLE_ONLY`) unless the search names whole identifiers only:
        no name, birth date or year, no document number without its series."""
        if self.named or (self.document and not _split(self.document)[0]):
            raise ValueError(WHOLE_ONLY)

    @property
    def empty(self) -> bool:
        """Nothing to search by."""
        return not (self.enp or self.snils or self.policy or self.document or self.surname)

    def params(self) -> dict[str, str]:
        """The non-empty criteria as query parameters (dates ДД.ММ.ГГГГ)."""
        out = {k: getattr(self, k) for k in KEYS[:7]}
        out["birth_date"] = self.birth_date.strftime("%d.%m.%Y") if self.birth_date else ""
        out["birth_year"] = str(self.birth_year) if self.birth_year else ""
        return {k: v for k, v in out.items() if v}

    def filter(self) -> PersonFilter:
        """The register's filter: identifiers without separators, a series apart."""
        policy_series, policy_number = _policy(self.policy)
        doc_series, doc_number = _split(self.document)
        return PersonFilter(
            enp=digits_only(self.enp), snils=digits_only(self.snils),
            policy_number=policy_number, policy_series=policy_series,
            document_number=doc_number, document_series=doc_series,
            surname=self.surname, name=self.name, patronymic=self.patronymic,
            birth_date=self.birth_date, birth_year=self.birth_year)
