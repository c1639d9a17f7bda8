"""Settings of the ViPNet adapter: ``[plugins.vipnet]``, the autoprocessing folders.

ViPNet Client's business mail (Деловая почта) is bound to folders by «Автопроцессинг»
rules the ViPNet operator sets up: an outgoing rule sends every file put in a folder to one
abonent, an incoming rule saves the attachments of matching letters into a folder. The hub
sees only those folders, one pair per counterpart (and flow)::

    [plugins.vipnet]
    root = "/srv/vipnet"                  # the autoprocessing share
    stable_seconds = 5
    masks = [{ pattern = "*.zip", format = "pump.account" }]

    [[plugins.vipnet.abonents]]
    organisation = "460001"               # the МО's or СМО's code
    id = "0001A2B3"                       # its ViPNet abonent id (address book), for people
    inbound = "from_MO/460001"            # an incoming rule saves its letters here
    outbound = "to_MO/460001"             # an outgoing rule sends what is put here
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from adapters.files.settings import DropSettings, Mask


class Abonent(BaseModel):
    """A counterpart reached by ViPNet mail, and its pair of autoprocessing folders."""

    organisation: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$",
                              description="Organisation code (МО, СМО, ТФОМС).")
    id: str = Field(default="", description="ViPNet abonent (node or user) id, as the "
                    "address book shows it; a send may name it instead of the code.")
    title: str = ""
    inbound: str = Field(default="", description="Folder the incoming rule saves this "
                         "abonent's attachments into, relative to root ('' = none).")
    outbound: str = Field(default="", description="Folder an outgoing rule sends to this "
                          "abonent from, relative to root ('' = none).")
    masks: list[Mask] | None = Field(default=None, description="Instead of the common masks.")


class VipnetSettings(BaseModel):
    """``[plugins.vipnet]``."""

    root: Path = Field(description="The autoprocessing share; folders below are relative "
                                   "to it.")
    processed: str = Field(default="Processed", description="Archive of what was taken, "
                           "as Processed/<yyyy>/<mm>/<sender>/.")
    errors: str = Field(default="Errors", description="Refused files, each with a note.")
    staging: str = Field(default="Staging", description="Where files are written before "
                         "the rename into an outgoing folder: outside every watched folder, "
                         "on the same file system.")
    stable_seconds: float = Field(default=5.0, ge=0)
    masks: list[Mask] = Field(default_factory=list, description="File names taken in, and "
                              "as what format, for every abonent without its own.")
    refusal_answers: bool = Field(default=True, description="Write response_<name>.txt "
                                  "with the reason into the sender's outgoing folder, so "
                                  "the refusal travels back by ViPNet mail.")
    pass_wait_seconds: float = Field(default=15.0, ge=0)
    announce: bool = True
    abonents: list[Abonent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> VipnetSettings:
        codes = [a.organisation for a in self.abonents]
        if len(set(codes)) != len(codes):
            raise ValueError("each organisation is one abonent")
        return self

    def folder(self, relative: str) -> str:
        """An absolute folder below the root."""
        return str(self.root / relative)

    def drops(self) -> list[DropSettings]:
        """One drop per abonent over the files machinery."""
        return [DropSettings(
            name=f"vipnet.{a.organisation}", kind="folder",
            inbound=self.folder(a.inbound) if a.inbound else "",
            archive=self.folder(self.processed), archive_layout="{yyyy}/{mm}/{sender}",
            errors=self.folder(self.errors), staging=self.folder(self.staging),
            outbound=({k: self.folder(a.outbound) for k in (a.organisation, a.id) if k}
                      if a.outbound else {}),
            sender=a.organisation, masks=self.masks if a.masks is None else a.masks,
            stable_seconds=self.stable_seconds) for a in self.abonents]
