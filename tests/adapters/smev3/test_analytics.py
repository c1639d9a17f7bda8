"""Analytics per information type (SMEV-6): the simulator's traffic through the real adapter,
read on the console's page, in its Excel export and in the Prometheus metrics.

The fund asks the simulated ФНС for three ЕГРЮЛ extracts: two are answered, the third is
rejected (the simulated ФНС has no data: NO_DATA); the simulated ФОМС asks the fund for
medical services, and the fund answers. All of it over HTTP, through the hub.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from prometheus_client import REGISTRY

from adapters.smev3 import analytics
from adapters.smev3.models import outgoing, received
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatorServer
from hub.testing import TestHub, running_hub, wait_for
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.adapters.smev3.test_exchange import EgrulAsker, ServicesProvider, _poll_now, answers
from tests.conftest import Footprint

EGRUL, SERVICES = "fns.egrul", "ffoms.services"


def _metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _ask(hub: TestHub, answered: int) -> None:
    """One ЕГРЮЛ request through the hub, sent, polled for, and its answer taken in."""
    request = hub.publish(catalogue().get(EGRUL).sample_request())
    wait_for(lambda: "sent" in hub.trail(request.id), message="SendRequest sent")
    _poll_now(hub)
    wait_for(lambda: hub.count(received, received.c.kind.in_(("response", "reject")))
             == answered, timeout=30, message="the answer or rejection taken in")


def _console(hub: TestHub) -> Any:
    from adapters.smev3.console.pages import extension
    from admin.app import create_app
    from hub.operations import Operations

    process = hub.process
    app = create_app(hub.db, Operations(hub.db, process.bus, process.plugins.types),
                     process.plugins.types, secret_key="test-secret-key-0123456789",
                     settings=process.settings, extensions=[("smev3", extension)])
    assert app.state.extension_errors == {}
    return app


def _cells(text: str, key: str) -> dict[str, str]:
    row = re.search(rf'<tr data-type="{re.escape(key)}"[^>]*>(.*?)</tr>', text, re.S)
    assert row, f"no row of {key}"
    found = dict(re.findall(r'data-(?:kind|figure)="(\w+)">([^<]*)<', row.group(1)))
    return {k: v.strip() for k, v in found.items()}


def test_the_page_and_the_metrics_show_the_simulators_traffic(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.admin.conftest import console_logins

    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": simulator.url, "types": [EGRUL, SERVICES], "retry_delays": [1, 1]}})
    before: dict[str, float] = {
        "rejects": _metric("omshub_smev3_messages_total", type=EGRUL, direction="in",
                           kind="reject"),
        "responses": _metric("omshub_smev3_messages_total", type=EGRUL, direction="in",
                             kind="response"),
        "timed": _metric("omshub_smev3_answer_seconds_count", type=EGRUL),
        "asked": _metric("omshub_smev3_messages_total", type=EGRUL, direction="out",
                         kind="request"),
    }
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],  # type: ignore[arg-type]
                     extra=[EgrulAsker, ServicesProvider]) as hub:
        _ask(hub, 1)
        _ask(hub, 2)
        wait_for(lambda: hub.count(answers) == 2, message="both answers reached the handler")
        # The simulated ФНС has no data for the third request: a NO_DATA rejection.
        monkeypatch.setattr(catalogue().get(EGRUL), "sample_response", lambda request: None)
        _ask(hub, 3)
        # The simulated ФОМС asks the fund; the fund's subsystem answers through the adapter.
        asked = simulator.smev.offer_request(catalogue().get(SERVICES))
        _poll_now(hub)
        wait_for(lambda: f"sim:{asked}" in simulator.smev.answers, timeout=30,
                 message="the fund's answer reached the simulated ФОМС")
        wait_for(lambda: hub.count(outgoing, outgoing.c.kind == "response") == 1,
                 message="the answer's row")
        app = _console(hub)
        with console_logins(app, hub.db) as login:
            viewer = login("viewer")
            page = viewer.get("/smev3/analytics?period=hour")
            overview = viewer.get("/smev3").text
            export = viewer.get("/smev3/analytics.xlsx?period=day")
            wrong = viewer.get("/smev3/analytics?period=year")
            metrics = viewer.get("/metrics").text
    assert page.status_code == 200, page.text
    text = page.text
    (tmp_path / "smev3-analytics.html").write_text(text, "utf-8")
    if os.environ.get("SMEV3_ANALYTICS_HTML"):
        Path(os.environ["SMEV3_ANALYTICS_HTML"]).write_text(text, "utf-8")
    assert 'href="/smev3/analytics"' in overview
    assert "аналитика по видам сведений" in text and 'aria-current="page">Час<' in text

    egrul = _cells(text, EGRUL)
    assert (egrul["requests"], egrul["answers"], egrul["rejections"], egrul["faults"]) == \
        ("3", "2", "1", "0")
    # The time from request to answer is a number of seconds (Russian decimal comma).
    assert re.fullmatch(r"\d+,\d с", egrul["p50"]), egrul["p50"]
    assert re.fullmatch(r"\d+,\d с", egrul["p95"]), egrul["p95"]
    assert egrul["pending"] == "0"
    services = _cells(text, SERVICES)
    assert (services["requests"], services["answers"], services["rejections"]) == \
        ("1", "1", "0")
    assert services["p50"] == "—", "the fund answers: nothing of ours waited"
    assert "<svg" in text and "Отказы" in text and "Всего 8 сообщений" in text
    # The second chart: each type's messages (three requests, two answers, a rejection).
    assert "fns.egrul: 6" in text and "ffoms.services: 2" in text and "fns.egrip:" not in text

    assert wrong.status_code == 400 and "неделя (week)" in wrong.text

    # Excel: real numbers and real date-times, the rejection counted.
    assert export.status_code == 200
    assert "smev3-analytics-day" in export.headers["content-disposition"]
    book = load_workbook(io.BytesIO(export.content))
    rows = {r[0]: r for r in book["По видам сведений"].iter_rows(min_row=2, values_only=True)}
    assert rows[EGRUL][1:5] == (3, 2, 1, 0)
    assert isinstance(rows[EGRUL][6], float) and rows[EGRUL][6] >= 0
    assert rows["Итого"][1] == 4
    times = list(book["По времени"].iter_rows(min_row=2, values_only=True))
    assert len(times) == 24 and all(isinstance(t[0], datetime) for t in times)
    assert sum(t[3] for t in times) == 1, "one rejection over the day"

    # Prometheus: counted where it happened, in the adapter's process (here the same one).
    def grew(key: str, name: str, **labels: str) -> float:
        return _metric(name, **labels) - before[key]

    assert grew("asked", "omshub_smev3_messages_total", type=EGRUL, direction="out",
                kind="request") == 3
    assert grew("responses", "omshub_smev3_messages_total", type=EGRUL, direction="in",
                kind="response") == 2
    assert grew("rejects", "omshub_smev3_messages_total", type=EGRUL, direction="in",
                kind="reject") == 1
    assert grew("timed", "omshub_smev3_answer_seconds_count", type=EGRUL) == 3
    assert 'omshub_smev3_messages_total{direction="in",kind="reject",type="fns.egrul"}' \
        in metrics
    assert "omshub_smev3_answer_seconds_bucket" in metrics
    assert "# TYPE omshub_smev3_backlog gauge" in metrics


def test_percentiles_and_durations_read_as_an_operator_reads_them() -> None:
    assert analytics.percentile([], 50) is None
    assert analytics.percentile([3.0, 1.0, 2.0, 10.0], 50) == 2.0
    assert analytics.percentile([float(i) for i in range(1, 101)], 95) == 95.0
    show: Callable[[float | None], str] = analytics.seconds_text
    assert (show(None), show(4.25), show(185), show(7300)) == \
        ("—", "4,2 с", "3 мин 5 с", "2 ч 1 мин")
