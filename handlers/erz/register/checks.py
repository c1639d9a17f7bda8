"""ФЛК checks of the register's data (ERZ-7); each failure has a code from errors.py.

- СНИЛС: the ПФР check number (weights 9…1 over the first nine digits, modulo 101;
  numbers up to 001-001-998 were issued without a check and are not checked).
- ЕНП: 16 digits, the last a check digit. No authoritative text of the algorithm was found
  (see docs/erz-register.md); we implement the one commonly used, which is the Luhn
  (mod 10) check digit: digits in odd positions counted from the right of the first
  fifteen are doubled, digit sums are added, and the check digit completes the sum to a
  multiple of ten.
- Policy numbers by type: П, Э and К carry the ЕНП; В is a nine-digit temporary
  certificate number; С (old style) has a series and a number.
"""

from __future__ import annotations

import re
from datetime import date

from contracts.erz.failures import Failure
from contracts.pfr import SNILS_UNCHECKED_MAX as SNILS_UNCHECKED_MAX
from contracts.pfr import snils_check_number as snils_check_number
from handlers.erz.register.dictionaries import (
    DOC_TYPES,
    EVENTS,
    POLICY_FORMS,
    REASONS,
    SEX,
    Dictionaries,
)

_DIGITS = re.compile(r"\d+")
_SEPARATORS = re.compile(r"[\s\-]")
_PHONE = re.compile(r"\+?[\d\s()\-]{5,31}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def digits_only(value: str) -> str:
    """``value`` without separators (spaces, dashes), as numbers are often written."""
    return _SEPARATORS.sub("", value)


def check_snils(value: str, field: str = "snils") -> list[Failure]:
    """Format and check number of a СНИЛС (``112-233-445 95`` or ``11223344595``)."""
    snils = digits_only(value)
    if len(snils) != 11 or not snils.isdigit():
        return [Failure("103", field)]
    if int(snils[:9]) > SNILS_UNCHECKED_MAX and snils_check_number(snils[:9]) != snils[9:]:
        return [Failure("104", field)]
    return []


def luhn_digit(body: str) -> str:
    """The Luhn check digit completing ``body`` (digits)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def enp_check_digit(first15: str) -> str:
    """The check digit of an ЕНП from its first fifteen digits."""
    return luhn_digit(first15)


def check_enp(value: str, field: str = "enp") -> list[Failure]:
    """Format (16 digits) and check digit of an ЕНП."""
    if len(value) != 16 or not value.isdigit():
        return [Failure("101", field)]
    if enp_check_digit(value[:15]) != value[15]:
        return [Failure("102", field)]
    return []


def check_policy_number(policy_type: str, number: str, series: str = "",
                        field: str = "policy") -> list[Failure]:
    """The number (and series) fits the policy type."""
    if policy_type in ("П", "Э", "К"):
        if series:
            return [Failure("105", f"{field}.series", "у полиса единого образца нет серии")]
        return [Failure(f.code, f"{field}.number", f.message) for f in check_enp(number)]
    if policy_type == "В":
        ok = len(number) == 9 and number.isdigit() and not series
        return [] if ok else [Failure("105", f"{field}.number",
                                      "номер временного свидетельства — 9 цифр, без серии")]
    if policy_type == "С":
        ok = bool(series) and len(series) <= 12 and 1 <= len(number) <= 20
        return [] if ok else [Failure("105", f"{field}.number",
                                      "полис старого образца: серия до 12 и номер до 20 знаков")]
    return [Failure("202", f"{field}.type")]


def check_document(doc_type: str, series: str, number: str, dicts: Dictionaries,
                   field: str = "document") -> list[Failure]:
    """Document type by the ФОМС dictionary; a number present; a passport's shape."""
    failures = []
    if not dicts.valid(DOC_TYPES, doc_type) or not doc_type.isdigit():
        failures.append(Failure("201", f"{field}.type"))
    if not number.strip():
        failures.append(Failure("106", f"{field}.number"))
    if doc_type == "14" and not (re.fullmatch(r"\d\d \d\d", series)
                                 and re.fullmatch(r"\d{6}", number)):
        failures.append(Failure("107", f"{field}.number",
                                "паспорт РФ: серия «99 99», номер из 6 цифр"))
    return failures


def check_code(oid: str, code: str, dicts: Dictionaries, error: str, field: str) -> list[Failure]:
    """``code`` is in dictionary ``oid`` (when the dictionary is loaded)."""
    return [] if dicts.valid(oid, code) else [Failure(error, field)]


def check_policy(policy_type: str, number: str, series: str, begin: date, end: date | None,
                 dicts: Dictionaries, field: str = "policy") -> list[Failure]:
    """Type by the dictionary, number by type, dates in order, В with an end date."""
    failures = check_code(POLICY_FORMS, policy_type, dicts, "202", f"{field}.type")
    if not failures:
        failures += check_policy_number(policy_type, number, series, field)
    if end is not None and end < begin:
        failures.append(Failure("302", f"{field}.end"))
    if policy_type == "В" and end is None:
        failures.append(Failure("305", f"{field}.end"))
    return failures


def check_person(surname: str, name: str, sex: str, birth_date: date, today: date,
                 dicts: Dictionaries, field: str = "person") -> list[Failure]:
    """Required names, sex by the dictionary, a birth date not in the future."""
    failures = []
    if not surname.strip() and not name.strip():
        failures.append(Failure("106", f"{field}.surname"))
    if sex not in ("1", "2") or not dicts.valid(SEX, sex):
        failures.append(Failure("203", f"{field}.sex"))
    if birth_date > today:
        failures.append(Failure("301", f"{field}.birth_date"))
    return failures


def check_reason(code: str, dicts: Dictionaries) -> list[Failure]:
    """A reason code of R001 (or of the event dictionary), when one is given."""
    if not code or not dicts.has(REASONS):
        return []
    if dicts.valid(REASONS, code) or (dicts.has(EVENTS) and code in dicts.names(EVENTS)):
        return []
    return [Failure("204", "reason")]


def name_key(value: str | None) -> str:
    """A name for searching: upper case, ё → е, single spaces, hyphens kept."""
    if not value:
        return ""
    return " ".join(value.upper().replace("Ё", "Е").split())


def check_contact(kind: str, value: str, field: str = "") -> list[Failure]:
    """A phone (5 to 15 digits, ``+``, spaces, dashes and brackets allowed) or an e-mail
    (``name@domain.zone``); 108 otherwise."""
    digits = sum(ch.isdigit() for ch in value)
    ok = (kind == "phone" and bool(_PHONE.fullmatch(value)) and 5 <= digits <= 15) or (
        kind == "email" and bool(_EMAIL.fullmatch(value)))
    return [] if ok else [Failure("108", field or kind)]
