"""Masking of personal data (ПДн) for the console, the API and the logs.

Staff see personal data only when their account permits it; everything else sees masked
values that keep the shape of the original (``***-***-*** 01``, ``************1111``,
``И*****``), so that an operator can still tell records apart and spot a malformed value.

Three levels, each built on the one below:

* value maskers: :func:`mask_snils`, :func:`mask_policy`, :func:`mask_name`,
  :func:`mask_date`;
* :func:`mask_text` for free text, XML and JSON: SNILS and ЕНП by their number shape, and the
  values of XML elements, XML attributes and JSON keys whose names are personal (``FAM``,
  ``IM``, ``OT``, ``DR``, ``SNILS``, ``ENP``, ``FamilyName``, ``BirthDate``…);
* :func:`mask_payload` for a canonical payload: the message type's ``person_fields``, fields
  declared ``json_schema_extra={"personal": True}``, keys with personal names, and
  :func:`mask_text` over every other string.

The logs call :func:`mask_text` on every record, so the patterns are compiled once and each
pass is skipped when a cheap test shows it cannot match.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from contracts.registry import MessageType

MASK = "*"

# Names (case-insensitive) of XML elements, attributes and JSON keys holding personal data,
# by kind, so that each value is masked in its own shape. Exact names come from the ФОМС and
# ФЕРЗЛ formats (FAM, IM, OT, DR, DOCSER…, with the representative's "_P" variants);
# suffixes catch СМЭВ-style compound names (legalRepSnils, applicantBirthDate).
_SNILS_NAMES = r"[\w-]*?snils(?:_p)?|снилс\w*"
_POLICY_NAMES = r"npolis|spolis|[\w-]*?policynumber|[\w-]*?enp(?:_p)?"
_DATE_NAMES = (
    r"dr(?:_p)?|[\w-]*?(?:birthdate|birthday|dateofbirth|birth_date)"
    # ФНС and ЗАГС formats: ДатаРожд, ДатаРождДок, ГодРожд, МесГодРожд, ДатаСмерт…
    r"|датарожд\w*|(?:мес)?годрожд|датасмерт\w*|(?:мес)?годсмерт"
)
_NAME_NAMES = (
    r"fam(?:_p)?|im(?:_p)?|ot(?:_p)?|fio|"
    r"[\w-]*?(?:surname|lastname|last_name|firstname|first_name|middlename|middle_name|"
    r"patronymic|familyname|family_name|givenname|given_name)"
    r"|фамилия|имя|отчество|фио\w*"
)
_OTHER_NAMES = (
    r"mr|docser|docnum|ul|dom|korp?|kv|[\w-]*?(?:birthplace|address|phone|email|passport)"
    # ФНС and ЗАГС: personal ИНН, identity documents, addresses as text, places and causes
    # of death (health data), phones and e-mail.
    r"|иннфл|(?:сер)?номдок|серия\w*|адр\w*текст|месторожден\w*|\w*причсмерт\w*"
    r"|времясмерт|местосмерт|местонастсмерт|обстоятсмерт|телефон\w*|эл\w*почт\w*"
)
# A file or attachment name is personal as a whole: people name files after people
# ("Заявление Петров Пётр Ильич 12.04.1980.pdf").
_FILE_NAMES = r"[\w-]*?(?:file_?name|filename)"
_ALL_NAMES = "|".join((_SNILS_NAMES, _POLICY_NAMES, _DATE_NAMES, _NAME_NAMES, _OTHER_NAMES,
                       _FILE_NAMES))

_KIND_SNILS = re.compile(rf"(?:{_SNILS_NAMES})\Z", re.IGNORECASE)
_KIND_POLICY = re.compile(rf"(?:{_POLICY_NAMES})\Z", re.IGNORECASE)
_KIND_DATE = re.compile(rf"(?:{_DATE_NAMES})\Z", re.IGNORECASE)
_KIND_NAME = re.compile(rf"(?:{_NAME_NAMES})\Z", re.IGNORECASE)
_KIND_FILE = re.compile(rf"(?:{_FILE_NAMES})\Z", re.IGNORECASE)
_PERSONAL_KEY = re.compile(rf"(?:{_ALL_NAMES})\Z", re.IGNORECASE)

# A leaf element with a personal local name: <ns:FAM attr="…">text</ns:FAM>.
_XML_ELEMENT = re.compile(
    rf"(<(?P<tag>(?:[\w.-]+:)?(?P<local>(?i:{_ALL_NAMES})))(?:\s[^<>]*)?>)"
    r"(?P<text>[^<]*)(</(?P=tag)\s*>)"
)
# An XML attribute or a JSON member: FAM="…", "snils": "…". Any name matches here and the
# callback keeps only personal ones: one generic pattern scans a log line several times
# faster than an alternation of every personal name tried at every position.
_KEY_VALUE = re.compile(
    r"(?<![\w.-])(?P<q1>[\"']?)(?:[\w.-]+:)?(?P<local>[^\W\d][\w-]*)(?P=q1)"
    r"(?P<sep>\s*[:=]\s*)(?P<q>[\"'])(?P<text>[^\"'<>]*)(?P=q)"
)
# SNILS (formatted or 11 digits) and ЕНП / policy numbers (16 digits), not inside longer
# digit runs, so that timestamps and other long numbers are left alone.
_NUMBERS = re.compile(
    r"(?<!\d)(?:(?P<snils>\d{3}-\d{3}-\d{3}[ -]\d{2})|(?P<policy>\d{16})|(?P<snils11>\d{11}))"
    r"(?!\d)"
)
_DIGITS = re.compile(r"\d{2}")
_DATE_SHAPE = re.compile(r"\s*(?:\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})(?:[T ][\d:.+Z-]*)?\s*")
_PERSON_TOKENS = re.compile(
    r"(?P<snils>\d{3}-\d{3}-\d{3}[ -]\d{2})|(?P<date>\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})"
    r"|(?P<digits>\d{5,})|(?P<word>[^\W\d_]+)"
)


def _keep_last_digits(value: str, keep: int) -> str:
    total = sum(ch.isdigit() for ch in value)
    out: list[str] = []
    seen = 0
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else MASK)
        else:
            out.append(ch)
    return "".join(out)


def mask_snils(value: str) -> str:
    """``123-456-789 01`` → ``***-***-*** 01``: only the two check digits stay."""
    return _keep_last_digits(value, 2)


def mask_policy(value: str) -> str:
    """A policy number or ЕНП: only the last four digits stay (``************1111``)."""
    return _keep_last_digits(value, 4)


def mask_name(value: str) -> str:
    """``Иванов Иван`` → ``И***** И***``: each word keeps its first letter."""
    return re.sub(r"(?<=\w)\w", MASK, value)


def mask_date(value: str) -> str:
    """``1980-05-17`` → ``****-**-**``: every digit hidden, separators kept."""
    return re.sub(r"\d", MASK, value)


def mask_all(value: str) -> str:
    """Every letter and digit hidden (addresses, document numbers)."""
    return re.sub(r"\w", MASK, value)


def _mask_by_name(name: str, value: str) -> str:
    """Mask ``value`` in the shape its field or element name says it has."""
    if _KIND_FILE.match(name):
        return mask_file_name(value)
    if _KIND_SNILS.match(name):
        return mask_snils(value)
    if _KIND_POLICY.match(name):
        return mask_policy(value)
    if _KIND_DATE.match(name):
        return mask_date(value)
    if _KIND_NAME.match(name) or "name" in name.lower():
        return mask_name(value)
    return _mask_by_shape(value)


def mask_value(name: str, value: str) -> str:
    """Mask a personal ``value`` in the shape its field, element or attribute ``name`` says
    (a SNILS, a policy, a date, a name), else by what it looks like."""
    return _mask_by_name(name, value)


def _mask_by_shape(value: str) -> str:
    """Mask a personal value of unknown kind by what it looks like."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and not re.search(r"[^\d\s-]", value):
        return mask_snils(value)
    if len(digits) == 16 and value.strip().isdigit():
        return mask_policy(value)
    if _DATE_SHAPE.fullmatch(value):
        return mask_date(value)
    return mask_all(value)


