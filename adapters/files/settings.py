"""Settings of the files adapter: ``[plugins.files]`` with a list of drops.

A drop is one place files come in through and go out through: a local (or mounted) folder
or an SFTP server. Its mask table says which names are taken and as what format::

    [[plugins.files.drops]]
    name = "smo-46001"
    kind = "folder"                       # or "sftp"
    inbound = "/srv/drops/46001/in"
    archive = "/srv/drops/46001/archive"
    errors = "/srv/drops/46001/errors"
    outbound = { "46001" = "/srv/drops/46001/out" }
    sender = "46001"
    stable_seconds = 5
    masks = [{ pattern = "*.xml", format = "erz.oplist" }]
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator


class Mask(BaseModel):
    """One row of a drop's mask table: a file-name pattern and the format it names."""

    pattern: str = Field(description="fnmatch pattern, case-insensitive, e.g. 'P*.xml'.")
    format: str = Field(description="Format key the message carries, e.g. 'erz.oplist'.")
    sender: str = Field(default="", description="Regular expression with a group named "
                        "'sender' that takes the sender's organisation code from the name.")
    title: str = Field(default="", description="What the console calls such files "
                       "(«OPLIST СМО»).")

    @field_validator("sender")
    @classmethod
    def _has_group(cls, value: str) -> str:
        if value and "sender" not in re.compile(value).groupindex:
            raise ValueError("the expression needs a group (?P<sender>…)")
        return value

    def matches(self, name: str) -> bool:
        """Whether a file name matches the pattern (case-insensitive)."""
        return fnmatch.fnmatchcase(name.lower(), self.pattern.lower())

    def sender_in(self, name: str) -> str:
        """The sender's code the name carries, '' if the mask reads none."""
        found = re.search(self.sender, name, re.IGNORECASE) if self.sender else None
        return found.group("sender") if found else ""


class SftpSettings(BaseModel):
    """Where an SFTP drop is and how we log in (paths of the drop are remote paths)."""

    host: str
    port: int = Field(default=22, gt=0, lt=65536)
    user: str
    key: Path | None = Field(default=None, description="Private key file (OpenSSH format).")
    key_passphrase: str = Field(default="", repr=False)
    password: str = Field(default="", repr=False, description="Instead of a key; keep it "
                          "in the config file, never in the repository.")
    host_key: str = Field(default="", description="The server's public host key, "
                          "'ssh-ed25519 AAAA…' (or give known_hosts).")
    known_hosts: Path | None = Field(default=None, description="An OpenSSH known_hosts file.")
    insecure_any_host_key: bool = Field(default=False, description="Accept any host key "
                                        "(tests only: a man in the middle goes unnoticed).")
    timeout: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _verifiable(self) -> SftpSettings:
        if not (self.host_key or self.known_hosts or self.insecure_any_host_key):
            raise ValueError("give host_key or known_hosts: the server must be verified")
        if not (self.key or self.password):
            raise ValueError("give a key or a password")
        return self


