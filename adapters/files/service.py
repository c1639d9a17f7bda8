"""The files adapter (EXT-2): folders and SFTP drops, files in and out.

In: the ``poll`` job (each minute by default; "run now" in the console) takes every drop's
stable files in as ``files.received`` messages (see :mod:`adapters.files.intake`).
Out: an unaddressed ``files.send`` is written into the recipient's outbound folder of a
drop (see :mod:`adapters.files.delivery`); a failure to reach the drop is retried by the
hub's retry policy and journaled on the message's trail.

:class:`DropAdapter` is the machinery; :class:`FilesAdapter` runs it over ``[plugins.files]``
and ``adapters.vipnet`` over the ViPNet mail folders. With no drop configured, in the
embedded demo (the demo's file in the data directory, :mod:`contracts.demo`), it runs a
folder drop per organisation of the demo region under ``<data dir>/exchange/``
(:mod:`adapters.files.demo`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

import sqlalchemy as sa

from adapters.files.delivery import deliver
from adapters.files.demo import demo_drops
from adapters.files.intake import Drop, Intake, Refused
from adapters.files.models import metadata
from adapters.files.names import unnamed
from adapters.files.settings import DropSettings, FilesSettings
from adapters.files.transport import TransportError, transport_for
from contracts.demo import EXCHANGE
from contracts.files import FileSendV1
from hub.component import Adapter, Message, PermanentError, handles, job
from hub.context import Context
from hub.tx import Tx

PLUGIN = "files"


class PollFailed(Exception):
    """Some drops could not be polled (the others were); the job is retried."""


def failure(exc: Exception) -> str:
    """Why a drop could not be polled, for the health report (Russian)."""
    if isinstance(exc, TransportError):
        return f"папка приёма недоступна: {exc}"
    if isinstance(exc, sa.exc.SQLAlchemyError):
        return f"база данных недоступна: {type(exc).__name__}"
    return f"опрос не удался: {type(exc).__name__}: {exc}"


class DropAdapter(Adapter):
    """Takes files in from drops and writes files out to them."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "drops": "Папки обмена",
        "failing": "Папки, опрос которых не удался",
        "files": "Файлы, не убранные из входящей папки",
    }

    metadata: ClassVar[sa.MetaData | None] = metadata
    prefetch: ClassVar[int | None] = 20  # files are written inside the batch transaction

    drops: dict[str, Drop]

    def drop_settings(self, ctx: Context) -> list[DropSettings]:
        """The drops this adapter runs, from its settings."""
        raise NotImplementedError

    def announces(self) -> bool:
        """Whether each delivery is announced with files.delivered."""
        return True

    def pass_wait(self) -> float:
        """How long one poll waits for files to settle."""
        return 15.0

    def on_refused(self) -> Refused | None:
        """A hook called after a file was refused (ViPNet answers the sender)."""
        return None

    def setup(self, ctx: Context) -> None:
        """Build the drops (no connection is opened before the first poll or send)."""
        super().setup(ctx)
        self.drops = {d.name: Drop.of(d, transport_for(d)) for d in self.drop_settings(ctx)}
        self.intakes = [Intake(d, ctx, self.component_name(), self.on_refused())
                        for d in self.drops.values() if d.settings.inbound]
        self.errors: dict[str, str] = {}

    def stop(self) -> None:
        """Close the drops' connections."""
        super().stop()
        for drop in self.drops.values():
            drop.transport.close()

    def health(self) -> dict[str, Any]:
        """Drops, the ones whose last poll failed and the files that stay against our will.

        Degraded while a drop cannot be polled or a file cannot be moved out of its inbound
        folder; ``detail`` says why in Russian. Ok again once the next poll succeeds and the
        files are moved (or gone).
        """
        # /healthz is read without logging in: a stuck file is named only in the journal.
        files = {i.drop.name: [unnamed(why, n) for n, why in sorted(i.troubles.items())]
                 for i in self.intakes if i.troubles}
        reasons = [f"{drop}: {why}" for drop, why in sorted(self.errors.items())]
        reasons += [why for troubles in files.values() for why in troubles]
        report: dict[str, Any] = {"status": "degraded" if reasons else "ok",
                                  "drops": sorted(self.drops), "failing": dict(self.errors),
                                  "files": files}
        if reasons:
            report["detail"] = "; ".join(reasons)
        return report

    @job("* * * * *", title="Приём файлов из папок обмена")
    def poll(self) -> None:
        """Take in every drop's stable files (each minute by default)."""
        deadline = time.monotonic() + self.pass_wait()
        waiting = list(self.intakes)
        while waiting and not self.stopping:
            pauses: list[float] = []
            for intake in waiting:
                try:
                    pause = intake.scan()
                except Exception as exc:  # noqa: BLE001 - one drop's failure is its own
                    self.errors[intake.drop.name] = failure(exc)
                    self.ctx.log.warning("drop %s: %s", intake.drop.name, exc,
                                         exc_info=not isinstance(exc, TransportError))
                    continue
                self.errors.pop(intake.drop.name, None)
                if pause is not None:
                    pauses.append(pause)
            waiting = [i for i in waiting if i.drop.name not in self.errors]
            if not pauses or time.monotonic() + min(pauses) > deadline:
                break
            self._stopping.wait(min(pauses) + 0.05)
        if self.errors:
            raise PollFailed("; ".join(f"{k}: {v}" for k, v in sorted(self.errors.items())))

    def accepts(self, message: Message[FileSendV1]) -> bool:
        """Whether a files.send is this adapter's to deliver."""
        return message.envelope.destination in (None, "", self.component_name())

    def resolve(self, send: FileSendV1) -> tuple[Drop, str]:
        """The drop and folder a send goes to; PermanentError when none is configured."""
        if send.drop:
            drop = self.drops.get(send.drop)
            if drop is None:
                raise PermanentError(f"точки обмена {send.drop!r} нет в настройках "
                                     f"{self.component_name()}")
        else:
            found = next((d for d in self.drops.values()
                          if send.recipient in d.settings.outbound), None)
            drop = found or next((d for d in self.drops.values()
                                  if "*" in d.settings.outbound), None)
            if drop is None:
                raise PermanentError(f"нет точки обмена {self.component_name()} для "
                                     f"организации {send.recipient!r}: добавьте её папку "
                                     f"outbound в [plugins.files]; файл хранится в хабе")
        folder = drop.settings.outbound_for(send.recipient)
        if folder is None:
            raise PermanentError(f"у точки обмена {drop.name} нет исходящей папки для "
                                 f"{send.recipient or 'отправки без получателя'}")
        return drop, folder

    @handles(FileSendV1)
    def on_send(self, message: Message[FileSendV1], tx: Tx) -> None:
        """Deliver a file (retried by the hub while the drop cannot be reached)."""
        if not self.accepts(message):
            return
        drop, folder = self.resolve(message.payload)
        done = deliver(drop, folder, message.payload, message.envelope, tx,
                       self.component_name())
        if self.announces():
            tx.send(done)


class FilesAdapter(DropAdapter):
    """Folders and SFTP drops of ``[plugins.files]``."""

    name: ClassVar[str] = PLUGIN

    def drop_settings(self, ctx: Context) -> list[DropSettings]:
        """``[plugins.files]`` drops; none configured, the demo's if the demo left its file
        (:mod:`adapters.files.demo`)."""
        self.settings = FilesSettings.model_validate(ctx.settings.plugins.get(PLUGIN, {}))
        if self.settings.drops:
            return self.settings.drops
        demo = demo_drops(ctx.settings.data_dir)
        if demo:
            ctx.log.info("no drops configured: the demo's file exchange, %d folder drops "
                         "under %s", len(demo), ctx.settings.data_dir / EXCHANGE)
        return demo

    def announces(self) -> bool:
        """As ``announce`` says."""
        return self.settings.announce

    def pass_wait(self) -> float:
        """As ``pass_wait_seconds`` says."""
        return self.settings.pass_wait_seconds
