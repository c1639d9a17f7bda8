"""The personal names of the registry files' L file (PERS_LIST), declared to the hub's
masking (entry point ``omshub.personal``: ``pump``).

The names an L file shares with the register's files (FAM, IM, OT, DR, MR, DOCSER, DOCNUM,
NPOLIS, SNILS…) are declared by ``contracts.erz.personal`` and ``contracts.oms``; these are
the rest: the document's date and issuer, the phone and the address parts of VERSION 3.x
(not AREA, REGION, ITEM, ZIP: other messages use those words for other things).
"""

from __future__ import annotations

from contracts.personal import PersonalVocabulary

PERSONAL = PersonalVocabulary(
    names={
        "date": r"docdate",
        "other": r"docorg|tel|reg_city|street|house|liter|flat",
    },
)
