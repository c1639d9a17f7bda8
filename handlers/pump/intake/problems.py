"""Why a package is refused: a code and a Russian sentence the clinic reads.

The codes are the package-level ones of intake (``ПК``); the protocol file (issue 14 item
4) writes them with the rules' ID_TEST of ФЛК. :func:`problems_of` gives a stored
package's list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

ZIP = "ПК.01"
"""Not a zip, or a damaged one."""
ZIP_LIMIT = "ПК.02"
"""Too many entries, a file too large or compressed beyond the ratio: a zip bomb."""
CONTENT = "ПК.03"
"""Not exactly the main file and its L file."""
NAME = "ПК.04"
"""A name outside the convention, or names (zip, files, ZGLV/FILENAME, FILENAME1, SCHET)
that do not agree."""
ENCODING = "ПК.05"
"""Not windows-1251."""
XML = "ПК.06"
"""Not well-formed XML."""
DTD = "ПК.07"
"""A DTD or entities (XXE)."""
SCHEMA = "ПК.08"
"""Not valid against the XSD."""
LINK = "ПК.09"
"""A PACIENT/ID_PAC with no PERS in the L file, or a repeated N_ZAP/IDCASE/ID_PAC."""
DUPLICATE = "ПК.10"
"""The same package (bytes, or name of the clinic and period) was accepted before."""

TITLES = {ZIP: "архив не открывается", ZIP_LIMIT: "превышены ограничения архива",
          CONTENT: "состав пакета неверен", NAME: "имена файлов не согласованы",
          ENCODING: "кодировка не windows-1251", XML: "XML не формален",
          DTD: "XML содержит DTD или сущности", SCHEMA: "файл не соответствует XSD",
          LINK: "нарушены связи записей", DUPLICATE: "пакет уже принят"}
"""Code → short title (the console and the protocol group by it)."""


@dataclass(frozen=True)
class Problem:
    """One reason to refuse: its code, a Russian sentence, the file it is in (if any)."""

    code: str
    message: str
    file: str = ""

    def as_json(self) -> dict[str, str]:
        """As stored with the package."""
        return asdict(self)


class Refused(Exception):
    """The package is refused for ``problem`` (raised on the first one found)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def refuse(code: str, message: str, file: str = "") -> Refused:
    """The exception refusing the package for this reason."""
    return Refused(Problem(code, message, file))


def problems_of(conn: Connection, package_id: int) -> list[Problem]:
    """The problems a stored package was refused for (empty for an accepted one)."""
    from handlers.pump.models import pump_packages

    stored: Any = conn.execute(sa.select(pump_packages.c.problems).where(
        pump_packages.c.id == package_id)).scalar()
    return [Problem(p["code"], p["message"], p.get("file", "")) for p in stored or []]
