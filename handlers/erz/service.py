"""The ERZ handler: owns the register's tables; the file and SOAP flows come later.

Other components change the register through :class:`handlers.erz.register.core.Register`
inside their own transaction and publish :func:`changed_events` of it, so that deltas
(ERZ-2) follow every change whichever channel made it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import utcnow
from contracts.erz.register import Change, Source
from contracts.erz_commands import OperationSubmittedV1
from contracts.erz_register import BufferDecidedV1, PersonChangedV1
from contracts.ferzl import FerzlAnswerV1
from contracts.files import FileReceivedV1
from contracts.identification import IdentifyPersonV1
from contracts.pfr import SnilsFoundV1
from contracts.refusal import RequestRefusedV1
from contracts.schemas import SchemaStore
from contracts.zags import DeathRecordsProcessedV1, DeathRecordsV1
from contracts.zags_acts import BirthRecordsV1, NameChangeRecordsV1
from handlers.erz import flows
from handlers.erz.federal import changes as federal_changes
from handlers.erz.federal import reconcile
from handlers.erz.federal.settings import FederalSettings
from handlers.erz.federal.settings import settings_of as federal_settings
from handlers.erz.ident import flow as identification
from handlers.erz.mo import adulthood
from handlers.erz.mo import exchange as mo_exchange
from handlers.erz.models import metadata, persons
from handlers.erz.register import commands
from handlers.erz.register.core import Register
from handlers.erz.slices import deltas
from handlers.erz.slices import monthly as slices
from handlers.erz.smo import lists as smo_lists
from handlers.erz.zags import deaths as zags
from handlers.erz.zags import flow as zags_flow
from handlers.erz.zags import snils as zags_snils
from hub.component import Handler, Message, handles, job
from hub.context import Inbound
from hub.tx import Tx


def changed_events(changes: list[Change]) -> list[PersonChangedV1]:
    """``erz.person.changed`` v1 for each change a :class:`Register` recorded."""
    return [PersonChangedV1(
        enp=c.enp, change_id=c.id, op=c.op, aspect=c.aspect, effective_date=c.effective_date,
        recorded_at=c.at, smo=c.smo, mo=c.mo, reason_code=c.reason_code,
        event_code=c.event_code) for c in changes]


class ErzHandler(Handler):
    """РС ЕРЗ, the regional register of insured persons: its tables and health."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "persons": "Лиц в регистре",
    }

    name: ClassVar[str] = "erz"
    metadata: ClassVar[sa.MetaData | None] = metadata
    clock: Callable[[], datetime] | None = None
    """What the jobs take as now (None: the system clock); tests set a fixed one."""

    def health(self) -> dict[str, Any]:
        """How many persons the register holds."""
        with self.ctx.db.read() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(persons)).scalar()
        return {"status": "ok", "persons": int(count or 0)}

    @handles(OperationSubmittedV1)
    def on_operation(self, message: Message[OperationSubmittedV1], tx: Tx) -> None:
        """Apply an operation a clinic or an insurer submitted (EXT-1); send its result."""
        register = commands.on_submitted(
            message, tx, commands.dictionaries(self.ctx.settings.schemas_dir))
        for event in changed_events(register.changes):
            tx.send(event)

    @handles(DeathRecordsV1)
    def on_zags_deaths(self, message: Message[DeathRecordsV1], tx: Tx) -> None:
        """ЗАГС death records (ERZ-5), either format: apply or buffer each; answer code 01
        when the delivery expects an answer (112-41; 112-04 has none)."""
        delivery = message.payload
        register, _ = zags.on_delivery(tx, zags.from_delivery(delivery),
                                       commands.dictionaries(self.ctx.settings.schemas_dir))
        for event in changed_events(register.changes):
            tx.send(event)
        if delivery.answer_expected:
            # 01 "processed": every record was applied, found already dead, or put in the
            # buffer for an operator; the XSD gives 01/02 no meanings, so 02 is not used.
            tx.send(DeathRecordsProcessedV1(delivery_id=delivery.delivery_id, code="01"))

    @handles(BirthRecordsV1)
    def on_zags_births(self, message: Message[BirthRecordsV1], tx: Tx) -> None:
        """ЗАГС birth records (ERZ-5, 112-01): complete the child or buffer the newborn."""
        register, _ = zags_flow.on_births(
            tx, message.payload, commands.dictionaries(self.ctx.settings.schemas_dir),
            self.clock or utcnow)
        for event in changed_events(register.changes):
            tx.send(event)

    @handles(NameChangeRecordsV1)
    def on_zags_name_changes(self, message: Message[NameChangeRecordsV1], tx: Tx) -> None:
        """ЗАГС acts that change names (ERZ-5: 112-03, 112-46, 112-48, 112-08): rename
        with history or buffer."""
        register, _ = zags_flow.on_name_changes(
            tx, message.payload, commands.dictionaries(self.ctx.settings.schemas_dir),
            self.clock or utcnow)
        for event in changed_events(register.changes):
            tx.send(event)

    @handles(SnilsFoundV1)
    def on_snils_found(self, message: Message[SnilsFoundV1], tx: Tx) -> None:
        """ПФР's answer to the register's СНИЛС lookup: set the СНИЛС or buffer it."""
        register = zags_flow.on_snils_found(tx, message.payload, self.clock or utcnow)
        for event in changed_events(register.changes if register else []):
            tx.send(event)

    @handles(RequestRefusedV1)
    def on_refused(self, message: Message[RequestRefusedV1], tx: Tx) -> None:
        """Another agency refused a request of the register (ПФР: no СНИЛС found)."""
        zags_snils.on_refused(tx, message.payload, (self.clock or utcnow)())

    @handles(BufferDecidedV1)
    def on_buffer_decided(self, message: Message[BufferDecidedV1], tx: Tx) -> None:
        """What follows an operator's decision: a death approved from a ЗАГС record sends
        the insurer's STOPLIST and the clinic's notice (ERZ-5, ERZ-6); a birth or a name
        change approved is told to them and its person's СНИЛС looked up."""
        at = (self.clock or utcnow)()
        zags.after_approval(tx, message.payload, at)
        zags_flow.after_decision(tx, message.payload, at)

    @property
    def federal(self) -> FederalSettings:
        """How the register works with ФЕРЗЛ (``[plugins.erz]``)."""
        return federal_settings(self.ctx.settings.plugins)

    @handles(IdentifyPersonV1)
    def on_identify(self, message: Message[IdentifyPersonV1], tx: Tx) -> None:
        """Identify a person for any handler: the register first, then ФЕРЗЛ."""
        identification.on_identify(tx, message, (self.clock or utcnow)(),
                                   ferzl=self.federal.ferzl)

    @handles(FerzlAnswerV1)
    def on_ferzl_answer(self, message: Message[FerzlAnswerV1], tx: Tx) -> None:
        """ФЕРЗЛ's answer to one of the register's calls, taken by the flow whose call it is
        caused by (identification, reconciliation, federal changes, attachment posting); an
        answer to somebody else's call (the console's) changes nothing."""
        now = (self.clock or utcnow)()
        if identification.on_answer(tx, message, now):
            return
        if reconcile.on_answer(tx, message.envelope, message.payload, now,
                               self.federal.ferzl_max_checks):
            return
        changes = federal_changes.on_answer(tx, message.envelope, message.payload, now)
        if changes is None:
            changes = mo_exchange.on_posting_answer(tx, message, now)
        for event in changed_events(changes or []):
            tx.send(event)

    @handles(FileReceivedV1)
    def on_file(self, message: Message[FileReceivedV1], tx: Tx) -> None:
        """A file of the register's (OPLIST…) by its format key; others are not ours."""
        flow = flows.FILE_FLOWS.get(message.payload.format_key)
        if flow is None:
            return
        for event in changed_events(flow(message, tx, self.ctx.settings)):
            tx.send(event)

    @job("30 1 * * *", title="Открепление достигших 18 лет от детских поликлиник")
    def detach_adults(self) -> None:
        """Detach persons turning 18 from children's clinics (ERZ-8), daily."""
        conf = adulthood.ErzSettings.model_validate(self.ctx.settings.plugins.get("erz", {}))
        now = (self.clock or utcnow)()
        with self.ctx.db.transaction() as conn:
            register = Register(conn, Source(self.component_name(), user="job:detach_adults"),
                                clock=self.clock or utcnow)
            adulthood.detach_adults(register, conf.children_clinics, now.date())
            self.ctx.publish_in(conn, [Inbound(e) for e in changed_events(register.changes)])
        self.ctx.relay.notify()

    @job("0 2 * * *", title="Изменения регистра за прошедший день для СМО и МО")
    def daily_deltas(self) -> None:
        """Send every insurer and clinic the changes of the previous day (ERZ-2), daily."""
        zone = ZoneInfo(self.ctx.settings.timezone)
        self._send_files(lambda conn, now, store: deltas.daily(conn, now, zone, store))

    @job("0 3 1 * *", title="Ежемесячный срез регистра для СМО и МО на 1-е число")
    def monthly_slices(self) -> None:
        """Send every insurer and clinic its full slice as of the 1st (ERZ-2), monthly."""
        with self.ctx.progress("Ежемесячный срез регистра для СМО и МО",
                               stage="Выбор организаций") as task:
            self._send_files(lambda conn, at, store: slices.monthly(conn, at, store, task))
            task.finish(f"Срезы отправлены организациям: {task.snapshot.total or 0}")

    @job("0 4 2 * *", title="Сверка регистра с ФЕРЗЛ")
    def reconcile_ferzl(self) -> None:
        """Compare the whole register with ФЕРЗЛ's mass files of the territory, monthly
        (ERZ-4); a run already waiting for ФЕРЗЛ is not started twice."""
        conf = self.federal
        if not conf.ferzl:
            self.ctx.log.info("reconciliation with ФЕРЗЛ not started: [plugins.erz] ferzl off")
            return
        now = (self.clock or utcnow)()
        today = now.astimezone(ZoneInfo(self.ctx.settings.timezone)).date()
        with self.ctx.db.transaction() as conn:
            if reconcile.running(conn, now) is not None:
                return
            reconcile.start(conn, lambda models: [e.id for e in self.ctx.publish_in(
                conn, [Inbound(m) for m in models])], territory=conf.ferzl_territory,
                on=today, by="расписание", at=now)
        self.ctx.relay.notify()

    @job("0 5 * * *", title=federal_changes.TITLE)
    def ferzl_changes(self) -> None:
        """Apply ФЕРЗЛ's changes of the days since the last run (ERZ-4), daily."""
        conf = self.federal
        if not conf.ferzl:
            self.ctx.log.info("ФЕРЗЛ's changes not asked for: [plugins.erz] ferzl off")
            return
        now = (self.clock or utcnow)()
        today = now.astimezone(ZoneInfo(self.ctx.settings.timezone)).date()
        with self.ctx.db.transaction() as conn:
            if federal_changes.running(conn, now) is not None:
                return
            days = federal_changes.period(conn, today)
            if days is None:
                return
            federal_changes.start(conn, lambda models: [e.id for e in self.ctx.publish_in(
                conn, [Inbound(m) for m in models])], territory=conf.ferzl_territory,
                since=days[0], till=days[1], by="расписание", at=now)
        self.ctx.relay.notify()

    def _send_files(self, build: Callable[[Connection, datetime, SchemaStore | None],
                                          list[slices.SliceFile]]) -> None:
        """Build files for the organisations and send them in one transaction (each by
        ViPNet mail to an abonent, else by the files adapter)."""
        now = (self.clock or utcnow)()
        store = smo_lists.schemas(self.ctx.settings.schemas_dir)
        vipnet = slices.vipnet_organisations(self.ctx.settings.plugins)
        with self.ctx.db.transaction() as conn:
            self.ctx.publish_in(conn, slices.outgoing(build(conn, now, store), vipnet))
        self.ctx.relay.notify()
