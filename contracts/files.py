"""Files in and out through drops (folders, SFTP, ViPNet mail folders): EXT-2, EXT-3.

The channels know nothing of a file's contents: ``files.received`` says which file came
from where, and carries its exact bytes as an envelope attachment (and its detached
signature ``<name>.sig`` as a second one); ``files.send`` asks a channel to deliver the
bytes attached to it; ``files.delivered`` reports that it did.

A handler finds the bytes with :func:`file_attachment` and reads them with
``storage.journal.load_blob``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator, model_validator

from contracts.envelope import AttachmentRef, Envelope
from contracts.registry import message_type

SIGNATURE_SUFFIX = ".sig"
VIPNET = "adapter.vipnet"
"""Address a ``files.send`` to this component (``destination``) to send it by ViPNet mail;
an unaddressed ``files.send`` is delivered by ``adapter.files``."""


def _plain_name(name: str) -> str:
    """A file name without any folder part, not hidden, not a temp name."""
    if not name or name != name.strip() or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError("a file name, without folders")
    if name.startswith(".") or name.lower().endswith(".part"):
        raise ValueError("hidden and .part names are reserved for files being written")
    return name


@message_type("files.received", 1, title="Файл принят из точки обмена")
class FileReceivedV1(BaseModel):
    """A file taken in from a drop (folder, SFTP or ViPNet mail folder)."""

    drop: str = Field(description="Name of the drop it came through, as configured.")
    file_name: str = Field(description="Its name as found in the drop (personal data as a "
                                       "whole: people name files after people).",
                           json_schema_extra={"personal": True})
    size: int = Field(ge=1, description="Length in bytes.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the bytes.")
    format_key: str = Field(description="Format the drop's mask table names, e.g. "
                                        "'erz.oplist'.")
    sender: str = Field(default="", description="Organisation code of the sender (from the "
                                                "drop's configuration or the file name).")
    signed: bool = Field(default=False, description="A detached signature <name>.sig came "
                                                    "with it (attached, not verified here).")
    received_at: datetime = Field(description="When the hub took it in.")

    def file(self, envelope: Envelope) -> AttachmentRef:
        """The attachment holding the file's bytes."""
        found = file_attachment(envelope, self.file_name)
        if found is None:
            raise LookupError(f"{self.file_name} is not attached to message {envelope.id}")
        return found

    def signature(self, envelope: Envelope) -> AttachmentRef | None:
        """The attachment holding the detached signature, if one came."""
        return file_attachment(envelope, self.file_name + SIGNATURE_SUFFIX)


@message_type("files.send", 1, title="Файл к отправке организации")
class FileSendV1(BaseModel):
    """Deliver the file attached to this message to a drop or an organisation.

    Attach the bytes under ``file_name`` (and a detached signature under
    ``file_name + ".sig"`` if the flow wants one). Unaddressed, ``adapter.files`` delivers
    it; addressed to ``adapter.vipnet`` (:data:`VIPNET`), the ViPNet mail folders do.
    """

    file_name: str = Field(description="Name the recipient sees (the formats' naming rules "
                                        "apply: the receiver routes by it).",
                           json_schema_extra={"personal": True})
    recipient: str = Field(default="", description="Organisation code of the recipient.")
    drop: str = Field(default="", description="Drop to deliver through (else found by the "
                                              "recipient).")
    media_type: str = Field(default="application/octet-stream")

    @field_validator("file_name")
    @classmethod
    def _plain(cls, value: str) -> str:
        return _plain_name(value)

    @model_validator(mode="after")
    def _somebody(self) -> FileSendV1:
        if not (self.recipient or self.drop):
            raise ValueError("name a recipient or a drop")
        return self


@message_type("files.delivered", 1, kind="event", title="Файл доставлен")
class FileDeliveredV1(BaseModel):
    """A ``files.send`` was carried out: the file is in the recipient's folder."""

    drop: str = Field(description="Drop it went through.")
    recipient: str = Field(default="", description="Organisation code, if one was named.")
    file_name: str = Field(json_schema_extra={"personal": True})
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    signed: bool = Field(default=False, description="A .sig was written with it.")
    location: str = Field(description="Folder (or SFTP path) it was written to.")
    delivered_at: datetime


def file_attachment(envelope: Envelope, name: str) -> AttachmentRef | None:
    """The envelope's attachment of that name (case-sensitive), None if there is none."""
    return next((a for a in envelope.attachments if a.name == name), None)
