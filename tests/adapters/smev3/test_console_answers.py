"""The answer to a request composed in the console comes back to the console (issue 11, item 8).

No handler asks for a request an operator composes on ``/smev3/compose/{type}``; the
console's answers component (``adapter.smev3-console``) takes its answer, so the router
delivers it instead of parking it, and the request's page shows it as «Ответ».
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from adapters.smev3.console.answers import ConsoleAnswers
from adapters.smev3.console.pages import answers_to
from adapters.smev3.models import outgoing, received
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatorServer
from hub.testing import running_hub, wait_for
from storage.models import journal_events
from tests.adapters.smev3.test_exchange import _poll_now, _settings
from tests.conftest import Footprint


def test_the_answer_to_a_composed_request_is_delivered_and_shown(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer) -> None:
    info = catalogue().get("fns.egrul")
    settings = _settings(footprint, tmp_path, simulator)
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],  # type: ignore[arg-type]
                     extra=[ConsoleAnswers]) as hub:
        sample = info.sample_request()
        assert sample is not None
        request = hub.publish(sample)  # as the console's compose page does
        wait_for(lambda: "sent" in hub.trail(request.id), message="SendRequest sent")
        _poll_now(hub)
        wait_for(lambda: hub.count(received, received.c.kind == "response") == 1,
                 message="the answer was taken in")
        with hub.db.read() as conn:
            answer = conn.execute(sa.select(received.c.envelope_id).where(
                received.c.kind == "response")).scalar_one()
            sent = conn.execute(sa.select(outgoing)).one()
        wait_for(lambda: "handled" in hub.trail(answer) or "delivered" in hub.trail(answer),
                 message="the console's answers component took the answer")
        with hub.db.read() as conn:
            parked = conn.execute(sa.select(journal_events.c.message_id).where(
                journal_events.c.status == "parked")).all()
        assert parked == [], "the answer is not parked"
        replies = answers_to(hub.db, sent.message_id)
        assert [(r["kind"], r["outcome"]) for r in replies if r["kind"] == "ответ"] == [
            ("ответ", "принято хабом")]
        assert any(r["envelope_id"] == answer for r in replies)
