"""The names of registry files: ``<type><sender-kind><code><receiver-kind><code>_<YYMM><N>``.

``HM250200T25_16102031``: an H file from МО 250200 to ТФОМС 25 for October 2016, package
2031. The H (or T, C, D*) file and its L file are zipped together under the H file's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The longer types first: DP… must not be read as D + P.
MAIN_TYPES = ("DP", "DV", "DO", "DS", "DU", "DF", "H", "T", "C")
"""File types of the main (accounts) file of a package."""
KINDS = "MTSF"
"""Sender and receiver kinds: МО, ТФОМС, СМО, ФФОМС."""

_NAME = re.compile(
    r"^(?P<type>DP|DV|DO|DS|DU|DF|H|T|C|L)(?P<sender_kind>[MTSF])(?P<sender>\d{1,6})"
    r"(?P<receiver_kind>[MTSF])(?P<receiver>\d{1,6})_(?P<yy>\d{2})(?P<mm>\d{2})(?P<number>\d{1,8})$")


class BadName(ValueError):
    """A name outside the convention (the message is Russian: the clinic reads it)."""


@dataclass(frozen=True)
class PackageName:
    """A registry file's name taken apart."""

    type: str
    sender_kind: str
    sender: str
    receiver_kind: str
    receiver: str
    year: int
    month: int
    number: str

    @property
    def stem(self) -> str:
        """The name without extension, as ZGLV/FILENAME carries it."""
        return (f"{self.type}{self.sender_kind}{self.sender}{self.receiver_kind}{self.receiver}"
                f"_{self.year % 100:02d}{self.month:02d}{self.number}")

    @property
    def period(self) -> str:
        """The reporting month, ``YYYY-MM``."""
        return f"{self.year:04d}-{self.month:02d}"

    def personal(self) -> PackageName:
        """The name of the L file paired with this main file."""
        return PackageName("L", self.sender_kind, self.sender, self.receiver_kind,
                           self.receiver, self.year, self.month, self.number)


def parse_name(name: str) -> PackageName:
    """A file or package name (with or without ``.xml``/``.zip``) taken apart."""
    stem = name
    for ext in (".xml", ".zip", ".XML", ".ZIP"):
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
    found = _NAME.match(stem)
    if found is None:
        raise BadName(f"имя «{name}» не соответствует правилу "
                      "<тип><вид><код отправителя><вид><код получателя>_<ГГММ><N>")
    month = int(found["mm"])
    if not 1 <= month <= 12:
        raise BadName(f"в имени «{name}» месяц {found['mm']} вне 01–12")
    return PackageName(found["type"], found["sender_kind"], found["sender"],
                       found["receiver_kind"], found["receiver"], 2000 + int(found["yy"]),
                       month, found["number"])
