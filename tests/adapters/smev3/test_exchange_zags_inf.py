"""A ЕГР ЗАГС inquiry through the hub against the simulator over HTTP (SOAP on the wire).

A subsystem asks ЗАГС about a person's marriage with a ``zags.inquiry``: the adapter picks
112-54 among the five types that send ``zags.inquiry``, the simulated ЗАГС answers with the
marriage record of that person, and the subsystem receives ``zags.inquiry.answer``.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import sqlalchemy as sa

from adapters.smev3.models import outgoing
from adapters.smev3.simulator.service import SimulatorServer
from adapters.smev3.vs.zags_inf.samples import inquiry
from contracts.envelope import utcnow
from contracts.zags_acts import ZagsInquiryAnswerV1
from hub.component import Handler, Message, handles
from hub.testing import running_hub, wait_for
from hub.tx import Tx
from storage.models import schedules
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.conftest import Footprint

answers = sa.Table("test_zags_inquiry_answers", sa.MetaData(),
                   sa.Column("message_id", sa.String(64), primary_key=True),
                   sa.Column("causation_id", sa.String(64)),
                   sa.Column("act_kind", sa.String(20)),
                   sa.Column("source_format", sa.String(8)),
                   sa.Column("wife_before", sa.String(60)),
                   sa.Column("wife_after", sa.String(60)))


class ZagsAsker(Handler):
    """A subsystem that asked ЗАГС about a marriage and now receives the answer."""

    name: ClassVar[str] = "zags-asker"
    metadata: ClassVar[sa.MetaData | None] = answers.metadata

    @handles(ZagsInquiryAnswerV1)
    def on_answer(self, message: Message[ZagsInquiryAnswerV1], tx: Tx) -> None:
        """Keep the answer and who the wife was and became."""
        answer = message.payload
        wife = next(p for r in answer.name_changes for p in r.persons if p.role == "wife")
        tx.insert(answers, message_id=message.id, causation_id=message.envelope.causation_id,
                  act_kind=answer.act_kind, source_format=answer.source_format,
                  wife_before=wife.before.surname, wife_after=wife.surname)


def test_a_marriage_inquiry_is_answered_through_the_hub(
    footprint: Footprint, tmp_path: Path, simulator: SimulatorServer
) -> None:
    keys = ["zags.rogdinf", "zags.pernameinf", "zags.brakzakinf", "zags.brakrastinf",
            "zags.parentinf"]
    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": simulator.url, "types": keys, "retry_delays": [1, 1]}})
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[ZagsAsker]) as hub:
        request = hub.publish(inquiry("marriage"))
        wait_for(lambda: "sent" in hub.trail(request.id), message="SendRequest sent")
        with hub.db.transaction() as conn:
            conn.execute(schedules.update().where(schedules.c.name == "adapter.smev3:poll")
                         .values(run_requested_at=utcnow(), updated_by="olga"))
        wait_for(lambda: hub.count(answers) == 1, timeout=30,
                 message="the answer reached the subsystem")
        with hub.db.read() as conn:
            row = conn.execute(sa.select(answers)).one()
            sent = conn.execute(sa.select(outgoing)).one()
        assert sent.type_key == "zags.brakzakinf" and sent.status == "answered"
        assert b"BRAKZAKINFRequest" in sent.content and "Галиева".encode() in sent.content
        assert simulator.smev.requests_seen == {sent.message_id: "zags.brakzakinf"}
        assert row.causation_id == request.id
        assert (row.act_kind, row.source_format) == ("marriage", "112-54")
        assert (row.wife_before, row.wife_after) == ("Галиева", "Сафина")
