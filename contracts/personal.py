"""How a plug-in declares what personal data (ПДн) looks like: the hub's masking vocabulary.

The hub masks personal data in logs, the journal and raw XML without knowing any format:
the words that name a person's data (``FAM``, ``BirthDate``, ``ДатаРожд``) and the shapes of
the numbers that identify a person come from plug-ins. Each registers a
:class:`PersonalVocabulary` under the entry point group :data:`GROUP`; the hub
(:mod:`hub.vocabulary`) reads every one the first time it masks something.

A vocabulary is plain data: regular expressions (matched whole and case-insensitively
against a local name, without its namespace prefix) by :data:`Kind`, and
:class:`Identifier` declarations. The kind says how a value is masked, keeping its shape so
that an operator can still tell records apart:

- ``name``: each word keeps its first letter (``И***** И***``);
- ``date``: every digit hidden, separators kept (``****-**-**``);
- ``file``: a file name masked as a whole, its extension kept;
- ``other``: a value of no known shape: an identifier if it looks like one, a date if it
  looks like one, else every letter and digit hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

GROUP = "omshub.personal"
"""The entry point group: each entry point names a :class:`PersonalVocabulary` object."""

MASK = "*"

Kind = Literal["name", "date", "file", "other"]
"""How a personal value found by its name is masked (see the module's docstring)."""


def keep_last_digits(value: str, keep: int) -> str:
    """Every digit of ``value`` but the last ``keep`` hidden, everything else kept
    (``123-456-789 01`` → ``***-***-*** 01`` for two)."""
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


@dataclass(frozen=True)
class Identifier:
    """A number that identifies a person, masked keeping its last ``keep_last`` digits.

    It is found in any text by its ``shape`` (a regular expression of the number, never
    found inside a longer run of digits), and as the value of fields, elements, attributes
    and keys whose names match ``names``. Either may be empty: a format's own name for a
    fund-wide identifier declares ``names`` only.
    """

    keep_last: int
    shape: str = ""
    names: str = ""

    def mask(self, value: str) -> str:
        """``value`` masked as this identifier is."""
        return keep_last_digits(value, self.keep_last)


@dataclass(frozen=True)
class PersonalVocabulary:
    """What one plug-in declares personal, beyond the fields its message types mark."""

    names: Mapping[Kind, str] = field(default_factory=dict)
    """Names whose values are personal, by the kind of value they hold."""
    identifiers: tuple[Identifier, ...] = ()
    """Identifying numbers: found by shape in any text, and by the names that hold them."""
    hints: Mapping[Kind, str] = field(default_factory=dict)
    """Names that only tell the kind of a value personal for another reason (a field
    declared personal): the name alone does not make a value personal."""
