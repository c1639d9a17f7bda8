"""The НСИ port: "is this code valid on this date" of a ФФОМС dictionary (EXT-7).

The dictionaries (V002, V009, F006, N002…) are owned by the НСИ handler (``handlers/nsi``);
the ФЛК/МЭК of registries of accounts ask them millions of times per month through this
protocol, found by name (:data:`NSI_PORT`) with ``hub.ports.port`` — never by importing the
handler (docs/nsi.md, "Why a port"). Answers are in the dictionaries' own terms: a code, the
version in force, the row's columns.

``nsi.version.published`` (:class:`NsiVersionPublishedV1`) is how a new version reaches the
handler: ``adapter.nsi`` downloads it from the ФФОМС portal and publishes it with the zip
attached (docs/nsi.md, "The refresh").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, Field

from contracts.envelope import AttachmentRef, Envelope
from contracts.registry import message_type

NSI_PORT = "nsi.dictionaries"
"""The port's name under ``omshub.ports``."""


class DictionaryNotLoaded(LookupError):
    """The dictionary asked of has no version loaded: neither valid nor invalid."""

    def __init__(self, code: str) -> None:
        super().__init__(f"справочник {code} не загружен: проверка по нему невозможна")
        self.code = code


@dataclass(frozen=True)
class Verdict:
    """The answer about one code on one date.

    ``valid`` is whether a row with the key is in force on the date (DATEBEG ≤ date ≤ DATEEND,
    an empty DATEEND open) in ``version``, the version of the dictionary in force on that date;
    ``row`` is that row's columns (the nearest row with the key when none is in force, None
    when the key is not in the dictionary at all).
    """

    code: str
    key: str
    on: date
    version: str
    valid: bool
    row: dict[str, str] | None = field(default=None)


@runtime_checkable
class Dictionaries(Protocol):
    """Reads of the loaded dictionaries; :class:`DictionaryNotLoaded` for one not loaded."""

    def valid(self, code: str, key: str, on: date) -> bool:
        """Whether ``key`` of dictionary ``code`` is in force on ``on``."""

    def check(self, code: str, key: str, on: date) -> Verdict:
        """The whole answer: the version used and the row."""

    def loaded(self) -> dict[str, list[str]]:
        """Each loaded dictionary's code with its versions, oldest first."""


@message_type("nsi.version.published", 1,
              title="Версия справочника НСИ опубликована")
class NsiVersionPublishedV1(BaseModel):
    """A version of a ФФОМС dictionary the portal publishes, its zip attached (``adapter.nsi``).

    The attachment named :attr:`file_name` holds the zip exactly as downloaded; the НСИ
    handler reads it with ``storage.journal.load_blob`` and loads it. No personal data.
    """

    code: str = Field(min_length=1, max_length=32, description="The dictionary's code: V009.")
    version: str = Field(min_length=1, max_length=64, description="The version the portal "
                                                                 "lists (user_version).")
    issued: date | None = Field(default=None, description="The version's date as the portal "
                                                          "lists it (last_update), if it does.")
    source: str = Field(max_length=1024, description="The URL the zip was downloaded from.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the zip.")
    size: int = Field(ge=1, description="The zip's length in bytes.")

    @property
    def file_name(self) -> str:
        """The attachment's name: ``<code>.zip``."""
        return f"{self.code}.zip"

    def file(self, envelope: Envelope) -> AttachmentRef:
        """The attachment holding the zip."""
        for ref in envelope.attachments:
            if ref.name == self.file_name:
                return ref
        raise LookupError(f"{self.file_name} is not attached to message {envelope.id}")
