"""The dictionary of ФЛК error codes of the exchange files (ERZ-7), in one place.

An FLK_P entry (``PR``: OSHIB, IM_POL, BAS_EL, N_REC, COMMENT) and a REPLIST comment carry
one of :data:`FLK_CODES`:

- the register's own codes (``contracts.erz.failures.ERROR_CODES``: 1xx format and check
  digits, 2xx dictionaries, 3xx dates, 4xx state) unchanged — a record the register refuses
  is reported with the code of its :class:`~handlers.erz.register.errors.ErzError`;
- 5xx: decisions of the exchange on a record (waits in the buffer, conflict of insurers…);
- 9xx: problems of the file (not XML, not an OPLIST, refused by the XSD, already
  processed, the sender's code not the file's), from the ``Problem.code`` of
  ``contracts.erz.files`` by :data:`PROBLEM_CODES`.

A field of an ErzError (``snils``, ``policy.date_begin``) is reported as the element of the
list it comes from (:data:`FIELD_ELEMENTS`: ``SS`` in ``PERSON``, ``DBEG`` in
``INSURANCE\\POLIS``).
"""

from __future__ import annotations

from contracts.erz import files as erz_files
from contracts.erz.failures import ERROR_CODES
from contracts.erz.lists import ListError
from handlers.erz.register.errors import ErzError

EXCHANGE_CODES: dict[str, str] = {
    "501": "Операция ожидает решения ТФОМС (буфер)",
    "502": "ЗЛ застраховано другой СМО: конфликт страховой принадлежности",
    "503": "Полис выдан другой СМО",
    "504": "Тип операции не поддерживается",
    "210": "Значение отсутствует в справочнике (перечислении схемы)",
}
FILE_CODES: dict[str, str] = {
    "901": "Файл не является корректным XML",
    "902": "Файл не является списком OPLIST",
    "903": "Файл не соответствует XSD-схеме",
    "904": "Нарушена структура файла (элемент отсутствует, лишний или не на месте)",
    "905": "Недопустимое значение элемента",
    "906": "Файл с таким именем уже обработан",
    "907": "Имя файла не соответствует соглашению",
    "908": "Код СМО в файле не совпадает с отправителем",
    "909": "Код МО в файле не совпадает с отправителем",
}
FLK_CODES: dict[str, str] = ERROR_CODES | EXCHANGE_CODES | FILE_CODES
"""Every code an FLK_P or REPLIST of OMS Hub may carry, with its text."""

PROBLEM_CODES: dict[str, str] = {
    erz_files.NOT_XML: "901", erz_files.UNKNOWN: "902", erz_files.SCHEMA: "903",
    erz_files.STRUCTURE: "904", erz_files.VALUE: "905",
}
"""``contracts.erz.files.Problem.code`` → FLK code."""

DICTIONARY_ELEMENTS: dict[str, str] = {"DOCTYPE": "201", "VPOLIS": "202", "W": "203",
                                       "FPOLIS": "202"}
"""Elements whose value the XSD enumerates (TargetClass.xsd): a refusal is a 2xx code."""

FIELD_ELEMENTS: dict[str, tuple[str, str]] = {
    "enp": ("ENP", "INSURANCE"), "snils": ("SS", "PERSON"), "person.snils": ("SS", "PERSON"),
    "person.surname": ("FAM", "PERSON"), "person.name": ("IM", "PERSON"),
    "person.sex": ("W", "PERSON"), "person.birth_date": ("DR", "PERSON"),
    "document.type": ("DOCTYPE", "DOC"), "document.number": ("DOCNUM", "DOC"),
    "policy.type": ("VPOLIS", "INSURANCE\\POLIS"), "policy.number": ("NPOLIS", "INSURANCE\\POLIS"),
    "number": ("NPOLIS", "INSURANCE\\POLIS"), "policy.date_begin": ("DBEG", "INSURANCE\\POLIS"),
    "policy.end": ("DEND", "INSURANCE\\POLIS"), "on": ("CHANGE_DATE", "OP"),
    "reason": ("RPOLIS", "VIZIT"),
}
"""Field of a register failure → (IM_POL, BAS_EL) of the list."""


def text(code: str) -> str:
    """The text of a code (the code itself when unknown)."""
    return FLK_CODES.get(code, code)


def comment(code: str, detail: str = "") -> str:
    """``"<code>: <text>"`` for a REPLIST COMMENT or an FLK_P COMMENT."""
    return f"{code}: {text(code)}" + (f" ({detail})" if detail else "")


def entry(code: str, record: str = "", field: str = "", base: str = "OPLIST",
          detail: str = "") -> ListError:
    """One FLK_P entry."""
    return ListError(code=code, field_name=field or "-", base_element=base or "-",
                     record=record or "0", comment=comment(code, detail))


def of_error(error: ErzError, record: str) -> list[ListError]:
    """The FLK_P entries of a register refusal, one per failure."""
    out = []
    for failure in error.failures:
        field, base = FIELD_ELEMENTS.get(failure.field, (failure.field.upper() or "-", "OP"))
        out.append(ListError(code=failure.code, field_name=field, base_element=base,
                             record=record, comment=f"{failure.code}: {failure.message}"))
    return out


def of_problem(problem: erz_files.Problem) -> ListError:
    """The FLK_P entry of a format problem: the element path split into IM_POL and BAS_EL."""
    parts = problem.tag.split("\\") if problem.tag else []
    field = parts[-1] if parts else "-"
    base = "\\".join(parts[:-1]) or "OPLIST"
    code = PROBLEM_CODES.get(problem.code, "905")
    if problem.code in (erz_files.SCHEMA, erz_files.VALUE) and field in DICTIONARY_ELEMENTS \
            and ("enumeration" in problem.message or "not an element of the set"
                 in problem.message):
        code = DICTIONARY_ELEMENTS[field]
    line = f", строка {problem.line}" if problem.line else ""
    return ListError(code=code, field_name=field, base_element=base,
                     record=problem.record or "0",
                     comment=f"{code}: {text(code)}: {problem.message}{line}"[:1000])
