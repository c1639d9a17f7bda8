"""The personal names of the ФНС and ЗАГС formats carried over СМЭВ, declared to the hub's
masking (entry point ``omshub.personal``: ``smev3``).

ФНС records (ЕГРИП, ЕГРЮЛ) and ЗАГС death records name a person's data in Russian: birth
and death dates (``ДатаРожд``, ``ГодРожд``, ``ДатаСмерт``…), a personal ИНН (``ИННФЛ``),
identity documents (``СерНомДок``, ``Серия…``), addresses as text (``АдрРФТекст``), places,
times and causes of death (health data), phones and e-mail. An information type declares
its fields personal as well; these names also mask what no type is known for (a log line,
an error quoting a fragment of XML).
"""

from __future__ import annotations

from contracts.personal import PersonalVocabulary

PERSONAL = PersonalVocabulary(
    names={
        "date": r"датарожд\w*|(?:мес)?годрожд|датасмерт\w*|(?:мес)?годсмерт",
        "other": (r"иннфл|(?:сер)?номдок|серия\w*|адр\w*текст|месторожден\w*|\w*причсмерт\w*"
                  r"|времясмерт|местосмерт|местонастсмерт|обстоятсмерт|телефон\w*"
                  r"|эл\w*почт\w*"),
    },
)
