"""The dashboard of a running hub on both footprints: what crossed the hub, and its queues
as the broker reports them (exact on the embedded broker; unacknowledged explained on
RabbitMQ)."""

from __future__ import annotations

import re
from pathlib import Path

from admin.server import ConsoleServer
from contracts.envelope import utcnow
from contracts.probe import ProbeV1
from handlers.probe.models import probe_receipts
from hub.testing import running_hub, wait_for
from tests.admin.conftest import form_logins, seed_user
from tests.conftest import Footprint

CORE = ["hub.router", "handler.probe", "adapter.probe"]
PROBE_QUEUE = "omshub.handler.probe"


def _cells(page: str, queue: str) -> list[str]:
    row = re.search(rf'<tr data-queue="{re.escape(queue)}"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None, queue
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_dashboard_of_a_running_hub(footprint: Footprint, tmp_path: Path) -> None:
    with running_hub(footprint.settings(tmp_path), CORE) as hub:
        hub.publish_many([ProbeV1(seq=i, sent_at=utcnow()) for i in range(7)])
        wait_for(lambda: hub.count(probe_receipts) == 7, message="7 probes handled")
        seed_user(hub.db, "viewer", "viewer")
        console = ConsoleServer(hub.process)  # the console `omshub up` serves, not started
        with form_logins(console.app) as login:
            page = login("viewer").get("/dashboard").text

    flow = page.split('id="flow"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<desc[^>]*>Всего 7 сообщений в минуту .*hub\.probe: 7", flow), flow[:600]
    statuses = page.split('id="statuses"', 1)[1].split("</table>", 1)[0]
    assert re.search(r'data-status="handled">.*?обработано.*?>7</td>', statuses, re.S)
    ready, consumers, unacked = _cells(page, PROBE_QUEUE)[1:]
    assert (ready, consumers) == ("0", "1")
    if footprint.name == "embedded":
        assert unacked == "0"
    else:
        assert unacked == "нет данных*" and "rabbitmq_management" in page
