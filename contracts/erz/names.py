"""Names of the exchange files: ``<kind><sender><receiver>_<YYMM…>[.xml]``.

The attachment files of the Vologda regulations are named so (the samples:
``ATM352530T35351_251028``, ``PRKS35003M352530_24111``, ``OZPS35003M352530_2501``):

- ``kind``: letters — ``AT`` attachments, ``PRK`` attached list, ``OZP``/``SZP`` lists
  between insurer and clinic; an answer's kind is ``F`` + the answered kind (``FAT``), and
  its name is ``F`` + the answered name;
- ``sender``, ``receiver``: a party letter — ``M`` clinic (МО, 6-digit register code),
  ``S`` insurer (СМО, 5-digit code), ``T`` the fund (ТФОМС) — and digits beginning with the
  region's two-digit code (35 is Vologda);
- after ``_``: year and month ``YYMM``, then digits that are the day or a sequence number
  (``251028`` is 28 October 2025; ``24111`` is the first file of November 2024).

**The РС ЕРЗ ↔ СМО lists have no published naming convention** (their XSDs say only "Имя
файла"). This module applies the same grammar to them as a *local convention* of OMS Hub,
with the kinds in :data:`LIST_KINDS` (``OPS35003T35_2501011`` for an insurer's OPLIST) —
change it here if the region's regulations say otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PartyRole = Literal["M", "S", "T"]
ROLES: dict[str, str] = {"M": "МО (clinic)", "S": "СМО (insurer)", "T": "ТФОМС (fund)"}

ATTACHMENT_KINDS: dict[str, str] = {"AT": "ATT", "PRK": "PRK", "OZP": "ZL_LIST",
                                    "SZP": "ZL_LIST"}
"""Kinds of the attachment files → root element (from the samples)."""
LIST_KINDS: dict[str, str] = {"OP": "OPLIST", "REP": "REPLIST", "REC": "RECLIST",
                              "STOP": "STOPLIST", "CONF": "CONFLICTLIST"}
"""Kinds of the РС ЕРЗ ↔ СМО lists → root element: OMS Hub's local convention."""
PROTOCOL = "F"

_NAME = re.compile(r"(?P<kind>[A-Z]+?)(?P<sender>[MST]\d+)(?P<receiver>[MST]\d+)"
                   r"_(?P<stamp>\d{4,})(?P<ext>\.xml)?", re.IGNORECASE)


class BadFileName(ValueError):
    """A file name that does not follow ``<kind><sender><receiver>_<YYMM…>``."""


@dataclass(frozen=True)
class Party:
    """A sender or receiver: ``M``/``S``/``T`` and its code (``M352530``)."""

    role: PartyRole
    code: str

    def __post_init__(self) -> None:
        if self.role not in ROLES or not self.code.isdigit() or len(self.code) < 2:
            raise BadFileName(f"a party is M, S or T and at least two digits, not "
                              f"{self.role}{self.code}")

    @property
    def region(self) -> str:
        """The two-digit region code the party's code begins with."""
        return self.code[:2]

    def __str__(self) -> str:
        return f"{self.role}{self.code}"


@dataclass(frozen=True)
class FileName:
    """A parsed exchange file name."""

    kind: str
    sender: Party
    receiver: Party
    year: int
    month: int
    suffix: str = ""
    """Digits after ``YYMM``: the day or a sequence number."""

    @property
    def stem(self) -> str:
        """The name without extension (what ZGLV/FNAME holds)."""
        return (f"{self.kind}{self.sender}{self.receiver}_"
                f"{self.year % 100:02d}{self.month:02d}{self.suffix}")

    @property
    def is_protocol(self) -> bool:
        """An answer (``F`` + an answered kind)."""
        return self.kind.startswith(PROTOCOL) and self.kind[1:] in {
            *ATTACHMENT_KINDS, *LIST_KINDS}

    def protocol(self) -> FileName:
        """The name of the format-control answer to this file (``F`` + this name)."""
        return FileName(PROTOCOL + self.kind, self.sender, self.receiver, self.year,
                        self.month, self.suffix)

    def __str__(self) -> str:
        return f"{self.stem}.xml"


def parse_name(name: str) -> FileName:
    """Parse ``ATM352530T35351_251028.xml`` (extension optional, case kept)."""
    match = _NAME.fullmatch(name.strip())
    if match is None:
        raise BadFileName(f"{name!r} is not <kind><sender><receiver>_<YYMM…>, where a "
                          "party is M (МО), S (СМО) or T (ТФОМС) and digits")
    stamp = match["stamp"]
    month = int(stamp[2:4])
    if not 1 <= month <= 12:
        raise BadFileName(f"{name!r}: month {stamp[2:4]} after '_' is not 01..12")

    def party(text: str) -> Party:
        return Party(text[0].upper(), text[1:])  # type: ignore[arg-type]

    return FileName(match["kind"].upper(), party(match["sender"]), party(match["receiver"]),
                    2000 + int(stamp[:2]), month, stamp[4:])


def build_name(kind: str, sender: Party, receiver: Party, year: int, month: int,
               suffix: str = "") -> FileName:
    """A file name, checked: ``str(build_name(...))`` is the name with ``.xml``."""
    built = FileName(kind.upper(), sender, receiver, year, month, suffix)
    if parse_name(built.stem) != built or not 2000 <= year <= 2099:
        raise BadFileName(f"{built.stem!r} would not read back as written: the kind is "
                          "letters, the year 2000–2099, the suffix digits")
    return built
