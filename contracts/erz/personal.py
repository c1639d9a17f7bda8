"""The personal names of the ФОМС exchange files (PRK, OPLIST, the ФЕРЗЛ attachment
files…), declared to the hub's masking (entry point ``omshub.personal``: ``erz``).

The files name a person's data with short element names: ``FAM``, ``IM``, ``OT`` (surname,
name, patronymic), ``DR`` (birth date), ``MR`` (birth place), ``DOCSER``/``DOCNUM`` (the
identity document), ``UL``, ``DOM``, ``KORP``, ``KV`` (the address), ``NPOLIS``/``SPOLIS``
(the policy), and a representative's the same with ``_P``. A message type bound to one of
these files declares its fields personal as well; these names also mask the files where
no type is known (a log line, a file quoted in free text).
"""

from __future__ import annotations

from contracts.oms import ENP, SNILS
from contracts.personal import Identifier, PersonalVocabulary

PERSONAL = PersonalVocabulary(
    names={
        "date": r"dr(?:_p)?",
        "name": r"fam(?:_p)?|im(?:_p)?|ot(?:_p)?",
        "other": r"mr|docser|docnum|ul|dom|korp?|kv",
    },
    identifiers=(
        Identifier(keep_last=SNILS.keep_last, names=r"snils_p"),
        Identifier(keep_last=ENP.keep_last, names=r"npolis|spolis|enp_p"),
    ),
)
