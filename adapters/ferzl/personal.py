"""The personal names of ФЕРЗЛ's messages, declared to the hub's masking (entry point
``omshub.personal``: ``ferzl``).

The fund-wide words (``surname``, ``firstName``, ``birthDay``, ``snils``, ``enp``…) are
``contracts.oms``'s; ФЕРЗЛ names its identity documents, old-style policies, temporary
certificates, estimated names of an unidentified person, deaths and addresses its own way
(``dudlSer``, ``dudlNum``, ``pcyNum``, ``tmpcertNum``, ``fioEstim``, ``deathday``, ``hsguid``…).
The raw SOAP of every call is journaled: these names mask it for a viewer without the
personal-data permission, as they mask an error quoting a fragment of it.
"""

from __future__ import annotations

from contracts.personal import PersonalVocabulary

PERSONAL = PersonalVocabulary(
    names={
        "name": r"(?:surname|firstname|patronymic|fio)estim",
        "date": (r"dudldate[be]|voucherdate[be]|death(?:date|day|timestamp)|birthtimestamp"
                 r"|deathdatesince|deathdaysince"),
        "other": (r"dudl(?:ser|num|codedivision)|doc(?:ser|num)|voucher(?:ser|num)|issuer"
                  r"|pcy(?:ser|num|sernum)|blanknum|tmpcertnum|policyser|snilsdoctor"
                  r"|aoguid|hsguid|houseguid|flat|apartment|addrtext|addresstext|nlr"),
    },
)