def _element(m: re.Match[str]) -> str:
    return m.group(1) + _mask_by_name(m.group("local"), m.group("text")) + m.group(5)


def _key_value(m: re.Match[str]) -> str:
    if not m.group("text") or not _PERSONAL_KEY.match(m.group("local")):
        return m.group(0)
    start, end = m.span("text")
    base = m.start()
    whole = m.group(0)
    masked = _mask_by_name(m.group("local"), m.group("text"))
    return whole[: start - base] + masked + whole[end - base :]


def _number(m: re.Match[str]) -> str:
    if m.group("policy"):
        return mask_policy(m.group("policy"))
    return mask_snils(m.group(0))


def mask_text(text: str) -> str:
    """Mask personal data in free text, XML or JSON.

    Hides SNILS (``123-456-789 01`` and 11-digit forms), 16-digit ЕНП / policy numbers, and
    the values of XML elements, attributes and JSON members with personal names.
    """
    if not text:
        return text
    if "<" in text:
        text = _XML_ELEMENT.sub(_element, text)
    if "=" in text or ":" in text:
        text = _KEY_VALUE.sub(_key_value, text)
    if _DIGITS.search(text):
        text = _NUMBERS.sub(_number, text)
    return text


def _person_token(m: re.Match[str]) -> str:
    if m.group("snils"):
        return mask_snils(m.group("snils"))
    if m.group("date"):
        return mask_date(m.group("date"))
    if m.group("digits"):
        digits = m.group("digits")
        return mask_policy(digits) if len(digits) >= 12 else mask_snils(digits)
    return mask_name(m.group("word"))


