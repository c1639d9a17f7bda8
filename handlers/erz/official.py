"""The published files the register reads from the schema directory (``omshub schemas``).

The schemas of the РС ЕРЗ ↔ СМО lists (each file the register takes or writes is validated
against its own) and the dictionaries of its ФЛК (``omshub.schemas`` entry point ``erz``).
"""

from __future__ import annotations

from contracts.erz.files import FORMATS, repair_fpolis
from contracts.schemas import OfficialFile

LISTS = {
    "OPLIST.xsd": "приём списков операций СМО (OPLIST)",
    "REPLIST.xsd": "ответы СМО на OPLIST (REPLIST)",
    "RECLIST.xsd": "изменения и срезы регистра для СМО (RECLIST)",
    "STOPLIST.xsd": "прекращение страхования для СМО (STOPLIST)",
    "CONFLICTLIST.xsd": "конфликты страховой принадлежности (CONFLICTLIST)",
    "FLK_P.xsd": "протоколы ФЛК файлов СМО (FLK_P)",
}


def files() -> list[OfficialFile]:
    """The list schemas (and the types they share), then the dictionaries."""
    found = [OfficialFile(f.schema, LISTS.get(f.schema, f.schema), (repair_fpolis,))
             for f in FORMATS if f.schema]
    found.append(OfficialFile("TargetClass.xsd", "типы и перечисления списков РС ЕРЗ ↔ СМО; "
                              "коды ФЛК регистра", (repair_fpolis,)))
    found.append(OfficialFile("concept.xml", "справочники НСИ, по которым регистр проверяет "
                              "коды (ФЛК)"))
    return found
