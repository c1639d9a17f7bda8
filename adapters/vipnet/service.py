"""The ViPNet adapter (EXT-3): business mail through the autoprocessing folders.

ViPNet is an opaque folder-to-folder transport (its rule files, address book and MFTP
transport are not publicly described): this adapter runs the files machinery over one
drop per abonent. What an incoming rule saves into the abonent's folder is taken in as
``files.received`` with the abonent's organisation code as sender and archived under
``Processed/<yyyy>/<mm>/<sender>/``; a ``files.send`` addressed to ``adapter.vipnet``
(:data:`contracts.files.VIPNET`) is written — via the staging folder, outside every
watched folder — into the abonent's outgoing folder. A refused file is answered with
``response_<name>.txt`` in the sender's outgoing folder, so the refusal goes back by mail
(a name too long for that, or not UTF-8, is shortened with a hash: ``adapters.files.names``).
"""

from __future__ import annotations

from typing import ClassVar

from adapters.files.intake import Drop, Refused
from adapters.files.names import NAME_MAX, fitted
from adapters.files.service import DropAdapter
from adapters.files.settings import DropSettings
from adapters.files.transport import TransportError
from contracts.files import FileSendV1
from hub.component import Message
from hub.context import Context
from hub.masking import FileName

PLUGIN = "vipnet"


class VipnetAdapter(DropAdapter):
    """ViPNet business mail (Деловая почта) folders of ``[plugins.vipnet]``."""

    name: ClassVar[str] = PLUGIN

    def drop_settings(self, ctx: Context) -> list[DropSettings]:
        """One drop per abonent."""
        from adapters.vipnet.settings import VipnetSettings

        raw = ctx.settings.plugins.get(PLUGIN)
        self.settings = VipnetSettings.model_validate(raw) if raw else None
        return self.settings.drops() if self.settings else []

    def announces(self) -> bool:
        """As ``announce`` says."""
        return self.settings.announce if self.settings else True

    def pass_wait(self) -> float:
        """As ``pass_wait_seconds`` says."""
        return self.settings.pass_wait_seconds if self.settings else 0.0

    def accepts(self, message: Message[FileSendV1]) -> bool:
        """Only sends addressed to this component (unaddressed ones are adapter.files')."""
        return message.envelope.destination == self.component_name()

    def on_refused(self) -> Refused | None:
        """Answer a refused file through the sender's outgoing folder."""
        if self.settings is None or not self.settings.refusal_answers:
            return None
        return self._answer

    def _answer(self, drop: Drop, name: str, why: str) -> None:
        folder = drop.settings.outbound_for(drop.settings.sender)
        if folder is None:
            return
        text = f"Файл {name} не принят: {why}\nFile {name} was not accepted: {why}\n"
        answer = f"response_{fitted(name, NAME_MAX - len('response_.txt'))}.txt"
        try:
            drop.transport.write_atomic(folder, answer, text.encode("utf-8"),
                                        drop.settings.staging)
        except TransportError as exc:
            self.ctx.log.warning("ViPNet %s: no refusal answer for %s: %s", drop.name,
                                 FileName(name), exc)