def mask_person(value: str) -> str:
    """Mask the journal's person column: identifiers, dates and names in any order."""
    return _PERSON_TOKENS.sub(_person_token, value) if value else value


_EXTENSION = re.compile(r"(?:\.[A-Za-z][A-Za-z0-9]{0,7})+\Z")


def mask_file_name(value: str) -> str:
    """A file name masked as a whole, its extension and shape kept.

    ``Заявление Петров 12.04.1980 СНИЛС 123-456-789 01.pdf`` →
    ``З******** П***** **.**.**** С**** ***-***-*** 01.pdf``: every word keeps its first
    letter, dates and numbers of five digits or more are hidden, a СНИЛС keeps its check
    number.
    """
    if not value:
        return value
    ext = _EXTENSION.search(value)
    stem, suffix = (value[: ext.start()], ext.group(0)) if ext else (value, "")
    return mask_person(stem) + suffix


class FileName(str):
    """A file name passed to a log call: the log formatters mask it as a whole
    (:func:`mask_file_name`), since free-text masking cannot tell a person's name in it."""

    __slots__ = ()


def is_personal_key(name: str) -> bool:
    """Whether a field, element or attribute name denotes personal data."""
    return bool(_PERSONAL_KEY.match(name))


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """Pydantic models inside an annotation (``Person | None``, ``list[Person]``…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            found.extend(models_in(arg))
    return found


def _declared_personal(field: Any) -> bool:
    extra = field.json_schema_extra
    return isinstance(extra, Mapping) and bool(extra.get("personal"))


@functools.lru_cache(maxsize=512)
def personal_paths(model: type[BaseModel], _depth: int = 0) -> frozenset[str]:
    """Dotted paths of the fields a model declares personal (lists are transparent)."""
    paths: set[str] = set()
    if _depth > 8:  # a recursive model: deeper levels repeat the same fields
        return frozenset()
    for name, field in model.model_fields.items():
        key = field.alias or name
        if _declared_personal(field):
            paths.add(key)
            continue
        for sub in models_in(field.annotation):
            paths.update(f"{key}.{p}" for p in personal_paths(sub, _depth + 1))
    return frozenset(paths)


def _mask_whole(name: str, value: Any) -> Any:
    """Mask a value that is personal as a whole (a declared field or a personal key)."""
    if isinstance(value, str):
        return _mask_by_name(name, value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return _mask_by_name(name, str(value))
    if isinstance(value, Mapping):
        return {k: _mask_whole(str(k), v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_whole(name, v) for v in value]
    return mask_all(str(value))


def _walk(value: Any, path: str, personal: frozenset[str]) -> Any:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            key = str(k)
            sub = f"{path}.{key}" if path else key
            if sub in personal or is_personal_key(key):
                out[key] = _mask_whole(key, v)
            else:
                out[key] = _walk(v, sub, personal)
        return out
    if isinstance(value, list):
        return [_walk(v, path, personal) for v in value]
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) in (11, 16):
        masked = mask_text(str(value))
        return masked if "*" in masked else value
    return value


def mask_payload(payload: Mapping[str, Any], message_type: MessageType | None) -> dict[str, Any]:
    """A masked copy of a canonical payload (the original is not changed).

    Masks the type's ``person_fields`` (top-level names or dotted paths), every field whose
    pydantic ``json_schema_extra`` has ``{"personal": True}`` (nested models included), keys
    with personal names in any payload, and personal data in the text of every other string.
    """
    personal: frozenset[str] = frozenset()
    if message_type is not None:
        personal = personal_paths(message_type.model) | frozenset(message_type.person_fields)
    result = _walk(payload, "", personal)
    assert isinstance(result, dict)
    return result


Masker = Callable[[str], str]
"""The shape of a text masker: identity for users allowed to see personal data."""
