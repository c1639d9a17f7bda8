"""Personal data as the whole fund (ОМС) names it: the identifiers every subsystem shares and
the common words for a person's data, declared to the hub's masking
(entry point ``omshub.personal``: ``oms``).

- СНИЛС (:data:`SNILS`): ``123-456-789 01`` or eleven digits; its two check digits stay.
- ЕНП, the single policy number (:data:`ENP`): sixteen digits; the last four stay.
- The English and Russian words for a surname, a birth date, an address, a phone… as
  СМЭВ-style compound names use them (``legalRepSnils``, ``applicantBirthDate``), and the
  names of file-name fields (a file named after a person is personal as a whole).

A format's own names (an exchange file's ``FAM``, a ФНС record's ``ДатаРожд``) are declared
by the package that knows the format.
"""

from __future__ import annotations

from contracts.personal import Identifier, PersonalVocabulary

SNILS = Identifier(keep_last=2, shape=r"\d{3}-\d{3}-\d{3}[ -]\d{2}|\d{11}",
                   names=r"[\w-]*?snils|снилс\w*")
"""СНИЛС, the insurance number of an individual account."""

ENP = Identifier(keep_last=4, shape=r"\d{16}", names=r"[\w-]*?enp|[\w-]*?policynumber")
"""ЕНП, the single number of an ОМС policy."""

PERSONAL = PersonalVocabulary(
    names={
        "date": r"[\w-]*?(?:birthdate|birthday|dateofbirth|birth_date)",
        "name": (r"fio|[\w-]*?(?:surname|lastname|last_name|firstname|first_name|middlename|"
                 r"middle_name|patronymic|familyname|family_name|givenname|given_name)"
                 r"|фамилия|имя|отчество|фио\w*"),
        "other": r"[\w-]*?(?:birthplace|address|phone|email|passport)",
        "file": r"[\w-]*?(?:file_?name|filename)",
    },
    identifiers=(SNILS, ENP),
    hints={"name": r".*name.*"},
)


def mask_snils(value: str) -> str:
    """``123-456-789 01`` → ``***-***-*** 01``: only the two check digits stay."""
    return SNILS.mask(value)


def mask_policy(value: str) -> str:
    """A policy number or ЕНП: only the last four digits stay (``************1111``)."""
    return ENP.mask(value)