class DropSettings(BaseModel):
    """One drop: where files come in, where they go out, what is taken and as what."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,100}$")
    kind: Literal["folder", "sftp"] = "folder"
    sftp: SftpSettings | None = None
    inbound: str = Field(default="", description="Folder files arrive in ('' = send only).")
    archive: str = Field(default="", description="Where taken files go (required with "
                                                 "inbound).")
    archive_layout: str = Field(default="{yyyy}/{mm}", description="Sub-folders of the "
                                "archive: {yyyy}, {mm}, {dd}, {sender}.")
    errors: str = Field(default="", description="Where refused files go, with a note "
                                                "<name>.error.txt (required with inbound).")
    outbound: dict[str, str] = Field(default_factory=dict, description="Recipient's "
                                     "organisation code -> folder files for it are written "
                                     "to; the key '*' serves sends that name only the drop.")
    staging: str = Field(default="", description="Folder on the same file system to write "
                         "into before the rename ('' = a hidden .part name beside the "
                         "final one).")
    sender: str = Field(default="", description="Organisation code of whoever drops files "
                                                "here (a mask's 'sender' overrides it).")
    masks: list[Mask] = Field(default_factory=list)
    stable_seconds: float = Field(default=5.0, ge=0, description="A file is taken only once "
                                  "its size and mtime stayed unchanged this long.")
    max_size: int = Field(default=512 * 1024 * 1024, gt=0, description="Larger files are "
                          "refused (they travel as one blob).")

    @field_validator("masks", mode="before")
    @classmethod
    def _table(cls, value: Any) -> Any:
        # Shorthand: masks = { "*.xml" = "erz.oplist" }.
        if isinstance(value, dict):
            return [{"pattern": k, "format": v} for k, v in value.items()]
        return value

    @model_validator(mode="after")
    def _complete(self) -> DropSettings:
        if self.kind == "sftp" and self.sftp is None:
            raise ValueError(f"drop {self.name}: kind sftp needs an [sftp] table")
        if self.inbound and not (self.archive and self.errors):
            raise ValueError(f"drop {self.name}: an inbound folder needs archive and errors")
        return self

    def mask_for(self, name: str) -> Mask | None:
        """The first mask matching a name."""
        return next((m for m in self.masks if m.matches(name)), None)

    def outbound_for(self, recipient: str) -> str | None:
        """The folder for a recipient ('' = the drop's default '*')."""
        return self.outbound.get(recipient) or self.outbound.get("*")


def _upload_masks() -> list[Mask]:
    # The register's exchange files by the names of contracts/erz/names.py: an insurer's
    # OPLIST (OPS<insurer>T<region>_…) and a clinic's ATT (ATM<clinic>T<region>_…).
    return [
        Mask(pattern="OPS*.xml", format="erz.oplist", title="OPLIST СМО",
             sender=r"^OPS(?P<sender>\d+)T\d+_"),
        Mask(pattern="ATM*.xml", format="erz.att", title="ATT МО (прикрепление)",
             sender=r"^ATM(?P<sender>\d+)T\d+_"),
    ]


class UploadSettings(BaseModel):
    """``[plugins.files.upload]``: files an operator uploads in the console on an
    organisation's behalf (:mod:`adapters.files.upload`)."""

    drop: str = Field(default="console", pattern=r"^[A-Za-z0-9_.:-]{1,100}$",
                      description="The channel name the files.received messages carry.")
    max_size: int = Field(default=50 * 1024 * 1024, gt=0, description="Larger files are "
                          "refused with a message on the page.")
    masks: list[Mask] = Field(default_factory=_upload_masks, description="Which names are "
                              "taken and as what format; each needs a 'sender' expression.")

    @field_validator("masks", mode="after")
    @classmethod
    def _senders(cls, value: list[Mask]) -> list[Mask]:
        for mask in value:
            if not mask.sender:
                raise ValueError(f"upload mask {mask.pattern}: give a 'sender' expression "
                                 "(the name must say whose file it is)")
        return value

    def mask_for(self, name: str) -> Mask | None:
        """The first mask matching a name."""
        return next((m for m in self.masks if m.matches(name)), None)


class FilesSettings(BaseModel):
    """``[plugins.files]``."""

    drops: list[DropSettings] = Field(default_factory=list)
    upload: UploadSettings = Field(default_factory=UploadSettings)
    pass_wait_seconds: float = Field(default=15.0, ge=0, description="How long one poll "
                                     "waits for files to become stable before leaving them "
                                     "to the next poll.")
    announce: bool = Field(default=True, description="Send files.delivered after each "
                           "delivery (an event: journaled as published while nothing subscribes).")

    @model_validator(mode="after")
    def _unique(self) -> FilesSettings:
        names = [d.name for d in self.drops]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"drop names must be unique: {', '.join(twice)}")
        return self
